/** Fixtures of scripts/fixtures/make_h5_weight_fixtures.py and an independent h5wasm dump of a file. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import * as core from '@layerwise/core';
import * as layers from '@layerwise/layers';
import { Tensor, type Model } from '@layerwise/core';
import { buildH5FixtureModel } from '../../scripts/fixtures/h5-models.mjs';

export const H5_FIXTURES = fileURLToPath(new URL('../../fixtures/h5/', import.meta.url));

interface Case {
  input_shape: number[];
  input: number[];
  output_shape: number[];
  keras3: number[];
  tf_keras: number[];
}
export const expected: { models: Record<string, Case> } = JSON.parse(readFileSync(`${H5_FIXTURES}expected.json`, 'utf8'));
export const kerasReadsLayerwise: { models: Record<string, Record<string, number[]>> } = JSON.parse(
  readFileSync(`${H5_FIXTURES}keras_reads_layerwise.json`, 'utf8'),
);

/** A fresh Layerwise twin of a fixture model (fresh names, its own random initial weights). */
export function fixtureModel(name: string): Model {
  core.clearSession();
  return buildH5FixtureModel({ core, layers }, name) as Model;
}

export const fixtureInput = (name: string) => new Tensor(Float32Array.from(expected.models[name].input), expected.models[name].input_shape);

export interface H5Dump {
  /** path → attributes (values as plain arrays/strings) */
  attrs: Record<string, Record<string, unknown>>;
  /** dataset path → shape and values */
  datasets: Record<string, { shape: number[]; values: number[] }>;
}

const plain = (v: unknown): unknown => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v);

/** Every group's and dataset's attributes and every dataset's values, read with h5wasm directly. */
export async function dumpH5(path: string): Promise<H5Dump> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'r');
  try {
    const dump: H5Dump = { attrs: {}, datasets: {} };
    for (const p of ['/', ...f.paths()]) {
      const entity = p === '/' ? f : f.get(p);
      if (!(entity instanceof h5wasm.Group) && !(entity instanceof h5wasm.Dataset)) continue;
      dump.attrs[p] = Object.fromEntries(Object.entries(entity.attrs).map(([k, a]) => [k, plain(a.value)]));
      if (entity instanceof h5wasm.Dataset) dump.datasets[p] = { shape: entity.shape ?? [], values: Array.from(entity.value as Float32Array) };
    }
    return dump;
  } finally {
    f.close();
  }
}

export const snapshot = (model: Model) => model.weights.map((w) => Array.from(w.value.data));
