/**
 * A pool of image workers (node:worker_threads), shared by the directory iterators of a
 * process and closed when the last one is closed. Workers are unref'd, so a forgotten iterator
 * never keeps the process alive; a timer keeps it alive while requests are in flight, so a
 * pending batch is not lost to an early exit.
 */
import { Worker } from 'node:worker_threads';
// Loaded on the main thread before any worker loads it: libvips must stay loaded while
// workers come and go (sharp's advice for worker threads).
import 'sharp';
import type { WorkerRequest, WorkerResponse } from './worker.js';
import { workerScriptUrl } from '../workers/script.js';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>;
}

let scriptPromise: Promise<URL> | undefined;

function workerScript(): Promise<URL> {
  scriptPromise ??= workerScriptUrl({ from: import.meta.url, built: './image-worker.js', source: './worker.ts', external: ['sharp'], name: 'layerwise-image-worker' });
  return scriptPromise;
}

export class ImagePool {
  private slots: Slot[] = [];
  private nextId = 1;
  private users = 0;
  /**
   * Workers stay unref'd (a forgotten iterator never keeps the process alive); while requests
   * are in flight a timer keeps it running instead. (Toggling worker.ref()/unref() per request
   * let Node exit mid-await now and then — seen in @layerwise/augment's pool.)
   */
  private inflight = 0;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private settle(): void {
    if (--this.inflight === 0 && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = null;
    }
  }

  constructor(
    readonly size: number,
    private readonly sharpConcurrency?: number,
  ) {}

  /** The least busy worker, starting one while fewer than `size` run. Synchronous, so that concurrent requests never start more than `size`. */
  private slot(script: URL): Slot {
    if (this.slots.length < this.size) {
      const worker = new Worker(script, { workerData: { sharpConcurrency: this.sharpConcurrency } });
      worker.unref();
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (msg: WorkerResponse) => {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        p.resolve(msg);
      });
      const fail = (err: Error) => {
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
        this.slots = this.slots.filter((s) => s !== slot);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (slot.pending.size) fail(new Error(`an image worker stopped (exit code ${code})`));
        this.slots = this.slots.filter((s) => s !== slot);
      });
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  /** Runs one request on the least busy worker. */
  async run(request: Request): Promise<WorkerResponse> {
    const slot = this.slot(await workerScript());
    const id = this.nextId++;
    if (this.inflight++ === 0) this.keepAlive = setInterval(() => {}, 1 << 30);
    return new Promise<WorkerResponse>((resolve, reject) => {
      slot.pending.set(id, {
        resolve: (r) => {
          this.settle();
          resolve(r);
        },
        reject: (e) => {
          this.settle();
          reject(e);
        },
      });
      slot.worker.postMessage({ ...request, id });
    });
  }

  acquire(): this {
    this.users++;
    return this;
  }

  /** Drops one user; the last one terminates the workers. */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.terminate();
  }

  async terminate(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    if (pools.get(this.key) === this) pools.delete(this.key);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  get key(): string {
    return `${this.size}/${this.sharpConcurrency ?? 0}`;
  }
}

const pools = new Map<string, ImagePool>();

/** The shared pool of `size` workers (one per size and sharp concurrency). */
export function sharedPool(size: number, sharpConcurrency?: number): ImagePool {
  const key = `${size}/${sharpConcurrency ?? 0}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new ImagePool(size, sharpConcurrency)));
  return pool.acquire();
}
