import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm/node';
import { H5File } from '../../packages/core/src/saving/h5/file.js';
import { pieces, readInto, writeDataset } from '../../packages/core/src/saving/h5/datasets.js';

/** Datasets move in pieces of a bounded size, so a 400 MB kernel never sits in WebAssembly memory whole. */
const dir = mkdtempSync(join(tmpdir(), 'layerwise-h5-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pieces: hyperslabs of at most N elements covering the array in C order', () => {
  it.each([
    { shape: [10], max: 4, counts: [[4], [4], [2]], starts: [0, 4, 8] },
    { shape: [4, 3], max: 6, counts: [[2, 3], [2, 3]], starts: [0, 6] },
    { shape: [4, 3], max: 100, counts: [[4, 3]], starts: [0] },
    // Rows of 15 do not fit 10: one index of axis 0 at a time, 3 rows of axis 1 per piece.
    { shape: [2, 5, 3], max: 10, counts: [[1, 3, 3], [1, 2, 3], [1, 3, 3], [1, 2, 3]], starts: [0, 9, 15, 24] },
    // Trailing axis alone too large: single elements.
    { shape: [2, 3], max: 2, counts: [[1, 2], [1, 1], [1, 2], [1, 1]], starts: [0, 2, 3, 5] },
    { shape: [], max: 4, counts: [[]], starts: [0] },
    { shape: [3, 0], max: 4, counts: [], starts: [] },
  ])('$shape in pieces of $max', ({ shape, max, counts, starts }) => {
    const got = [...pieces(shape, max)];
    expect(got.map((p) => p.count)).toEqual(counts);
    expect(got.map((p) => p.start)).toEqual(starts);
    // Contiguous and complete.
    const total = shape.reduce((a, b) => a * b, 1);
    expect(got.reduce((n, p) => (expect(p.start).toBe(n), n + p.length), 0)).toBe(total);
  });
});

describe('writeDataset / readInto', () => {
  it('a dataset larger than a piece is written chunked and read back piece by piece, identical', async () => {
    const path = join(dir, 'big.h5');
    const shape = [7, 5, 3];
    const data = Float32Array.from({ length: 105 }, (_, i) => i * 0.5 - 20);
    const w = await H5File.open(path, 'w');
    writeDataset(w, '/big', data, shape, 'float32', 10);
    writeDataset(w, '/small', data.subarray(0, 6), [2, 3], 'float32', 10);
    w.close();
    // Read independently with h5wasm: the layout is chunked, the values exact.
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'r');
    const big = f.get('big') as InstanceType<typeof h5wasm.Dataset>;
    expect(big.shape).toEqual(shape);
    expect(big.metadata.chunks).toEqual([1, 3, 3]);
    expect(Array.from(big.value as Float32Array)).toEqual(Array.from(data));
    expect((f.get('small') as InstanceType<typeof h5wasm.Dataset>).metadata.chunks).toBeNull();
    f.close();
    const r = await H5File.open(path, 'r');
    for (const piece of [4, 16, 1 << 20]) {
      const out = new Float32Array(105);
      readInto(r, '/big', out, piece);
      expect(out).toEqual(data);
    }
    expect(() => readInto(r, '/big', new Float32Array(104))).toThrow(/\(105 values\) into an array of 104/);
    r.close();
  });

  it('float64 and integer datasets convert into the weight\'s float32 array', async () => {
    const path = join(dir, 'types.h5');
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'w');
    f.create_dataset({ name: 'f64', data: Float64Array.from([0.1, -2.5, 1e-3, 7]), shape: [2, 2] });
    f.create_dataset({ name: 'i16', data: Int16Array.from([-3, 0, 3, 30000]), shape: [4] });
    f.close();
    const r = await H5File.open(path, 'r');
    const out = new Float32Array(4);
    readInto(r, '/f64', out, 3);
    expect(out).toEqual(Float32Array.from([0.1, -2.5, 1e-3, 7]));
    readInto(r, '/i16', out);
    expect(Array.from(out)).toEqual([-3, 0, 3, 30000]);
    r.close();
  });
});
