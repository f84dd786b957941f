/**
 * One pass over a DirectoryIterator (Keras' _flow_index, with prefetch): batches from a
 * BatchWindow, up to `prefetch` of them being built ahead of the one returned.
 */
import type { BatchSelection, BatchWindow } from '../keras-iterator.js';

/** What a pass needs of its iterator. */
export interface FlowSource<B> {
  readonly length: number;
  readonly prefetchSize: number;
  readonly isClosed: boolean;
  buildBatch(batch: BatchSelection): Promise<B>;
}

export class Flow<B> implements AsyncIterableIterator<B> {
  private queue: Promise<B>[] = [];
  private finished = false;
  /** Batches handed out (for one-epoch passes). */
  private scheduled = 0;

  /** `endless`: epoch after epoch; else one epoch (imageDatasetFromDirectory's datasets). */
  constructor(
    private readonly it: FlowSource<B>,
    private readonly window: BatchWindow,
    private readonly endless: boolean,
  ) {}

  private schedule(): boolean {
    if (!this.endless && this.scheduled >= this.it.length) return false;
    this.scheduled++;
    const p = this.it.buildBatch(this.window.next());
    p.catch(() => {}); // reported when its turn comes
    this.queue.push(p);
    return true;
  }

  async next(): Promise<IteratorResult<B>> {
    if (this.finished || this.it.isClosed) return { done: true, value: undefined };
    while (this.queue.length <= this.it.prefetchSize && this.schedule());
    const head = this.queue.shift();
    if (!head) {
      this.finished = true;
      return { done: true, value: undefined };
    }
    return { done: false, value: await head };
  }

  async return(): Promise<IteratorResult<B>> {
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
