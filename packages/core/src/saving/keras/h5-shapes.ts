/** The shapes of every dataset in an HDF5 group: the weights a file can give a model being built (withWeightGuard). */
import { DataError } from '../../errors.js';
import { datasetInfo } from '../h5/datasets.js';
import type { H5File } from '../h5/file.js';

/** The most datasets a weights file may list before we stop walking it. */
const MAX_DATASETS = 1_000_000;

export function datasetShapes(f: H5File, group: string, out: [string, number[]][] = []): [string, number[]][] {
  if (f.kind(group) !== 'group') return out;
  for (const key of f.keys(group)) {
    const path = `${group}/${key}`;
    if (out.length > MAX_DATASETS) throw new DataError(`'${f.path}' lists more than ${MAX_DATASETS} datasets`);
    const kind = f.kind(path);
    if (kind === 'group') datasetShapes(f, path, out);
    else if (kind === 'dataset') out.push([path, datasetInfo(f, path).shape]);
  }
  return out;
}
