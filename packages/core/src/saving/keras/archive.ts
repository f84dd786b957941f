/**
 * Keras 3's `.keras` file: a zip archive of `metadata.json`, `config.json` (the model's
 * architecture and compile_config) and `model.weights.h5` (the weights in Keras 3's layout,
 * and the optimizer's variables). Written as Keras writes it (stored entries, that order),
 * so Keras 3 loads what Layerwise saves.
 *
 * Loading checks before it builds: the archive (sizes, CRCs, bombs: zip.ts), the JSON (no
 * code, no prototype keys: json.ts) and every weight the config would create against the
 * shapes the HDF5 file holds (withWeightGuard), so a config that lies fails before allocating.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from '../../errors.js';
import type { Model } from '../../engine/model.js';
import { writeAtomically } from '../atomic.js';
import { withWeightGuard } from '../guard.js';
import { H5File } from '../h5/file.js';
import { planKeras3, writeKeras3 } from '../h5/keras3.js';
import { layerFromConfig } from '../save.js';
import { readZip, writeZip } from '../zip.js';
import { datasetShapes } from './h5-shapes.js';
import { compileFromConfig, compileToConfig, readOptimizerVars, writeOptimizerVars } from './compile.js';
import { isObject, parseKerasJson, stringifyKeras } from './json.js';
import { layerIn } from './model-config.js';
import { modelOut } from './model-out.js';

/** The Keras version whose format we write (metadata.json's keras_version). */
export const KERAS_FORMAT_VERSION = '3.15.1';
const ENTRIES = new Set(['config.json', 'metadata.json', 'model.weights.h5']);
/** config.json / metadata.json larger than this are refused before inflating. */
const MAX_JSON_BYTES = 64 * 2 ** 20;

/** A scratch folder for the HDF5 member (h5wasm opens files, not bytes); removed afterwards. */
async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-keras-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function loadKerasArchive(path: string, options: { compile?: boolean } = {}): Promise<Model> {
  const bytes = readFileSync(path);
  const entries = readZip(bytes, `'${path}'`, {
    only: (n) => ENTRIES.has(n),
    maxEntryBytes: (n) => (n.endsWith('.json') ? MAX_JSON_BYTES : Infinity),
    // Keras stores its entries; weights compress little. A member that inflates 100-fold is a bomb.
    maxRatio: 100,
  });
  const configBytes = entries.get('config.json');
  if (!configBytes) throw new DataError(`'${path}' is a zip archive without config.json: not a Keras .keras file`);
  const config = parseKerasJson(new TextDecoder().decode(configBytes), path, 'config.json');
  if (!isObject(config)) throw new ConfigError(`'${path}': config.json must hold an object`);
  const saved = layerIn(config, `'${path}': config.json`);
  if (saved.className !== 'Sequential' && saved.className !== 'Functional')
    throw new ConfigError(`'${path}': config.json holds a ${saved.className} layer, not a model (Sequential or Functional)`);
  return withScratch(async (dir) => {
    const weightsPath = join(dir, 'model.weights.h5');
    writeFileSync(weightsPath, entries.get('model.weights.h5') ?? new Uint8Array());
    entries.clear();
    const hasWeights = statSync(weightsPath).size > 0;
    const f = hasWeights ? await H5File.open(weightsPath, 'r', `${path}/model.weights.h5`) : undefined;
    try {
      const shapes = f ? datasetShapes(f, '/layers') : [];
      const model = withWeightGuard(path, shapes, new Map(), () => layerFromConfig(saved)) as Model;
      if (f) await planKeras3(f, model, {}).apply();
      else if (model.weights.length) throw new DataError(`'${path}' has no model.weights.h5 but model '${model.name}' has ${model.weights.length} weights`);
      const compileConfig = config.compile_config;
      if (options.compile !== false && isObject(compileConfig) && compileConfig.optimizer !== undefined && compileConfig.loss !== undefined) {
        compileFromConfig(model, compileConfig, `'${path}': config.json.compile_config`);
        if (f) readOptimizerVars(f, model);
      }
      return model;
    } finally {
      f?.close();
    }
  });
}

export async function saveKerasArchive(model: Model, path: string): Promise<void> {
  const config = modelOut(model, 'keras3');
  if (model.optimizer && model.loss) config.compile_config = compileToConfig(model);
  const now = new Date().toISOString();
  const metadata = { keras_version: KERAS_FORMAT_VERSION, date_saved: `${now.slice(0, 10)}@${now.slice(11, 19)}` };
  await withScratch(async (dir) => {
    const weightsPath = join(dir, 'model.weights.h5');
    const f = await H5File.open(weightsPath, 'w', `${path}/model.weights.h5`);
    try {
      writeKeras3(f, model);
      if (model.optimizer && model.loss) writeOptimizerVars(f, model);
    } finally {
      f.close();
    }
    const text = (v: unknown) => new TextEncoder().encode(stringifyKeras(v));
    const zip = writeZip([
      { name: 'metadata.json', data: text(metadata) },
      { name: 'config.json', data: text(config) },
      { name: 'model.weights.h5', data: readFileSync(weightsPath) },
    ]);
    await writeAtomically(path, (temp) => writeFileSync(temp, zip));
  });
}
