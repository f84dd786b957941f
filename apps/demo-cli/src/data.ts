/**
 * The data preparation every chapter-1 program starts with, written once:
 *
 *   (x_train, y_train), (x_test, y_test) = mnist.load_data()
 *   x_train = x_train.reshape(60000, 784)          # 28x28 => 784
 *   x_train = x_train.astype("float32") / 255      # 0-255 => 0-1
 *   y_train = to_categorical(y_train, 10)          # one-hot ex: 3 => [0,0,0,1,0,0,0,0,0,0]
 */
import { toCategorical, type Tensor } from '@layerwise/core';
import { fashionMnist, mnist, type DataSource, type LoadDataOptions, type LoadedDataset } from '@layerwise/data';

export const DATASETS = ['fashion-mnist', 'mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface DataOptions {
  /** 'fashion-mnist' (default) or 'mnist'. */
  dataset?: DatasetName;
  /** A folder with the four IDX files (or mnist.npz): the only place looked at. */
  dataDir?: string;
  /** Use only the first `trainSamples` training samples (x_train[:n]). */
  trainSamples?: number;
  /** Use only the first `testSamples` test samples (x_test[:n]). */
  testSamples?: number;
  /** Never download: a local copy, else (Fashion-MNIST) the embedded sample. */
  offline?: boolean;
  /** Passed on to loadData (cacheDir, download, searchDirs …); mostly for tests. */
  load?: LoadDataOptions;
  /** 'flat' (default): [n, 784] for Dense networks; 'image': [n, 28, 28, 1] for CNNs (chapter 2). */
  layout?: 'flat' | 'image';
}

export interface Chapter1Data {
  /** [n, 784] float32 in [0, 1]. */
  xTrain: Tensor;
  /** [n, 10] one-hot. */
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  source: DataSource;
}

/** Load the dataset, telling where it came from (Fashion-MNIST falls back to the embedded sample offline). */
export async function loadDataset(options: DataOptions = {}): Promise<LoadedDataset> {
  const dataset = options.dataset ?? 'fashion-mnist';
  const load: LoadDataOptions = {
    ...options.load,
    ...(options.dataDir !== undefined ? { path: options.dataDir } : {}),
    ...(options.offline ? { download: false } : {}),
  };
  if (dataset === 'mnist') return mnist.loadDataWithSource(load);
  // An explicit --data-dir must hold the data; only the automatic search falls back to the sample.
  return fashionMnist.loadDataWithSource({ ...load, fallbackToSample: options.dataDir === undefined });
}

/** One line for people: where the data came from (and, offline, that it is only the sample). */
export function describeSource(source: DataSource): string {
  if (source.kind === 'sample') return `offline: using ${source.description}${source.reason ? `\n  (${source.reason.split('\n')[0]})` : ''}`;
  return `data: ${source.description}`;
}

/** load_data + reshape + astype/255 + to_categorical, as at the top of every chapter-1 program. */
export async function loadChapter1Data(options: DataOptions = {}): Promise<Chapter1Data> {
  const { data, source } = await loadDataset(options);
  let [[xTrain, yTrain], [xTest, yTest]] = data;

  // x_train = x_train[:500] …
  if (options.trainSamples !== undefined) [xTrain, yTrain] = [xTrain.slice(0, options.trainSamples), yTrain.slice(0, options.trainSamples)];
  if (options.testSamples !== undefined) [xTest, yTest] = [xTest.slice(0, options.testSamples), yTest.slice(0, options.testSamples)];

  // 28x28 => 784 (chapter 1), or 28x28 => 28x28x1 (chapter 2: x_train.reshape(60000, 28, 28, 1))
  const sample = options.layout === 'image' ? [28, 28, 1] : [784];
  xTrain = xTrain.reshape(xTrain.shape[0], ...sample);
  xTest = xTest.reshape(xTest.shape[0], ...sample);

  // one-hot ex: 3 => [0,0,0,1,0,0,0,0,0,0]
  yTrain = toCategorical(yTrain, 10);
  yTest = toCategorical(yTest, 10);

  // 0-255 => 0-1
  xTrain = xTrain.astype('float32').div(255);
  xTest = xTest.astype('float32').div(255);

  return { xTrain, yTrain, xTest, yTest, source };
}
