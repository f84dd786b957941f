/**
 * The worker pool of `flow`: @layerwise/data's WorkerPool running worker.ts, one per worker
 * count, shared by the iterators of a process. The data sets go to every worker once, in
 * shared memory (sticky messages); each request transforms a slice of a batch.
 */
import { availableParallelism } from 'node:os';
import { sharedWorkerPool, WorkerPool, workerScriptUrl } from '@layerwise/data';
import type { WorkerRequest, WorkerResponse } from './worker.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<WorkerRequest, 'id'>;

let scriptPromise: Promise<URL> | undefined;

/** dist/augment-worker.js next to the built package; from the sources (vitest), worker.ts bundled on the fly. */
function workerScript(): Promise<URL> {
  scriptPromise ??= workerScriptUrl({ from: import.meta.url, built: './augment-worker.js', source: './worker.ts', name: 'layerwise-augment-worker' });
  return scriptPromise;
}

/** Default worker count for flow: min(2, cores); 0 on a single core. */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(2, cores) : 0;
}

export class AugmentPool {
  constructor(private readonly pool: WorkerPool<Request, WorkerResponse>) {}

  get size(): number {
    return this.pool.size;
  }

  ready(): Promise<void> {
    return this.pool.ready();
  }

  /** Transforms a batch on the least busy worker: `out` is moved there and comes back filled. */
  async run(request: Omit<Extract<WorkerRequest, { type: 'transform' }>, 'id' | 'type'>): Promise<Float32Array> {
    const r = await this.pool.run({ ...request, type: 'transform' }, undefined, [request.out.buffer]);
    if (!r.ok) throw new Error(`augment worker: ${r.error}`);
    if (!r.out) throw new Error('augment worker: no batch in the reply');
    return r.out;
  }

  /** Shares a data set (a view of a SharedArrayBuffer) with every worker, now and started later. */
  addData(key: number, x: Float32Array): void {
    this.pool.share(key, { type: 'data', key, x });
  }

  dropData(key: number): void {
    this.pool.unshare(key, { type: 'drop', key });
  }

  release(): Promise<void> {
    return this.pool.release();
  }

  terminate(): Promise<void> {
    return this.pool.terminate();
  }
}

/** The shared pool of `size` workers. */
export function sharedAugmentPool(size: number): AugmentPool {
  return new AugmentPool(sharedWorkerPool<Request, WorkerResponse>(`augment/${size}`, (onStop) => new WorkerPool(size, { script: workerScript, label: 'an augment worker' }, onStop)));
}
