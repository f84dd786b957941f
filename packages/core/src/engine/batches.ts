import { ConfigError, DataError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** One batch from a generator: `[x, y]` (x and y each a Tensor or, for several inputs/outputs, a list), or just x for predict. */
export type Batch = Tensor | Tensor[] | [Tensor | Tensor[], (Tensor | Tensor[])?, unknown?];

/**
 * What fit/evaluate/predict accept besides arrays (Keras' generators and PyDataset): any
 * iterable or async iterable of batches. `length`, when present, is the number of batches in
 * one pass (used when stepsPerEpoch / steps is not given).
 */
export type BatchSource = (Iterable<Batch> | AsyncIterable<Batch>) & { length?: number };

export function isBatchSource(v: unknown): v is BatchSource {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Tensor) &&
    !Array.isArray(v) &&
    (Symbol.asyncIterator in v || Symbol.iterator in v)
  );
}

/** A batch's parts: x (always a list), y (a list, or null when the source gives x only). */
export function splitBatch(batch: Batch, where: string): { xs: Tensor[]; ys: Tensor[] | null } {
  if (batch instanceof Tensor) return { xs: [batch], ys: null };
  if (!Array.isArray(batch) || batch.length === 0) throw new DataError(`${where}: a batch must be x, [x] or [x, y]; got ${describe(batch)}`);
  const [x, y] = batch as [Tensor | Tensor[], (Tensor | Tensor[])?];
  const xs = Array.isArray(x) ? x : [x];
  if (!xs.every((t) => t instanceof Tensor)) throw new DataError(`${where}: batch x must be a Tensor or a list of Tensors; got ${describe(x)}`);
  if (y === undefined || y === null) return { xs, ys: null };
  const ys = Array.isArray(y) ? y : [y];
  if (!ys.every((t) => t instanceof Tensor)) throw new DataError(`${where}: batch y must be a Tensor or a list of Tensors; got ${describe(y)}`);
  return { xs, ys };
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return v.toString();
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

/**
 * Pulls batches from a source across epochs, as Keras does with generators: one iterator is
 * kept across epochs (a Keras DirectoryIterator loops forever); a finite source that runs dry
 * is restarted when it can be iterated again, else training stops with a warning.
 */
export class BatchPuller {
  private iterator: Iterator<Batch> | AsyncIterator<Batch>;
  private pending: Promise<IteratorResult<Batch>> | null = null;

  constructor(
    private source: BatchSource,
    private where: string,
  ) {
    this.iterator = this.open();
  }

  private open(): Iterator<Batch> | AsyncIterator<Batch> {
    const s = this.source as Partial<Iterable<Batch> & AsyncIterable<Batch>>;
    return s[Symbol.asyncIterator] ? s[Symbol.asyncIterator]!() : s[Symbol.iterator]!();
  }

  /** Batches per pass, when known. */
  get length(): number | undefined {
    return typeof this.source.length === 'number' ? this.source.length : undefined;
  }

  /** Steps to run: the given count (fractions rounded up, as Keras does), else the source's length. */
  steps(given: number | undefined, argName: string): number | undefined {
    if (given !== undefined) {
      if (!(given > 0)) throw new ConfigError(`${this.where}: ${argName} must be positive, got ${given}`);
      return Math.ceil(given);
    }
    return this.length;
  }

  /** The next batch, or null when the source is exhausted (after one restart attempt when `restart`). */
  async next(restart: boolean): Promise<Batch | null> {
    const result = await (this.pending ?? this.iterator.next());
    this.pending = null;
    if (!result.done) return result.value;
    if (!restart) return null;
    const again = this.open();
    if (again === this.iterator) return null;
    this.iterator = again;
    const retry = await this.iterator.next();
    return retry.done ? null : retry.value;
  }

  /** Start fetching the next batch now (it decodes while the current step runs). */
  prefetch(): void {
    if (this.pending) return;
    this.pending = Promise.resolve(this.iterator.next());
    // A prefetch nobody reads (training stopped, the source was closed) must not surface as an
    // unhandled rejection; a read batch still reports its error through next().
    this.pending.catch(() => {});
  }

  /** Begin a new pass over a finite source (evaluate/predict read it from the start). */
  rewind(): void {
    this.pending = null;
    const again = this.open();
    if (again !== this.iterator) this.iterator = again;
  }
}
