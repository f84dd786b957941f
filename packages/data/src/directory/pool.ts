/**
 * The image workers of the directory iterators: one shared WorkerPool per worker count and
 * sharp concurrency (see ../workers/pool.ts).
 */
// Loaded on the main thread before any worker loads it: libvips must stay loaded while
// workers come and go (sharp's advice for worker threads).
import 'sharp';
import type { WorkerRequest, WorkerResponse } from './worker.js';
import { workerScriptUrl } from '../workers/script.js';
import { sharedWorkerPool, WorkerPool } from '../workers/pool.js';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export type ImagePool = WorkerPool<Request, WorkerResponse>;

let scriptPromise: Promise<URL> | undefined;

function workerScript(): Promise<URL> {
  scriptPromise ??= workerScriptUrl({ from: import.meta.url, built: './image-worker.js', source: './worker.ts', external: ['sharp'], name: 'layerwise-image-worker' });
  return scriptPromise;
}

/** The shared pool of `size` image workers (one per size and sharp concurrency). */
export function sharedPool(size: number, sharpConcurrency?: number): ImagePool {
  return sharedWorkerPool<Request, WorkerResponse>(`image/${size}/${sharpConcurrency ?? 0}`, (onStop) => new WorkerPool(size, { script: workerScript, workerData: { sharpConcurrency }, label: 'an image worker' }, onStop));
}
