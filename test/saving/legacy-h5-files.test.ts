import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '@layerwise/core';
import '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';
import { MODEL_FILES, expectFixtureOutputs, expectResavedSame, fixtureModels, predictAll, tensorOf } from '../helpers/model-files.js';

/**
 * Whole-model .h5 files written by tf_keras (Keras 2; fixtures/model-files/tf_keras, made by
 * scripts/fixtures/make_model_file_fixtures.py): each loads, compiled as saved, and predicts
 * tf_keras' outputs on every backend; re-saved by Layerwise as .h5 it loads again the same, and
 * tf_keras loads Layerwise's file (the script's `check`, in layerwise-check.json).
 */
const ROOT = MODEL_FILES;
const expected = fixtureModels('tf_keras');
const NAMES = Object.keys(expected);
const dir = mkdtempSync(join(tmpdir(), 'lw-h5-files-'));

describe('whole-model .h5 files from tf_keras', () => {
  for (const { name: backendName, backend } of BACKENDS) {
    it.each(NAMES)(`%s predicts tf_keras' outputs within 1e-5 on ${backendName}`, async (name) => {
      const e = expected[name];
      const model = await loadModel(join(ROOT, 'tf_keras', `${name}.h5`));
      expect(model.name).toBe(name);
      expect(Boolean(model.optimizer)).toBe(e.compiled);
      await expectFixtureOutputs(model, e, backend);
    });
  }

  it.each(NAMES)('%s re-saved by Layerwise as .h5 loads again the same', async (name) => {
    const model = await loadModel(join(ROOT, 'tf_keras', `${name}.h5`));
    await expectResavedSame(model, join(dir, `${name}.h5`), expected[name]);
  });

  it('a .keras file re-saved as .h5 and back keeps its predictions (Keras 3 → Keras 2 → Keras 3)', async () => {
    const e = fixtureModels('keras3').nested;
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
