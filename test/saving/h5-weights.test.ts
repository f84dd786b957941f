import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, WeightsError } from '@layerwise/core';
import * as L from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';
import { H5_FIXTURE_MODELS, H5_ROUND_TRIP_MODELS } from '../../scripts/fixtures/h5-models.mjs';
import { writeAtomically } from '../../packages/core/src/saving/atomic.js';
import { dumpH5, expected, fixtureInput, fixtureModel, H5_FIXTURES, kerasReadsLayerwise, snapshot } from './h5-helpers.js';

/**
 * Weight files written by real Keras (fixtures/h5, scripts/fixtures/make_h5_weight_fixtures.py):
 * tf_keras' legacy .h5 and Keras 3's .weights.h5, loaded into the Layerwise twins of the same
 * models, predict what Keras predicts; files Layerwise writes load in Keras (the script checked
 * that and recorded Keras' predictions, asserted here).
 */
const dir = mkdtempSync(join(tmpdir(), 'layerwise-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keras2 = (name: string) => join(H5_FIXTURES, 'keras2', `${name}.h5`);
const keras3 = (name: string) => join(H5_FIXTURES, 'keras3', `${name}.weights.h5`);

async function predictions(model: Model, name: string, backend = BACKENDS[0].backend): Promise<Float32Array> {
  model.setBackend(backend);
  return (await model.predict(fixtureInput(name), { verbose: 0 })).data as Float32Array;
}

describe('Keras weight files predict what Keras predicts, on every backend', () => {
  const files = [
    ...H5_FIXTURE_MODELS.map((name: string) => ({ model: name, file: keras2(name), layout: 'Keras 2 .h5 (tf_keras)' })),
    ...H5_ROUND_TRIP_MODELS.map((name: string) => ({ model: name, file: keras3(name), layout: 'Keras 3 .weights.h5' })),
    { model: 'cnn', file: keras2('cnn_old_style'), layout: 'old-style .h5 (fixed-length strings, chunked layer_names, /model_weights)' },
  ];
  describe.each(files)('$model from $layout', ({ model: name, file }) => {
    it.each(BACKENDS)('$name: within 1e-5 of Keras 3 and tf_keras', async ({ backend }) => {
      const model = fixtureModel(name);
      await model.loadWeights(file);
      const got = await predictions(model, name, backend);
      expect(maxAbsDiff(got, expected.models[name].keras3)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(got, expected.models[name].tf_keras)).toBeLessThanOrEqual(1e-5);
    });
  });
});

describe('include_top=False weights (the _notop files)', () => {
  it('a notop file loads into the model without its top, by order and by name', async () => {
    for (const byName of [false, true]) {
      const model = fixtureModel('cnn_notop');
      await model.loadWeights(keras2('cnn_notop'), { byName });
      expect(maxAbsDiff(await predictions(model, 'cnn_notop'), expected.models.cnn_notop.keras3)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('a full file loads by name into the model without its top; by order it is refused, naming both layer lists', async () => {
    const model = fixtureModel('cnn_notop');
    await model.loadWeights(keras2('cnn'), { byName: true });
    expect(maxAbsDiff(await predictions(model, 'cnn_notop'), expected.models.cnn_notop.keras3)).toBeLessThanOrEqual(1e-5);
    const before = snapshot(model);
    const attempt = fixtureModel('cnn_notop').loadWeights(keras2('cnn'));
    await expect(attempt).rejects.toThrow(WeightsError);
    await expect(fixtureModel('cnn_notop').loadWeights(keras2('cnn'))).rejects.toThrow(
      /the file holds weights for 6 layers \[conv1, bn1, conv2, bn2, fc1, predictions\] but the model has 4 layers with weights \[conv1, bn1, conv2, bn2\].*byName: true/,
    );
    expect(snapshot(model)).toEqual(before);
  });
});

describe('mismatches are refused before anything is assigned', () => {
  /** The cnn with fc1 of 7 units instead of 5: fc1's kernel and bias, and predictions' kernel, differ. */
  function wideCnn(): Model {
    const model = fixtureModel('cnn_notop');
    let x = new L.Flatten({ name: 'flatten' }).apply(model.outputs[0]);
    x = new L.Dense(7, { activation: 'relu', name: 'fc1' }).apply(x);
    x = new L.Dense(3, { activation: 'softmax', name: 'predictions' }).apply(x);
    return new Model({ inputs: model.inputs[0], outputs: x, name: 'wide' });
  }

  it.each([
    ['Keras 2 .h5', keras2('cnn')],
    ['Keras 3 .weights.h5', keras3('cnn')],
  ])('%s: the WeightsError names the file, the layer, the weight and both shapes; no weight changes', async (_, file) => {
    const model = wideCnn();
    const before = snapshot(model);
    const error = await model.loadWeights(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    const message = (error as Error).message;
    expect(message).toContain(`Cannot load weights from '${file}' into model 'wide'`);
    expect(message).toMatch(/layer .*'fc1'.*: weight 0 'fc1\/kernel' has shape \[54, 7\] in the model but \[54, 5\] in the file/);
    expect(message).toMatch(/layer .*'fc1'.*: weight 1 'fc1\/bias' has shape \[7\] in the model but \[5\] in the file/);
    expect(message).toMatch(/layer .*'predictions'.*: weight 0 'predictions\/kernel' has shape \[7, 3\] in the model but \[5, 3\] in the file/);
    expect(message).toContain('skipMismatch');
    expect(snapshot(model)).toEqual(before);
  });

  it('skipMismatch loads the rest and warns about each skipped weight (Keras 3 layout: the whole layer)', async () => {
    const reference = fixtureModel('cnn');
    await reference.loadWeights(keras2('cnn'));
    for (const [file, skipped] of [
      [keras2('cnn'), 3],
      [keras3('cnn'), 2],
    ] as const) {
      const model = wideCnn();
      const warnings: string[] = [];
      await model.loadWeights(file, { skipMismatch: true, warn: (m) => warnings.push(m) });
      expect(warnings).toHaveLength(skipped);
      expect(warnings.join('\n')).toMatch(/Skipping .*fc1/);
      // conv1 … bn2 and predictions' bias (legacy) were loaded.
      for (const name of ['conv1', 'bn1', 'conv2', 'bn2'])
        expect(model.getLayer(name).getWeights().map((w) => Array.from(w.data))).toEqual(reference.getLayer(name).getWeights().map((w) => Array.from(w.data)));
    }
  });

  it('a different number of weights in a layer (Conv2D without bias) names both lists', async () => {
    const inp = Input({ shape: [4, 4, 2] });
    let x = new L.Conv2D(3, 2, { name: 'c', useBias: false }).apply(inp);
    x = new L.BatchNormalization({ name: 'bn' }).apply(x);
    x = new L.Flatten({ name: 'flat' }).apply(x);
    const noBias = new Model({ inputs: inp, outputs: new L.Dense(2, { name: 'out' }).apply(x) });
    await expect(noBias.loadWeights(keras2('seq'))).rejects.toThrow(/layer #0 'c': the model has 1 weight\(s\) \[c\/kernel\] but the file has 2 \[c\/kernel:0, c\/bias:0\]/);
    await expect(noBias.loadWeights(keras3('seq'))).rejects.toThrow(/layer 'c' \(\/layers\/conv2d\): the model has 1 variable\(s\) \[c\/kernel\] but the file has 2/);
  });

  it('byName is for Keras 2 files only, and not for Layerwise files', async () => {
    await expect(fixtureModel('cnn').loadWeights(keras3('cnn'), { byName: true })).rejects.toThrow(ConfigError);
    const own = join(dir, 'own.lw');
    await fixtureModel('cnn').saveWeights(own);
    await expect(fixtureModel('cnn').loadWeights(own, { byName: true })).rejects.toThrow(/byName and skipMismatch apply to Keras HDF5 files/);
  });
});

describe('broken files', () => {
  it.each([
    ['a missing file', () => join(dir, 'missing.h5'), /Weights file '.*missing\.h5' does not exist/],
    ['not HDF5', () => (writeFileSync(join(dir, 'text.h5'), 'not an hdf5 file'), join(dir, 'text.h5')), /HDF5 file '.*text\.h5': cannot open it: file signature not found/],
    [
      'truncated',
      () => {
        const path = join(dir, 'short.h5');
        writeFileSync(path, readFileSync(keras2('cnn')).subarray(0, 4000));
        return path;
      },
      /HDF5 file '.*short\.h5': cannot open it: truncated file: eof = 4000/,
    ],
  ])('%s: a WeightsError naming the file', async (_, make, message) => {
    const model = fixtureModel('cnn');
    const before = snapshot(model);
    await expect(model.loadWeights(make())).rejects.toThrow(message);
    await expect(model.loadWeights(make())).rejects.toThrow(WeightsError);
    expect(snapshot(model)).toEqual(before);
  });

  it('saving into a folder that does not exist names it', async () => {
    await expect(fixtureModel('seq').saveWeights(join(dir, 'nowhere', 'seq.weights.h5'))).rejects.toThrow(/the folder '.*nowhere' does not exist/);
  });

  it('an HDF5 file in neither Keras layout', async () => {
    const path = join(dir, 'other.h5');
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'w');
    f.create_group('something');
    f.close();
    await expect(fixtureModel('cnn').loadWeights(path)).rejects.toThrow(/is an HDF5 file but not a Keras weights file/);
  });
});

describe('Layerwise writes Keras files', () => {
  it("Keras loaded the committed Layerwise files and predicted Keras' own numbers", () => {
    for (const name of H5_ROUND_TRIP_MODELS) {
      const reads = kerasReadsLayerwise.models[name];
      expect(Object.keys(reads).sort()).toEqual(['keras3_from_h5', 'keras3_from_weights_h5', 'tf_keras_from_h5']);
      for (const values of Object.values(reads)) expect(maxAbsDiff(values, expected.models[name].keras3)).toBeLessThanOrEqual(1e-5);
    }
  });

  it.each(H5_ROUND_TRIP_MODELS)('%s: what saveWeights writes today equals the committed files Keras read (structure, attributes, values)', async (name) => {
    const model = fixtureModel(name);
    await model.loadWeights(keras3(name));
    for (const ext of ['.weights.h5', '.h5']) {
      const path = join(dir, `${name}${ext}`);
      await model.saveWeights(path);
      const [now, committed] = await Promise.all([dumpH5(path), dumpH5(join(H5_FIXTURES, 'layerwise', `${name}${ext}`))]);
      expect(now).toEqual(committed);
      const again = fixtureModel(name);
      await again.loadWeights(path);
      expect(maxAbsDiff(await predictions(again, name), expected.models[name].keras3)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("the Keras 3 layout keys layers by class (Keras' saving_lib), the Keras 2 layout by name", async () => {
    const model = fixtureModel('nested');
    await model.loadWeights(keras3('nested'));
    const k3 = join(dir, 'nested.weights.h5');
    const k2 = join(dir, 'nested.h5');
    await model.saveWeights(k3);
    await model.saveWeights(k2);
    const d3 = await dumpH5(k3);
    expect(Object.keys(d3.datasets).sort()).toEqual([
      'layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1',
      'layers/functional/layers/dense/vars/0', 'layers/functional/layers/dense/vars/1',
      'layers/sequential/layers/batch_normalization/vars/0', 'layers/sequential/layers/batch_normalization/vars/1',
      'layers/sequential/layers/batch_normalization/vars/2', 'layers/sequential/layers/batch_normalization/vars/3',
      'layers/sequential/layers/dense/vars/0', 'layers/sequential/layers/dense/vars/1',
    ]);
    expect(d3.attrs['layers/sequential/vars']).toEqual({ name: 'inner' });
    const d2 = await dumpH5(k2);
    expect(d2.attrs['/']).toMatchObject({ backend: 'tensorflow', layer_names: ['features', 'd1', 'inner', 'block', 'head'] });
    expect(d2.attrs['inner'].weight_names).toEqual(['d_in/kernel:0', 'd_in/bias:0', 'bn_in/gamma:0', 'bn_in/beta:0', 'bn_in/moving_mean:0', 'bn_in/moving_variance:0']);
  });

  it('removes temporaries a killed writer left behind (not those of a live one)', async () => {
    const folder = join(dir, 'atomic');
    mkdirSync(folder);
    const path = join(folder, 'seq.weights.h5');
    const dead = `${path}.tmp-999999999-1`;
    const live = `${path}.tmp-${process.pid}-1`;
    writeFileSync(dead, 'half a file');
    writeFileSync(live, 'being written');
    await fixtureModel('seq').saveWeights(path);
    expect(readdirSync(folder).sort()).toEqual(['seq.weights.h5', `seq.weights.h5.tmp-${process.pid}-1`]);
  });

  it('a write that fails keeps the old file and leaves no temporary', async () => {
    const folder = join(dir, 'failing');
    mkdirSync(folder);
    const path = join(folder, 'seq.weights.h5');
    copyFileSync(keras3('seq'), path);
    const failing = writeAtomically(path, (temp) => {
      writeFileSync(temp, 'the first half');
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(readdirSync(folder)).toEqual(['seq.weights.h5']);
    const check = fixtureModel('seq');
    await check.loadWeights(path);
    expect(maxAbsDiff(await predictions(check, 'seq'), expected.models.seq.keras3)).toBeLessThanOrEqual(1e-5);
  });
});
