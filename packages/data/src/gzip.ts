import { constants, gunzipSync } from 'node:zlib';
import { DataError } from '@layerwise/core';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const MAX_BUFFER = 2 ** 32 - 1;

/** Gzip data that inflates to more than the size its container promised (inflating stopped there). */
export class InflateLimitError extends DataError {
  constructor(
    message: string,
    readonly limit: number,
  ) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * The bytes, gunzipped when they are gzip data. Detected by content, not by file name,
 * because people unpack `.gz` files and keep the name, or the other way round.
 * `name` is the file named in errors. With `maxBytes`, inflating stops as soon as the
 * output passes it (a DataError: the data is longer than the container promised), so a
 * small file can never inflate to gigabytes first.
 */
export function maybeGunzip(bytes: Uint8Array, name: string, maxBytes?: number): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const limit = maxBytes === undefined ? undefined : Math.min(maxBytes, MAX_BUFFER);
  try {
    return gunzipSync(bytes, limit === undefined ? {} : { maxOutputLength: Math.max(1, limit) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' && limit !== undefined)
      throw new InflateLimitError(`${name}: gzip data inflates to more than the ${limit} bytes expected (stopped there)`, limit);
    throw new DataError(`${name}: gzip data is truncated or corrupt (${(err as Error).message})`);
  }
}

/**
 * The first `n` bytes of gzip data (fewer if it is shorter), inflating only a small prefix
 * of the compressed stream: enough to read a header without inflating the rest.
 */
export function gunzipHead(bytes: Uint8Array, n: number, name: string): Uint8Array {
  for (let take = 64; ; take *= 2) {
    const part = bytes.subarray(0, Math.min(take, bytes.length));
    let out: Uint8Array;
    try {
      // A sync flush returns what the given input inflates to, without needing the end.
      out = gunzipSync(part, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (err) {
      throw new DataError(`${name}: gzip data is truncated or corrupt (${(err as Error).message})`);
    }
    if (out.length >= n || part.length === bytes.length) return out.subarray(0, n);
  }
}
