/**
 * A pool of worker threads (node:worker_threads) for the image and augmentation pipelines:
 * started lazily up to `size`, shared by the iterators of a process and stopped when the
 * last user releases it. Workers are unref'd, so a forgotten iterator never keeps the
 * process alive; while requests are in flight a ref'd timer keeps it running instead
 * (toggling worker.ref()/unref() per request let Node exit mid-await now and then).
 *
 * Messages are objects; the pool adds an `id` to each request and matches the worker's reply
 * `{ id, … }` to it. "Sticky" messages (a data set shared with every worker) go to the
 * running workers and to every worker started later.
 */
import { Worker } from 'node:worker_threads';
import { shareImageLimits } from '../image/limits.js';

export interface WorkerPoolOptions {
  /** The worker's script (see workerScriptUrl). */
  script: () => Promise<URL>;
  /** workerData of every worker. */
  workerData?: unknown;
  /** Names the workers in errors ('an image worker stopped …'). */
  label: string;
}

interface Slot<Res> {
  worker: Worker;
  pending: Map<number, { resolve: (r: Res) => void; reject: (e: Error) => void }>;
}

export class WorkerPool<Req extends object, Res extends { id: number }> {
  private slots: Slot<Res>[] = [];
  private sticky = new Map<unknown, Req>();
  private nextId = 1;
  private users = 0;
  private inflight = 0;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private scriptUrl: URL | undefined;

  constructor(
    readonly size: number,
    private readonly options: WorkerPoolOptions,
    private readonly onStop?: () => void,
  ) {}

  /** Resolves once the worker script is ready (bundled from the sources, or dist's). */
  async ready(): Promise<void> {
    this.scriptUrl ??= await this.options.script();
  }

  /**
   * Runs one request (its `transfer` list moved, not copied): on worker `worker % size` when
   * given (a batch split across workers), else on the least busy one — starting workers while fewer than `size` run. Synchronous up
   * to the post, so concurrent requests never start more than `size`.
   */
  async run(request: Req, worker?: number, transfer?: Transferable[]): Promise<Res> {
    await this.ready();
    const slot = worker === undefined ? this.leastBusy() : this.slot(worker % this.size);
    return this.post(slot, request, transfer);
  }

  /** Sends `request` to every worker, now and started later, until `unshare(key)`. */
  share(key: unknown, request: Req): void {
    this.sticky.set(key, request);
    for (const s of this.slots) void this.post(s, request).catch(() => {});
  }

  /** Forgets a sticky message; `request` (if any) tells the running workers. */
  unshare(key: unknown, request?: Req): void {
    if (!this.sticky.delete(key) || !request) return;
    for (const s of this.slots) void this.post(s, request).catch(() => {});
  }

  acquire(): this {
    this.users++;
    return this;
  }

  /** Drops one user; the last one stops the workers. */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.terminate();
  }

  async terminate(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.sticky.clear();
    this.onStop?.();
    // ref'd while stopping: an unref'd worker's exit does not keep the event loop alive, so
    // awaiting terminate() on it could let the process run out of work mid-await.
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  private leastBusy(): Slot<Res> {
    if (this.slots.length < this.size) return this.slot(this.slots.length);
    return this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private slot(i: number): Slot<Res> {
    while (this.slots.length <= i) this.start();
    return this.slots[i];
  }

  private start(): void {
    // The image pixel limit travels with every worker (shared memory: later changes apply).
    const worker = new Worker(this.scriptUrl as URL, { workerData: shareImageLimits(this.options.workerData) });
    const slot: Slot<Res> = { worker, pending: new Map() };
    worker.on('message', (msg: Res) => {
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      this.settled();
      p.resolve(msg);
    });
    const fail = (err: Error) => {
      for (const p of slot.pending.values()) {
        this.settled();
        p.reject(err);
      }
      slot.pending.clear();
      this.slots = this.slots.filter((s) => s !== slot);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slot.pending.size) fail(new Error(`${this.options.label} stopped (exit code ${code})`));
      this.slots = this.slots.filter((s) => s !== slot);
    });
    // Unref'd last: on Node 20, adding a 'message' listener refs the worker's port again, so
    // an unref() before the listeners would be undone and the process would never exit.
    worker.unref();
    this.slots.push(slot);
    for (const request of this.sticky.values()) void this.post(slot, request).catch(() => {});
  }

  private post(slot: Slot<Res>, request: Req, transfer?: Transferable[]): Promise<Res> {
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (this.inflight++ === 0) this.keepAlive = setInterval(() => {}, 1 << 30);
      slot.worker.postMessage({ ...request, id }, transfer as never);
    });
  }

  private settled(): void {
    if (--this.inflight === 0 && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = null;
    }
  }
}

const pools = new Map<string, WorkerPool<object, { id: number }>>();

/** The process-wide pool under `key` (made by `make` at first use), acquired for one more user. */
export function sharedWorkerPool<Req extends object, Res extends { id: number }>(key: string, make: (onStop: () => void) => WorkerPool<Req, Res>): WorkerPool<Req, Res> {
  let pool = pools.get(key) as WorkerPool<Req, Res> | undefined;
  if (!pool) {
    const made: WorkerPool<Req, Res> = make(() => {
      if (pools.get(key) === (made as unknown)) pools.delete(key);
    });
    pool = made;
    pools.set(key, pool as unknown as WorkerPool<object, { id: number }>);
  }
  return pool.acquire();
}
