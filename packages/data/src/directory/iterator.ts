/**
 * Keras' DirectoryIterator (`ImageDataGenerator().flow_from_directory(directory, …)`):
 * batches of images read from a folder with one subfolder per class, decoded on worker
 * threads while the previous batch trains, never the whole folder in memory.
 *
 *   const train = await flowFromDirectory('data60x90/train', { targetSize: [60, 90], classMode: 'binary' });
 *   // Found 2000 images belonging to 2 classes.
 *   const [x, y] = await train.getBatch(0);       // x float32 [32, 60, 90, 3], y float32 [32]
 *   await model.fit(train, { epochs: 10 });        // fit takes `length` batches per epoch
 *   await train.close();
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, DataError, Generator, rng, Tensor } from '@layerwise/core';
import { arrayToImg, checkDecodeOptions, saveImg, type DataFormat } from '../image/io.js';
import { checkImageFile, quickCheckImageFile } from '../image/decode.js';
import type { ColorMode, Interpolation } from '../image/img.js';
import { buildBatch, channelCount, type BatchSpec } from './batch.js';
import { checkDirectory, DEFAULT_IMAGE_EXTENSIONS, listImageDirectory } from './listing.js';
import { sharedPool, type ImagePool } from './pool.js';

export type ClassMode = 'categorical' | 'binary' | 'sparse' | 'input' | null;
export const CLASS_MODES: readonly ClassMode[] = ['categorical', 'binary', 'sparse', 'input', null];

/** What a batch is: `[x, y]`, or just `x` when classMode is null (for predict). */
export type DirectoryBatch<M extends ClassMode = ClassMode> = M extends null ? Tensor : [x: Tensor, y: Tensor];

export type InvalidImagePolicy = 'warn' | 'error' | 'skip';

export interface DirectoryIteratorOptions<M extends ClassMode = 'categorical'> {
  /** [height, width] every image is resized to. Default [256, 256]. */
  targetSize?: [number, number];
  /** 'rgb' (default), 'grayscale' or 'rgba'. */
  colorMode?: ColorMode;
  /** Class subfolder names in label order; default: every subfolder, sorted (code-point order). */
  classes?: readonly string[];
  /** 'categorical' (default: one-hot float32 [b, classes]), 'binary' / 'sparse' (float32 [b]), 'input' (y = x), null (x only). */
  classMode?: M;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle at every epoch. Default true. */
  shuffle?: boolean;
  /** Seed for the shuffles; default: core's generator (setSeed). */
  seed?: number;
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

/** Files that were left out, and why. */
export interface InvalidImage {
  path: string;
  reason: string;
}

const warnedFiles = new Set<string>();

function defaultWorkers(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : 2;
}

/**
 * Iterates over a folder of class subfolders like Keras' DirectoryIterator. Create it with
 * `await DirectoryIterator.create(dir, options)` or `await flowFromDirectory(dir, options)`.
 *
 * - `length`: batches per epoch (ceil(samples / batchSize)); `getBatch(i)` is Keras'
 *   `__getitem__` (the current epoch's order; `onEpochEnd()` reshuffles);
 * - `it.next()` is Keras' `next(it)`: endless, an epoch after another, reshuffled at each
 *   epoch start, the last batch of an epoch possibly smaller; `reset()` restarts it;
 * - `for await (const [x, y] of it)` (and fit/evaluate/predict) take a pass that starts at a
 *   new epoch and goes on endlessly in the same way; batches ahead are decoded meanwhile;
 * - `close()` stops the workers.
 */
export class DirectoryIterator<M extends ClassMode = 'categorical'> implements AsyncIterableIterator<DirectoryBatch<M>> {
  readonly directory: string;
  /** Class name → label. */
  readonly classIndices: Record<string, number>;
  readonly classNames: string[];
  readonly numClasses: number;
  /** The label of every sample, in `filenames` order. */
  readonly classes: Int32Array;
  /** Paths relative to `directory` ("class/file.jpg"), in Keras' order. */
  readonly filenames: string[];
  /** Absolute paths, in the same order. */
  readonly filepaths: string[];
  /** The same as filepaths (the name keras.utils.image_dataset_from_directory's datasets use). */
  get filePaths(): string[] {
    return this.filepaths;
  }
  readonly samples: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;
  readonly classMode: M;
  readonly targetSize: [number, number];
  readonly colorMode: ColorMode;
  readonly dataFormat: DataFormat;
  readonly interpolation: Interpolation;
  readonly keepAspectRatio: boolean;
  readonly subset: 'training' | 'validation' | undefined;
  /** Shape of one image: [h, w, c] (or [c, h, w]). */
  readonly imageShape: number[];
  /** Files left out at listing, or dropped from a batch when they failed to decode. */
  readonly invalidFiles: InvalidImage[] = [];

  private readonly options: DirectoryIteratorOptions<M>;
  private readonly workers: number;
  private readonly prefetchCount: number;
  private pool: ImagePool | undefined;
  private indexArray: Int32Array | undefined;
  private totalBatchesSeen = 0;
  private epoch = 0;
  // The iterator's own flow, for next() (Keras' _flow_index).
  private flow: Flow<M> | undefined;
  /** One epoch per `for await` (tf.data-like), for imageDatasetFromDirectory. */
  private oneEpochPasses = false;
  /** imageDatasetFromDirectory's label modes beyond flow_from_directory's. */
  private labelMode: 'int' | 'binary-column' | undefined;
  private closed = false;
  private readonly log: { warn(line: string): void; info(line: string): void };

  private constructor(directory: string, options: DirectoryIteratorOptions<M>, listing: { classNames: string[]; classIndices: Record<string, number>; filenames: string[]; classes: number[] }) {
    this.options = options;
    this.directory = directory;
    this.classNames = listing.classNames;
    this.classIndices = listing.classIndices;
    this.numClasses = listing.classNames.length;
    this.filenames = listing.filenames;
    this.filepaths = listing.filenames.map((f) => join(directory, f));
    this.classes = Int32Array.from(listing.classes);
    this.samples = this.filenames.length;
    this.batchSize = options.batchSize ?? 32;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed;
    this.classMode = (options.classMode === undefined ? 'categorical' : options.classMode) as M;
    this.targetSize = options.targetSize ?? [256, 256];
    this.colorMode = options.colorMode ?? 'rgb';
    this.dataFormat = options.dataFormat ?? 'channels_last';
    this.interpolation = options.interpolation ?? 'nearest';
    this.keepAspectRatio = options.keepAspectRatio ?? false;
    this.subset = options.subset;
    const c = channelCount(this.colorMode);
    this.imageShape = this.dataFormat === 'channels_last' ? [...this.targetSize, c] : [c, ...this.targetSize];
    this.workers = options.workers ?? defaultWorkers();
    this.prefetchCount = Math.max(1, options.prefetch ?? Math.max(2, this.workers));
    this.log = options.log ?? { warn: (l) => process.stderr.write(`${l}\n`), info: (l) => process.stdout.write(`${l}\n`) };
  }

  /** Lists (and checks) the files, prints Keras' "Found N images belonging to K classes." */
  static async create<M extends ClassMode = 'categorical'>(directory: string, options: DirectoryIteratorOptions<M> = {}): Promise<DirectoryIterator<M>> {
    const where = 'flowFromDirectory';
    checkOptions(options, where);
    const dir = isAbsolute(directory) ? directory : resolve(directory);
    checkDirectory(dir, where);
    let split: [number, number] | undefined;
    if (options.subset !== undefined) {
      const vs = options.validationSplit ?? 0;
      split = options.subset === 'validation' ? [0, vs] : [vs, 1];
    }
    const extensions = options.extensions ?? DEFAULT_IMAGE_EXTENSIONS;
    const listing = listImageDirectory(dir, { classes: options.classes, extensions, followLinks: options.followLinks, split });
    return DirectoryIterator.fromListing<M>(dir, options, listing, {
      messages: (it) => [`Found ${it.samples} images belonging to ${it.numClasses} classes.`],
      extensions,
    });
  }

  /** @internal Builds an iterator over a listing made elsewhere (imageDatasetFromDirectory). */
  static async fromListing<M extends ClassMode>(
    dir: string,
    options: DirectoryIteratorOptions<M>,
    listing: { classNames: string[]; classIndices: Record<string, number>; filenames: string[]; classes: number[] },
    extra: { messages: (it: DirectoryIterator<M>) => string[]; extensions: readonly string[]; labelMode?: 'int' | 'binary-column'; oneEpochPasses?: boolean; noun?: string },
  ): Promise<DirectoryIterator<M>> {
    const it = new DirectoryIterator<M>(dir, options, listing);
    it.labelMode = extra.labelMode;
    it.oneEpochPasses = extra.oneEpochPasses ?? false;
    await it.validateFiles();
    if (options.verbose !== false) for (const line of extra.messages(it)) it.log.info(line);
    if (it.samples === 0)
      throw new DataError(
        `Found 0 ${extra.noun ?? 'images'} belonging to ${it.numClasses} classes in ${dir}` +
          (it.numClasses === 0 ? ' (no class subfolders: put the images in one subfolder per class)' : ` (looked for files ending in ${extra.extensions.join(', ')})`),
      );
    return it;
  }

  /** Batches per epoch: ceil(samples / batchSize). */
  get length(): number {
    return Math.ceil(this.samples / this.batchSize);
  }

  private get policy(): InvalidImagePolicy {
    return this.options.onInvalidImage ?? 'warn';
  }

  private reportInvalid(path: string, reason: string, when: string): void {
    this.invalidFiles.push({ path, reason });
    if (this.policy === 'error') throw new DataError(`${path}: ${reason}`);
    if (this.policy === 'warn' && !warnedFiles.has(path)) {
      warnedFiles.add(path);
      this.log.warn(`Warning: skipping ${path} (${when}): ${reason}`);
    }
  }

  private async validateFiles(): Promise<void> {
    const mode = this.options.validate ?? 'quick';
    if (mode === 'none' || this.samples === 0) return;
    const full = mode === 'full';
    const reasons: (string | null)[] = new Array(this.samples).fill(null);
    // Reading a file's first and last bytes is I/O: done here through libuv's threads
    // (starting workers would cost more). Full decodes go to the workers when there are any.
    if (full && this.workers > 0) {
      const pool = this.getPool();
      const chunk = Math.max(16, Math.ceil(this.samples / (this.workers * 8)));
      const jobs: Promise<void>[] = [];
      for (let start = 0; start < this.samples; start += chunk) {
        const paths = this.filepaths.slice(start, start + chunk);
        jobs.push(
          pool.run({ type: 'check', paths, full }).then((r) => {
            if (!r.ok) throw new Error(r.error);
            if (r.type === 'check') r.reasons.forEach((reason, i) => (reasons[start + i] = reason));
          }),
        );
      }
      await Promise.all(jobs);
    } else {
      // The cheap checks synchronously (a few small reads per file: faster than async calls),
      // then a decode of the files that look wrong, a few at a time.
      const toDecode: number[] = [];
      for (let i = 0; i < this.samples; i++) {
        const quick = full ? 'decode' : quickCheckImageFile(this.filepaths[i]);
        if (typeof quick === 'object') reasons[i] = quick.reason;
        else if (quick === 'decode') toDecode.push(i);
      }
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < toDecode.length) {
            const i = toDecode[next++];
            reasons[i] = (await checkImageFile(this.filepaths[i], true)) ?? null;
          }
        }),
      );
    }
    if (reasons.every((r) => r === null)) return;
    const keep: number[] = [];
    reasons.forEach((reason, i) => {
      if (reason === null) keep.push(i);
      else this.reportInvalid(this.filepaths[i], reason, 'when listing');
    });
    const filenames = keep.map((i) => this.filenames[i]);
    const classes = Int32Array.from(keep, (i) => this.classes[i]);
    // The listing is fixed from here on; readonly for users.
    (this as { filenames: string[] }).filenames = filenames;
    (this as { filepaths: string[] }).filepaths = keep.map((i) => this.filepaths[i]);
    (this as { classes: Int32Array }).classes = classes;
    (this as { samples: number }).samples = filenames.length;
  }

  private getPool(): ImagePool {
    if (this.closed) throw new ConfigError('DirectoryIterator: used after close()');
    this.pool ??= sharedPool(this.workers, this.options.sharpConcurrency ?? 1);
    return this.pool;
  }

  /** A permutation for a new epoch (Keras: np.random.permutation, reseeded per batch count when seeded). */
  private newOrder(): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.samples }, (_, i) => i);
    const gen = this.seed !== undefined ? new Generator((this.seed + this.epoch * 0x9e3779b9) >>> 0) : rng();
    this.epoch++;
    return gen.permutation(this.samples);
  }

  /** Keras' __getitem__: batch `i` of the current epoch's order. */
  async getBatch(i: number): Promise<DirectoryBatch<M>> {
    if (!Number.isInteger(i) || i < 0 || i >= this.length)
      throw new ConfigError(`DirectoryIterator.getBatch: asked to retrieve element ${i}, but the Sequence has length ${this.length}`);
    this.indexArray ??= this.newOrder();
    this.totalBatchesSeen++;
    return this.batchFor(this.indexArray.subarray(this.batchSize * i, this.batchSize * (i + 1)));
  }

  /** Keras' on_epoch_end: a new order for getBatch. */
  onEpochEnd(): void {
    this.indexArray = this.newOrder();
  }

  /** Builds the batch of these sample indices. */
  private async batchFor(indices: Int32Array): Promise<DirectoryBatch<M>> {
    const spec: BatchSpec = {
      paths: Array.from(indices, (j) => this.filepaths[j]),
      colorMode: this.colorMode,
      targetSize: this.targetSize,
      interpolation: this.interpolation,
      keepAspectRatio: this.keepAspectRatio,
      autoOrient: this.options.autoOrient ?? true,
      dataFormat: this.dataFormat,
      rescale: this.options.rescale,
      concurrency: this.options.decodeConcurrency ?? 4,
    };
    const size = this.imageShape.reduce((a, b) => a * b, 1);
    let x: Float32Array;
    let failed: { index: number; reason: string }[];
    if (this.workers > 0) {
      // The batch buffer is allocated here and lent to the worker (moved there and back): the
      // main thread's allocator frees and reuses it, where buffers a worker allocated piled up
      // in its allocator's arena (~100 MB more resident memory with 240×360 batches).
      const into = new Float32Array(indices.length * size);
      const r = await this.getPool().run({ type: 'batch', spec, x: into }, undefined, [into.buffer]);
      if (!r.ok) throw new DataError(`image worker failed: ${r.error}`);
      if (r.type !== 'batch') throw new Error('unexpected worker reply');
      x = r.x;
      failed = r.failed;
    } else {
      ({ x, failed } = await buildBatch(spec));
    }
    let rows = Array.from(indices);
    if (failed.length) {
      for (const f of failed) this.reportInvalid(spec.paths[f.index], f.reason, 'when decoding; dropped from its batch');
      const bad = new Set(failed.map((f) => f.index));
      const kept = new Float32Array((rows.length - bad.size) * size);
      let o = 0;
      rows.forEach((_, k) => {
        if (bad.has(k)) return;
        kept.set(x.subarray(k * size, (k + 1) * size), o * size);
        o++;
      });
      x = kept;
      rows = rows.filter((_, k) => !bad.has(k));
    }
    const n = rows.length;
    if (this.options.imageTransform) {
      for (let k = 0; k < n; k++) {
        const view = new Tensor(x.subarray(k * size, (k + 1) * size), this.imageShape, 'float32');
        const out = this.options.imageTransform(view, rows[k]);
        if (out && out !== view) {
          if (out.size !== size) throw new ConfigError(`imageTransform returned shape [${out.shape.join(', ')}], expected [${this.imageShape.join(', ')}]`);
          x.set(out.data, k * size);
        }
      }
    }
    const xt = new Tensor(x, [n, ...this.imageShape], 'float32');
    if (this.options.saveToDir) await this.saveBatch(xt, rows);
    const mode = this.classMode;
    if (mode === null) return xt as DirectoryBatch<M>;
    let y: Tensor;
    if (mode === 'input') y = new Tensor(x.slice(), xt.shape, 'float32');
    else if (mode === 'categorical') {
      const onehot = new Float32Array(n * this.numClasses);
      rows.forEach((j, k) => (onehot[k * this.numClasses + this.classes[j]] = 1));
      y = new Tensor(onehot, [n, this.numClasses], 'float32');
    } else if (this.labelMode === 'int') y = new Tensor(Int32Array.from(rows, (j) => this.classes[j]), [n], 'int32');
    else if (this.labelMode === 'binary-column') y = new Tensor(Float32Array.from(rows, (j) => this.classes[j]), [n, 1], 'float32');
    else y = new Tensor(Float32Array.from(rows, (j) => this.classes[j]), [n], 'float32');
    return [xt, y] as DirectoryBatch<M>;
  }

  private async saveBatch(x: Tensor, rows: number[]): Promise<void> {
    const { saveToDir = '.', savePrefix = '', saveFormat = 'png' } = this.options;
    const size = this.imageShape.reduce((a, b) => a * b, 1);
    for (let k = 0; k < rows.length; k++) {
      const img = arrayToImg(new Tensor(x.data.subarray(k * size, (k + 1) * size), this.imageShape, 'float32'), { dataFormat: this.dataFormat, scale: true });
      const name = `${savePrefix}_${rows[k]}_${Math.floor(Math.random() * 1e7)}.${saveFormat}`;
      await saveImg(join(saveToDir, name), img, { format: saveFormat });
    }
  }

  /** The next batch of the iterator's own endless flow (Keras' next(iterator)). */
  async next(): Promise<IteratorResult<DirectoryBatch<M>>> {
    if (this.closed) return { done: true, value: undefined };
    this.flow ??= new Flow(this, true);
    return this.flow.next();
  }

  /**
   * A new pass, starting at a new epoch (batch 0 of a fresh order, as Keras 3 reads a
   * PyDataset and as tf.data datasets restart): endless, reshuffled at every epoch start,
   * or one epoch only for datasets from imageDatasetFromDirectory. fit keeps one pass going
   * across epochs; evaluate and predict take a new one, so they always read from the start.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<DirectoryBatch<M>> {
    return new Flow(this, !this.oneEpochPasses);
  }

  /** Starts the iterator's own flow (next()) over at a new epoch (Keras' reset()); prefetched batches are dropped. */
  reset(): void {
    this.flow?.drop();
    this.flow = undefined;
  }

  /** @internal The indices of the given batch of a flow; a new order at each epoch start. */
  orderForEpoch(): Int32Array {
    return this.newOrder();
  }

  /** @internal */
  buildBatch(indices: Int32Array): Promise<DirectoryBatch<M>> {
    this.totalBatchesSeen++;
    return this.batchFor(indices);
  }

  /** @internal */
  get prefetchSize(): number {
    return this.prefetchCount;
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops the image workers (shared pools stop when their last iterator closes). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flow?.drop();
    this.flow = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.release();
  }

  toString(): string {
    return `DirectoryIterator(${this.directory}: ${this.samples} images, ${this.numClasses} classes, batchSize ${this.batchSize})`;
  }
}

function checkOptions(options: DirectoryIteratorOptions<ClassMode>, where: string): void {
  checkDecodeOptions({ ...options, targetSize: options.targetSize ?? [256, 256] }, where);
  const { classMode, batchSize, subset, validationSplit, dataFormat, onInvalidImage, workers, validate } = options;
  if (classMode !== undefined && !CLASS_MODES.includes(classMode))
    throw new ConfigError(`${where}: invalid classMode '${classMode}'; expected one of 'categorical', 'binary', 'sparse', 'input', null`);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new ConfigError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
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

/**
 * `ImageDataGenerator().flow_from_directory(directory, …)` without augmentation: see
 * DirectoryIterator. (The augment package's ImageDataGenerator adds the random transforms.)
 */
export function flowFromDirectory<M extends ClassMode = 'categorical'>(directory: string, options: DirectoryIteratorOptions<M> = {}): Promise<DirectoryIterator<M>> {
  return DirectoryIterator.create(directory, options);
}

/**
 * One pass over a DirectoryIterator (Keras' _flow_index): batches of batchSize from an
 * order drawn at each epoch start, the last one of an epoch possibly smaller; up to
 * `prefetch` batches are being built ahead of the one returned.
 */
class Flow<M extends ClassMode> implements AsyncIterableIterator<DirectoryBatch<M>> {
  private batchIndex = 0;
  private order: Int32Array | undefined;
  private queue: Promise<DirectoryBatch<M>>[] = [];
  private finished = false;
  /** Batches handed out in the current epoch (for one-epoch passes). */
  private scheduled = 0;

  constructor(
    private readonly it: DirectoryIterator<M>,
    private readonly endless: boolean,
  ) {}

  private schedule(): boolean {
    if (!this.endless && this.scheduled >= this.it.length) return false;
    if (this.batchIndex === 0 || !this.order) this.order = this.it.orderForEpoch();
    const n = this.it.samples;
    const size = this.it.batchSize;
    const current = n === 0 ? 0 : (this.batchIndex * size) % n;
    if (n > current + size) this.batchIndex++;
    else this.batchIndex = 0;
    this.scheduled++;
    const p = this.it.buildBatch(this.order.subarray(current, current + size));
    p.catch(() => {}); // reported when its turn comes
    this.queue.push(p);
    return true;
  }

  async next(): Promise<IteratorResult<DirectoryBatch<M>>> {
    if (this.finished || this.it.isClosed) return { done: true, value: undefined };
    while (this.queue.length <= this.it.prefetchSize && this.schedule());
    const head = this.queue.shift();
    if (!head) {
      this.finished = true;
      return { done: true, value: undefined };
    }
    return { done: false, value: await head };
  }

  async return(): Promise<IteratorResult<DirectoryBatch<M>>> {
    await this.drop();
    this.finished = true;
    return { done: true, value: undefined };
  }

  /** Drops the batches built ahead (waiting for them, so no work is left running). */
  async drop(): Promise<void> {
    const pending = this.queue;
    this.queue = [];
    await Promise.allSettled(pending);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
