/**
 * `keras.utils.image_dataset_from_directory` (Keras 3's way to read an image folder):
 *
 *   const [train, val] = await imageDatasetFromDirectory('flowers', {
 *     validationSplit: 0.2, subset: 'both', seed: 123, imageSize: [180, 180], batchSize: 32,
 *   });
 *   // Found 3670 files belonging to 5 classes.  Using 2936 files for training.  Using 734 files for validation.
 *   await model.fit(train, { validationData: val, epochs: 3 });
 *
 * Keras' listing, its seeded shuffle of the whole file list (numpy's RandomState, reproduced
 * exactly) and its split (the last `validationSplit` of the shuffled list is validation); the
 * batches are decoded by the same streaming workers as flowFromDirectory. Each `for await`
 * is one epoch, like a tf.data dataset, reshuffled every time when `shuffle` is on.
 * Differences: Keras decodes and resizes with TensorFlow (tf.image.resize, no antialias);
 * here resizing is PIL's (as load_img), so resized pixels differ slightly. Within an epoch
 * the batch order is a fresh permutation per epoch, not tf.data's shuffle buffer.
 */
import { isAbsolute, resolve } from 'node:path';
import { checkOptions, keysOf, ConfigError } from '@layerwise/core';
import { checkDecodeOptions } from '../image/io.js';
import type { ColorMode, Interpolation } from '../image/img.js';
import { DirectoryIterator, type DirectoryIteratorOptions } from './iterator.js';
import { checkDirectory, classFolders, listImageDirectory, type Listing } from './listing.js';
import { NumpyRandomState } from './numpy-random.js';

/** keras.utils.image_dataset_from_directory's formats (ALLOWLIST_FORMATS). */
export const IMAGE_DATASET_FORMATS: readonly string[] = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'];

export type LabelMode = 'int' | 'categorical' | 'binary' | null;

export interface ImageDatasetOptions {
  /** 'inferred' (default: from the subfolders) or null (no labels: batches are x only). */
  labels?: 'inferred' | null;
  /** 'int' (default: int32 [b]), 'categorical' (float32 one-hot [b, k]), 'binary' (float32 [b, 1]; exactly 2 classes), null (x only). */
  labelMode?: LabelMode;
  /** Subfolders to use, in label order (a subset of them). */
  classNames?: string[];
  colorMode?: ColorMode;
  /** Default 32. */
  batchSize?: number;
  /** [height, width]; default [256, 256]. */
  imageSize?: [number, number];
  /** Shuffle the file list (seeded) and every epoch's batches. Default true. */
  shuffle?: boolean;
  /** Needed with shuffle and validationSplit (both subsets must come from the same shuffle). */
  seed?: number;
  validationSplit?: number;
  subset?: 'training' | 'validation' | 'both';
  /** Default 'bilinear' (as Keras' image_dataset_from_directory). */
  interpolation?: Interpolation;
  followLinks?: boolean;
  /** Centre-crop to the target aspect ratio before resizing. */
  cropToAspectRatio?: boolean;
  dataFormat?: 'channels_last' | 'channels_first';
  /** Print "Found N files belonging to K classes." (default true). */
  verbose?: boolean;
  // Layerwise additions, as for flowFromDirectory:
  workers?: number;
  prefetch?: number;
  onInvalidImage?: DirectoryIteratorOptions['onInvalidImage'];
  validate?: DirectoryIteratorOptions['validate'];
  autoOrient?: boolean;
  log?: DirectoryIteratorOptions['log'];
}

export const imageDatasetKeys = keysOf<ImageDatasetOptions>()({
  labels: true, labelMode: true, classNames: true, colorMode: true, batchSize: true, imageSize: true, shuffle: true, seed: true,
  validationSplit: true, subset: true, interpolation: true, followLinks: true, cropToAspectRatio: true, dataFormat: true, verbose: true,
  workers: true, prefetch: true, onInvalidImage: true, validate: true, autoOrient: true, log: true,
});

/** A dataset from imageDatasetFromDirectory: a DirectoryIterator whose passes are one epoch each. */
export type ImageDataset = DirectoryIterator<'categorical' | 'sparse' | null>;

export function imageDatasetFromDirectory(directory: string, options: ImageDatasetOptions & { subset: 'both' }): Promise<[ImageDataset, ImageDataset]>;
export function imageDatasetFromDirectory(directory: string, options?: ImageDatasetOptions): Promise<ImageDataset>;
export async function imageDatasetFromDirectory(directory: string, options: ImageDatasetOptions = {}): Promise<ImageDataset | [ImageDataset, ImageDataset]> {
  const where = 'imageDatasetFromDirectory';
  checkOptions(where, options, imageDatasetKeys);
  const { labels = 'inferred', shuffle = true, validationSplit, subset, batchSize = 32 } = options;
  const labelMode = labels === null ? null : options.labelMode === undefined ? 'int' : options.labelMode;
  if (labels !== 'inferred' && labels !== null) throw new ConfigError(`${where}: labels must be 'inferred' or null (explicit label lists are not supported), got ${JSON.stringify(labels)}`);
  if (!['int', 'categorical', 'binary', null].includes(labelMode)) throw new ConfigError(`${where}: labelMode must be 'int', 'categorical', 'binary' or null, got '${labelMode}'`);
  if (subset !== undefined && !['training', 'validation', 'both'].includes(subset))
    throw new ConfigError(`${where}: subset must be 'training', 'validation' or 'both', got '${subset}'`);
  if (validationSplit !== undefined && !(validationSplit > 0 && validationSplit < 1)) throw new ConfigError(`${where}: validationSplit must be between 0 and 1, got ${validationSplit}`);
  if (subset !== undefined && validationSplit === undefined) throw new ConfigError(`${where}: subset '${subset}' needs validationSplit`);
  if (validationSplit !== undefined && subset === undefined) throw new ConfigError(`${where}: validationSplit needs subset ('training', 'validation' or 'both')`);
  if (validationSplit !== undefined && shuffle && options.seed === undefined)
    throw new ConfigError(`${where}: if using validationSplit and shuffling the data, you must provide a seed (so that both subsets come from the same shuffle)`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  checkDecodeOptions({ colorMode: options.colorMode, interpolation: options.interpolation, targetSize: options.imageSize ?? [256, 256] }, where);

  const dir = isAbsolute(directory) ? directory : resolve(directory);
  checkDirectory(dir, where);
  // Keras: class folders sorted, hidden ones skipped; classNames must be a subset.
  const all = classFolders(dir).filter((c) => !c.startsWith('.'));
  if (options.classNames) {
    const missing = options.classNames.filter((c) => !all.includes(c));
    if (missing.length)
      throw new ConfigError(`${where}: classNames ${JSON.stringify(options.classNames)} do not match the subfolders of ${dir}: expected ${JSON.stringify(all)} (or a subset of them)`);
  }
  const classNames = options.classNames ?? all;
  if (labelMode === 'binary' && classNames.length !== 2)
    throw new ConfigError(`${where}: with labelMode 'binary' there must be exactly 2 classes; found ${classNames.length}: ${JSON.stringify(classNames)}`);
  const listing: Listing = classNames.length
    ? listImageDirectory(dir, { classes: classNames, extensions: IMAGE_DATASET_FORMATS, followLinks: options.followLinks })
    : { classNames: [], classIndices: {}, filenames: [], classes: [] };

  // Keras' global shuffle: RandomState(seed).shuffle(file_paths), the same for the labels.
  let { filenames, classes } = listing;
  if (shuffle) {
    const seed = options.seed ?? Math.floor(Math.random() * 1e6);
    const order = Int32Array.from(filenames, (_, i) => i);
    new NumpyRandomState(seed).shuffle(order);
    filenames = Array.from(order, (i) => filenames[i]);
    classes = Array.from(order, (i) => classes[i]);
  }
  const log = options.log ?? { warn: (l: string) => process.stderr.write(`${l}\n`), info: (l: string) => process.stdout.write(`${l}\n`) };
  if (options.verbose !== false)
    log.info(labelMode === null ? `Found ${filenames.length} files.` : `Found ${filenames.length} files belonging to ${classNames.length} classes.`);

  const make = async (part: 'training' | 'validation' | undefined) => {
    let f = filenames;
    let c = classes;
    if (part && validationSplit) {
      const numVal = Math.trunc(validationSplit * filenames.length);
      if (part === 'training') {
        f = f.slice(0, f.length - numVal);
        c = c.slice(0, c.length - numVal);
      } else {
        f = f.slice(f.length - numVal);
        c = c.slice(c.length - numVal);
      }
      if (options.verbose !== false) log.info(`Using ${part === 'training' ? f.length : numVal} files for ${part}.`);
    }
    const iteratorOptions: DirectoryIteratorOptions<'categorical' | 'sparse' | null> = {
      targetSize: options.imageSize ?? [256, 256],
      colorMode: options.colorMode,
      classMode: labelMode === null ? null : labelMode === 'categorical' ? 'categorical' : 'sparse',
      batchSize,
      shuffle,
      seed: options.seed,
      dataFormat: options.dataFormat,
      interpolation: options.interpolation ?? 'bilinear',
      keepAspectRatio: options.cropToAspectRatio ?? false,
      workers: options.workers,
      prefetch: options.prefetch,
      onInvalidImage: options.onInvalidImage,
      validate: options.validate,
      autoOrient: options.autoOrient,
      verbose: options.verbose,
      log,
    };
    return DirectoryIterator.fromListing(dir, iteratorOptions, { ...listing, filenames: f, classes: c }, {
      messages: () => [],
      extensions: IMAGE_DATASET_FORMATS,
      labelMode: labelMode === 'int' ? 'int' : labelMode === 'binary' ? 'binary-column' : undefined,
      oneEpochPasses: true,
      noun: 'files',
    });
  };
  if (subset === 'both') return [await make('training'), await make('validation')];
  return make(subset);
}
