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
import { ConfigError, DataError, Tensor, type Generator } from '@layerwise/core';
import { arrayToImg, saveImg, type DataFormat } from '../image/io.js';
import type { ColorMode, Interpolation } from '../image/img.js';
import { BatchWindow, KerasIterator, type BatchSelection } from '../keras-iterator.js';
import { buildBatch, channelCount, type BatchSpec } from './batch.js';
import { checkListedFiles } from './file-checks.js';
import { batchLabels } from './labels.js';
import { Flow } from './flow.js';
import { checkDirectory, DEFAULT_IMAGE_EXTENSIONS, listImageDirectory } from './listing.js';
import { checkOptions, type ClassMode, type DirectoryBatch, type DirectoryIteratorOptions, type InvalidImage, type InvalidImagePolicy } from './options.js';
import { sharedPool, type ImagePool } from './pool.js';

export { CLASS_MODES, directoryIteratorKeys, type ClassMode, type DirectoryBatch, type DirectoryIteratorOptions, type InvalidImage, type InvalidImagePolicy } from './options.js';

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
export class DirectoryIterator<M extends ClassMode = 'categorical'> extends KerasIterator implements AsyncIterableIterator<DirectoryBatch<M>> {
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
  // The iterator's own flow, for next(), over the base class's window (Keras' _flow_index).
  private flow: Flow<DirectoryBatch<M>> | undefined;
  /** One epoch per `for await` (tf.data-like), for imageDatasetFromDirectory. */
  private oneEpochPasses = false;
  /** imageDatasetFromDirectory's label modes beyond flow_from_directory's. */
  private labelMode: 'int' | 'binary-column' | undefined;
  private closed = false;
  private readonly log: { warn(line: string): void; info(line: string): void };

  private constructor(directory: string, options: DirectoryIteratorOptions<M>, listing: { classNames: string[]; classIndices: Record<string, number>; filenames: string[]; classes: number[] }) {
    super(options, 'flowFromDirectory');
    this.options = options;
    this.directory = directory;
    this.classNames = listing.classNames;
    this.classIndices = listing.classIndices;
    this.numClasses = listing.classNames.length;
    this.filenames = listing.filenames;
    this.filepaths = listing.filenames.map((f) => join(directory, f));
    this.classes = Int32Array.from(listing.classes);
    this.samples = this.filenames.length;
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

  /** Samples per epoch (Keras' n). */
  get n(): number {
    return this.samples;
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
    const reasons = await checkListedFiles(this.filepaths, mode === 'full', this.workers, () => this.getPool());
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

  /** Keras' __getitem__: batch `i` of the current epoch's order (`onEpochEnd()` draws a new one). */
  async getBatch(i: number): Promise<DirectoryBatch<M>> {
    return this.batchFor(this.selectBatch(i, 'DirectoryIterator.getBatch'));
  }

  /** Builds the batch of these sample indices. */
  private async batchFor({ indices, generator }: BatchSelection): Promise<DirectoryBatch<M>> {
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
    if (this.options.saveToDir) await this.saveBatch(xt, rows, generator);
    if (this.classMode === null) return xt as DirectoryBatch<M>;
    const y = batchLabels(this.classMode, this.labelMode, rows, this.classes, this.numClasses, xt);
    return [xt, y] as DirectoryBatch<M>;
  }

  /** Keras' save_to_dir for files: `{prefix}_{index}_{randint(1e7)}.{format}`. */
  private async saveBatch(x: Tensor, rows: number[], g: Generator): Promise<void> {
    const { saveToDir = '.', savePrefix = '', saveFormat = 'png' } = this.options;
    const size = this.imageShape.reduce((a, b) => a * b, 1);
    for (let k = 0; k < rows.length; k++) {
      const img = arrayToImg(new Tensor(x.data.subarray(k * size, (k + 1) * size), this.imageShape, 'float32'), { dataFormat: this.dataFormat, scale: true });
      const name = this.saveFileName(savePrefix, rows[k], 1e7, saveFormat, g);
      await saveImg(join(saveToDir, name), img, { format: saveFormat });
    }
  }

  /** The next batch of the iterator's own endless flow (Keras' next(iterator)). */
  async next(): Promise<IteratorResult<DirectoryBatch<M>>> {
    if (this.closed) return { done: true, value: undefined };
    this.flow ??= new Flow(this, this.window, true);
    return this.flow.next();
  }

  /**
   * A new pass, starting at a new epoch (batch 0 of a fresh order, as Keras 3 reads a
   * PyDataset and as tf.data datasets restart): endless, reshuffled at every epoch start,
   * or one epoch only for datasets from imageDatasetFromDirectory. fit keeps one pass going
   * across epochs; evaluate and predict take a new one, so they always read from the start.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<DirectoryBatch<M>> {
    return new Flow(this, new BatchWindow(this), !this.oneEpochPasses);
  }

  /** Starts the iterator's own flow (next()) over at a new epoch (Keras' reset()); prefetched batches are dropped. */
  override reset(): void {
    this.flow?.drop();
    this.flow = undefined;
    super.reset();
  }

  /** @internal A flow's batch. */
  buildBatch(batch: BatchSelection): Promise<DirectoryBatch<M>> {
    return this.batchFor(batch);
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

  override toString(): string {
    return `DirectoryIterator(${this.directory}: ${this.samples} images, ${this.numClasses} classes, batchSize ${this.batchSize})`;
  }
}

/**
 * `ImageDataGenerator().flow_from_directory(directory, …)` without augmentation: see
 * DirectoryIterator. (The augment package's ImageDataGenerator adds the random transforms.)
 */
export function flowFromDirectory<M extends ClassMode = 'categorical'>(directory: string, options: DirectoryIteratorOptions<M> = {}): Promise<DirectoryIterator<M>> {
  return DirectoryIterator.create(directory, options);
}
