/** flowFromDirectory's options (Keras' flow_from_directory arguments, camelCased, plus Layerwise's own) and their checks. */
import { ConfigError, checkOptions as checkOptionKeys, keysOf, type Tensor } from '@layerwise/core';
import { checkDecodeOptions, type DataFormat } from '../image/io.js';
import type { ColorMode, Interpolation } from '../image/img.js';
import type { KerasIteratorOptions } from '../keras-iterator.js';

export type ClassMode = 'categorical' | 'binary' | 'sparse' | 'input' | null;
export const CLASS_MODES: readonly ClassMode[] = ['categorical', 'binary', 'sparse', 'input', null];

/** What a batch is: `[x, y]`, or just `x` when classMode is null (for predict). */
export type DirectoryBatch<M extends ClassMode = ClassMode> = M extends null ? Tensor : [x: Tensor, y: Tensor];

export type InvalidImagePolicy = 'warn' | 'error' | 'skip';

/** batchSize (32), shuffle (true, a new order at every epoch) and seed (repeatable shuffles; default core's generator) come from KerasIteratorOptions. */
export interface DirectoryIteratorOptions<M extends ClassMode = 'categorical'> extends KerasIteratorOptions {
  /** [height, width] every image is resized to. Default [256, 256]. */
  targetSize?: [number, number];
  /** 'rgb' (default), 'grayscale' or 'rgba'. */
  colorMode?: ColorMode;
  /** Class subfolder names in label order; default: every subfolder, sorted (code-point order). */
  classes?: readonly string[];
  /** 'categorical' (default: one-hot float32 [b, classes]), 'binary' / 'sparse' (float32 [b]), 'input' (y = x), null (x only). */
  classMode?: M;
  /** Default 'channels_last' ([b, h, w, c]). */
  dataFormat?: DataFormat;
  /** Descend into symlinked subfolders. Default false. */
  followLinks?: boolean;
  /** With validationSplit: 'training' (the last 1 - split of each class) or 'validation' (the first split). */
  subset?: 'training' | 'validation';
  /** Fraction of each class held out for validation (ImageDataGenerator's validation_split). */
  validationSplit?: number;
  /** PIL filter for resizing: 'nearest' (default, as Keras), 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming'. */
  interpolation?: Interpolation;
  /** Centre-crop to the target aspect ratio before resizing. Default false. */
  keepAspectRatio?: boolean;
  /** Multiply the pixel values by this (ImageDataGenerator's rescale, e.g. 1 / 255). */
  rescale?: number;
  /** Apply EXIF orientation (default true; Keras does not). */
  autoOrient?: boolean;
  /** File endings taken as images. Default Keras' png, jpg, jpeg, bmp, ppm, tif, tiff, plus webp and gif. */
  extensions?: readonly string[];
  /** Broken, truncated or non-image files: 'warn' (default: one line on stderr per file, then skipped), 'skip' (silently), 'error' (DataError). */
  onInvalidImage?: InvalidImagePolicy;
  /**
   * How files are checked when listed: 'quick' (default: header and end-of-file markers;
   * a full decode only where those look wrong), 'full' (decode every file once), 'none'
   * (Keras: extension only; a bad file then surfaces when its batch is built).
   */
  validate?: 'quick' | 'full' | 'none';
  /** Decoding threads: worker_threads to use (default: the number of CPU cores); 0 decodes on the main thread with sharp's own thread pool. */
  workers?: number;
  /** Files each worker (or the main thread) decodes at once; sharp decodes on libuv's threads. Default 4. */
  decodeConcurrency?: number;
  /** libvips threads per image in the workers (sharp.concurrency); default 1 (the workers already run in parallel). */
  sharpConcurrency?: number;
  /** Batches decoded ahead while the current one is used. Default max(2, workers). */
  prefetch?: number;
  /** Print "Found N images belonging to K classes." (default true, as Keras). */
  verbose?: boolean;
  /** Per-image hook on the main thread (e.g. augmentation): gets a float32 [h, w, c] view; may change it in place or return a new Tensor of the same shape. */
  imageTransform?: (image: Tensor, fileIndex: number) => Tensor | void;
  /** Save every image of each batch here (Keras' save_to_dir), as `${savePrefix}_${index}_${random}.${saveFormat}`. */
  saveToDir?: string;
  savePrefix?: string;
  /** Default 'png'. */
  saveFormat?: string;
  /** Where warnings and the "Found …" line go (tests); default stderr / stdout. */
  log?: { warn(line: string): void; info(line: string): void };
}

export const directoryIteratorKeys = keysOf<DirectoryIteratorOptions<ClassMode>>()({
  batchSize: true, shuffle: true, seed: true, targetSize: true, colorMode: true, classes: true, classMode: true, dataFormat: true,
  followLinks: true, subset: true, validationSplit: true, interpolation: true, keepAspectRatio: true, rescale: true, autoOrient: true,
  extensions: true, onInvalidImage: true, validate: true, workers: true, decodeConcurrency: true, sharpConcurrency: true, prefetch: true,
  verbose: true, imageTransform: true, saveToDir: true, savePrefix: true, saveFormat: true, log: true,
});

/** Files that were left out, and why. */
export interface InvalidImage {
  path: string;
  reason: string;
}

export function checkOptions(options: DirectoryIteratorOptions<ClassMode>, where: string): void {
  checkOptionKeys(where, options, directoryIteratorKeys);
  checkDecodeOptions({ ...options, targetSize: options.targetSize ?? [256, 256] }, where);
  const { classMode, subset, validationSplit, dataFormat, onInvalidImage, workers, validate } = options;
  if (classMode !== undefined && !CLASS_MODES.includes(classMode))
    throw new ConfigError(`${where}: invalid classMode '${classMode}'; expected one of 'categorical', 'binary', 'sparse', 'input', null`);
  if (subset !== undefined && subset !== 'training' && subset !== 'validation')
    throw new ConfigError(`${where}: invalid subset name '${subset}'; expected 'training' or 'validation'`);
  if (validationSplit !== undefined && !(validationSplit >= 0 && validationSplit < 1))
    throw new ConfigError(`${where}: validationSplit must be a float between 0 and 1, got ${validationSplit}`);
  if (subset !== undefined && validationSplit === undefined)
    throw new ConfigError(`${where}: subset '${subset}' needs validationSplit (the fraction of each class held out for validation)`);
  if (dataFormat !== undefined && dataFormat !== 'channels_last' && dataFormat !== 'channels_first')
    throw new ConfigError(`${where}: dataFormat must be 'channels_last' or 'channels_first', got '${dataFormat}'`);
  if (onInvalidImage !== undefined && !['warn', 'error', 'skip'].includes(onInvalidImage))
    throw new ConfigError(`${where}: onInvalidImage must be 'warn', 'error' or 'skip', got '${onInvalidImage}'`);
  if (validate !== undefined && !['quick', 'full', 'none'].includes(validate))
    throw new ConfigError(`${where}: validate must be 'quick', 'full' or 'none', got '${validate}'`);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new ConfigError(`${where}: workers must be an integer ≥ 0, got ${workers}`);
}
