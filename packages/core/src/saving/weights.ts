/**
 * model.saveWeights / model.loadWeights: Keras' HDF5 files or Layerwise's own file, chosen by
 * the file name when writing and by the file's first bytes when reading.
 *
 *   x.weights.h5      Keras 3 layout (keras3.ts)
 *   x.h5, x.hdf5      Keras 2 layout (legacy.ts), what tf.keras writes and Keras publishes
 *   anything else     Layerwise's own container (save.ts)
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, WeightsError } from '../errors.js';
import type { Model } from '../engine/model.js';
import { writeAtomically } from './atomic.js';
import { readFileHead } from './file-head.js';
import { H5File, HDF5_SIGNATURE } from './h5/file.js';
import { isKeras3Layout, planKeras3, writeKeras3 } from './h5/keras3.js';
import { legacyRoot, planLegacy, writeLegacy } from './h5/legacy.js';
import type { LoadWeightsOptions } from './h5/plan.js';
import { loadWeightsFile, saveWeightsFile } from './save.js';

export type { LoadWeightsOptions } from './h5/plan.js';

export type WeightsFormat = 'keras3-h5' | 'legacy-h5' | 'layerwise';

/** The format `saveWeights` writes for a file name. */
export function weightsFormatFor(path: string): WeightsFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.weights.h5')) return 'keras3-h5';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'legacy-h5';
  return 'layerwise';
}

function startsWithHdf5Signature(path: string): boolean {
  if (!existsSync(path)) return false;
  const head = readFileHead(path, HDF5_SIGNATURE.length);
  return HDF5_SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Keras' save_weights: `.weights.h5` in Keras 3's layout, `.h5`/`.hdf5` in Keras 2's, other
 * names in Layerwise's own format. Written to a temporary file and renamed into place.
 */
export async function saveWeights(model: Model, path: string): Promise<void> {
  const format = weightsFormatFor(path);
  if (format === 'layerwise') return saveWeightsFile(model, path);
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new WeightsError(`Cannot write '${path}': the folder '${folder}' does not exist`);
  await writeAtomically(path, async (temp) => {
    const f = await H5File.open(temp, 'w', path);
    try {
      if (format === 'keras3-h5') writeKeras3(f, model);
      else writeLegacy(f, model);
    } finally {
      f.close();
    }
  });
}

/**
 * Keras' load_weights for Keras 3 `.weights.h5`, Keras 2 `.h5` (with `byName` and
 * `skipMismatch`, as Keras' by_name and skip_mismatch) and Layerwise's own weights files.
 * Every weight is matched and its shape checked before any is assigned.
 */
export async function loadWeights(model: Model, path: string, options: LoadWeightsOptions = {}): Promise<void> {
  const h5 = startsWithHdf5Signature(path) || weightsFormatFor(path) !== 'layerwise';
  if (!h5) {
    if (options.byName || options.skipMismatch)
      throw new ConfigError(`loadWeights('${path}'): byName and skipMismatch apply to Keras HDF5 files (.h5, .weights.h5), not to Layerwise's own weights files`);
    return loadWeightsFile(model, path);
  }
  const f = await H5File.open(path, 'r');
  try {
    const root = legacyRoot(f);
    let plan;
    if (root !== undefined) plan = planLegacy(f, model, root, options);
    else if (isKeras3Layout(f)) {
      if (options.byName)
        throw new ConfigError(`loadWeights('${path}'): byName applies to Keras 2 (legacy .h5) files; '${path}' has Keras 3's layout, whose layers are matched by position and class`);
      plan = planKeras3(f, model, options);
    } else
      throw new WeightsError(
        `'${path}' is an HDF5 file but not a Keras weights file: it has neither a 'layer_names' attribute (Keras 2 layout) nor a 'layers' group (Keras 3 .weights.h5 layout)`,
      );
    await plan.apply();
  } finally {
    f.close();
  }
}
