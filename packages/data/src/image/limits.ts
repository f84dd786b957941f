/**
 * The pixel limit of every image decode, with Pillow's `Image.MAX_IMAGE_PIXELS` semantics:
 * an image of more than `maxImagePixels` pixels (width × height) decodes with a
 * DecompressionBombWarning; one of more than twice that is refused before anything is
 * decoded or allocated. Default 89,478,485 (Pillow's: about a 1 GiB RGBA image / 4 / 3);
 * `setMaxImagePixels(null)` turns the check off, as `Image.MAX_IMAGE_PIXELS = None` does.
 *
 * The setting lives in a SharedArrayBuffer that the package's worker pools hand to their
 * workers (shareImageLimits), so a change applies to image workers already running too.
 * Worker-safe: errors are ImageFormatErrors.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { ImageFormatError } from './errors.js';

/** Pillow's default Image.MAX_IMAGE_PIXELS: int(1024 * 1024 * 1024 // 4 // 3). */
export const DEFAULT_MAX_IMAGE_PIXELS = 89_478_485;

const KEY = 'layerwiseImageLimits';
const OFF = -1n;

/** The limit, shared with the worker threads (-1: no limit). */
const cell: BigInt64Array = (() => {
  const shared = !isMainThread && workerData && typeof workerData === 'object' ? (workerData as Record<string, unknown>)[KEY] : undefined;
  if (shared instanceof SharedArrayBuffer) return new BigInt64Array(shared);
  const own = new BigInt64Array(new SharedArrayBuffer(8));
  own[0] = BigInt(DEFAULT_MAX_IMAGE_PIXELS);
  return own;
})();

/** Stores the limit (a positive safe integer, checked by the caller: io.ts' setMaxImagePixels), or null for none. */
export function storeMaxImagePixels(n: number | null): void {
  Atomics.store(cell, 0, n === null ? OFF : BigInt(n));
}

/** The pixel limit in force (null: none). */
export function getMaxImagePixels(): number | null {
  const v = Atomics.load(cell, 0);
  return v === OFF ? null : Number(v);
}

/** sharp's `limitInputPixels` for the limit in force: twice it (sharp refuses above), or false for none. */
export function sharpPixelLimit(): number | false {
  const max = getMaxImagePixels();
  return max === null ? false : 2 * max;
}

/** The message of a refused image (Pillow's, with the file and the way out). */
export function pixelLimitMessage(pixels: number, width?: number, height?: number): string {
  const max = getMaxImagePixels() as number;
  const size = width !== undefined && height !== undefined ? `${width}×${height} = ` : '';
  return (
    `image size (${size}${pixels} pixels) exceeds the limit of ${2 * max} pixels (twice maxImagePixels, ${max}), ` +
    'could be a decompression bomb; raise it with setMaxImagePixels(n), or setMaxImagePixels(null) for no limit'
  );
}

/**
 * The check of one image's header size, before decoding: throws an ImageFormatError naming
 * `name` above twice the limit, warns above the limit (process.emitWarning, type
 * 'DecompressionBombWarning'), returns quietly otherwise.
 */
export function checkImagePixels(width: number, height: number, name: string): void {
  const max = getMaxImagePixels();
  if (max === null) return;
  const pixels = width * height;
  if (pixels > 2 * max) throw new ImageFormatError(`${name}: ${pixelLimitMessage(pixels, width, height)}`);
  if (pixels > max) warnLargeImage(pixels, name);
}

/** Messages already shown: like Python's default warning filter, each is shown once. */
const warned = new Set<string>();

/** Pillow's DecompressionBombWarning, for an image over the limit but not over twice it (once per file and size). */
export function warnLargeImage(pixels: number, name: string): void {
  const max = getMaxImagePixels();
  if (max === null || pixels <= max) return;
  const message = `${name}: image size (${pixels} pixels) exceeds limit of ${max} pixels, could be decompression bomb DOS attack.`;
  if (warned.has(message)) return;
  if (warned.size >= 10_000) warned.clear();
  warned.add(message);
  process.emitWarning(message, {
    type: 'DecompressionBombWarning',
    code: 'LAYERWISE_LARGE_IMAGE',
  });
}

/** `workerData` with the shared limit added, for worker threads that decode images. */
export function shareImageLimits(data: unknown): unknown {
  if (data === undefined || data === null) return { [KEY]: cell.buffer };
  if (typeof data !== 'object' || Array.isArray(data)) return data; // nothing to add it to
  return { ...(data as Record<string, unknown>), [KEY]: cell.buffer };
}
