import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@layerwise/core';
import { downloadFile, fashionMnist, mnist } from '@layerwise/data';
import { cleanupTemps, FIXTURES, SAMPLE_DIR, SAMPLE_FILES, startServer, tempDir, type TestServer } from './helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
// The embedded sample stands in for the real files: real gzipped IDX, just fewer images.
const files: Record<string, Buffer> = Object.fromEntries(SAMPLE_FILES.map((n) => [n, readFileSync(join(SAMPLE_DIR, n))]));
files['mnist.npz'] = readFileSync(join(FIXTURES, 'mnist-tiny.npz'));
const hashes = Object.fromEntries(Object.entries(files).map(([n, b]) => [n, sha256(b)]));

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, route, name] = url.pathname.split('/');
    if (route === 'files' && files[name]) {
      res.writeHead(200, { 'content-length': files[name].length });
      res.end(files[name]);
    } else if (route === 'moved') {
      res.writeHead(302, { location: `/files/${name}` }); // relative Location
      res.end();
    } else if (route === 'moved-twice') {
      res.writeHead(301, { location: `${server.url}/moved/${name}` }); // absolute, then relative
      res.end();
    } else if (route === 'loop') {
      res.writeHead(302, { location: `/loop/${name}` });
      res.end();
    } else if (route === 'short') {
      // Promises more bytes than it sends, then hangs up.
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100));
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (route === 'stall') {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100)); // then nothing: the client's timeout must fire
    } else if (route === 'silent') {
      // Never answers.
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
});
afterAll(async () => {
  await server.close();
  cleanupTemps();
});
afterEach(() => {
  delete process.env.LAYERWISE_HOME;
});

/** Files left in a folder, temp files included. */
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('downloadFile', () => {
  it('downloads, checks the SHA-256 and shows Keras-like progress', async () => {
    const dest = join(tempDir(), 'sub', 'labels.gz');
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    const name = 'train-labels-idx1-ubyte.gz';
    const result = await downloadFile(`${server.url}/files/${name}`, dest, { sha256: hashes[name], progressStream: out });
    expect(result).toMatchObject({ path: dest, bytes: files[name].length, sha256: hashes[name] });
    expect(readFileSync(dest).equals(files[name])).toBe(true);
    expect(printed).toContain(`Downloading data from ${server.url}/files/${name}\n`);
    const n = files[name].length;
    expect(printed).toContain(`${n}/${n} ━━━━━━━━━━━━━━━━━━━━ `);
    expect(listing(join(dest, '..'))).toEqual(['labels.gz']);
  });

  it('deletes the file on a SHA-256 mismatch', async () => {
    const dir = tempDir();
    const dest = join(dir, 'labels.gz');
    const url = `${server.url}/files/train-labels-idx1-ubyte.gz`;
    const wrong = '0'.repeat(64);
    const attempt = downloadFile(url, dest, { sha256: wrong, verbose: false });
    await expect(attempt).rejects.toThrow(DataError);
    await expect(downloadFile(url, dest, { sha256: wrong, verbose: false })).rejects.toThrow(
      `Downloading ${url} to ${dest} failed: SHA-256 mismatch: expected ${wrong}, got ${hashes['train-labels-idx1-ubyte.gz']}`,
    );
    expect(listing(dir)).toEqual([]);
  });

  it('follows relative and absolute redirects, and stops on a loop', async () => {
    const dir = tempDir();
    const name = 't10k-labels-idx1-ubyte.gz';
    const result = await downloadFile(`${server.url}/moved-twice/${name}`, join(dir, name), { sha256: hashes[name], verbose: false });
    expect(result.url).toBe(`${server.url}/files/${name}`);
    await expect(downloadFile(`${server.url}/loop/x`, join(dir, 'x'), { verbose: false })).rejects.toThrow(/too many redirects/);
    expect(listing(dir)).toEqual([name]);
  });

  it('fails cleanly on HTTP errors, short bodies and stalls', async () => {
    const dir = tempDir();
    const get = (route: string, timeoutMs = 5000) => downloadFile(`${server.url}/${route}/f`, join(dir, 'f'), { verbose: false, timeoutMs });
    await expect(get('nothing-here')).rejects.toThrow(/HTTP 404 Not Found/);
    await expect(get('short')).rejects.toThrow(/failed: the connection closed after 100 of 1000 bytes/);
    await expect(get('stall', 300)).rejects.toThrow(/no data from 127\.0\.0\.1:\d+ for 0\.3 s \(timeout\)/);
    await expect(get('silent', 300)).rejects.toThrow(/timeout/);
    expect(listing(dir)).toEqual([]);
  });
});

describe('loadData downloading into the cache', () => {
  it('downloads Fashion-MNIST once, then reads the cache without the network', async () => {
    const home = tempDir();
    process.env.LAYERWISE_HOME = home; // the default cache location follows LAYERWISE_HOME
    const options = { baseUrl: `${server.url}/files/`, fileHashes: hashes, searchDirs: [], verbose: false };
    const before = server.hits.length;
    const first = await fashionMnist.loadDataWithSource(options);
    const cache = join(home, 'datasets', 'fashion-mnist');
    expect(first.source).toMatchObject({ kind: 'download', location: cache });
    expect(listing(cache)).toEqual([...SAMPLE_FILES].sort());
    expect(server.hits.length - before).toBe(4);
    const [[x, y], [xt, yt]] = first.data;
    expect([x.shape, y.shape, xt.shape, yt.shape]).toEqual([[4000, 28, 28], [4000], [1000, 28, 28], [1000]]);

    const second = await fashionMnist.loadDataWithSource(options);
    expect(second.source).toMatchObject({ kind: 'cache', location: cache });
    expect(server.hits.length - before).toBe(4);
    expect(Buffer.from(second.data[0][1].data).equals(Buffer.from(y.data))).toBe(true);
  });

  it('downloads through a redirect, honouring LAYERWISE_DATASETS_BASE_URL', async () => {
    const cacheDir = tempDir();
    process.env.LAYERWISE_DATASETS_BASE_URL = `${server.url}/moved`;
    try {
      const { source, data } = await mnist.loadDataWithSource({ cacheDir, fileHashes: hashes, searchDirs: [], verbose: false });
      expect(source).toMatchObject({ kind: 'download', files: [join(cacheDir, 'datasets', 'mnist', 'mnist.npz')] });
      expect(data[0][0].shape).toEqual([5, 28, 28]);
    } finally {
      delete process.env.LAYERWISE_DATASETS_BASE_URL;
    }
  });

  it('checks the built-in Keras SHA-256 by default: a mismatch keeps nothing', async () => {
    const cacheDir = tempDir();
    // The server's mnist.npz is not Keras' file, so the built-in hash must reject it.
    const attempt = mnist.loadData({ cacheDir, baseUrl: `${server.url}/files`, searchDirs: [], verbose: false });
    await expect(attempt).rejects.toThrow(DataError);
    await expect(mnist.loadData({ cacheDir, baseUrl: `${server.url}/files`, searchDirs: [], verbose: false })).rejects.toThrow(
      /MNIST is not available: .*SHA-256 mismatch: expected 731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1/,
    );
    expect(listing(join(cacheDir, 'datasets', 'mnist'))).toEqual([]);
  });

  it('with the hash check off, a cached file that does not parse is downloaded again (not failed on forever)', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets', 'mnist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mnist.npz'), files['mnist.npz'].subarray(0, 200)); // cut short by an older download
    const options = { cacheDir, baseUrl: `${server.url}/files`, fileHashes: { 'mnist.npz': null }, searchDirs: [], verbose: false };
    const { source, data } = await mnist.loadDataWithSource(options);
    expect(source.kind).toBe('download');
    expect(data[0][0].shape).toEqual([5, 28, 28]);
    expect(readFileSync(join(dir, 'mnist.npz')).equals(files['mnist.npz'])).toBe(true);
    // With downloads off, the damaged copy is an error naming it.
    writeFileSync(join(dir, 'mnist.npz'), files['mnist.npz'].subarray(0, 200));
    await expect(mnist.loadData({ ...options, download: false })).rejects.toThrow(DataError);
  });

  it('downloads again over a cached file that fails its SHA-256', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets', 'mnist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mnist.npz'), 'damaged');
    const options = { cacheDir, baseUrl: `${server.url}/files`, fileHashes: hashes, searchDirs: [], verbose: false };
    await expect(mnist.loadData({ ...options, download: false })).rejects.toThrow(/mnist\.npz does not match its SHA-256, so it is not used/);
    const { source } = await mnist.loadDataWithSource(options);
    expect(source.kind).toBe('download');
    expect(readFileSync(join(dir, 'mnist.npz')).equals(files['mnist.npz'])).toBe(true);
  });
});
