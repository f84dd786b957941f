import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Model, Tensor, loadModel, type Backend } from '@layerwise/core';
import { BACKENDS } from './backends.js';
import { maxAbsDiff } from './run.js';

/**
 * The model-file fixtures (fixtures/model-files, made by
 * scripts/fixtures/make_model_file_fixtures.py) and the checks the tests of Keras 3 .keras and
 * tf_keras .h5 files share: a fixture's outputs predicted, and a re-saved file loading the same.
 */
export const MODEL_FILES = fileURLToPath(new URL('../../fixtures/model-files', import.meta.url));

/** UPDATE_MODEL_FILES=1 also writes the re-saved files to fixtures/model-files/layerwise for the script's check. */
export const UPDATE_MODEL_FILES = process.env.UPDATE_MODEL_FILES === '1';

/** A fixture model: its inputs, the outputs the tool that wrote it predicted, whether it was saved compiled. */
export interface FixtureModel {
  inputs: number[][][];
  outputs: number[][][];
  compiled: boolean;
}

/** The models of `<tool>/outputs.json`, by name. */
export function fixtureModels(tool: 'keras3' | 'tf_keras'): Record<string, FixtureModel> {
  return JSON.parse(readFileSync(join(MODEL_FILES, tool, 'outputs.json'), 'utf8')).models;
}

export const tensorOf = (rows: unknown): Tensor => Tensor.from(rows as number[][]);

/** Every output of the model (predict gives the first; a model per output gives the others). */
export async function predictAll(model: Model, xs: Tensor[], backend: Backend): Promise<Tensor[]> {
  const outs: Tensor[] = [];
  for (const output of model.outputs) {
    const m = model.outputs.length === 1 ? model : new Model({ inputs: model.inputs, outputs: output });
    m.setBackend(backend);
    outs.push(await m.predict(xs.length === 1 ? xs[0] : xs, { verbose: 0 }));
  }
  return outs;
}

/** The model predicts the fixture's outputs on its inputs within 1e-5, every output. */
export async function expectFixtureOutputs(model: Model, e: FixtureModel, backend: Backend): Promise<void> {
  const outs = await predictAll(model, e.inputs.map(tensorOf), backend);
  outs.forEach((out, i) => expect(maxAbsDiff(out.data, tensorOf(e.outputs[i]).data)).toBeLessThan(1e-5));
}

/**
 * model.save(path), loaded again: the same config, optimizer config and outputs (on the first
 * backend). With UPDATE_MODEL_FILES=1 the file is also copied to fixtures/model-files/layerwise.
 */
export async function expectResavedSame(model: Model, path: string, e: FixtureModel): Promise<void> {
  await model.save(path);
  if (UPDATE_MODEL_FILES) {
    mkdirSync(join(MODEL_FILES, 'layerwise'), { recursive: true });
    copyFileSync(path, join(MODEL_FILES, 'layerwise', basename(path)));
  }
  const again = await loadModel(path);
  expect(again.getConfig()).toEqual(model.getConfig());
  expect(again.optimizer?.getConfig()).toEqual(model.optimizer?.getConfig());
  await expectFixtureOutputs(again, e, BACKENDS[0].backend);
}
