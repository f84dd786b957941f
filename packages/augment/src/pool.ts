/**
 * The worker pool of `flow` (node:worker_threads), shared by the iterators of a process and
 * closed when the last one is closed. Workers are unref'd (a forgotten iterator never keeps
 * the process alive); a ref'd timer keeps the process alive while requests are in flight.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './worker.js';
import { workerScriptUrl } from '@layerwise/data';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: () => void; reject: (e: Error) => void }>;
}

let scriptUrl: URL | undefined;
let scriptPromise: Promise<URL> | undefined;

/** dist/augment-worker.js next to the built package; from the sources (vitest), worker.ts bundled on the fly. */
function workerScript(): Promise<URL> {
  scriptPromise ??= workerScriptUrl({ from: import.meta.url, built: './augment-worker.js', source: './worker.ts', name: 'layerwise-augment-worker' });
  return scriptPromise.then((u) => (scriptUrl = u));
}

/** Default worker count for flow: min(2, cores); 0 on a single core. */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(2, cores) : 0;
}

export class AugmentPool {
  private slots: Slot[] = [];
  private data = new Map<number, Float32Array>();
  private nextId = 1;
  private users = 0;
  /**
   * Requests in flight, and a ref'd timer while there are any: the workers themselves stay
   * unref'd (a forgotten iterator never keeps the process alive), yet a pending batch keeps
   * it running. (Toggling worker.ref()/unref() per request let the process exit mid-await now and then.)
   */
  private inflight = 0;
  private keepAlive: ReturnType<typeof setInterval> | null = null;

  private settled(): void {
    if (--this.inflight === 0 && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = null;
    }
  }

  constructor(readonly size: number) {}

  /** Resolves once the worker script is ready (bundled from sources, or dist's). */
  async ready(): Promise<void> {
    if (!scriptUrl) await workerScript();
  }

  private slot(i: number): Slot {
    while (this.slots.length <= i) {
      const worker = new Worker(scriptUrl as URL);
      worker.unref();
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (msg: WorkerResponse) => {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        this.settled();
        if (msg.ok) p.resolve();
        else p.reject(new Error(`augment worker: ${msg.error}`));
      });
      const fail = (err: Error) => {
        for (const p of slot.pending.values()) {
          p.reject(err);
          this.settled();
        }
        slot.pending.clear();
        this.slots = this.slots.filter((s) => s !== slot);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (slot.pending.size) fail(new Error(`an augment worker stopped (exit code ${code})`));
        this.slots = this.slots.filter((s) => s !== slot);
      });
      this.slots.push(slot);
      for (const [key, x] of this.data) void this.post(slot, { type: 'data', key, x }).catch(() => {});
    }
    return this.slots[i];
  }

  /** Runs one request on worker `i % size` (call `ready()` first). */
  run(i: number, request: Omit<Extract<WorkerRequest, { type: 'transform' }>, 'id' | 'type'>): Promise<void> {
    return this.post(this.slot(i % this.size), { ...request, type: 'transform' });
  }

  private post(slot: Slot, request: DistributiveOmit<WorkerRequest, 'id'>): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (this.inflight++ === 0) this.keepAlive = setInterval(() => {}, 1 << 30);
      slot.worker.postMessage({ ...request, id });
    });
  }

  /** Shares a data set (a view of a SharedArrayBuffer) with every worker, now and started later. */
  addData(key: number, x: Float32Array): void {
    this.data.set(key, x);
    for (const s of this.slots) void this.post(s, { type: 'data', key, x }).catch(() => {});
  }

  dropData(key: number): void {
    if (!this.data.delete(key)) return;
    for (const s of this.slots) void this.post(s, { type: 'drop', key }).catch(() => {});
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
    this.data.clear();
    if (pools.get(this.size) === this) pools.delete(this.size);
    // ref'd while stopping: an unref'd worker's exit does not keep the event loop alive, so
    // awaiting terminate() on it could let the process run out of work mid-await.
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }
}

const pools = new Map<number, AugmentPool>();

/** The shared pool of `size` workers. */
export function sharedAugmentPool(size: number): AugmentPool {
  let pool = pools.get(size);
  if (!pool) pools.set(size, (pool = new AugmentPool(size)));
  return pool.acquire();
}
