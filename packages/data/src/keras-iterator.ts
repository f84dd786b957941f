/**
 * Keras' `Iterator` (keras/src/legacy/preprocessing/image.py), the base of its image
 * iterators: which samples each batch holds, epoch after epoch. DirectoryIterator (here) and
 * @layerwise/augment's NumpyArrayIterator build their batches on top of it.
 */
import { ConfigError, Generator, rng } from '@layerwise/core';

/** A batch's sample indices and the generator its random draws come from. */
export interface BatchSelection {
  indices: Int32Array;
  generator: Generator;
}

/**
 * Keras' `_flow_index` state: the position in the current epoch's order. Batches of
 * `batchSize` follow the order; the last one of an epoch may be smaller; a new order is drawn
 * when an epoch starts. An iterator has one for `next()`; a pass over it may keep its own.
 */
export class BatchWindow {
  /** Keras' batch_index: the next batch's number within the epoch. */
  batchIndex = 0;
  /** The current epoch's order (Keras' index_array). */
  order: Int32Array | null = null;

  constructor(private readonly it: KerasIterator) {}

  /** Keras' `next(index_generator)`: the next batch's indices (a view of the epoch's order). */
  next(): BatchSelection {
    const { n, batchSize } = this.it;
    const generator = this.it.batchGenerator();
    if (this.batchIndex === 0 || this.order === null) this.order = this.it.epochOrder(generator);
    const current = n === 0 ? 0 : (this.batchIndex * batchSize) % n;
    if (n > current + batchSize) this.batchIndex++;
    else this.batchIndex = 0;
    this.it.totalBatchesSeen++;
    return { indices: this.order.subarray(current, current + batchSize), generator };
  }

  /** Keras' reset(): the next batch starts a new epoch. */
  reset(): void {
    this.batchIndex = 0;
  }
}

export interface KerasIteratorOptions {
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle at every epoch. Default true. */
  shuffle?: boolean;
  /** Seeds the shuffles (and an iterator's other draws): batch b draws from a generator seeded with seed + b, as Keras reseeds numpy. Default: core's generator (setSeed). */
  seed?: number;
}

/**
 * The bookkeeping Keras' image iterators share: `length` batches per epoch, `getBatch(i)`
 * (Keras' `__getitem__`) over the current order, `onEpochEnd()` drawing a new one, the
 * iterator's own endless flow for `next()` with `reset()`, and Keras' save_to_dir file names.
 * With a seed, the draws of batch b come from a generator seeded with `seed + b` (b counts
 * every batch handed out, Keras' total_batches_seen); without one, from core's generator.
 */
export abstract class KerasIterator {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;
  /** Batches handed out so far (Keras' total_batches_seen). */
  totalBatchesSeen = 0;
  /**
   * The iterator's own flow, for next(). Its order is Keras' index_array, which getBatch reads
   * too: drawn at first use, when next() starts an epoch, and by onEpochEnd.
   */
  protected readonly window = new BatchWindow(this);

  constructor(options: KerasIteratorOptions, where: string) {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed;
  }

  /** Samples per epoch (Keras' n). */
  abstract get n(): number;

  /** Batches per epoch: ceil(n / batchSize). */
  get length(): number {
    return Math.ceil(this.n / this.batchSize);
  }

  /** Keras' batch_index: the next batch of next()'s flow within its epoch. */
  get batchIndex(): number {
    return this.window.batchIndex;
  }

  /** Keras' reset(): next() starts a new epoch. */
  reset(): void {
    this.window.reset();
  }

  /** Keras' on_epoch_end: a new order for getBatch. */
  onEpochEnd(): void {
    this.window.order = this.epochOrder(this.batchGenerator());
  }

  /** @internal The generator of the next batch: seeded with seed + totalBatchesSeen (Keras' np.random.seed), else core's. */
  batchGenerator(): Generator {
    return this.seed !== undefined ? new Generator((this.seed + this.totalBatchesSeen) >>> 0) : rng();
  }

  /** @internal An epoch's order: 0..n-1, or a permutation drawn from `g` (Keras' _set_index_array). */
  epochOrder(g: Generator): Int32Array {
    return this.shuffle ? g.permutation(this.n) : Int32Array.from({ length: this.n }, (_, i) => i);
  }

  /** Keras' __getitem__ bookkeeping: batch `i` of the current order (counts as a batch seen). */
  protected selectBatch(i: number, where: string): BatchSelection {
    if (!Number.isInteger(i) || i < 0 || i >= this.length)
      throw new ConfigError(`${where}: asked to retrieve element ${i}, but the Sequence has length ${this.length}`);
    const generator = this.batchGenerator();
    this.totalBatchesSeen++;
    const order = (this.window.order ??= this.epochOrder(generator));
    return { indices: order.subarray(this.batchSize * i, this.batchSize * (i + 1)), generator };
  }

  /** Keras' save_to_dir file name: `{prefix}_{index}_{hash}.{format}`, the hash drawn from the batch's generator. */
  protected saveFileName(prefix: string, index: number, hashBound: number, format: string, g: Generator): string {
    return `${prefix}_${index}_${g.int(hashBound)}.${format}`;
  }
}
