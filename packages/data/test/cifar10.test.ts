import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@layerwise/core';
import { cifar10, CIFAR10_ARCHIVE } from '@layerwise/data';
// Internal modules (not the package's API), tested directly.
import { readPickle } from '../src/pickle.js';
import { readTarFile } from '../src/tar.js';
import { cleanupTemps, FIXTURES, makeTar, py2CifarPickle, startServer, tempDir, type TestServer } from './helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** n records; record i has label (i + offset) % 10 and planes R = i, G = 100 + i, B = 200 + i (+ the pixel index). */
function records(n: number, offset: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const r = i * 3073;
    out[r] = (i + offset) % 10;
    for (let k = 0; k < 1024; k++) {
      out[r + 1 + k] = (offset + i + k) % 256;
      out[r + 1 + 1024 + k] = (100 + offset + i + k) % 256;
      out[r + 1 + 2048 + k] = (200 + offset + i + k) % 256;
    }
  }
  return out;
}
const BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
const counts = [3, 2, 4, 1, 2, 5];
const binaries = BATCHES.map((b, j) => ({ name: `${b}.bin`, data: records(counts[j], j * 10) }));
const archive = gzipSync(
  makeTar([
    { name: 'cifar-10-batches-bin/' },
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: new TextEncoder().encode('airplane\nautomobile\n') },
    ...binaries.map((b) => ({ name: `cifar-10-batches-bin/${b.name}`, data: b.data })),
    { name: 'cifar-10-batches-bin/readme.html', data: new TextEncoder().encode('<html></html>') },
  ]),
);

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === `/kriz/${CIFAR10_ARCHIVE}`) {
      res.writeHead(200, { 'content-length': archive.length });
      res.end(archive);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});
afterAll(async () => {
  await server.close();
  cleanupTemps();
});

function checkSplits([[xTrain, yTrain], [xTest, yTest]]: Awaited<ReturnType<typeof cifar10.loadData>>) {
  expect([xTrain.dtype, xTrain.shape, yTrain.dtype, yTrain.shape]).toEqual(['uint8', [12, 32, 32, 3], 'uint8', [12, 1]]);
  expect([xTest.shape, yTest.shape]).toEqual([[5, 32, 32, 3], [5, 1]]);
  // Train sample 3 is record 0 of data_batch_2 (offset 10): label 10 % 10 = 0.
  expect(yTrain.get(3, 0)).toBe(0);
  expect([yTrain.get(0, 0), yTrain.get(1, 0), yTest.get(4, 0)]).toEqual([0, 1, (4 + 50) % 10]);
  // channels_last: pixel (row 1, col 2) = planar index 34, of each plane.
  expect([xTrain.get(3, 1, 2, 0), xTrain.get(3, 1, 2, 1), xTrain.get(3, 1, 2, 2)]).toEqual([(10 + 34) % 256, (110 + 34) % 256, (210 + 34) % 256]);
}

describe('cifar10.loadData', () => {
  it('downloads the binary archive into the cache, checks its SHA-256, then reads the cache offline', async () => {
    const cacheDir = tempDir();
    const common = { cacheDir, searchDirs: [], baseUrl: `${server.url}/kriz/`, verbose: false, fileHashes: { [CIFAR10_ARCHIVE]: sha256(archive) } };
    const { data, source } = await cifar10.loadDataWithSource(common);
    expect(source.kind).toBe('download');
    checkSplits(data);
    const hits = server.hits.length;
    const again = await cifar10.loadDataWithSource({ ...common, download: false });
    expect(again.source.kind).toBe('cache');
    expect(server.hits.length).toBe(hits);
    checkSplits(again.data);
    expect(readdirSync(join(cacheDir, 'datasets', 'cifar10'))).toEqual([CIFAR10_ARCHIVE]);
  });

  it('a wrong hash keeps nothing; offline with no copy lists where it looked', async () => {
    const cacheDir = tempDir();
    await expect(cifar10.loadData({ cacheDir, searchDirs: [], baseUrl: `${server.url}/kriz/`, verbose: false })).rejects.toThrow(/SHA-256 mismatch/);
    expect(existsSync(join(cacheDir, 'datasets', 'cifar10', CIFAR10_ARCHIVE))).toBe(false);
    const err = await cifar10.loadData({ cacheDir, searchDirs: [], download: false }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/CIFAR-10 is not available/);
    expect(err.message).toContain('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
  });

  it('path: a folder of .bin files, or the archive itself', async () => {
    const dir = tempDir();
    for (const b of binaries) writeFileSync(join(dir, b.name), b.data);
    checkSplits(await cifar10.loadData({ path: dir }));
    writeFileSync(join(dir, 'renamed.tar.gz'), archive);
    checkSplits(await cifar10.loadData({ path: join(dir, 'renamed.tar.gz') }));
  });

  it("reads Keras' cache (the Python version: pickles) with the restricted unpickler", async () => {
    const keras = tempDir();
    const py = join(keras, 'cifar-10-batches-py');
    mkdirSync(py);
    BATCHES.forEach((b, j) => {
      const recs = binaries[j].data;
      const n = counts[j];
      const labels = Array.from({ length: n }, (_, i) => recs[i * 3073]);
      const pixels = new Uint8Array(n * 3072);
      for (let i = 0; i < n; i++) pixels.set(recs.subarray(i * 3073 + 1, (i + 1) * 3073), i * 3072);
      writeFileSync(join(py, b), py2CifarPickle(labels, pixels));
    });
    const { data, source } = await cifar10.loadDataWithSource({ cacheDir: tempDir(), searchDirs: [keras], download: false });
    expect(source.kind).toBe('searchDir');
    checkSplits(data);
  });

  it('the unpickler reads numpy/Python 3 protocol-2 batches and refuses anything else', () => {
    const d = readPickle(readFileSync(join(FIXTURES, 'cifar-py-batch.pkl')), 'batch.pkl') as unknown as { get(k: string): unknown };
    expect(d.get('labels')).toEqual([3, 9, 0, 7]);
    const data = d.get('data') as { descr: string; shape: number[]; data: Uint8Array };
    expect([data.descr, data.shape, data.data[1], data.data[4 * 3072 - 1]]).toEqual(['|u1', [4, 3072], 7, (4 * 3072 - 1) * 7 % 256]);
    expect(new TextDecoder().decode(d.get('batch_label') as Uint8Array)).toBe('training batch 1 of 5');
    const evil = new TextEncoder().encode("cos\nsystem\n(S'echo hi'\ntR.");
    expect(() => readPickle(evil, 'evil.pkl')).toThrow(/evil\.pkl: cannot read this pickle safely: global os\.system is not allowed/);
    const builtins = Uint8Array.from([0x80, 2, 0x63, ...new TextEncoder().encode('builtins\neval\n'), 0x2e]);
    expect(() => readPickle(builtins)).toThrow(/builtins\.eval is not allowed/);
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x7d]))).toThrow(/truncated/);
  });

  it('a truncated archive or batch is a DataError naming the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, CIFAR10_ARCHIVE), archive.subarray(0, archive.length >> 1));
    await expect(cifar10.loadData({ path: dir })).rejects.toThrow(DataError);
    const bins = tempDir();
    for (const b of binaries) writeFileSync(join(bins, b.name), b.name === 'test_batch.bin' ? b.data.subarray(0, 5000) : b.data);
    await expect(cifar10.loadData({ path: bins })).rejects.toThrow(/test_batch\.bin: 5000 bytes is not a whole number of 3073-byte CIFAR-10 records/);
  });

  it('readTarFile reads plain and gzipped tars, long names included', async () => {
    const dir = tempDir();
    const long = `${'d'.repeat(120)}/file.txt`;
    const tar = makeTar([{ name: 'a.txt', data: new TextEncoder().encode('A') }, { name: 'b.txt', data: new Uint8Array(700).fill(7) }]);
    writeFileSync(join(dir, 'x.tar'), tar);
    writeFileSync(join(dir, 'x.tgz'), gzipSync(tar));
    for (const f of ['x.tar', 'x.tgz']) {
      const m = await readTarFile(join(dir, f), () => true);
      expect([...m.keys()]).toEqual(['a.txt', 'b.txt']);
      expect(m.get('b.txt')?.length).toBe(700);
    }
    // GNU long name record ('L'), as GNU tar writes names over 100 bytes.
    const nameBytes = new TextEncoder().encode(`${long}\0`);
    const gnu = makeTar([{ name: '././@LongLink', data: nameBytes }, { name: 'truncated-name', data: new TextEncoder().encode('X') }]);
    gnu[156] = 'L'.charCodeAt(0);
    // Fix the first header's checksum after changing its type flag.
    const h = gnu.subarray(0, 512);
    h.set(new TextEncoder().encode('        '), 148);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    writeFileSync(join(dir, 'gnu.tar'), gnu);
    expect([...(await readTarFile(join(dir, 'gnu.tar'), () => true)).keys()]).toEqual([long]);
    copyFileSync(join(FIXTURES, 'arrays.npz'), join(dir, 'not.tar'));
    await expect(readTarFile(join(dir, 'not.tar'), () => true)).rejects.toThrow(/not a tar archive/);
  });
});
