/**
 * Fashion-MNIST (Zalando, MIT), as keras.datasets.fashion_mnist: 60 000 train and 10 000
 * test 28×28 images of 10 kinds of clothing, plus a small sample shipped in this package.
 */
import { join } from 'node:path';
import { DataError } from '@layerwise/core';
import { fashionMnistSampleDir } from '../assets.js';
import { kerasDatasetsDir } from '../cache.js';
import { acquire, locateSource, type DatasetSpec } from './acquire.js';
import { fileList, findIdxFiles, readDataFiles } from './files.js';
import { KERAS_DATASETS_URL } from './keras-origin.js';
import { checkLoadOptions, type DataSource, type DatasetSplits, type LoadDataOptions, type LoadedDataset } from './types.js';

/** Where the Debian package dataset-fashion-mnist installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST: DatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  defaultBaseUrl: KERAS_DATASETS_URL,
  // The hashes keras.datasets.fashion_mnist checks (the original files from Zalando). The
  // Debian package's files are re-compressed, so they differ; they are read without a hash.
  remote: [
    { name: 'train-labels-idx1-ubyte.gz', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
    { name: 'train-images-idx3-ubyte.gz', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
    { name: 't10k-labels-idx1-ubyte.gz', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    { name: 't10k-images-idx3-ubyte.gz', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  ],
  searchDirs: () => [
    { dir: join(kerasDatasetsDir(), 'fashion-mnist'), label: "Keras' cache" },
    { dir: DEBIAN_FASHION_MNIST_DIR, label: 'the Debian package dataset-fashion-mnist' },
  ],
  find: findIdxFiles,
  pathHint: 'the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; gzipped or not)',
  manualHints: [
    `apt-get install dataset-fashion-mnist (Debian/Ubuntu; puts the files in ${DEBIAN_FASHION_MNIST_DIR}/)`,
    'use the embedded sample (4000 train / 1000 test images): fashionMnist.loadSample(), or loadData({ fallbackToSample: true })',
  ],
};

/** The label names, index = label. */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export interface FashionMnistOptions extends LoadDataOptions {
  /**
   * When no copy is available (none local; download off or failed), return the embedded
   * sample instead of throwing. loadDataWithSource tells which one was used.
   */
  fallbackToSample?: boolean;
}

/** The embedded sample, with its source (kind 'sample'). */
function loadSampleWithSource(reason?: string): LoadedDataset {
  const dir = fashionMnistSampleDir();
  const files = findIdxFiles(dir);
  if ('missing' in files) throw new DataError(`The embedded Fashion-MNIST sample is not installed at ${dir}: ${files.missing}`);
  const data = readDataFiles(files);
  const description = `the embedded Fashion-MNIST sample (${data[0][0].shape[0]} train / ${data[1][0].shape[0]} test)`;
  const source: DataSource = { kind: 'sample', dataset: 'fashion-mnist', location: dir, files: fileList(files), description };
  return { data, source: reason === undefined ? source : { ...source, reason } };
}

/**
 * The Fashion-MNIST sample shipped in this package: the first 4000 train and first 1000
 * test images and labels, in loadData's shape. Needs no network and no other files.
 */
function loadSample(): DatasetSplits {
  return loadSampleWithSource().data;
}

/** loadData, also telling where the data came from (source.kind 'sample' for the fallback). */
function loadDataWithSource(options: FashionMnistOptions = {}): Promise<LoadedDataset> {
  checkLoadOptions('fashionMnist.loadData', options, ['fallbackToSample']);
  const { fallbackToSample, ...rest } = options;
  return acquire(FASHION_MNIST, { ...rest, fallback: fallbackToSample ? loadSampleWithSource : undefined });
}

/**
 * Loads Fashion-MNIST like keras.datasets.fashion_mnist.load_data():
 * `[[xTrain, yTrain], [xTest, yTest]]`, x uint8 [n, 28, 28], y uint8 [n]. Looks at `path`,
 * else the cache, else Keras' cache and /usr/share/datasets/fashion-mnist, else downloads.
 */
async function loadData(options: FashionMnistOptions = {}): Promise<DatasetSplits> {
  return (await loadDataWithSource(options)).data;
}

/** Where loadData would read from without downloading; undefined if it would download. */
function locateData(options: LoadDataOptions = {}): Promise<DataSource | undefined> {
  checkLoadOptions('fashionMnist.locateData', options);
  return locateSource(FASHION_MNIST, options);
}

export const fashionMnist = {
  loadData,
  loadDataWithSource,
  locateData,
  loadSample,
  classNames: FASHION_MNIST_CLASS_NAMES,
  sampleDir: fashionMnistSampleDir,
};
