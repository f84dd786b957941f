import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@layerwise/core';
import { cifar10 } from '@layerwise/data';
import { PickleDict, readPickle, type PickledArray } from '../src/pickle.js'; // internal
import { cleanupTemps, FIXTURES, py2CifarPickle, tempDir } from './helpers.js';

/**
 * Issue 16 item 4: CIFAR-10 Python batches. Protocol 4 and 5 pickles written by Python 3
 * (fixtures/hostile, scripts/fixtures/make_hostile_fixtures.py) load; an array's data must
 * match its shape; one huge APPENDS does not overflow the stack.
 */
const HOSTILE = join(FIXTURES, 'hostile');
const BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
// What the fixture script pickled: 3 images, data[i] = (i * 7 + 3) % 251 over the flat array.
const expectedData = Uint8Array.from({ length: 3 * 3072 }, (_, i) => (i * 7 + 3) % 251);
afterAll(cleanupTemps);

describe('protocols 4 and 5 (Python 3 pickles)', () => {
  for (const proto of [4, 5]) {
    it(`protocol ${proto}: readPickle rebuilds the batch dict and its uint8 array`, () => {
      const d = readPickle(readFileSync(join(HOSTILE, `cifar-batch-p${proto}.pkl`)), `p${proto}.pkl`);
      expect(d).toBeInstanceOf(PickleDict);
      const dict = d as PickleDict;
      const data = dict.get('data') as PickledArray;
      expect([data.kind, data.descr, data.shape]).toEqual(['ndarray', '|u1', [3, 3072]]);
      expect(Buffer.from(data.data).equals(Buffer.from(expectedData))).toBe(true);
      expect(dict.get('labels')).toEqual([3, 0, 9]);
      expect(dict.get('filenames')).toEqual(['img_0.png', 'img_1.png', 'img_2.png']);
      expect(dict.get('batch_label')).toBe('testing batch 1 of 1');
    });

    it(`protocol ${proto}: cifar10.loadData reads a cifar-10-batches-py/ folder of such batches`, async () => {
      const dir = join(tempDir(), 'cifar-10-batches-py');
      mkdirSync(dir);
      for (const b of BATCHES) copyFileSync(join(HOSTILE, `cifar-batch-p${proto}.pkl`), join(dir, b));
      const [[x, y], [xt, yt]] = await cifar10.loadData({ path: dir, searchDirs: [], download: false, verbose: false });
      expect([x.shape, y.shape, xt.shape, yt.shape]).toEqual([[15, 32, 32, 3], [15, 1], [3, 32, 32, 3], [3, 1]]);
      expect(Array.from(yt.data)).toEqual([3, 0, 9]);
      // Image 1, pixel (0, 2): planar index 2 of each plane (R at 0, G at 1024, B at 2048).
      const at = (k: number) => expectedData[3072 + k];
      expect([xt.get(1, 0, 2, 0), xt.get(1, 0, 2, 1), xt.get(1, 0, 2, 2)]).toEqual([at(2), at(1026), at(2050)]);
    });
  }

  it('BINBYTES8, BINUNICODE8 and BYTEARRAY8 (the 8-byte-length opcodes) read; a length past the end is truncated data', () => {
    const u64 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, 0, 0, 0, 0];
    const p = Uint8Array.from([0x80, 4, 0x28, 0x8e, ...u64(2), 7, 8, 0x8d, ...u64(2), 0x68, 0x69, 0x96, ...u64(1), 9, 0x74, 0x2e]);
    expect(readPickle(p)).toEqual({ kind: 'tuple', items: [Uint8Array.from([7, 8]), 'hi', Uint8Array.from([9])] });
    const lying = Uint8Array.from([0x80, 4, 0x8e, ...u64(1 << 30), 1, 2, 3, 0x2e]);
    expect(() => readPickle(lying, 'lying.pkl')).toThrow(/lying\.pkl: cannot read this pickle safely: truncated data/);
    expect(() => readPickle(Uint8Array.from([0x80, 6, 0x4e, 0x2e]), 'p6.pkl')).toThrow(/p6\.pkl: .*protocol 6 is newer than 5/);
  });

  it('STACK_GLOBAL goes through the same allow-list as GLOBAL', () => {
    const s = (t: string) => [0x8c, t.length, ...new TextEncoder().encode(t)];
    const evil = Uint8Array.from([0x80, 4, ...s('os'), ...s('system'), 0x93, ...s('echo hi'), 0x85, 0x52, 0x2e]);
    expect(() => readPickle(evil, 'evil.pkl')).toThrow(/evil\.pkl: cannot read this pickle safely: global os\.system is not allowed/);
  });
});

describe('lying and huge pickles', () => {
  it("a 'data' array shorter than its shape is a DataError, not zero images (a tiny file claiming 120,000 images)", async () => {
    const lying = py2CifarPickle([1, 2], new Uint8Array(2 * 3072), 120_000);
    expect(lying.length).toBeLessThan(10_000);
    expect(() => readPickle(lying, 'batch')).toThrow(DataError);
    expect(() => readPickle(lying, 'batch')).toThrow(/batch: cannot read this pickle safely: array of shape \(120000, 3072\) and dtype '\|u1' needs 368640000 bytes of data, the pickle holds 6144/);
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    for (const b of BATCHES) writeFileSync(join(dir, b), lying);
    await expect(cifar10.loadData({ path: dir, searchDirs: [], download: false, verbose: false })).rejects.toThrow(/data_batch_1: .*needs 368640000 bytes/);
  });

  it('a longer data array, labels that do not match, and labels outside 0–9 are DataErrors naming the field', async () => {
    const { writeFileSync } = await import('node:fs');
    const cases: [Uint8Array, RegExp][] = [
      [py2CifarPickle([1, 2], new Uint8Array(3 * 3072), 2), /needs 6144 bytes of data, the pickle holds 9216/],
      [py2CifarPickle([1, 2, 3], new Uint8Array(2 * 3072), 2), /'labels' should be 2 integers/],
      [py2CifarPickle([1, 12], new Uint8Array(2 * 3072)), /'labels'\[1\] is 12; CIFAR-10 labels are integers 0–9/],
    ];
    for (const [bytes, message] of cases) {
      const dir = tempDir();
      for (const b of BATCHES) writeFileSync(join(dir, b), bytes);
      const err = await cifar10.loadData({ path: dir, searchDirs: [], download: false, verbose: false }).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(join(dir, 'data_batch_1'));
    }
  });

  it('one APPENDS of 1,000,000 items does not overflow the stack', () => {
    const n = 1_000_000;
    const bytes = new Uint8Array(4 + 2 * n + 2);
    bytes.set([0x80, 2, 0x5d, 0x28]); // PROTO 2, EMPTY_LIST, MARK
    for (let i = 0; i < n; i++) bytes.set([0x4b, i & 0xff], 4 + 2 * i); // BININT1
    bytes.set([0x65, 0x2e], 4 + 2 * n); // APPENDS, STOP
    const list = readPickle(bytes) as number[];
    expect(list.length).toBe(n);
    expect([list[0], list[257], list[n - 1]]).toEqual([0, 1, (n - 1) & 0xff]);
  });
});
