/**
 * @layerwise/data: datasets, data files and images, Keras-style.
 *
 *   import { fashionMnist, loadImg, flowFromDirectory } from '@layerwise/data';
 *   const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData();
 *   const img = await loadImg('banana1.jpg', { targetSize: [224, 224] });
 *   const train = await flowFromDirectory('data60x90/train', { targetSize: [60, 90], classMode: 'binary' });
 */
import { fashionMnist } from './datasets/fashion-mnist.js';
import { mnist } from './datasets/mnist.js';
import { cifar10 } from './datasets/cifar10.js';

// Datasets.
export { mnist } from './datasets/mnist.js';
export { fashionMnist, FASHION_MNIST_CLASS_NAMES, DEBIAN_FASHION_MNIST_DIR, type FashionMnistOptions } from './datasets/fashion-mnist.js';
export type { DatasetSplits, LoadDataOptions, DataSource, DataSourceKind, LoadedDataset } from './datasets/types.js';
export { IDX_FILE_NAMES } from './datasets/files.js';
export { KERAS_DATASETS_URL } from './datasets/keras-origin.js';
export { cifar10, CIFAR10_CLASS_NAMES, CIFAR10_URL, CIFAR10_ARCHIVE, CIFAR10_SHA256 } from './datasets/cifar10.js';
/** Like keras.datasets: `datasets.fashionMnist.loadData()`. */
export const datasets = { mnist, fashionMnist, cifar10 };

// File formats.
export { parseIdx, readIdx, readIdxImages, readIdxLabels, encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type ParseIdxOptions } from './idx.js';
export {
  readNpy, readNpz, readNpyFile, readNpzFile, readNpyHeader, encodeNpy, encodeNpz, writeNpy, writeNpz,
  type NpyHeader, type EncodeNpyOptions, type EncodeNpzOptions,
} from './numpy.js';
export { isGzip, maybeGunzip } from './gzip.js';

// Images (keras.utils: load_img, img_to_array, array_to_img, save_img).
export { Img, type ColorMode, type Interpolation, type ImgMode, type ImgChannels } from './image/img.js';
export { loadImg, decodeImg, imgToArray, arrayToImg, saveImg, encodeImg, type LoadImgOptions, type SaveImgOptions, type DataFormat } from './image/io.js';
export { setMaxImagePixels, getMaxImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './image/io.js';
export { sniffImageFormat, type ImageFormat } from './image/decode.js';
export { resizePixels } from './image/resample.js';

// Folders of images (flow_from_directory).
export {
  DirectoryIterator, flowFromDirectory, CLASS_MODES, directoryIteratorKeys,
  type ClassMode, type DirectoryBatch, type DirectoryIteratorOptions, type InvalidImage, type InvalidImagePolicy,
} from './directory/iterator.js';
export { listImageDirectory, classFolders, comparePython, DEFAULT_IMAGE_EXTENSIONS, type Listing, type ListingOptions } from './directory/listing.js';
export { imageDatasetFromDirectory, IMAGE_DATASET_FORMATS, type ImageDataset, type ImageDatasetOptions, type LabelMode } from './directory/dataset.js';
export { NumpyRandomState } from './directory/numpy-random.js';

// The base of Keras' image iterators (DirectoryIterator here, NumpyArrayIterator in @layerwise/augment).
export { KerasIterator, BatchWindow, type KerasIteratorOptions, type BatchSelection } from './keras-iterator.js';

// A real image folder from Fashion-MNIST (tests, examples, benchmarks).
export { makeFashionImageSet, fashionClassFolder, type FashionImageSetOptions, type FashionImageSet } from './image-set.js';

// Splitting (scikit-learn's train_test_split).
export { trainTestSplit, type TrainTestSplitOptions, type Splittable } from './split.js';

// Downloads and the cache.
export { downloadFile, sha256File, hashFile, type DownloadOptions, type DownloadResult, type HashAlgorithm } from './download.js';
export { getFile, getFilePaths, kerasHome, type GetFileOptions } from './get-file.js';
export { extractArchive } from './download/extract.js';
export { layerwiseHome, datasetCacheDir, kerasDatasetsDir } from './cache.js';
export { fashionMnistSampleDir } from './assets.js';

// For packages that run their own worker threads (built file in dist, bundled on the fly from sources).
export { workerScriptUrl, type WorkerScriptOptions } from './workers/script.js';
export { WorkerPool, sharedWorkerPool, type WorkerPoolOptions } from './workers/pool.js';
