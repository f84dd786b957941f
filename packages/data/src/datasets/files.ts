/** Finding an MNIST-style dataset's files in a folder, and reading them into splits. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type Tensor } from '@layerwise/core';
import { readIdxImages, readIdxLabels } from '../idx.js';
import { readNpzFile } from '../numpy.js';
import type { DatasetSplits } from './types.js';

export interface IdxFiles {
  format: 'idx';
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}
/**
 * CIFAR-10's files: the binary archive (cifar-10-binary.tar.gz) or its .bin members, or
 * the Python version (pickles: Keras' cache), as a folder or an archive.
 */
export interface CifarFiles {
  format: 'cifar';
  kind: 'bin-tar' | 'bin' | 'py' | 'py-tar';
  /** The archive, or the six batch files (data_batch_1 … 5, test_batch). */
  files: string[];
}
export type DataFiles = IdxFiles | { format: 'npz'; npz: string } | CifarFiles;

/** The four IDX files of the MNIST family, as distributed (gzipped). */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

type Role = keyof typeof IDX_FILE_NAMES;

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The four IDX files in `dir`, each as distributed (`.gz`) or unpacked (no `.gz`, or the
 * `train-images.idx3-ubyte` spelling some unpackers use); else a note on what is missing.
 */
export function findIdxFiles(dir: string): IdxFiles | { missing: string } {
  if (!isDirectory(dir)) return { missing: 'no such folder' };
  const found: Partial<Record<Role, string>> = {};
  const missing: string[] = [];
  for (const [role, gz] of Object.entries(IDX_FILE_NAMES) as [Role, string][]) {
    const plain = gz.slice(0, -'.gz'.length);
    const candidates = [gz, plain, plain.replace('-idx', '.idx')].map((n) => join(dir, n));
    const hit = candidates.find((p) => existsSync(p));
    if (hit) found[role] = hit;
    else missing.push(gz);
  }
  if (missing.length) return { missing: `missing ${missing.join(', ')}` };
  return { format: 'idx', ...(found as Record<Role, string>) };
}

/** The files read, in a stable order (train images, train labels, test images, test labels). */
export function fileList(files: DataFiles): string[] {
  if (files.format === 'cifar') return files.files;
  return files.format === 'npz' ? [files.npz] : [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
}

/** Reads the files into Keras-style splits, checking shapes and dtypes. */
export function readDataFiles(files: DataFiles): DatasetSplits {
  if (files.format === 'cifar') throw new DataError('CIFAR files are read by the cifar10 loader');
  if (files.format === 'idx') {
    const { trainImages, trainLabels, testImages, testLabels } = files;
    return [
      checkSplit(readIdxImages(trainImages), readIdxLabels(trainLabels), trainImages, trainLabels),
      checkSplit(readIdxImages(testImages), readIdxLabels(testLabels), testImages, testLabels),
    ];
  }
  const arrays = readNpzFile(files.npz);
  const get = (key: string) => {
    const t = arrays[key];
    if (!t) throw new DataError(`${files.npz}: no array '${key}' (found: ${Object.keys(arrays).join(', ') || 'none'})`);
    return t;
  };
  const where = (key: string) => `${files.npz} (${key})`;
  return [
    checkSplit(get('x_train'), get('y_train'), where('x_train'), where('y_train')),
    checkSplit(get('x_test'), get('y_test'), where('x_test'), where('y_test')),
  ];
}

function checkSplit(x: Tensor, y: Tensor, xName: string, yName: string): [Tensor, Tensor] {
  for (const [t, name] of [[x, xName], [y, yName]] as const)
    if (t.dtype !== 'uint8') throw new DataError(`${name}: expected uint8 data, found ${t.dtype}`);
  if (x.rank !== 3 || x.shape[1] !== 28 || x.shape[2] !== 28)
    throw new DataError(`${xName}: expected images of shape [n, 28, 28], found [${x.shape.join(', ')}]`);
  if (y.rank !== 1 || y.shape[0] !== x.shape[0])
    throw new DataError(`${yName}: expected labels of shape [${x.shape[0]}] to match ${xName}, found [${y.shape.join(', ')}]`);
  return [x, y];
}
