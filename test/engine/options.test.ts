import { describe, expect, it } from 'vitest';
import * as core from '@layerwise/core';
import { ConfigError, Input, Layer, Model, Sequential, Tensor, suggestKey, describeValue } from '@layerwise/core';
import * as L from '@layerwise/layers';
import { ImageDataGenerator } from '@layerwise/augment';
import { cifar10, fashionMnist, flowFromDirectory, getFile, imageDatasetFromDirectory, mnist, trainTestSplit } from '@layerwise/data';
import { modelToDot, plotHistory, plotModel } from '@layerwise/plot';
import { OnnxBackend, onnx } from '@layerwise/backend-onnx';
import { TfjsBackend, tfjs } from '@layerwise/backend-tfjs';
import { InceptionV3, MobileNetV2, ResNet50, VGG16, VGG19, Xception } from '@layerwise/applications';
import { toyData } from '../helpers/models.js';

/**
 * Issue 15, item 1: every options object of the public API refuses a key it does not know,
 * naming the call and suggesting the key meant, as Keras refuses an unknown keyword argument;
 * a positional value where the options object belongs is refused too.
 */

/** Throws synchronously or rejects: the error either way. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return undefined;
}

const { x, y } = toyData(8);
function compiled(): Sequential {
  const m = new Sequential();
  m.add(new L.Dense(4, { inputDim: 16, activation: 'softmax' }));
  m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}
const built = compiled();
const images = Tensor.zeros([4, 8, 8, 3]);

type Call = (options: any) => unknown;
/**
 * Every public entry point that takes an options object: [where it says it is, the call, a
 * misspelling users make, the key it should suggest].
 */
const ENTRY_POINTS: [string, Call, string, string][] = [
  ['Sequential', (o) => new Sequential(o), 'Layers', 'layers'],
  ['Input', (o) => Input(o), 'batch_shape', 'batchShape'],
  ['Functional', (o) => new Model(o), 'input', 'inputs'],
  ['compile', (o) => compiled().compile({ loss: 'mse', ...o }), 'step_per_execution', 'stepsPerExecution'],
  ['fit', (o) => built.fit(x, y, o), 'batch_size', 'batchSize'],
  ['fit', (o) => built.fitGenerator([[x, y]], o), 'epoch', 'epochs'],
  ['evaluate', (o) => built.evaluate(x, y, o), 'verbos', 'verbose'],
  ['evaluate', (o) => built.evaluateGenerator([[x, y]], o), 'step', 'steps'],
  ['predict', (o) => built.predict(x, o), 'batchsize', 'batchSize'],
  ['predict', (o) => built.predictGenerator([x], o), 'Steps', 'steps'],
  ['SGD', (o) => new core.SGD(o), 'learning_rate', 'learningRate'],
  ['Adagrad', (o) => new core.Adagrad(o), 'initial_accumulator_value', 'initialAccumulatorValue'],
  ['RMSprop', (o) => new core.RMSprop(o), 'centred', 'centered'],
  ['Adam', (o) => new core.Adam(o), 'beta_1', 'beta1'],
  ['Adadelta', (o) => new core.Adadelta(o), 'epsilom', 'epsilon'],
  ['EarlyStopping', (o) => new core.EarlyStopping(o), 'restore_best_weights', 'restoreBestWeights'],
  ['ModelCheckpoint', (o) => new core.ModelCheckpoint('/tmp/unused.keras', o), 'save_best_only', 'saveBestOnly'],
  ['ImageDataGenerator', (o) => new ImageDataGenerator(o), 'width_shift_range', 'widthShiftRange'],
  ['ImageDataGenerator.fit', (o) => new ImageDataGenerator({ featurewiseCenter: true }).fit(images, o), 'round', 'rounds'],
  ['ImageDataGenerator.flow', (o) => new ImageDataGenerator().flow(images, null, o), 'sample_weight', 'sampleWeight'],
  ['ImageDataGenerator.flowFromDirectory', (o) => new ImageDataGenerator().flowFromDirectory('/nonexistent', o), 'target_size', 'targetSize'],
  ['flowFromDirectory', (o) => flowFromDirectory('/nonexistent', o), 'class_mode', 'classMode'],
  ['imageDatasetFromDirectory', (o) => imageDatasetFromDirectory('/nonexistent', o), 'image_size', 'imageSize'],
  ['mnist.loadData', (o) => mnist.loadData(o), 'cache_dir', 'cacheDir'],
  ['fashionMnist.loadData', (o) => fashionMnist.loadData(o), 'fallback_to_sample', 'fallbackToSample'],
  ['cifar10.loadData', (o) => cifar10.loadData(o), 'pth', 'path'],
  ['getFile', (o) => getFile('f.txt', 'http://127.0.0.1:9/f.txt', o), 'file_hash', 'fileHash'],
  ['trainTestSplit', (o) => trainTestSplit(x, o), 'test_size', 'testSize'],
  ['plotModel', (o) => plotModel(built, o), 'to_file', 'toFile'],
  ['modelToDot', (o) => modelToDot(built, o), 'show_shapes', 'showShapes'],
  ['plotHistory', (o) => plotHistory({ loss: [1, 0.5] }, o), 'metric', 'metrics'],
  ['OnnxBackend', (o) => new OnnxBackend(o), 'intra_op_num_threads', 'intraOpNumThreads'],
  ['TfjsBackend', (o) => new TfjsBackend(o), 'kernel', 'kernels'],
  ['onnx', (o) => onnx(o), 'executionProvider', 'executionProviders'],
  ['onnx', (o) => onnx(o), 'graph_optimization_level', 'graphOptimizationLevel'],
  ['tfjs', (o) => tfjs(o), 'Report', 'report'],
  ['VGG16', (o) => VGG16({ weights: null, ...o }), 'include_top', 'includeTop'],
  ['VGG19', (o) => VGG19({ weights: null, ...o }), 'input_shape', 'inputShape'],
  ['ResNet50', (o) => ResNet50({ weights: null, ...o }), 'classifier_activation', 'classifierActivation'],
  ['InceptionV3', (o) => InceptionV3({ weights: null, ...o }), 'pooling_', 'pooling'],
  ['Xception', (o) => Xception({ weights: null, ...o }), 'clases', 'classes'],
  ['MobileNetV2', (o) => MobileNetV2({ weights: null, ...o }), 'alpah', 'alpha'],
];

/** Every layer of the catalogue, made with its positional arguments. */
const LAYERS: Record<string, Call> = {
  Dense: (o) => new L.Dense(2, o),
  Activation: (o) => new L.Activation('relu', o),
  ReLU: (o) => new L.ReLU(o),
  Dropout: (o) => new L.Dropout(0.5, o),
  Flatten: (o) => new L.Flatten(o),
  Reshape: (o) => new L.Reshape([4], o),
  Permute: (o) => new L.Permute([2, 1], o),
  RepeatVector: (o) => new L.RepeatVector(2, o),
  ZeroPadding2D: (o) => new L.ZeroPadding2D(1, o),
  Cropping2D: (o) => new L.Cropping2D(1, o),
  UpSampling2D: (o) => new L.UpSampling2D(o),
  BatchNormalization: (o) => new L.BatchNormalization(o),
  LayerNormalization: (o) => new L.LayerNormalization(o),
  Conv2D: (o) => new L.Conv2D(2, 3, o),
  DepthwiseConv2D: (o) => new L.DepthwiseConv2D(3, o),
  SeparableConv2D: (o) => new L.SeparableConv2D(2, 3, o),
  Conv2DTranspose: (o) => new L.Conv2DTranspose(2, 3, o),
  MaxPooling2D: (o) => new L.MaxPooling2D(o),
  AveragePooling2D: (o) => new L.AveragePooling2D(o),
  GlobalAveragePooling2D: (o) => new L.GlobalAveragePooling2D(o),
  GlobalMaxPooling2D: (o) => new L.GlobalMaxPooling2D(o),
  Add: (o) => new L.Add(o),
  Subtract: (o) => new L.Subtract(o),
  Multiply: (o) => new L.Multiply(o),
  Average: (o) => new L.Average(o),
  Maximum: (o) => new L.Maximum(o),
  Minimum: (o) => new L.Minimum(o),
  Concatenate: (o) => new L.Concatenate(o),
  Rescaling: (o) => new L.Rescaling(1 / 255, o),
};

describe('an unknown option is refused with the call, a suggestion and the known options', () => {
  it.each(ENTRY_POINTS)('%s', async (where, call, typo, meant) => {
    const err = await errorOf(() => call({ [typo]: 1 }));
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(`${where}: unknown option '${typo}' (did you mean '${meant}'?)`);
    expect(message).toMatch(new RegExp(`Known options: .*\\b${meant}\\b`));
  });

  it.each(ENTRY_POINTS)('%s: a positional number where the options belong', async (where, call, typo) => {
    // predictGenerator(gen, steps) is Keras 2's predict_generator(gen, steps): a number there is steps.
    if (where === 'predict' && typo === 'Steps') return;
    // compile's and the applications' rows spread the options into an object (a number spreads to
    // nothing); trainTestSplit takes its arrays positionally, so a number there is an array error.
    if (where === 'compile' || where === 'trainTestSplit' || /^(VGG|ResNet|Inception|Xception|MobileNet)/.test(where)) return;
    const err = await errorOf(() => call(32));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${where}: expected an options object`);
    expect((err as Error).message).toContain('got 32 (a number)');
  });

  it.each(Object.entries(LAYERS))('layer %s', async (name, make) => {
    expect(make({ name: `ok_${name.toLowerCase()}` })).toBeInstanceOf(Layer);
    const err = await errorOf(() => make({ activaton: 'relu', input_shape: [4] }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${name}: unknown option 'activaton'`);
    expect(await errorOf(() => make({ input_shape: [4] }))).toHaveProperty('message', expect.stringContaining("(did you mean 'inputShape'?)"));
    expect(await errorOf(() => make(784))).toHaveProperty('message', expect.stringContaining(`${name}: expected an options object`));
  });

  it('every layer class the catalogue exports is in the table above', () => {
    const exported = Object.entries(L)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Layer && Object.hasOwn(v, 'className'))
      .map(([k]) => k)
      .sort();
    expect(exported).toEqual(Object.keys(LAYERS).sort());
  });

  it('every optimizer and callback core exports is in the table above, or takes no options object', () => {
    const names = ENTRY_POINTS.map(([where]) => where);
    const positionalOnly = ['History', 'ProgbarLogger', 'TerminateOnNaN', 'LearningRateScheduler', 'CSVLogger'];
    const classes = Object.entries(core).filter(([, v]) => typeof v === 'function' && (v.prototype instanceof core.Optimizer || v.prototype instanceof core.Callback));
    expect(classes.length).toBeGreaterThan(8);
    for (const [k] of classes) expect(positionalOnly.includes(k) || names.includes(k), k).toBe(true);
  });
});

describe('the examples of the issue', () => {
  it("new Dense(50, { inputDim: 784, activaton: 'relu' }) is refused, suggesting activation", () => {
    expect(() => new L.Dense(50, { inputDim: 784, activaton: 'relu' } as L.DenseArgs)).toThrow(
      /Dense: unknown option 'activaton' \(did you mean 'activation'\?\)\. Known options: name, trainable, inputShape, inputDim, batchSize, dtype, activityRegularizer, activation, useBias/,
    );
  });
  it('fit(x, y, { batch_size: 100 }) and fit(x, y, 32, 10) are refused before training', async () => {
    const m = compiled();
    const before = m.getWeights().map((w) => Array.from(w.data));
    await expect(m.fit(x, y, { batch_size: 100 } as never)).rejects.toThrow(/fit: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    await expect((m.fit as (...a: unknown[]) => unknown)(x, y, 32, 10)).rejects.toThrow(/fit: expected an options object such as \{ batchSize: … \}, got 32 \(a number\)/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });
  it('a layer name given in the options shows in the message', () => {
    expect(() => new L.Conv2D(4, 3, { name: 'conv1', stride: 2 } as never)).toThrow(/Conv2D 'conv1': unknown option 'stride' \(did you mean 'strides'\?\)/);
  });
});

describe('suggestions', () => {
  it.each([
    ['batch_size', ['batchSize', 'epochs'], 'batchSize'],
    ['activaton', ['activation', 'useBias'], 'activation'],
    ['BatchSize', ['batchSize'], 'batchSize'],
    ['validation_split', ['validationSplit', 'validationData'], 'validationSplit'],
    ['kernel_initializer', ['kernelInitializer', 'biasInitializer'], 'kernelInitializer'],
    ['verbsoe', ['verbose'], 'verbose'],
    ['zzz', ['batchSize', 'epochs'], undefined],
  ])('%s among %j → %s', (key, known, meant) => {
    expect(suggestKey(key, known)).toBe(meant);
  });
  it.each([
    ['5', "'5' (a string)"],
    [2.5, '2.5 (a number)'],
    [true, 'true (a boolean)'],
    [null, 'null'],
    [[1, 2], 'an array of 2'],
    [Tensor.zeros([2, 3]), 'a Tensor of shape [2, 3]'],
  ])('describeValue(%j)', (v, text) => {
    expect(describeValue(v)).toBe(text);
  });
});
