import { checkSteps } from './checks.js';
import type { Batch, BatchSource } from './source.js';

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
    return checkSteps(this.where, argName, given) ?? this.length;
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
