/** MNIST handwritten digits, as keras.datasets.mnist: 60 000 train and 10 000 test 28×28 images. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@layerwise/core';
import { kerasDatasetsDir } from '../cache.js';
import { findIdxFiles, isDirectory, type DataFiles } from './files.js';
import { acquire, locateSource, type DatasetSpec } from './acquire.js';
import { KERAS_DATASETS_URL } from './keras-origin.js';
import { checkLoadOptions, type DataSource, type DatasetSplits, type LoadDataOptions, type LoadedDataset } from './types.js';

export const MNIST: DatasetSpec = {
  name: 'mnist',
  title: 'MNIST',
  defaultBaseUrl: KERAS_DATASETS_URL,
  // Keras' mnist.npz (x_train, y_train, x_test, y_test) and the hash keras.datasets.mnist checks.
  remote: [{ name: 'mnist.npz', sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1' }],
  // Keras keeps mnist.npz directly in ~/.keras/datasets.
  searchDirs: () => [{ dir: kerasDatasetsDir(), label: "Keras' cache" }],
  find(path: string): DataFiles | { missing: string } {
    if (!isDirectory(path)) return existsSync(path) ? { format: 'npz', npz: path } : { missing: 'no such file or folder' };
    const npz = join(path, 'mnist.npz');
    if (existsSync(npz)) return { format: 'npz', npz };
    const idx = findIdxFiles(path);
    return 'missing' in idx ? { missing: `no mnist.npz, and IDX files ${idx.missing}` } : idx;
  },
  pathHint: 'mnist.npz or the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), or the path of an .npz file',
  manualHints: [],
};

/**
 * Loads MNIST like keras.datasets.mnist.load_data(): `[[xTrain, yTrain], [xTest, yTest]]`,
 * x uint8 [n, 28, 28], y uint8 [n]. Looks at `path`, else the cache, else Keras' cache,
 * else downloads mnist.npz into the cache.
 */
async function loadData(options: LoadDataOptions = {}): Promise<DatasetSplits> {
  checkLoadOptions('mnist.loadData', options);
  return (await acquire(MNIST, options)).data;
}

/** loadData, also telling where the data came from. */
async function loadDataWithSource(options: LoadDataOptions = {}): Promise<LoadedDataset> {
  checkLoadOptions('mnist.loadDataWithSource', options, ['fallbackToSample']);
  if ('fallbackToSample' in options)
    throw new ConfigError('mnist.loadData: fallbackToSample is only for fashionMnist (the embedded sample is Fashion-MNIST)');
  return acquire(MNIST, options);
}

/** Where loadData would read from without downloading; undefined if it would download. */
function locateData(options: LoadDataOptions = {}): Promise<DataSource | undefined> {
  checkLoadOptions('mnist.locateData', options);
  return locateSource(MNIST, options);
}

export const mnist = { loadData, loadDataWithSource, locateData };
