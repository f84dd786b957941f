import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Model, Tensor, loadModel } from '@layerwise/core';
import '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';
import { MODEL_FILES, UPDATE_MODEL_FILES, expectFixtureOutputs, expectResavedSame, fixtureModels } from '../helpers/model-files.js';

/**
 * .keras files written by real Keras 3 (fixtures/model-files/keras3, made by
 * scripts/fixtures/make_model_file_fixtures.py): each loads and predicts Keras' outputs on
 * every backend; re-saved by Layerwise, it loads again the same; and Keras 3 loads what
 * Layerwise wrote (the script's `check`, results in layerwise-check.json).
 */
const ROOT = MODEL_FILES;
const expected = fixtureModels('keras3');
const NAMES = Object.keys(expected);
const dir = mkdtempSync(join(tmpdir(), 'lw-keras-files-'));

describe('.keras files from Keras 3', () => {
  it('covers ≥ 12 models', () => expect(NAMES.length).toBeGreaterThanOrEqual(12));

  for (const { name: backendName, backend } of BACKENDS) {
    it.each(NAMES)(`%s predicts Keras' outputs within 1e-5 on ${backendName}`, async (name) => {
      const e = expected[name];
      const model = await loadModel(join(ROOT, 'keras3', `${name}.keras`));
      expect(model.name).toBe(name);
      expect(Boolean(model.optimizer)).toBe(e.compiled);
      await expectFixtureOutputs(model, e, backend);
    });
  }

  it.each(NAMES)('%s re-saved by Layerwise loads again with the same outputs, config and compile state', async (name) => {
    const model = await loadModel(join(ROOT, 'keras3', `${name}.keras`));
    await expectResavedSame(model, join(dir, `${name}.keras`), expected[name]);
  });

  it('Keras 3 loads every file Layerwise wrote and predicts the same (layerwise-check.json, from the script)', () => {
    const check = JSON.parse(readFileSync(join(ROOT, 'layerwise-check.json'), 'utf8'));
    for (const name of NAMES) {
      expect(check.models[name], name).toMatchObject({ loaded: true, compiled: expected[name].compiled });
      expect(check.models[name].max_abs_diff, name).toBeLessThan(1e-5);
    }
  });

  it('the reverse resume: Keras resumes 5 steps from the .keras Layerwise saved after step 10; the losses are Keras’ own steps 11-15 within 1e-5', () => {
    const { resume } = JSON.parse(readFileSync(join(ROOT, 'layerwise-check.json'), 'utf8'));
    expect(resume.losses_after).toHaveLength(5);
    expect(maxAbsDiff(resume.losses_after, resume.losses_keras_15.slice(10))).toBeLessThan(1e-5);
  });
});

describe('resume across tools', () => {
  const r = JSON.parse(readFileSync(join(ROOT, 'keras3/resume.json'), 'utf8'));
  const x = Tensor.from(r.x);
  const y = Tensor.from(r.y);
  const rows = (t: Tensor, i: number) => new Tensor(t.data.slice(i * 8 * t.shape[1], (i + 1) * 8 * t.shape[1]), [8, t.shape[1]], t.dtype);

  /** Steps 5…9 as the script takes them (batch k mod 5), each followed by the loss over all rows. */
  async function fiveSteps(model: Model): Promise<number[]> {
    const losses: number[] = [];
    for (let k = 5; k < 10; k++) {
      await model.fit(rows(x, k % 5), rows(y, k % 5), { batchSize: 8, epochs: 1, shuffle: false, verbose: 0 });
      const loss = await model.evaluate(x, y, { batchSize: 40, verbose: 0 });
      losses.push(Array.isArray(loss) ? loss[0] : loss);
    }
    return losses;
  }

  for (const { name: backendName, backend } of BACKENDS) {
    it(`Keras trains 5 steps and saves; Layerwise resumes 5 steps: the losses are Keras' own steps 6-10 within 1e-5 (${backendName})`, async () => {
      const model = await loadModel(join(ROOT, 'keras3/resume.keras'));
      model.setBackend(backend);
      expect(model.optimizerState.iterations).toBe(5);
      const losses = await fiveSteps(model);
      expect(maxAbsDiff(losses, r.losses_10.slice(5))).toBeLessThan(1e-5);
      if (UPDATE_MODEL_FILES && backendName === 'onnx') {
        const path = join(dir, 'resume-after-layerwise.keras');
        await model.save(path);
        copyFileSync(path, join(ROOT, 'layerwise', 'resume-after-layerwise.keras'));
      }
    });
  }
});


describe('the fixtures cover the catalogue; save names', () => {
  /** Every layer class @layerwise/layers registers (and core's InputLayer, Sequential, Functional). */
  const CATALOGUE = [
    'Dense', 'Activation', 'ReLU', 'Dropout', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D',
    'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'BatchNormalization', 'LayerNormalization', 'Rescaling', 'Flatten', 'Reshape', 'Permute', 'RepeatVector',
    'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'InputLayer', 'Sequential', 'Functional',
  ];
  it('the Keras 3 files use every class of the catalogue', async () => {
    const { readZip } = await import('../../packages/core/src/saving/zip.js');
    const seen = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.class_name === 'string') seen.add(o.class_name);
        Object.values(o).forEach(walk);
      }
    };
    for (const name of NAMES) walk(JSON.parse(new TextDecoder().decode(readZip(readFileSync(join(ROOT, 'keras3', `${name}.keras`)), name).get('config.json'))));
    expect(CATALOGUE.filter((c) => !seen.has(c))).toEqual([]);
  });

  it('model.save: a .weights.h5 or unknown name is a ConfigError saying which names work', async () => {
    const model = await loadModel(join(ROOT, 'keras3/mlp.keras'));
    await expect(model.save(join(dir, 'x.weights.h5'))).rejects.toThrow(/a \.weights\.h5 name is for weights only: use model\.saveWeights/);
    await expect(model.save(join(dir, 'x.model'))).rejects.toThrow(/must end in \.keras \(Keras 3's format, recommended\), \.h5 .*model\.json .* or \.lw/);
  });
});

describe('compile restored as Keras saved it', () => {
  const COMPILED: [string, string, Record<string, unknown>, string, string[]][] = [
    ['mlp', 'Adam', { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }, 'categorical_crossentropy', ['accuracy']],
    ['cnn', 'SGD', { learningRate: 0.05, momentum: 0.9, nesterov: false }, 'binary_crossentropy', []],
    ['nested', 'RMSprop', { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, 'mean_squared_error', ['mae']],
    ['regularized', 'Adagrad', { learningRate: 0.1, initialAccumulatorValue: 0.1, epsilon: 1e-7 }, 'mean_squared_error', []],
    ['bn_stats', 'Adadelta', { learningRate: 1, rho: 0.95, epsilon: 1e-7 }, 'mean_absolute_error', []],
    ['frozen', 'RMSprop', { learningRate: 0.01, momentum: 0.5, centered: true }, 'mean_squared_error', []],
  ];
  it('merges (two outputs): a loss, a loss weight and metrics per output, as Keras compiled it', async () => {
    const model = await loadModel(join(ROOT, 'keras3/merges.keras'));
    expect(model.optimizer!.getConfig()).toMatchObject({ amsgrad: true });
    expect(model.objectives!.outputs.map((o) => [o.name, o.loss.name, o.weight, o.metrics.map((m) => m.name)])).toEqual([
      ['cls', 'categorical_crossentropy', 1, ['accuracy']],
      ['reg', 'mean_squared_error', 0.5, ['mae']],
    ]);
    expect(model.metricsNames).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy', 'reg_mae']);
  });
  it.each(COMPILED)('%s: %s with Keras’ hyperparameters, its loss and metrics', async (name, cls, config, loss, metrics) => {
    const model = await loadModel(join(ROOT, 'keras3', `${name}.keras`));
    expect(model.optimizer!.className).toBe(cls);
    const got = model.optimizer!.getConfig();
    for (const [k, v] of Object.entries(config)) {
      if (typeof v === 'number') expect(got[k] as number, `${name} ${k}`).toBeCloseTo(v, 6);
      else expect(got[k], `${name} ${k}`).toBe(v);
    }
    expect(model.loss!.name).toBe(loss);
    expect(model.compiledMetrics.map((m) => m.name)).toEqual(metrics);
  });
});
