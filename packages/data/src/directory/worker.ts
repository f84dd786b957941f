/**
 * An image worker (node:worker_threads): decodes batches and checks files for the
 * directory iterator, off the main thread. Built to dist/image-worker.js; from the sources
 * it is bundled on the fly (see pool.ts). Imports no @layerwise/core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { checkImageFile } from '../image/decode.js';
import { buildBatch, type BatchSpec } from './batch.js';

export type WorkerRequest =
  | { id: number; type: 'batch'; spec: BatchSpec; x: Float32Array }
  | { id: number; type: 'check'; paths: string[]; full: boolean };

export type WorkerResponse =
  | { id: number; ok: true; type: 'batch'; x: Float32Array; failed: { index: number; reason: string }[] }
  | { id: number; ok: true; type: 'check'; reasons: (string | null)[] }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('image-worker must run in a worker thread');
const { sharpConcurrency } = (workerData ?? {}) as { sharpConcurrency?: number };
if (sharpConcurrency) sharp.concurrency(sharpConcurrency);

port.on('message', async (msg: WorkerRequest) => {
  try {
    if (msg.type === 'batch') {
      const { x, failed } = await buildBatch(msg.spec, msg.x);
      const reply: WorkerResponse = { id: msg.id, ok: true, type: 'batch', x, failed };
      port.postMessage(reply, [x.buffer as ArrayBuffer]);
    } else {
      const reasons: (string | null)[] = new Array(msg.paths.length).fill(null);
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < msg.paths.length) {
            const i = next++;
            reasons[i] = (await checkImageFile(msg.paths[i], msg.full)) ?? null;
          }
        }),
      );
      port.postMessage({ id: msg.id, ok: true, type: 'check', reasons } satisfies WorkerResponse);
    }
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) } satisfies WorkerResponse);
  }
});
