/**
 * @layerwise/data: datasets and data files, Keras-style.
 *
 *   import { fashionMnist } from '@layerwise/data';
 *   const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData();
 */
import { fashionMnist } from './datasets/fashion-mnist.js';
import { mnist } from './datasets/mnist.js';

// Datasets.
export { mnist } from './datasets/mnist.js';
export { fashionMnist, FASHION_MNIST_CLASS_NAMES, DEBIAN_FASHION_MNIST_DIR, type FashionMnistOptions } from './datasets/fashion-mnist.js';
export type { DatasetSplits, LoadDataOptions, DataSource, DataSourceKind, LoadedDataset } from './datasets/types.js';
export { IDX_FILE_NAMES } from './datasets/files.js';
export { KERAS_DATASETS_URL } from './datasets/keras-origin.js';
/** Like keras.datasets: `datasets.fashionMnist.loadData()`. */
export const datasets = { mnist, fashionMnist };

// File formats.
export { parseIdx, readIdx, readIdxImages, readIdxLabels, encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type ParseIdxOptions } from './idx.js';
export { readNpy, readNpz, readNpyFile, readNpzFile, readNpyHeader, type NpyHeader } from './numpy.js';
export { readZip, isZip } from './zip.js';
export { isGzip, maybeGunzip } from './gzip.js';

// Downloads and the cache.
export { downloadFile, sha256File, type DownloadOptions, type DownloadResult } from './download.js';
export { layerwiseHome, datasetCacheDir, kerasDatasetsDir } from './cache.js';
export { fashionMnistSampleDir } from './assets.js';
