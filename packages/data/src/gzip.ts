import { gunzipSync } from 'node:zlib';
import { DataError } from '@layerwise/core';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes, gunzipped when they are gzip data. Detected by content, not by file name,
 * because people unpack `.gz` files and keep the name, or the other way round.
 * `name` is the file named in errors.
 */
export function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new DataError(`${name}: gzip data is truncated or corrupt (${(err as Error).message})`);
  }
}
