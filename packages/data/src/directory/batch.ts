/**
 * Building one batch of images: decode each file (like keras.utils.load_img), write its
 * pixels as float32 into the batch buffer, optionally rescaled. Runs in the image workers
 * and, with `workers: 0`, on the main thread. Worker-safe: no @layerwise/core imports.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { decodeForTarget, finishImage } from '../image/decode.js';
import type { ColorMode, Interpolation } from '../image/img.js';
import { bytesToFloats } from '../image/wasm/index.js';

export interface BatchSpec {
  paths: string[];
  colorMode: ColorMode;
  /** [height, width]. */
  targetSize: [number, number];
  interpolation: Interpolation;
  keepAspectRatio: boolean;
  autoOrient: boolean;
  dataFormat: 'channels_last' | 'channels_first';
  /** Multiply every value by this (ImageDataGenerator's rescale); undefined = 1. */
  rescale?: number;
  /** Files decoded at once (the file reads and sharp's decodes overlap). */
  concurrency: number;
}

export interface BatchResult {
  /** float32 [paths.length, h, w, c] (or [n, c, h, w]). Failed images are left as zeros. */
  x: Float32Array;
  failed: { index: number; reason: string }[];
}

export function channelCount(colorMode: ColorMode): number {
  return colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : 4;
}

/** Builds the batch into `into` when given (zeros, the batch's size), else into a new array. */
export async function buildBatch(spec: BatchSpec, into?: Float32Array): Promise<BatchResult> {
  const [h, w] = spec.targetSize;
  const c = channelCount(spec.colorMode);
  const size = h * w * c;
  const x = into ?? new Float32Array(spec.paths.length * size);
  const failed: BatchResult['failed'] = [];
  // numpy multiplies a float32 array by a Python float in float32 (NEP 50): round the factor first.
  const scale = Math.fround(spec.rescale ?? 1);
  let next = 0;
  const one = async (i: number) => {
    const path = spec.paths[i];
    try {
      // A worker thread may block: one synchronous read costs ~30 µs, where the promise API's
      // open/fstat/read/close round trips through libuv cost ~0.4 ms of CPU per file.
      const bytes = isMainThread ? await readFile(path) : readFileSync(path);
      const { raw, resized } = await decodeForTarget(bytes, path, spec.targetSize, spec.interpolation, spec.keepAspectRatio, spec.autoOrient);
      const img = finishImage(raw, spec.colorMode, resized ? undefined : spec.targetSize, spec.interpolation, spec.keepAspectRatio);
      const src = img.data;
      const base = i * size;
      if (spec.dataFormat === 'channels_last' || c === 1) {
        bytesToFloats(src, x, base, scale);
      } else {
        const plane = h * w;
        for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) x[base + ch * plane + p] = src[p * c + ch] * scale;
      }
    } catch (err) {
      const message = (err as Error).message;
      failed.push({ index: i, reason: message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message });
    }
  };
  const runners = Array.from({ length: Math.max(1, Math.min(spec.concurrency, spec.paths.length)) }, async () => {
    while (next < spec.paths.length) await one(next++);
  });
  await Promise.all(runners);
  failed.sort((a, b) => a.index - b.index);
  return { x, failed };
}
