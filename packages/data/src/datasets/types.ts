import { checkOptions, keysOf, type Tensor } from '@layerwise/core';

/**
 * What Keras' load_data() returns: `[[xTrain, yTrain], [xTest, yTest]]`.
 * For the MNIST family x is uint8 [n, 28, 28] and y is uint8 [n].
 */
export type DatasetSplits = [train: [x: Tensor, y: Tensor], test: [x: Tensor, y: Tensor]];

export interface LoadDataOptions {
  /**
   * A folder holding the dataset's files (the four IDX files, gzipped or not; or
   * mnist.npz for MNIST), or the .npz file itself. When given, it is the only place looked at.
   */
  path?: string;
  /** Replaces ~/.layerwise (and $LAYERWISE_HOME): files are cached in <cacheDir>/datasets/<name>/. */
  cacheDir?: string;
  /**
   * Folder URL to download from instead of Keras' (a mirror of the same files; the SHA-256
   * checks still apply). Default: $LAYERWISE_DATASETS_BASE_URL, else Keras' origin.
   */
  baseUrl?: string;
  /** Download when no local copy exists. Default true. */
  download?: boolean;
  /** Download progress on stderr. Default true (as Keras). */
  verbose?: boolean;
  /** Network stall timeout in ms. Default 60 000. */
  timeoutMs?: number;
  /**
   * Read-only folders looked in after the cache and before downloading. Default: Keras'
   * cache (~/.keras/datasets, $KERAS_HOME) and, for Fashion-MNIST, the Debian package's
   * /usr/share/datasets/fashion-mnist. Pass [] to skip them.
   */
  searchDirs?: string[];
  /**
   * Expected SHA-256 per downloaded file name, replacing the built-in ones (e.g. for a
   * mirror of re-packed files); null turns the check off for that file.
   */
  fileHashes?: Record<string, string | null>;
}
export const loadDataKeys = keysOf<LoadDataOptions>()({
  path: true, cacheDir: true, baseUrl: true, download: true, verbose: true, timeoutMs: true, searchDirs: true, fileHashes: true,
});
/** loadData's options checked by name (`cache_dir` → did you mean 'cacheDir'?). */
export function checkLoadOptions<T>(where: string, options: T, extra: readonly string[] = []): T {
  return checkOptions(where, options, [...loadDataKeys, ...extra]);
}

export type DataSourceKind = 'path' | 'cache' | 'searchDir' | 'download' | 'sample';

/** Where loaded data came from. */
export interface DataSource {
  kind: DataSourceKind;
  /** 'mnist', 'fashion-mnist' or 'cifar10'. */
  dataset: string;
  /** The folder (or .npz file) read. */
  location: string;
  /** The files read. */
  files: string[];
  /** One line for people, e.g. "the embedded Fashion-MNIST sample (4000 train / 1000 test)". */
  description: string;
  /** For the sample fallback: why nothing else was available. */
  reason?: string;
}

export interface LoadedDataset {
  data: DatasetSplits;
  source: DataSource;
}
