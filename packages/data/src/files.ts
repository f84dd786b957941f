import { readFileSync } from 'node:fs';
import { DataError } from '@layerwise/core';

/** A file's bytes; a missing or unreadable file is a DataError naming it. */
export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${path}: cannot read the file (${code ?? (err as Error).message})`);
  }
}
