import { DataError } from '../errors.js';
import { rng } from '../random/random.js';
import { sampleShape, type SymShape } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor/tensor.js';
import { BatchPuller } from './puller.js';
import type { Batch } from './source.js';

/**
 * One batch as fit, evaluate and predict consume it: `rows` of `arrays` (x…, then y…). A stream
 * over in-memory arrays can hand out the same whole `arrays` every step with only the row
 * indices changing (fit uploads them once and gathers the rows in the graph), or views of
 * consecutive rows (`rows` null: every row of `arrays`); a generator's batch is its own arrays.
 */
export interface StreamBatch {
  arrays: Tensor[];
  rows: Int32Array | null;
  size: number;
}

/** The dtypes of x and y as they reach the graph (a train step is compiled for them). */
export interface DataDtypes {
  x: DType[];
  y: DType[];
  /** The x arrays' shapes, the batch dimension left unknown (a generator's: its first batch's). */
  xShapes?: SymShape[];
}

/**
 * Where fit, evaluate and predict get their batches: rows of arrays or a generator's batches,
 * behind one interface. A pass is one epoch of fit, or evaluate's and predict's one run.
 */
export interface BatchStream {
  /** Batches in one pass, when known. */
  readonly steps: number | undefined;
  /** Samples in one pass, when known (for callbacks' params). */
  readonly samples: number | undefined;
  /** dtypes of x and y (a generator's first batch is read, and kept, to learn them). */
  dtypes(): Promise<DataDtypes>;
  /** Start a pass. */
  beginPass(): void;
  /** The pass's next batch, or null when the pass is over (or the data ran out: see `steps`). */
  next(): Promise<StreamBatch | null>;
  /** Can the next `k` batches run as one chained call (full batches of the same arrays)? */
  canChain(k: number): boolean;
}

/** Batches of in-memory arrays (x…, then y…; y may be empty for predict). */
export class ArrayStream implements BatchStream {
  readonly samples: number;
  readonly steps: number;
  private readonly fullBatches: number;
  private readonly sequential: Int32Array;
  private order: Int32Array;
  private step = 0;

  /**
   * `resident`: every batch is rows of the whole arrays (fit: shuffled per pass when `shuffle`);
   * otherwise batches are views of consecutive rows, in order (evaluate, predict).
   */
  constructor(
    private readonly arrays: Tensor[],
    private readonly nx: number,
    private readonly batchSize: number,
    private readonly options: { resident: boolean; shuffle: boolean },
  ) {
    this.samples = arrays[0].shape[0];
    this.steps = Math.ceil(this.samples / batchSize);
    this.fullBatches = Math.floor(this.samples / batchSize);
    this.sequential = Int32Array.from({ length: this.samples }, (_, i) => i);
    this.order = this.sequential;
  }

  async dtypes(): Promise<DataDtypes> {
    const xs = this.arrays.slice(0, this.nx);
    return { x: xs.map((a) => a.dtype), y: this.arrays.slice(this.nx).map((a) => a.dtype), xShapes: xs.map((a) => sampleShape(a.shape)) };
  }

  beginPass(): void {
    this.step = 0;
    this.order = this.options.resident && this.options.shuffle ? rng().permutation(this.samples) : this.sequential;
  }

  async next(): Promise<StreamBatch | null> {
    if (this.step >= this.steps) return null;
    const start = this.step * this.batchSize;
    const end = Math.min(this.samples, start + this.batchSize);
    this.step++;
    if (this.options.resident) return { arrays: this.arrays, rows: this.order.subarray(start, end), size: end - start };
    return { arrays: this.arrays.map((a) => a.slice(start, end)), rows: null, size: end - start };
  }

  canChain(k: number): boolean {
    return this.options.resident && this.step + k <= this.fullBatches;
  }
}

export interface GeneratorStreamOptions {
  /** 'fit', 'evaluate', 'predict', 'fit validationData': for messages. */
  where: string;
  /** Batches per pass: given (stepsPerEpoch, steps) or the source's length; undefined: until the source runs dry. */
  steps: number | undefined;
  /** Check a batch and turn it into arrays (x…, then y…). */
  prepare: (batch: Batch) => Tensor[];
  /** Number of x arrays in a prepared batch. */
  nx: number;
  /** fit: passes continue one iterator (Keras' generators loop forever); evaluate/predict: each pass reads the source from its start. */
  rewindEachPass: boolean;
  /** A finite source that runs dry before `steps` (when known) is iterated again once (fit, evaluate; not predict). */
  restartWhenDry: boolean;
  /** Passes that will be read (fit's epochs): the batch after a pass's last is prefetched only if another pass follows. */
  passes: number;
}

/** Batches from a generator (an iterable or async iterable), the next one decoding while a step runs. */
export class GeneratorStream implements BatchStream {
  readonly samples = undefined;
  readonly steps: number | undefined;
  private first: Tensor[] | null = null;
  private step = 0;
  private pass = 0;

  constructor(
    private readonly puller: BatchPuller,
    private readonly options: GeneratorStreamOptions,
  ) {
    this.steps = options.steps;
  }

  /** The first batch's dtypes; the batch is kept as the first pass's first batch. */
  async dtypes(): Promise<DataDtypes> {
    this.first ??= await this.pull();
    const arrays = this.first;
    if (!arrays) throw new DataError(`${this.options.where}: the generator yielded no batches`);
    const xs = arrays.slice(0, this.options.nx);
    return { x: xs.map((a) => a.dtype), y: arrays.slice(this.options.nx).map((a) => a.dtype), xShapes: xs.map((a) => sampleShape(a.shape)) };
  }

  beginPass(): void {
    if (this.pass > 0 && this.options.rewindEachPass) this.puller.rewind();
    this.pass++;
    this.step = 0;
  }

  async next(): Promise<StreamBatch | null> {
    if (this.steps !== undefined && this.step >= this.steps) return null;
    const arrays = this.first ?? (await this.pull());
    this.first = null;
    if (!arrays) return null;
    this.step++;
    const morePasses = this.pass < this.options.passes && !this.options.rewindEachPass;
    if (this.steps === undefined || this.step < this.steps || morePasses) this.puller.prefetch();
    return { arrays, rows: null, size: arrays[0].shape[0] };
  }

  canChain(): boolean {
    return false;
  }

  private async pull(): Promise<Tensor[] | null> {
    const batch = await this.puller.next(this.options.restartWhenDry && this.steps !== undefined);
    return batch === null ? null : this.options.prepare(batch);
  }
}
