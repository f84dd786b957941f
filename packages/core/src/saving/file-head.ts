import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The first `n` bytes of a file, to tell its format by its signature (zip, HDF5, gzip, tar)
 * without reading it all; a shorter file leaves the rest zero.
 */
export function readFileHead(path: string, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, n, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
