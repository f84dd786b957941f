/**
 * CIFAR-10 (Krizhevsky, 2009), as keras.datasets.cifar10: 50 000 train and 10 000 test
 * 32×32 colour images of 10 classes. `loadData()` returns x uint8 [n, 32, 32, 3]
 * (channels_last) and y uint8 [n, 1], like Keras.
 *
 * Downloaded from the dataset's authors in the *binary* version
 * (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz: fixed records of 1 label byte +
 * 3072 pixel bytes, red plane, green plane, blue plane), so no Python pickle is ever
 * involved. Keras' own cache (the Python version, pickles) is read too, by a restricted
 * reader that only rebuilds byte strings, lists and numpy uint8 arrays (pickle.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError, Tensor } from '@layerwise/core';
import { kerasDatasetsDir } from '../cache.js';
import { readPickle, PickleDict, type PickledArray } from '../pickle.js';
import { readTarFile } from '../tar.js';
import { acquire, locateSource, type DatasetSpec } from './acquire.js';
import type { CifarFiles, DataFiles } from './files.js';
import { checkLoadOptions, type DatasetSplits, type DataSource, type LoadDataOptions, type LoadedDataset } from './types.js';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/';
export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
/**
 * SHA-256 of cifar-10-binary.tar.gz (170 052 171 bytes; the authors publish its MD5,
 * c32a1d4ab5d03f1284b67883e8d87530).
 */
export const CIFAR10_SHA256 = 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd';

export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

const BIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
const PY_FILES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
const RECORD = 1 + 32 * 32 * 3;
/** The most bytes one batch file may have inside an archive (the real ones: 30,730,000 binary, ~31.0 MB pickled). */
const MAX_BATCH_BYTES = 64 << 20;

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const allIn = (dir: string, names: string[]) => (names.every((n) => isFile(join(dir, n))) ? names.map((n) => join(dir, n)) : undefined);

/** CIFAR-10's files at `path` (a folder or an archive), else what is missing. */
function findCifar(path: string): CifarFiles | { missing: string } {
  if (isFile(path)) {
    const name = basename(path);
    if (name.includes('python') || name.includes('-py')) return { format: 'cifar', kind: 'py-tar', files: [path] };
    return { format: 'cifar', kind: 'bin-tar', files: [path] };
  }
  if (!isDir(path)) return { missing: 'no such file or folder' };
  const archive = join(path, CIFAR10_ARCHIVE);
  if (isFile(archive)) return { format: 'cifar', kind: 'bin-tar', files: [archive] };
  for (const dir of [path, join(path, 'cifar-10-batches-bin')]) {
    const bins = allIn(dir, BIN_FILES);
    if (bins) return { format: 'cifar', kind: 'bin', files: bins };
  }
  // Keras' layouts: cifar-10-batches-py/ (Keras 2), cifar-10-batches-py-target_extracted/cifar-10-batches-py/ (Keras 3).
  for (const dir of [path, join(path, 'cifar-10-batches-py'), join(path, 'cifar-10-batches-py-target_extracted', 'cifar-10-batches-py')]) {
    const py = allIn(dir, PY_FILES);
    if (py) return { format: 'cifar', kind: 'py', files: py };
  }
  for (const name of ['cifar-10-python.tar.gz', 'cifar-10-batches-py.tar.gz', 'cifar-10-batches-py-target']) {
    if (isFile(join(path, name))) return { format: 'cifar', kind: 'py-tar', files: [join(path, name)] };
  }
  return { missing: `no ${CIFAR10_ARCHIVE}, cifar-10-batches-bin/*.bin or cifar-10-batches-py/ batches` };
}

/** Fixed 3073-byte records → x [n, 32, 32, 3] (from planar R, G, B) and y [n, 1]. */
function parseBinaryBatches(batches: { name: string; bytes: Uint8Array }[]): [Tensor, Tensor] {
  let n = 0;
  for (const { name, bytes } of batches) {
    if (bytes.length % RECORD !== 0)
      throw new DataError(`${name}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (truncated?)`);
    n += bytes.length / RECORD;
  }
  const x = new Uint8Array(n * 3072);
  const y = new Uint8Array(n);
  let i = 0;
  for (const { name, bytes } of batches) {
    for (let r = 0; r < bytes.length; r += RECORD, i++) {
      const label = bytes[r];
      if (label > 9) throw new DataError(`${name}: record ${r / RECORD} has label ${label}; CIFAR-10 labels are 0–9`);
      y[i] = label;
      const px = r + 1;
      const o = i * 3072;
      for (let k = 0; k < 1024; k++) {
        x[o + 3 * k] = bytes[px + k];
        x[o + 3 * k + 1] = bytes[px + 1024 + k];
        x[o + 3 * k + 2] = bytes[px + 2048 + k];
      }
    }
  }
  return [new Tensor(x, [n, 32, 32, 3], 'uint8'), new Tensor(y, [n, 1], 'uint8')];
}

/** A Python-version batch (a pickled dict with 'data' uint8 [n, 3072] and 'labels') as binary records. */
function pickleBatchToRecords(bytes: Uint8Array, name: string): Uint8Array {
  const d = readPickle(bytes, name);
  if (!(d instanceof PickleDict)) throw new DataError(`${name}: not a CIFAR batch (the pickle is not a dict)`);
  const data = d.get('data') as PickledArray | undefined;
  const labels = d.get('labels');
  if (!data || data.kind !== 'ndarray' || !data.descr.endsWith('u1') || data.shape.length !== 2 || data.shape[1] !== 3072)
    throw new DataError(`${name}: not a CIFAR-10 batch ('data' should be a uint8 array [n, 3072])`);
  const n = data.shape[0];
  // readPickle has checked that the bytes match the shape; checked again here because the
  // output is sized from the shape (a short 'data' must never become zero images).
  if (data.data.length !== n * 3072) throw new DataError(`${name}: 'data' holds ${data.data.length} bytes, its shape [${n}, 3072] needs ${n * 3072}`);
  if (!Array.isArray(labels) || labels.length !== n) throw new DataError(`${name}: not a CIFAR-10 batch ('labels' should be ${n} integers)`);
  const bad = labels.findIndex((l) => !(typeof l === 'number' && Number.isInteger(l) && l >= 0 && l <= 9));
  if (bad >= 0) throw new DataError(`${name}: 'labels'[${bad}] is ${String(labels[bad])}; CIFAR-10 labels are integers 0–9`);
  const out = new Uint8Array(n * RECORD);
  for (let i = 0; i < n; i++) {
    out[i * RECORD] = labels[i] as number;
    out.set(data.data.subarray(i * 3072, (i + 1) * 3072), i * RECORD + 1);
  }
  return out;
}

async function readCifar(files: DataFiles): Promise<DatasetSplits> {
  if (files.format !== 'cifar') throw new DataError('not CIFAR-10 files');
  let batches: { name: string; bytes: Uint8Array }[];
  if (files.kind === 'bin' || files.kind === 'py') {
    batches = files.files.map((f) => {
      const bytes = new Uint8Array(readFileSync(f));
      return { name: f, bytes: files.kind === 'py' ? pickleBatchToRecords(bytes, f) : bytes };
    });
  } else {
    const archive = files.files[0];
    const wanted = files.kind === 'bin-tar' ? BIN_FILES : PY_FILES;
    // A batch is 30.7 MB (binary) or ~31 MB (pickle): a member claiming far more is not one.
    const members = await readTarFile(archive, (e) => wanted.includes(basename(e.name)), { maxMemberBytes: MAX_BATCH_BYTES });
    const byBase = new Map([...members].map(([k, v]) => [basename(k), { name: `${archive} (${k})`, bytes: v }]));
    const missing = wanted.filter((w) => !byBase.has(w));
    if (missing.length) throw new DataError(`${archive}: the archive has no ${missing.join(', ')} (not the CIFAR-10 ${files.kind === 'bin-tar' ? 'binary' : 'Python'} version?)`);
    batches = wanted.map((w) => {
      const b = byBase.get(w) as { name: string; bytes: Uint8Array };
      return files.kind === 'py-tar' ? { name: b.name, bytes: pickleBatchToRecords(b.bytes, b.name) } : b;
    });
  }
  const train = parseBinaryBatches(batches.slice(0, 5));
  const test = parseBinaryBatches(batches.slice(5));
  return [train, test];
}

export const CIFAR10: DatasetSpec = {
  name: 'cifar10',
  title: 'CIFAR-10',
  defaultBaseUrl: CIFAR10_URL,
  remote: [{ name: CIFAR10_ARCHIVE, sha256: CIFAR10_SHA256 }],
  searchDirs: () => [{ dir: kerasDatasetsDir(), label: "Keras' cache" }],
  find: findCifar,
  pathHint: `${CIFAR10_ARCHIVE} (or its cifar-10-batches-bin/ folder), or Keras' cifar-10-batches-py/ folder, or the path of one of those archives`,
  manualHints: [],
  read: readCifar,
};

/** Loads CIFAR-10 like keras.datasets.cifar10.load_data(): x uint8 [n, 32, 32, 3], y uint8 [n, 1]. */
async function loadData(options: LoadDataOptions = {}): Promise<DatasetSplits> {
  checkLoadOptions('cifar10.loadData', options);
  return (await acquire(CIFAR10, options)).data;
}

async function loadDataWithSource(options: LoadDataOptions = {}): Promise<LoadedDataset> {
  checkLoadOptions('cifar10.loadDataWithSource', options);
  return acquire(CIFAR10, options);
}

function locateData(options: LoadDataOptions = {}): Promise<DataSource | undefined> {
  checkLoadOptions('cifar10.locateData', options);
  return locateSource(CIFAR10, options);
}

export const cifar10 = { loadData, loadDataWithSource, locateData, classNames: CIFAR10_CLASS_NAMES };
