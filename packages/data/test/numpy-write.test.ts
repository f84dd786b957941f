import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Tensor } from '@layerwise/core';
import { encodeNpy, encodeNpz, readNpy, readNpyFile, readNpz, readNpzFile, writeNpy, writeNpz } from '@layerwise/data';
// Internal modules (not the package's API), tested directly.
import { readZip, writeZip } from '../src/zip.js';
import { cleanupTemps, FIXTURES, tempDir } from './helpers.js';

afterAll(cleanupTemps);
const values = (t: Tensor) => [...t.data];

describe('encodeNpy writes what np.save writes, byte for byte (scripts/make-npz-fixture.py)', () => {
  const cases: [string, Tensor, ('float64' | undefined)?][] = [
    ['saved-f4.npy', new Tensor(Float32Array.from([0.5, -1.5, 2.25, 1e-3, 3, -0]), [2, 3])],
    ['saved-i4.npy', new Tensor(Int32Array.from([-2, 0, 7]), [3])],
    ['saved-u1.npy', new Tensor(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]), [2, 2, 2])],
    ['saved-b1.npy', new Tensor(Uint8Array.from([1, 0, 1, 1]), [4], 'bool')],
    ['saved-scalar.npy', new Tensor(Float32Array.from([3.5]), [])],
    ['saved-long-dim.npy', new Tensor(new Float32Array(0), [123456, 0])],
    ['saved-f8.npy', new Tensor(Float32Array.from([0.5, -2]), [2]), 'float64'],
  ];
  for (const [file, t, dtype] of cases) {
    it(file, () => {
      const expected = new Uint8Array(readFileSync(join(FIXTURES, file)));
      expect(Buffer.from(encodeNpy(t, { dtype })).equals(Buffer.from(expected))).toBe(true);
    });
  }
});

describe('npy / npz round trips', () => {
  it('every dtype, shapes from scalar to rank 4, with the data starting at a multiple of 64', () => {
    const tensors = [
      new Tensor(Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1), [2, 3, 2, 2]),
      new Tensor(Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0]), [3]),
      new Tensor(Uint8Array.from([255, 0, 7]), [3, 1]),
      new Tensor(Uint8Array.from([1, 0]), [2], 'bool'),
      new Tensor(Float32Array.from([42]), []),
      new Tensor(new Float32Array(0), [0, 5]),
    ];
    for (const t of tensors) {
      const bytes = encodeNpy(t);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLength) % 64).toBe(0);
      const back = readNpy(bytes);
      expect([back.dtype, back.shape, values(back)]).toEqual([t.dtype, t.shape, values(t)]);
    }
    const wide = readNpy(encodeNpy(tensors[0], { dtype: 'float64' }));
    expect(values(wide)).toEqual(values(tensors[0]));
    expect(() => encodeNpy(tensors[0], { dtype: 'complex64' as never })).toThrow(ConfigError);
  });

  it('writeNpy / writeNpz write atomically; stored and deflated archives read back (and in numpy: see README)', () => {
    const dir = tempDir();
    const x = new Tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i)), [10, 100]);
    const y = new Tensor(Uint8Array.from({ length: 10 }, (_, i) => i % 3), [10]);
    writeNpy(join(dir, 'x.npy'), x);
    expect(values(readNpyFile(join(dir, 'x.npy')))).toEqual(values(x));
    for (const compress of [false, true]) {
      const path = join(dir, `xy-${compress}.npz`);
      writeNpz(path, { x_train: x, y_train: y }, { compress });
      const back = readNpzFile(path);
      expect(Object.keys(back)).toEqual(['x_train', 'y_train']);
      expect(values(back.x_train)).toEqual(values(x));
      expect([back.y_train.dtype, values(back.y_train)]).toEqual(['uint8', values(y)]);
    }
    const stored = readFileSync(join(dir, 'xy-false.npz'));
    const deflated = readFileSync(join(dir, 'xy-true.npz'));
    expect(deflated.length).toBeLessThan(stored.length);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(encodeNpz({ a: y }).length).toBeGreaterThan(0);
    expect(Object.keys(readNpz(encodeNpz({ a: y, b: x }, { dtypes: { b: 'float64' } })))).toEqual(['a', 'b']);
  });

  it('writeZip: names, methods and CRCs that readZip (and Python\'s zipfile) accept', () => {
    const data = new TextEncoder().encode('hello '.repeat(100));
    for (const compress of [false, true]) {
      const zip = writeZip([{ name: 'a.txt', data }, { name: 'ü/b.bin', data: new Uint8Array(0) }], { compress });
      const entries = readZip(zip, 'z');
      expect([...entries.keys()]).toEqual(['a.txt', 'ü/b.bin']);
      expect(new TextDecoder().decode(entries.get('a.txt'))).toBe('hello '.repeat(100));
    }
  });

  it('reads a numpy-written .npy from the fixtures and writes it back identically', () => {
    const t = readNpyFile(join(FIXTURES, 'saved-u1.npy'));
    expect(Buffer.from(encodeNpy(t)).equals(readFileSync(join(FIXTURES, 'saved-u1.npy')))).toBe(true);
  });
});
