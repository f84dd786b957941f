/**
 * A flow worker (node:worker_threads): runs apply_transform on a slice of a batch with the
 * parameters the main thread drew, reading the images from the iterator's data set (shared
 * memory, sent once) and writing the results into the batch (shared memory). Built to
 * dist/augment-worker.js; from the sources it is bundled on the fly (see pool.ts). Imports
 * kernels/ only (no @layerwise/core).
 */
import { parentPort } from 'node:worker_threads';
import { transformArray, type TransformConfig, type TransformParameters } from './kernels/transform.js';

export type WorkerRequest =
  | {
      id: number;
      type: 'transform';
      /** The data set (see 'data'). */
      key: number;
      /** One image's shape (3-D). */
      shape: number[];
      cfg: TransformConfig;
      params: TransformParameters[];
      /** Image indices into the data set, one per params entry. */
      indices: Int32Array;
      /** Where the results go, back to back: lent by the main thread, sent back filled. */
      out: Float32Array;
    }
  | { id: number; type: 'data'; key: number; x: Float32Array }
  | { id: number; type: 'drop'; key: number };

export type WorkerResponse = { id: number; ok: true; out?: Float32Array } | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('augment-worker must run in a worker thread');
const datasets = new Map<number, Float32Array>();

port.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.type === 'data') datasets.set(msg.key, msg.x);
    else if (msg.type === 'drop') datasets.delete(msg.key);
    else {
      const out = msg.out;
      const data = datasets.get(msg.key);
      if (!data) throw new Error(`augment worker: unknown data set ${msg.key}`);
      const per = msg.shape[0] * msg.shape[1] * msg.shape[2];
      for (let i = 0; i < msg.params.length; i++) {
        const j = msg.indices[i];
        transformArray(data.subarray(j * per, (j + 1) * per), msg.shape, msg.params[i], msg.cfg, out.subarray(i * per, (i + 1) * per));
      }
      port.postMessage({ id: msg.id, ok: true, out } satisfies WorkerResponse, [out.buffer as ArrayBuffer]);
      return;
    }
    port.postMessage({ id: msg.id, ok: true } satisfies WorkerResponse);
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) } satisfies WorkerResponse);
  }
});
