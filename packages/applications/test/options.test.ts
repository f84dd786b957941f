// Every keras.applications argument: Keras' checks and messages, the heads, inputTensor, and
// which weights file `weights: 'imagenet'` asks for (getFile replaced by a recorder).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, Input, clearSession, type Model } from '@layerwise/core';
import { Rescaling } from '@layerwise/layers';
import { InceptionV3, MobileNetV2, ResNet50, VGG16, WEIGHTS_FILES, Xception, mobilenetV2WeightsFile, obtainInputShape } from '@layerwise/applications';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { formulaWeights, syntheticBatch } from './helpers/formula.js';
import { BUILDERS, optionsFrom, readFixture, type ModelKey } from './helpers/fixtures.js';

// What the zoo asks @layerwise/data's getFile for; answered with `served` (a weights file) or a refusal.
const getFileCalls: { fname: string; origin: string; options: { fileHash?: string; cacheSubdir?: string } }[] = [];
let served: string | null = null;
vi.mock('@layerwise/data', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  getFile: async (fname: string, origin: string, options: { fileHash?: string; cacheSubdir?: string }) => {
    getFileCalls.push({ fname, origin, options });
    if (served === null) throw new Error('offline (test)');
    return served;
  },
}));

beforeEach(() => {
  clearSession();
  getFileCalls.length = 0;
  served = null;
});
afterEach(() => vi.restoreAllMocks());

const tmp = mkdtempSync(join(tmpdir(), 'lw-zoo-'));

describe("Keras' argument checks, with Keras' messages", () => {
  it('weights must be null, imagenet or an existing file (each model words it as its Keras module does)', async () => {
    await expect(VGG16({ weights: '/no/such/file.h5' })).rejects.toThrow(
      new ConfigError("The `weights` argument should be either `None` (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded.  Received: weights=/no/such/file.h5"),
    );
    await expect(InceptionV3({ weights: 'nope' })).rejects.toThrow('`imagenet` (pre-training on ImageNet), or the path to the weights file to be loaded; Received: weights=nope');
    await expect(Xception({ weights: 'nope' })).rejects.toThrow(/or the path to the weights file to be loaded\.$/);
    await expect(MobileNetV2({ weights: 'nope' })).rejects.toThrow('loaded.  Received `weights=nope`');
  });

  it('classes must be 1000 with ImageNet weights and the top', async () => {
    await expect(VGG16({ classes: 10 })).rejects.toThrow("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes=10");
    await expect(InceptionV3({ classes: 10 })).rejects.toThrow('If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. Received classes=10');
    await expect(MobileNetV2({ classes: 10 })).rejects.toThrow('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000. Received `classes=10`');
    // Without the top, or without ImageNet weights, any number of classes.
    const m = await MobileNetV2({ weights: null, classes: 10, inputShape: [32, 32, 3] });
    expect(m.outputShape).toEqual([null, 10]);
  });

  it('inputShape: the default size with the ImageNet classifier, 3 channels, a minimum size', async () => {
    await expect(VGG16({ inputShape: [200, 200, 3] })).rejects.toThrow(
      'When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be (224, 224, 3).  Received: input_shape=(200, 200, 3)',
    );
    await expect(ResNet50({ includeTop: false, inputShape: [64, 64, 1] })).rejects.toThrow('The input must have 3 channels; Received `input_shape=(64, 64, 1)`');
    await expect(VGG16({ weights: null, includeTop: false, inputShape: [31, 40, 3] })).rejects.toThrow('Input size must be at least 32x32; Received: input_shape=(31, 40, 3)');
    await expect(InceptionV3({ weights: null, includeTop: false, inputShape: [74, 200, 3] })).rejects.toThrow('Input size must be at least 75x75');
    await expect(Xception({ weights: null, includeTop: false, inputShape: [70, 70, 3] })).rejects.toThrow('Input size must be at least 71x71');
    await expect(ResNet50({ weights: null, includeTop: false, inputShape: [64, 64] })).rejects.toThrow('`input_shape` must be a tuple of three integers.');
  });

  it("obtainInputShape is Keras' obtain_input_shape", () => {
    const args = { defaultSize: 224, minSize: 32, dataFormat: 'channels_last' as const, requireFlatten: true, weights: 'imagenet' };
    expect(obtainInputShape(null, args)).toEqual([224, 224, 3]);
    expect(obtainInputShape(null, { ...args, requireFlatten: false })).toEqual([null, null, 3]);
    expect(obtainInputShape(null, { ...args, dataFormat: 'channels_first', requireFlatten: false })).toEqual([3, null, null]);
    expect(obtainInputShape([3, 64, 64], { ...args, dataFormat: 'channels_first', requireFlatten: false })).toEqual([3, 64, 64]);
    expect(() => obtainInputShape([null, 64, 3], { ...args, weights: null })).toThrow('If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=(None, 64, 3)');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(obtainInputShape([64, 64, 4], { ...args, weights: null, requireFlatten: false })).toEqual([64, 64, 4]);
    expect(warn).toHaveBeenCalledWith('This model usually expects 1 or 3 input channels. However, it was passed an input_shape with 4 input channels.');
  });

  it('classifierActivation: only softmax or none with pretrained weights; anything without', async () => {
    await expect(MobileNetV2({ classifierActivation: 'relu' })).rejects.toThrow(
      'Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when using pretrained weights, with `include_top=True`; Received: classifier_activation=relu',
    );
    const m = await MobileNetV2({ weights: null, classifierActivation: 'sigmoid', inputShape: [32, 32, 3] });
    expect((m.getLayer('predictions') as unknown as { activation: string }).activation).toBe('sigmoid');
  });

  it('MobileNetV2: alpha must have ImageNet weights; inputTensor and inputShape must agree', async () => {
    await expect(MobileNetV2({ alpha: 0.6 })).rejects.toThrow(
      'If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha=0.6`',
    );
    const t = Input({ shape: [96, 96, 3] });
    await expect(MobileNetV2({ weights: null, includeTop: false, inputTensor: t, inputShape: [96, 64, 3] })).rejects.toThrow(
      'input_tensor.shape[2] must equal input_shape[1]; Received `input_tensor.shape=(None, 96, 96, 3)`, `input_shape=(96, 64, 3)`',
    );
  });
});

describe('heads and inputs', () => {
  it.each([
    ['vgg16', { pooling: null }, [null, 1, 1, 512]],
    ['vgg16', { pooling: 'avg' }, [null, 512]],
    ['resnet50', { pooling: 'max' }, [null, 2048]],
    ['mobilenet_v2', { pooling: 'avg', alpha: 0.5 }, [null, 1280]],
  ] as const)('%s without the top, %j → %j', async (key, extra, shape) => {
    const m = await BUILDERS[key as ModelKey]({ weights: null, includeTop: false, inputShape: [32, 32, 3], ...extra });
    expect(m.outputShape).toEqual(shape);
    expect(m.layers.some((l) => l.name === 'predictions')).toBe(false);
  });

  it("inputTensor: the model starts at the tensor's own inputs (Keras' get_source_inputs)", async () => {
    const inputs = Input({ shape: [64, 64, 3] });
    const scaled = new Rescaling(1 / 127.5, { offset: -1 }).apply(inputs);
    const m = await MobileNetV2({ weights: null, includeTop: false, inputTensor: scaled, pooling: 'avg' });
    expect(m.inputs).toEqual([inputs]);
    expect(m.layers[1].className).toBe('Rescaling');
    expect(m.name).toBe('mobilenetv2_1.00_None'); // Keras too: rows come from inputShape, here unset
    expect(m.outputShape).toEqual([null, 1280]);
    await expect(VGG16({ weights: null, inputTensor: 'x' as never })).rejects.toThrow(/inputTensor must be a symbolic tensor/);
  });

  it('name: Keras\' defaults, or the one given', async () => {
    expect((await MobileNetV2({ weights: null, alpha: 0.35, inputShape: [96, 96, 3], includeTop: false })).name).toBe('mobilenetv2_0.35_96');
    expect((await MobileNetV2({ weights: null, inputShape: [40, 48, 3], includeTop: false })).name).toBe('mobilenetv2_1.00_40');
    expect((await VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3], name: 'features' })).name).toBe('features');
  });
});

interface WeightsFileCase {
  model: ModelKey;
  kwargs: Record<string, unknown>;
  fname: string;
  origin: string;
  cacheSubdir: string;
  fileHash: string | null;
}
const weightFiles = readFixture<{ cases: WeightsFileCase[] }>('weights-files.json').cases;
const expected = (c: WeightsFileCase) => ({ fname: c.fname, origin: c.origin, options: { cacheSubdir: c.cacheSubdir, ...(c.fileHash ? { fileHash: c.fileHash } : {}) } });

describe("weights: 'imagenet' asks for Keras' file (fixtures/zoo/weights-files.json, recorded from Keras' get_file calls)", () => {
  it.each(weightFiles.filter((c) => c.model !== 'mobilenet_v2').map((c) => [`${c.model} ${JSON.stringify(c.kwargs)}`, c] as const))('%s (table)', (_t, c) => {
    const files = WEIGHTS_FILES[c.model as Exclude<ModelKey, 'mobilenet_v2'>];
    const f = c.kwargs.include_top === false ? files.notop : files.top;
    expect({ fname: f.fname, origin: f.origin, options: { cacheSubdir: 'models', ...(f.fileHash ? { fileHash: f.fileHash } : {}) } }).toEqual(expected(c));
  });

  it.each(
    weightFiles.filter((c) => c.model === 'mobilenet_v2' || (c.model === 'resnet50' && c.kwargs.include_top)).map((c) => [`${c.model} ${JSON.stringify(c.kwargs)}`, c] as const),
  )('%s (built, getFile called)', async (_t, c) => {
    const options = optionsFrom(c.kwargs);
    if (options.includeTop === false && !options.inputShape) options.inputShape = [224, 224, 3];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(BUILDERS[c.model](options)).rejects.toThrow('offline (test)');
    expect(getFileCalls).toEqual([expected(c)]);
    // Keras warns when no ImageNet weights exist for the size, and loads the 224 ones.
    expect(warn.mock.calls.length > 0).toBe(c.kwargs.input_shape !== undefined && ![96, 128, 160, 192, 224].includes((c.kwargs.input_shape as number[])[0]));
  });

  it('mobilenetV2WeightsFile writes alpha as Python does', () => {
    expect(mobilenetV2WeightsFile(1, 224, true).fname).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5');
    expect(mobilenetV2WeightsFile(0.5, 96, false).fname).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96_no_top.h5');
  });
});

describe('weights loaded from a file', () => {
  /** A model with formula weights, saved as `name` (.weights.h5: Keras 3's layout; .h5: Keras 2's, as Keras publishes ImageNet weights). */
  async function reference(name: string): Promise<{ model: Model; file: string }> {
    const model = await MobileNetV2({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: 'avg', alpha: 0.35 });
    formulaWeights(model);
    const file = join(tmp, name);
    await model.saveWeights(file);
    return { model, file };
  }
  const x = syntheticBatch([0, 1], 32, 32);

  it('weights: a path loads that file', async () => {
    const { model, file } = await reference('mobilenet.weights.h5');
    clearSession();
    const loaded = await MobileNetV2({ weights: file, includeTop: false, inputShape: [32, 32, 3], pooling: 'avg', alpha: 0.35 });
    for (const m of [model, loaded]) m.setBackend(new OnnxBackend());
    expect(Array.from((await loaded.predict(x, { verbose: 0 })).data)).toEqual(Array.from((await model.predict(x, { verbose: 0 })).data));
  });

  it("weights: 'imagenet' loads the file getFile returns", async () => {
    const { model, file } = await reference('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5');
    clearSession();
    served = file;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const loaded = await MobileNetV2({ includeTop: false, inputShape: [32, 32, 3], pooling: 'avg', alpha: 0.35 });
    expect(warn).toHaveBeenCalledOnce();
    expect(getFileCalls.map((c) => c.fname)).toEqual(['mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5']);
    for (const m of [model, loaded]) m.setBackend(new OnnxBackend());
    expect(Array.from((await loaded.predict(x, { verbose: 0 })).data)).toEqual(Array.from((await model.predict(x, { verbose: 0 })).data));
  });
});
