import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Model, Tensor, loadModel, type Backend } from '@layerwise/core';
import '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';

/**
 * Whole-model .h5 files written by tf_keras (Keras 2; fixtures/model-files/tf_keras, made by
 * scripts/fixtures/make_model_file_fixtures.py): each loads, compiled as saved, and predicts
 * tf_keras' outputs on every backend; re-saved by Layerwise as .h5 it loads again the same, and
 * tf_keras loads Layerwise's file (the script's `check`, in layerwise-check.json).
 */
const ROOT = join(__dirname, '../../fixtures/model-files');
const expected: Record<string, { inputs: number[][][]; outputs: number[][][]; compiled: boolean }> = JSON.parse(readFileSync(join(ROOT, 'tf_keras/outputs.json'), 'utf8')).models;
const NAMES = Object.keys(expected);
const dir = mkdtempSync(join(tmpdir(), 'lw-h5-files-'));
const update = process.env.UPDATE_MODEL_FILES === '1';
const tensorOf = (rows: unknown) => Tensor.from(rows as number[][]);

async function predictAll(model: Model, xs: Tensor[], backend: Backend): Promise<Tensor[]> {
  const outs: Tensor[] = [];
  for (const output of model.outputs) {
    const m = model.outputs.length === 1 ? model : new Model({ inputs: model.inputs, outputs: output });
    m.setBackend(backend);
    outs.push(await m.predict(xs.length === 1 ? xs[0] : xs, { verbose: 0 }));
  }
  return outs;
}

describe('whole-model .h5 files from tf_keras', () => {
  for (const { name: backendName, backend } of BACKENDS) {
    it.each(NAMES)(`%s predicts tf_keras' outputs within 1e-5 on ${backendName}`, async (name) => {
      const e = expected[name];
      const model = await loadModel(join(ROOT, 'tf_keras', `${name}.h5`));
      expect(model.name).toBe(name);
      expect(Boolean(model.optimizer)).toBe(e.compiled);
      const outs = await predictAll(model, e.inputs.map(tensorOf), backend);
      outs.forEach((out, i) => expect(maxAbsDiff(out.data, tensorOf(e.outputs[i]).data)).toBeLessThan(1e-5));
    });
  }

  it.each(NAMES)('%s re-saved by Layerwise as .h5 loads again the same', async (name) => {
    const e = expected[name];
    const model = await loadModel(join(ROOT, 'tf_keras', `${name}.h5`));
    const path = join(dir, `${name}.h5`);
    await model.save(path);
    if (update) {
      mkdirSync(join(ROOT, 'layerwise'), { recursive: true });
      copyFileSync(path, join(ROOT, 'layerwise', `${name}.h5`));
    }
    const again = await loadModel(path);
    expect(again.getConfig()).toEqual(model.getConfig());
    expect(again.optimizer?.getConfig()).toEqual(model.optimizer?.getConfig());
    const outs = await predictAll(again, e.inputs.map(tensorOf), BACKENDS[0].backend);
    outs.forEach((out, i) => expect(maxAbsDiff(out.data, tensorOf(e.outputs[i]).data)).toBeLessThan(1e-5));
  });

  it('a .keras file re-saved as .h5 and back keeps its predictions (Keras 3 → Keras 2 → Keras 3)', async () => {
    const e = JSON.parse(readFileSync(join(ROOT, 'keras3/outputs.json'), 'utf8')).models.nested;
    const model = await loadModel(join(ROOT, 'keras3/nested.keras'));
    await model.save(join(dir, 'nested.h5'));
    const viaH5 = await loadModel(join(dir, 'nested.h5'));
    await viaH5.save(join(dir, 'nested.keras'));
    const back = await loadModel(join(dir, 'nested.keras'));
    const [out] = await predictAll(back, e.inputs.map(tensorOf), BACKENDS[0].backend);
    expect(maxAbsDiff(out.data, tensorOf(e.outputs[0]).data)).toBeLessThan(1e-5);
  });

  it('tf_keras loads every .h5 Layerwise wrote and predicts the same (layerwise-check.json, from the script)', () => {
    const check = JSON.parse(readFileSync(join(ROOT, 'layerwise-check.json'), 'utf8'));
    for (const name of NAMES) {
      expect(check.tf_keras[name], name).toMatchObject({ loaded: true, compiled: expected[name].compiled });
      expect(check.tf_keras[name].max_abs_diff, name).toBeLessThan(1e-5);
    }
  });
});
