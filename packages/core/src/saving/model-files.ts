/**
 * model.save / loadModel: which format, by the name when writing and by the first bytes when
 * reading.
 *
 *   x.keras   Keras 3's zip archive (keras/archive.ts): the default, what Keras 3 loads
 *   x.h5      Keras 2's whole-model HDF5 (keras/legacy-model.ts), what tf.keras loads
 *   x.json    TensorFlow.js' model.json + weight shard (keras/tfjs.ts), what tfjs-layers loads
 *   x.lw      Layerwise's own container (save.ts): still read and written, for files made
 *             before .keras support; it holds nothing .keras cannot, so new code should use .keras
 */
import { existsSync, statSync } from 'node:fs';
import { ConfigError, DataError } from '../errors.js';
import type { Model } from '../engine/model.js';
import { readFileHead } from './file-head.js';
import { HDF5_SIGNATURE } from './h5/file.js';
import { loadKerasArchive, saveKerasArchive } from './keras/archive.js';
import { loadLegacyModel, saveLegacyModel } from './keras/legacy-model.js';
import { loadTfjsModel, modelJsonPath, saveTfjsModel } from './keras/tfjs.js';
import { loadModelFile, saveModel } from './save.js';

export type ModelFormat = 'keras' | 'legacy-h5' | 'tfjs' | 'layerwise';

/** The format model.save writes for a file name. */
export function modelFormatFor(path: string): ModelFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.keras')) return 'keras';
  if (lower.endsWith('.weights.h5')) throw new ConfigError(`model.save('${path}'): a .weights.h5 name is for weights only: use model.saveWeights('${path}'), or save the whole model as .keras`);
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'legacy-h5';
  if (lower.endsWith('.json')) return 'tfjs';
  if (lower.endsWith('.lw')) return 'layerwise';
  throw new ConfigError(
    `model.save('${path}'): the file name must end in .keras (Keras 3's format, recommended), .h5 (Keras 2's legacy format), model.json (TensorFlow.js) or .lw (Layerwise's own format). For weights only, use model.saveWeights('x.weights.h5').`,
  );
}

export async function saveModelAs(model: Model, path: string): Promise<void> {
  const format = modelFormatFor(path);
  if (format === 'keras') return saveKerasArchive(model, path);
  if (format === 'legacy-h5') return saveLegacyModel(model, path);
  if (format === 'tfjs') return saveTfjsModel(model, path);
  saveModel(model, path);
}

/**
 * Keras' load_model: a `.keras` file (Keras 3, or Layerwise's model.save), a Keras 2 `.h5`, a
 * TensorFlow.js model.json (or its folder) or a Layerwise `.lw` file, recognised by its first
 * bytes; compiled again (optimizer state included) if it was compiled when saved, unless
 * `{ compile: false }`.
 */
export async function loadModel(path: string, options: { compile?: boolean } = {}): Promise<Model> {
  if (!existsSync(path)) throw new DataError(`Model file '${path}' does not exist`);
  if (statSync(path).isDirectory() && existsSync(modelJsonPath(path))) return loadTfjsModel(path, options);
  if (path.toLowerCase().endsWith('.json')) return loadTfjsModel(path, options);
  if (!statSync(path).isFile()) throw new DataError(`Model file '${path}' is not a file`);
  const start = readFileHead(path, 8);
  if (start[0] === 0x50 && start[1] === 0x4b) return loadKerasArchive(path, options);
  if (HDF5_SIGNATURE.every((b, i) => start[i] === b)) return loadLegacyModel(path, options);
  return loadModelFile(path, options);
}
