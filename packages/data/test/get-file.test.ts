import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '@layerwise/core';
import { getFile, getFilePaths, kerasHome, readNpzFile } from '@layerwise/data';
import { writeZip } from '../src/zip.js'; // internal
import { ProgressBar } from '../src/progress.js';
import { cleanupTemps, FIXTURES, makeTar, startServer, tempDir, type TestServer } from './helpers.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// Real files: a Keras weights file, an npz, and 600 kB of seeded bytes for resuming.
const big = Buffer.alloc(600_000);
for (let i = 0, x = 12345; i < big.length; i++) big[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
const files: Record<string, Buffer> = {
  'cnn.h5': readFileSync(new URL('../../../fixtures/h5/keras2/cnn.h5', import.meta.url)),
  'mnist-tiny.npz': readFileSync(join(FIXTURES, 'mnist-tiny.npz')),
  'big.bin': big,
  'photos.tar.gz': gzipSync(makeTar([{ name: 'photos/' }, { name: 'photos/a.txt', data: Buffer.from('A') }, { name: 'photos/sub/b.txt', data: Buffer.from('BB') }])),
  'photos.zip': Buffer.from(writeZip([{ name: 'photos/a.txt', data: Buffer.from('A') }])),
  'evil.tar': Buffer.from(makeTar([{ name: '../evil.txt', data: Buffer.from('x') }])),
};

/** Requests seen: path and Range header. */
let seen: { path: string; range?: string; ifRange?: string }[] = [];
/**
 * What /flaky/ does next: drop the connection after this many body bytes (once), once the
 * client has written them to `part` (so the drop point does not depend on timing), and
 * whether it honours Range.
 */
const flaky = { dropAfter: 0, part: '', honourRange: true };

function serveFile(req: IncomingMessage, res: ServerResponse, body: Buffer, honourRange = true): void {
  const etag = `"${sha256(body).slice(0, 16)}"`;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const stillSame = !req.headers['if-range'] || req.headers['if-range'] === etag;
  if (m && honourRange && stillSame) {
    const from = Number(m[1]);
    if (from >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` });
      return void res.end();
    }
    res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}`, etag });
    return void res.end(body.subarray(from));
  }
  res.writeHead(200, { 'content-length': body.length, etag, 'accept-ranges': 'bytes' });
  res.end(body);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const [, route, name] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    seen.push({ path: `/${route}/${name}`, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
    const body = files[name];
    if (!body) {
      res.writeHead(404);
      return void res.end('not found');
    }
    if (route === 'files') return serveFile(req, res, body);
    if (route === 'flaky') {
      if (flaky.dropAfter && !req.headers.range) {
        // The whole file is announced, part of it is sent, then the connection drops.
        res.writeHead(200, { 'content-length': body.length, etag: `"${sha256(body).slice(0, 16)}"` });
        const sent = flaky.dropAfter;
        const part = flaky.part;
        flaky.dropAfter = 0;
        const started = Date.now();
        const dropWhenWritten = () => {
          const written = existsSync(part) ? statSync(part).size : 0;
          if (written >= sent || Date.now() - started > 10_000) res.socket?.destroy();
          else setTimeout(dropWhenWritten, 5);
        };
        return void res.write(body.subarray(0, sent), dropWhenWritten);
      }
      return serveFile(req, res, body, flaky.honourRange);
    }
    if (route === 'truncated') {
      // A server (or proxy) that delivers the first half as if it were the whole file.
      res.writeHead(200, { 'content-length': body.length >> 1 });
      return void res.end(body.subarray(0, body.length >> 1));
    }
    if (route === 'chunked-cut') {
      res.writeHead(200); // no Content-Length: chunked
      return void res.write(body.subarray(0, 1000), () => setTimeout(() => res.socket?.destroy(), 20));
    }
    res.writeHead(404);
    res.end();
  });
});
afterAll(async () => {
  await server.close();
  cleanupTemps();
});
afterEach(() => {
  delete process.env.KERAS_HOME;
  seen = [];
  Object.assign(flaky, { dropAfter: 0, part: '', honourRange: true });
});

const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const quiet = { verbose: false } as const;

describe('getFile: Keras get_file', () => {
  it("downloads into $KERAS_HOME/<cacheSubdir>/<fname>, checks the MD5 (Keras' file_hash), then serves the cache", async () => {
    const home = tempDir();
    process.env.KERAS_HOME = home;
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    const url = `${server.url}/files/cnn.h5`;
    const path = await getFile('cnn_weights.h5', url, { fileHash: md5(files['cnn.h5']), cacheSubdir: 'models', progressStream: out });
    expect(path).toBe(join(home, 'models', 'cnn_weights.h5'));
    expect(readFileSync(path).equals(files['cnn.h5'])).toBe(true);
    expect(printed).toContain(`Downloading data from ${url}\n`);
    const n = files['cnn.h5'].length;
    expect(printed).toContain(`${n}/${n} ━━━━━━━━━━━━━━━━━━━━ `);
    expect(listing(join(home, 'models'))).toEqual(['cnn_weights.h5']);
    // Cached: no request at all, with or without the hash (SHA-256 works too).
    expect(await getFile('cnn_weights.h5', url, { fileHash: sha256(files['cnn.h5']), cacheSubdir: 'models', ...quiet })).toBe(path);
    expect(await getFile('cnn_weights.h5', url, { cacheSubdir: 'models', ...quiet })).toBe(path);
    expect(seen).toHaveLength(1);
  });

  it("Keras' paths: ~/.keras by default, the name from the URL, cacheSubdir 'datasets', an absolute cacheSubdir as is", () => {
    expect(kerasHome()).toMatch(/\.keras$/);
    process.env.KERAS_HOME = '/somewhere/keras';
    expect(getFilePaths(null, 'https://x.org/a/b/vgg16.h5').target).toBe('/somewhere/keras/datasets/vgg16.h5');
    expect(getFilePaths('v.h5', 'https://x.org/a', { cacheDir: '/c', cacheSubdir: 'models' }).target).toBe('/c/models/v.h5');
    expect(getFilePaths('v.h5', 'https://x.org/a', { cacheDir: '/c', cacheSubdir: '/abs/dir' }).target).toBe('/abs/dir/v.h5');
    // Archives: Keras' names for the archive and its folder.
    expect(getFilePaths('flowers.tgz', 'https://x.org/f', { cacheDir: '/c', extract: true })).toMatchObject({ target: '/c/datasets/flowers.tgz', extracted: '/c/datasets/flowers_extracted' });
    expect(getFilePaths(null, 'https://x.org/flower_photos', { cacheDir: '/c', extract: true })).toMatchObject({
      target: '/c/datasets/flower_photos_archive',
      extracted: '/c/datasets/flower_photos',
    });
    expect(() => getFilePaths('a/b.h5', 'https://x.org/a')).toThrow(ConfigError);
    expect(() => getFilePaths(null, 'https://x.org/')).toThrow(/cannot take a file name from the origin/);
  });

  it('a cached file whose hash does not match is downloaded again (Keras\' message)', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'models'));
    writeFileSync(join(cacheDir, 'models', 'cnn.h5'), 'an old or broken copy');
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    const hash = md5(files['cnn.h5']);
    const path = await getFile('cnn.h5', `${server.url}/files/cnn.h5`, { fileHash: hash, cacheDir, cacheSubdir: 'models', progressStream: out });
    expect(printed).toContain(`A local file was found, but it seems to be incomplete or outdated because the md5 file hash does not match the original value of ${hash} so we will re-download the data.`);
    expect(readFileSync(path).equals(files['cnn.h5'])).toBe(true);
  });

  it('a wrong hash keeps nothing, and says where a good copy would be picked up', async () => {
    const cacheDir = tempDir();
    const url = `${server.url}/files/cnn.h5`;
    const wrong = 'f'.repeat(32);
    const error = await getFile('cnn.h5', url, { fileHash: wrong, cacheDir, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(`MD5 mismatch: expected ${wrong}, got ${md5(files['cnn.h5'])}`);
    expect((error as Error).message).toContain(`put it at\n  ${join(cacheDir, 'datasets', 'cnn.h5')}\n`);
    expect(listing(join(cacheDir, 'datasets'))).toEqual([]);
  });

  it('offline: the error names the URL and the exact path; a copy put there is then used without the network', async () => {
    const home = tempDir();
    process.env.KERAS_HOME = home;
    const gone = await startServer(() => {});
    const url = `${gone.url}/files/vgg16_weights.h5`;
    await gone.close(); // nothing listens there any more
    const hash = md5(files['cnn.h5']);
    const target = join(home, 'models', 'vgg16_weights.h5');
    const error = await getFile('vgg16_weights.h5', url, { fileHash: hash, cacheSubdir: 'models', ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    const message = (error as Error).message;
    expect(message).toContain(`Downloading ${url} to ${target} failed: connect ECONNREFUSED`);
    expect(message).toContain(`To use a copy of ${url} obtained another way, put it at\n  ${target}\nand it will be picked up without downloading; it is checked against its MD5 ${hash}.`);
    copyFileSync(new URL('../../../fixtures/h5/keras2/cnn.h5', import.meta.url), target);
    expect(await getFile('vgg16_weights.h5', url, { fileHash: hash, cacheSubdir: 'models', ...quiet })).toBe(target);
  });
});

describe('downloads that go wrong', () => {
  it('dropped mid-body: the bytes are kept, the next call asks for the rest (Range) and the file is byte-identical', async () => {
    const cacheDir = tempDir();
    const url = `${server.url}/flaky/big.bin`;
    const dir = join(cacheDir, 'datasets');
    Object.assign(flaky, { dropAfter: 250_000, part: join(dir, 'big.bin.part') });
    const first = await getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DataError);
    expect((first as Error).message).toMatch(/the connection closed after 250000 of 600000 bytes; the 250000 bytes received are kept in .*big\.bin\.part and the next attempt resumes/);
    expect(listing(dir)).toEqual(['big.bin.part', 'big.bin.part.json']);
    expect(statSync(join(dir, 'big.bin.part')).size).toBe(250_000);

    const path = await getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet });
    expect(seen.map((s) => s.range)).toEqual([undefined, 'bytes=250000-']);
    expect(seen[1].ifRange).toBe(`"${sha256(big).slice(0, 16)}"`);
    expect(readFileSync(path).equals(big)).toBe(true);
    expect(listing(dir)).toEqual(['big.bin']);
  });

  it('a server that answers a Range request with the whole file (200): the download starts over', async () => {
    const cacheDir = tempDir();
    const url = `${server.url}/flaky/big.bin`;
    Object.assign(flaky, { dropAfter: 100_000, part: join(cacheDir, 'datasets', 'big.bin.part') });
    await expect(getFile(null, url, { cacheDir, ...quiet })).rejects.toThrow(DataError);
    flaky.honourRange = false;
    const path = await getFile(null, url, { cacheDir, ...quiet });
    expect(seen.map((s) => s.range)).toEqual([undefined, 'bytes=100000-']);
    expect(readFileSync(path).equals(big)).toBe(true);
  });

  it('a part that is already complete (416 for the rest) is verified and renamed into place', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets');
    const url = `${server.url}/files/big.bin`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'big.bin.part'), big);
    writeFileSync(join(dir, 'big.bin.part.json'), JSON.stringify({ url, total: big.length }));
    const path = await getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet });
    expect(seen.map((s) => s.range)).toEqual(['bytes=600000-']);
    expect(readFileSync(path).equals(big)).toBe(true);
    expect(listing(dir)).toEqual(['big.bin']);
  });

  it('without a hash, a body shorter than its Content-Length never reaches the cache', async () => {
    const cacheDir = tempDir();
    Object.assign(flaky, { dropAfter: 1000, part: join(cacheDir, 'datasets', 'cnn.h5.part') });
    await expect(getFile(null, `${server.url}/flaky/cnn.h5`, { cacheDir, ...quiet })).rejects.toThrow(/closed after 1000 of \d+ bytes/);
    await expect(getFile(null, `${server.url}/chunked-cut/big.bin`, { cacheDir, resume: false, ...quiet })).rejects.toThrow(DataError);
    expect(listing(join(cacheDir, 'datasets')).filter((f) => !f.endsWith('.part') && !f.endsWith('.part.json'))).toEqual([]);
  });

  it('validate: a truncated file that parses badly is not cached, and a cached one that fails is downloaded again', async () => {
    const cacheDir = tempDir();
    const validate = (p: string) => void readNpzFile(p);
    // Served short but as if complete: only parsing can tell.
    const error = await getFile('mnist.npz', `${server.url}/truncated/mnist-tiny.npz`, { cacheDir, validate, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/the downloaded file is not usable \(.*\), so it was deleted/);
    expect(listing(join(cacheDir, 'datasets'))).toEqual([]);
    // A damaged cached copy (say from an older program) is replaced.
    mkdirSync(join(cacheDir, 'datasets'), { recursive: true });
    writeFileSync(join(cacheDir, 'datasets', 'mnist.npz'), files['mnist-tiny.npz'].subarray(0, 100));
    const path = await getFile('mnist.npz', `${server.url}/files/mnist-tiny.npz`, { cacheDir, validate, ...quiet });
    expect(readFileSync(path).equals(files['mnist-tiny.npz'])).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/truncated/mnist-tiny.npz', '/files/mnist-tiny.npz']);
  });

  it('leftovers of a killed download: its part is resumed, its lock and private temporaries removed', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets');
    const url = `${server.url}/files/big.bin`;
    mkdirSync(dir, { recursive: true });
    const deadPid = 999_999_999;
    writeFileSync(join(dir, 'big.bin.part'), big.subarray(0, 400_000));
    writeFileSync(join(dir, 'big.bin.part.json'), JSON.stringify({ url, total: big.length, etag: `"${sha256(big).slice(0, 16)}"` }));
    writeFileSync(join(dir, 'big.bin.part.lock'), String(deadPid));
    writeFileSync(join(dir, `big.bin.tmp-${deadPid}-1`), 'half of an older attempt');
    const path = await getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet });
    expect(seen.map((s) => s.range)).toEqual(['bytes=400000-']);
    expect(readFileSync(path).equals(big)).toBe(true);
    expect(listing(dir)).toEqual(['big.bin']);
  });

  it('a part of the wrong file (its hash fails after resuming) is deleted, not resumed again', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets');
    const url = `${server.url}/files/big.bin`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'big.bin.part'), Buffer.alloc(300_000, 7)); // not the file's bytes
    writeFileSync(join(dir, 'big.bin.part.json'), JSON.stringify({ url }));
    await expect(getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet })).rejects.toThrow(/SHA-256 mismatch/);
    expect(listing(dir)).toEqual([]);
    expect(readFileSync(await getFile(null, url, { cacheDir, fileHash: sha256(big), ...quiet })).equals(big)).toBe(true);
  });
});

describe('extract', () => {
  it('unpacks a .tar.gz and a .zip into the folder Keras names, and refuses paths that escape it', async () => {
    const cacheDir = tempDir();
    const folder = await getFile('photos.tar.gz', `${server.url}/files/photos.tar.gz`, { cacheDir, extract: true, ...quiet });
    expect(folder).toBe(join(cacheDir, 'datasets', 'photos_extracted'));
    expect(readFileSync(join(folder, 'photos', 'sub', 'b.txt'), 'utf8')).toBe('BB');
    const zipped = await getFile(null, `${server.url}/files/photos.zip`, { cacheDir, extract: true, ...quiet });
    expect(zipped).toBe(join(cacheDir, 'datasets', 'photos.zip'));
    expect(readFileSync(join(zipped, 'photos', 'a.txt'), 'utf8')).toBe('A');
    await expect(getFile('evil.tar', `${server.url}/files/evil.tar`, { cacheDir, extract: true, ...quiet })).rejects.toThrow(/'\.\.\/evil\.txt' would be written outside the extraction folder/);
    expect(existsSync(join(cacheDir, 'datasets', 'evil.txt'))).toBe(false);
  });
});

describe('progress', () => {
  it('shows bytes, a bar, the rate and the time left while downloading on a terminal', () => {
    let printed = '';
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    tty.on('data', (c) => (printed += c));
    const bar = new ProgressBar(1000, tty);
    bar.update(500);
    expect(printed).toMatch(/^\r 500\/1000 ━{10}─{10} \d+s [\d.]+ MB\/s ETA \d+(s|:\d\d)/);
    bar.finish(1000);
    expect(printed).toMatch(/\r1000\/1000 ━{20} \d+s [\d.]+ MB\/s\x1b\[K\n$/);
  });
});
