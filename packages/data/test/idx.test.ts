import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, Tensor } from '@layerwise/core';
import { encodeIdx, isGzip, parseIdx, readIdxImages, readIdxLabels } from '@layerwise/data';
import { cleanupTemps, tempDir } from './helpers.js';

afterAll(cleanupTemps);

// 3 images of 2×4 pixels with distinct values, and their labels.
const images = new Tensor(Uint8Array.from({ length: 24 }, (_, i) => i * 10), [3, 2, 4], 'uint8');
const labels = new Tensor(Uint8Array.from([7, 0, 9]), [3], 'uint8');

function write(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX', () => {
  it('encodes the header as big-endian magic and dimensions', () => {
    const bytes = encodeIdx(images);
    expect([...bytes.subarray(0, 16)]).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4]);
    expect(bytes.length).toBe(16 + 24);
    expect([...encodeIdx(labels).subarray(0, 8)]).toEqual([0, 0, 8, 1, 0, 0, 0, 3]);
  });

  it('reads raw and gzipped files alike (gzip detected by magic, not by name)', () => {
    const dir = tempDir();
    const raw = write(dir, 'images-raw', encodeIdx(images));
    // A gzipped file without .gz: detection must not rely on the extension.
    const gz = write(dir, 'images-gz', gzipSync(encodeIdx(images)));
    expect(isGzip(gzipSync(encodeIdx(images)))).toBe(true);
    for (const path of [raw, gz]) {
      const t = readIdxImages(path);
      expect(t.shape).toEqual([3, 2, 4]);
      expect(t.dtype).toBe('uint8');
      expect([...t.data]).toEqual([...images.data]);
    }
    const y = readIdxLabels(write(dir, 'labels.gz', gzipSync(encodeIdx(labels))));
    expect(y.shape).toEqual([3]);
    expect([...y.data]).toEqual([7, 0, 9]);
  });

  it('rejects a labels file where images are expected, naming the file and both magic numbers', () => {
    const path = write(tempDir(), 'train-labels-idx1-ubyte', encodeIdx(labels));
    expect(() => readIdxImages(path)).toThrow(DataError);
    expect(() => readIdxImages(path)).toThrow(`${path}: not an IDX images file: magic number 0x00000801, expected 0x00000803`);
  });

  it('rejects a file that is not IDX at all', () => {
    const path = write(tempDir(), 'notes.txt', new TextEncoder().encode('hello world, not idx'));
    expect(() => readIdxLabels(path)).toThrow(/notes\.txt: not an IDX labels file: magic number 0x68656c6c/);
  });

  it('reports a truncated file with the expected and found sizes', () => {
    const bytes = encodeIdx(images).subarray(0, 30);
    const dir = tempDir();
    const raw = write(dir, 'short', bytes);
    expect(() => readIdxImages(raw)).toThrow(DataError);
    expect(() => readIdxImages(raw)).toThrow(
      `${raw}: IDX file truncated: the header says images of shape [3, 2, 4] (unsigned byte), which needs 40 bytes, but found 30 bytes`,
    );
    // Same for a complete gzip stream of truncated data: the size is checked after gunzip.
    const gz = write(dir, 'short.gz', gzipSync(bytes));
    expect(() => readIdxImages(gz)).toThrow(/short\.gz: IDX file truncated: .*needs 40 bytes, but found 30 bytes after gunzip/);
  });

  it('reports trailing bytes and a truncated header', () => {
    const extra = new Uint8Array(45);
    extra.set(encodeIdx(images));
    expect(() => parseIdx(extra, 'extra.idx', { magic: 0x803 })).toThrow(/extra\.idx: IDX file has trailing bytes: .*needs 40 bytes, but found 45/);
    expect(() => parseIdx(encodeIdx(images).subarray(0, 10), 'head.idx')).toThrow(/head\.idx: truncated IDX header: 3 dimensions need a 16-byte header, found 10 bytes/);
  });

  it('reports a cut-off gzip download as corrupt, naming the file', () => {
    const gz = gzipSync(encodeIdx(images));
    const path = write(tempDir(), 'cut.gz', gz.subarray(0, gz.length - 12));
    expect(() => readIdxImages(path)).toThrow(DataError);
    expect(() => readIdxImages(path)).toThrow(/cut\.gz: gzip data is truncated or corrupt/);
  });

  it('names a missing file', () => {
    const path = join(tempDir(), 'nope.gz');
    expect(() => readIdxLabels(path)).toThrow(`${path}: cannot read the file (ENOENT)`);
  });

  it('reads wider element types big-endian (int32 labels, as QMNIST uses)', () => {
    const bytes = new Uint8Array(8 + 12);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x00000c01); // int, 1 dimension
    view.setUint32(4, 3);
    [-1, 70000, 5].forEach((v, i) => view.setInt32(8 + 4 * i, v));
    const t = parseIdx(bytes, 'ints');
    expect(t.dtype).toBe('int32');
    expect([...t.data]).toEqual([-1, 70000, 5]);
  });
});
