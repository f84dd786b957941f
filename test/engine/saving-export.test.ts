import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, Sequential, WeightsError, loadModel, setSeed, regularizers } from '@layerwise/core';
import { Activation, BatchNormalization, Dense, Dropout, Flatten } from '@layerwise/layers';
import { maxAbsDiff } from '../helpers/run.js';
import { toyData } from '../helpers/models.js';
import { expectValidOnnx } from '../helpers/onnx-check.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-save-'));
const { x, y } = toyData(256);

function model(): Sequential {
  const m = new Sequential();
  m.add(new Dense(24, { inputDim: 16, kernelRegularizer: regularizers.l2(0.001) }));
  m.add(new BatchNormalization());
  m.add(new Activation('relu'));
  m.add(new Dropout(0.2));
  m.add(new Dense(4, { activation: 'softmax' }));
  return m;
}

describe('saving and loading', () => {
  it('round-trips a whole model: same predictions, and training resumes where it stopped', async () => {
    setSeed(1);
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    const path = join(dir, 'model.lw');
    m.save(path);
    const loaded = await loadModel(path);
    expect(loaded.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense']);
    expect(Array.from((await loaded.predict(x, { verbose: 0 })).data)).toEqual(Array.from((await m.predict(x, { verbose: 0 })).data));
    expect(loaded.optimizerState.iterations).toBe(8);
    // Same next epoch from the original and from the loaded copy (no shuffle, dropout seeded the same).
    setSeed(9);
    const h1 = await m.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    setSeed(9);
    const h2 = await loaded.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
    expect(h2.history.loss[0]).toBeCloseTo(h1.history.loss[0], 6);
  });

  it('round-trips a functional model with two branches', async () => {
    setSeed(2);
    const inp = Input({ shape: [16], name: 'features' });
    const a = new Dense(8, { activation: 'relu' }).apply(inp);
    const out = new Dense(4, { activation: 'softmax' }).apply(a);
    const m = new Model({ inputs: inp, outputs: out, name: 'func' });
    const path = join(dir, 'func.lw');
    m.save(path);
    const loaded = await loadModel(path);
    expect(loaded.name).toBe('func');
    expect(maxAbsDiff((await loaded.predict(x, { verbose: 0 })).data, (await m.predict(x, { verbose: 0 })).data)).toBe(0);
  });

  it('weights alone: saveWeights/loadWeights, with shape checks', async () => {
    setSeed(3);
    const a = model();
    const b = model();
    await a.saveWeights(join(dir, 'w.lw'));
    await b.loadWeights(join(dir, 'w.lw'));
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(a.getWeights().map((w) => Array.from(w.data)));
    const other = new Sequential();
    other.add(new Dense(3, { inputDim: 16 }));
    await expect(other.loadWeights(join(dir, 'w.lw'))).rejects.toThrow(WeightsError);
    await expect(loadModel(join(dir, 'w.lw'))).rejects.toThrow(/weights only/);
  });

  it('rejects unknown layer classes and damaged files with clear errors, executing nothing', async () => {
    const m = model();
    const path = join(dir, 'm2.lw');
    m.save(path);
    const bytes = readFileSync(path);
    const text = bytes.toString('latin1').replace('"className":"Dropout"', '"className":"Evil___"');
    writeFileSync(join(dir, 'evil.lw'), Buffer.from(text, 'latin1'));
    await expect(loadModel(join(dir, 'evil.lw'))).rejects.toThrow(ConfigError);
    await expect(loadModel(join(dir, 'evil.lw'))).rejects.toThrow(/Unknown layer class 'Evil___'.*plugin/);
    writeFileSync(join(dir, 'short.lw'), bytes.subarray(0, bytes.length - 100));
    await expect(loadModel(join(dir, 'short.lw'))).rejects.toThrow(/truncated/);
    writeFileSync(join(dir, 'junk.lw'), 'hello');
    await expect(loadModel(join(dir, 'junk.lw'))).rejects.toThrow(/not a readable Layerwise/);
    // Writes are atomic: no temp files left behind.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('ONNX export', () => {
  it('writes a model onnxruntime loads, whose outputs match predict', async () => {
    setSeed(4);
    const m = model();
    m.add(new Flatten());
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const path = join(dir, 'model.onnx');
    await m.export(path, { format: 'onnx' });
    expect(existsSync(path)).toBe(true);
    expectValidOnnx(path, 'model-saving_export');
    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toHaveLength(1);
    const feed = new ort.Tensor('float32', x.data as Float32Array, x.shape);
    const out = (await session.run({ [session.inputNames[0]]: feed }))[session.outputNames[0]];
    const expected = await m.predict(x, { verbose: 0 });
    expect(out.dims).toEqual(expected.shape);
    expect(maxAbsDiff(out.data as Float32Array, expected.data)).toBeLessThanOrEqual(1e-4);
    await expect(m.export(join(dir, 'x.bin'), { format: 'tflite' })).rejects.toThrow(/unknown format/);
  });
});
