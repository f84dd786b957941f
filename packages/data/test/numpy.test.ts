import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, type Tensor } from '@layerwise/core';
import { readNpy, readNpyFile, readNpyHeader, readNpz, readNpzFile } from '@layerwise/data';
import { readZip } from '../src/zip.js'; // internal
import { bytesOf, FIXTURES, makeZip, npy } from './helpers.js';

const values = (t: Tensor) => [...t.data];

describe('readNpz on files numpy wrote (scripts/make-npz-fixture.py)', () => {
  // The same values as in make-npz-fixture.py.
  for (const file of ['arrays.npz', 'arrays-compressed.npz']) {
    it(`reads every supported dtype from ${file}`, () => {
      const a = readNpzFile(join(FIXTURES, file));
      expect(Object.keys(a).sort()).toEqual(['b1', 'be_i4', 'empty', 'f4', 'f8', 'i4', 'i8', 'scalar', 'u1', 'u2']);
      expect([a.u1.dtype, a.u1.shape, values(a.u1)]).toEqual(['uint8', [2, 3], [0, 1, 2, 3, 4, 5]]);
      expect([a.f4.dtype, a.f4.shape, values(a.f4)]).toEqual(['float32', [2, 2], [0.5, -1.5, 2.25, Math.fround(1e-3)]]);
      expect([a.i4.dtype, values(a.i4)]).toEqual(['int32', [-2, 0, 7]]);
      expect([a.f8.dtype, values(a.f8)]).toEqual(['float32', [Math.fround(1 / 3), -2.5]]);
      expect([a.i8.dtype, values(a.i8)]).toEqual(['int32', [0, 9, 3]]);
      expect([a.b1.dtype, values(a.b1)]).toEqual(['bool', [1, 0, 1]]);
      expect([a.u2.dtype, values(a.u2)]).toEqual(['int32', [65535, 1]]);
      expect([a.scalar.shape, values(a.scalar)]).toEqual([[], [3.5]]);
      expect([a.be_i4.dtype, values(a.be_i4)]).toEqual(['int32', [1, -2, 300]]);
      expect([a.empty.shape, a.empty.size]).toEqual([[0, 3], 0]);
    });
  }

  it('reads a version 2.0 .npy file', () => {
    const path = join(FIXTURES, 'v2.npy');
    expect(readNpyHeader(readFileSync(path)).version).toBe('2.0');
    expect(values(readNpyFile(path))).toEqual([0.5, -1.5, 2.25, Math.fround(1e-3)]);
  });
});

describe('readNpz on a zip built here', () => {
  it('reads a stored and a deflated entry', () => {
    const x = npy('<f4', [2, 3], bytesOf(Float32Array.from([1, 2, 3, 4, 5, 6.5])));
    const y = npy('|u1', [4], Uint8Array.from([9, 8, 7, 6]));
    const zip = makeZip([
      { name: 'x.npy', data: x, method: 0 },
      { name: 'y.npy', data: y, method: 8 },
      { name: 'README', data: new TextEncoder().encode('not an array'), method: 0 },
    ]);
    expect([...readZip(zip, 'z').keys()]).toEqual(['x.npy', 'y.npy', 'README']);
    const arrays = readNpz(zip, 'built.npz');
    expect(Object.keys(arrays)).toEqual(['x', 'y']);
    expect([arrays.x.shape, values(arrays.x)]).toEqual([[2, 3], [1, 2, 3, 4, 5, 6.5]]);
    expect([arrays.y.dtype, arrays.y.shape, values(arrays.y)]).toEqual(['uint8', [4], [9, 8, 7, 6]]);
  });

  it('reports a corrupted entry (CRC) and a truncated archive', () => {
    const data = npy('<i4', [2], bytesOf(Int32Array.from([1, 2])));
    const zip = makeZip([{ name: 'a.npy', data, method: 0 }]);
    const flipped = zip.slice();
    flipped[30 + 'a.npy'.length + data.length - 1] ^= 0xff;
    expect(() => readNpz(flipped, 'flip.npz')).toThrow(/flip\.npz: .*entry 'a\.npy' fails its CRC-32 check/);
    expect(() => readNpz(zip.subarray(0, 40), 'cut.npz')).toThrow(DataError);
    expect(() => readNpz(zip.subarray(0, 40), 'cut.npz')).toThrow(/cut\.npz: not a readable zip archive: no end-of-central-directory record/);
  });
});

describe('readNpy', () => {
  it('accepts Python 2 long shapes like (3L,)', () => {
    const bytes = npy('<u1', [3], Uint8Array.from([1, 2, 3]));
    const text = new TextDecoder('latin1').decode(bytes).replace('(3,)', '(3L,)').replace(' \n', '\n'); // same header length
    expect(readNpy(Uint8Array.from(text, (c) => c.charCodeAt(0))).shape).toEqual([3]);
  });

  it('rejects what it cannot represent, naming the data', () => {
    expect(() => readNpy(npy('<c8', [1], new Uint8Array(8)), 'c.npy')).toThrow(/c\.npy: unsupported dtype '<c8'/);
    const fortran = npy('<u1', [2, 2], new Uint8Array(4));
    const text = new TextDecoder('latin1').decode(fortran).replace("'fortran_order': False", "'fortran_order': True ");
    expect(() => readNpy(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'f.npy')).toThrow(/f\.npy: Fortran-ordered arrays are not supported/);
    expect(() => readNpy(npy('<i8', [1], bytesOf(BigInt64Array.from([2n ** 40n]))), 'big.npy')).toThrow(/big\.npy: value 1099511627776 .* does not fit int32/);
    expect(() => readNpy(new TextEncoder().encode('PK not npy'), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
  });

  it('reports truncated data with the expected and found sizes', () => {
    const full = npy('<f4', [4], bytesOf(Float32Array.from([1, 2, 3, 4])));
    expect(() => readNpy(full.subarray(0, full.length - 3), 't.npy')).toThrow(
      `t.npy: .npy data truncated: shape [4] of '<f4' needs ${full.length} bytes, found ${full.length - 3}`,
    );
  });
});

describe('readNpy results', () => {
  it('are plain typed arrays, not Node Buffers', () => {
    const t = readNpzFile(join(FIXTURES, 'mnist-tiny.npz')).x_train;
    expect(Buffer.isBuffer(t.data)).toBe(false);
    expect(t.data.constructor).toBe(Uint8Array);
  });
});
