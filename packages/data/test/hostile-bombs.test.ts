import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DataError, Tensor } from '@layerwise/core';
import {
  DEFAULT_MAX_IMAGE_PIXELS, decodeImg, encodeIdx, flowFromDirectory, getMaxImagePixels, loadImg, parseIdx, readNpz, saveImg, setMaxImagePixels,
} from '@layerwise/data';
import { headerSize, memoryReader } from '../src/image/size.js';
import { readTarFile } from '../src/tar.js'; // internal
import { sniffImageFormat } from '../src/image/decode.js';
import { bmpRleBomb, gzipZeros, idxGzBomb, jpegBomb, npzLyingSize, pngBomb } from '../../../test/fuzz/bombs.js';
import { runScript } from '../../../test/helpers/run-script.js';
import { cleanupTemps, FIXTURES, makeTar, tempDir } from './helpers.js';

/**
 * Issue 16 item 2: decompression bombs. One pixel limit for every image path, with Pillow's
 * MAX_IMAGE_PIXELS semantics (fixtures/hostile/pixel-limit.json: what Pillow 13 does with
 * each header), checked before anything is decoded; every inflate capped at the size its
 * container promises. The bombs themselves run in a child process under a heap ceiling.
 */
const HOSTILE = join(FIXTURES, 'hostile');
const pillow = JSON.parse(readFileSync(join(HOSTILE, 'pixel-limit.json'), 'utf8')) as {
  max_image_pixels: number;
  cases: { file: string; format: string; width: number; height: number; pixels: number; pillow: 'ok' | 'warn' | 'error'; message: string | null }[];
};
const quiet = { warn: () => {}, info: () => {} };

/** Warnings emitted while `fn` runs. */
async function warningsOf(fn: () => Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (w: Error) => seen.push(w);
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

const rgb = (w: number, h: number) => new Tensor(new Uint8Array(w * h * 3).map((_, i) => (i * 13) & 255), [h, w, 3], 'uint8');

afterEach(() => setMaxImagePixels(DEFAULT_MAX_IMAGE_PIXELS));
afterAll(cleanupTemps);

describe('the pixel limit: Pillow semantics (fixtures/hostile/pixel-limit.json)', () => {
  it("the default is Pillow's MAX_IMAGE_PIXELS", () => {
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(pillow.max_image_pixels);
    expect(getMaxImagePixels()).toBe(pillow.max_image_pixels);
  });

  it('every header is read as Pillow reads it, and the verdict (ok / warn / refuse) is Pillow’s', async () => {
    for (const c of pillow.cases) {
      const bytes = readFileSync(join(HOSTILE, c.file));
      const size = headerSize(memoryReader(bytes), sniffImageFormat(bytes)!);
      expect(size && [size.width, size.height], c.file).toEqual([c.width, c.height]);
      const verdict = c.pixels > 2 * DEFAULT_MAX_IMAGE_PIXELS ? 'error' : c.pixels > DEFAULT_MAX_IMAGE_PIXELS ? 'warn' : 'ok';
      expect(verdict, c.file).toBe(c.pillow);
      if (c.pillow === 'error') {
        const err = await decodeImg(bytes, { name: c.file }).catch((e) => e);
        expect(err, c.file).toBeInstanceOf(DataError);
        expect(err.message).toBe(`${c.file}: image size (${c.width}×${c.height} = ${c.pixels} pixels) exceeds the limit of 178956970 pixels (twice maxImagePixels, 89478485), could be a decompression bomb; raise it with setMaxImagePixels(n), or setMaxImagePixels(null) for no limit`);
      }
    }
  });

  it('above the limit: a DecompressionBombWarning and the image; above twice the limit: a DataError (every decoder path)', async () => {
    const dir = tempDir();
    // 8×8 = 64 pixels: limit 40 warns (64 > 40, ≤ 80); limit 20 refuses (64 > 40).
    const files: Record<string, string> = {};
    for (const ext of ['png', 'jpg', 'bmp', 'gif', 'webp', 'tiff', 'ppm']) {
      files[ext] = join(dir, `img.${ext}`);
      await saveImg(files[ext], rgb(8, 8), { scale: false });
    }
    for (const [ext, path] of Object.entries(files)) {
      setMaxImagePixels(40);
      let img: Awaited<ReturnType<typeof loadImg>> | undefined;
      const warned = await warningsOf(async () => (img = await loadImg(path)));
      expect(img?.size, ext).toEqual([8, 8]);
      expect(warned.map((w) => [w.name, w.message]), ext).toEqual([['DecompressionBombWarning', `${path}: image size (64 pixels) exceeds limit of 40 pixels, could be decompression bomb DOS attack.`]]);
      // The nearest-resize JPEG path (a picked decode) checks too.
      setMaxImagePixels(20);
      for (const options of [{}, { targetSize: [4, 4] as [number, number] }]) {
        const err = await loadImg(path, options).catch((e) => e);
        expect(err, ext).toBeInstanceOf(DataError);
        expect(err.message, ext).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: image size .*exceeds the limit of 40 pixels \\(twice maxImagePixels, 20\\)`));
      }
      setMaxImagePixels(null);
      expect((await loadImg(path)).size).toEqual([8, 8]);
    }
  });

  it('setMaxImagePixels takes a positive integer or null, else a ConfigError showing the value', () => {
    expect(() => setMaxImagePixels(0)).toThrow(ConfigError);
    expect(() => setMaxImagePixels(2.5)).toThrow(/got 2\.5/);
    expect(() => setMaxImagePixels('100' as unknown as number)).toThrow(/got '100' \(a string\)/);
    setMaxImagePixels(Infinity);
    expect(getMaxImagePixels()).toBeNull();
  });

  it('the image worker threads use the limit in force, changed after they started too', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    for (let i = 0; i < 3; i++) await saveImg(join(dir, 'a', `${i}.png`), rgb(8, 8), { scale: false });
    const it = await flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 3, workers: 2, shuffle: false, validate: 'none', log: quiet });
    try {
      expect((await it.getBatch(0))[0].shape).toEqual([3, 8, 8, 3]);
      setMaxImagePixels(20); // the workers are running: they see it through shared memory
      const [x] = await it.getBatch(0);
      expect(x.shape[0]).toBe(0);
      expect(it.invalidFiles.map((f) => f.reason)).toEqual(Array(3).fill(expect.stringMatching(/exceeds the limit of 40 pixels/)));
    } finally {
      await it.close();
    }
  });
});

describe('bombs are refused from the header, before decoding', () => {
  it('a 389 KB PNG of 20000×20000: a DataError naming the file', async () => {
    const err = await decodeImg(pngBomb(20000, 20000), { name: 'big.png' }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/^big\.png: image size \(20000×20000 = 400000000 pixels\) exceeds the limit/);
  });

  it('a PNG whose IDAT inflates far past its rows: the inflate stops at the promised size and the image decodes (as PIL ignores the excess)', async () => {
    const img = await decodeImg(pngBomb(300, 200, 64 << 20), { name: 'extra.png' });
    expect([img.size, img.data.every((v) => v === 0)]).toEqual([[300, 200], true]);
  });

  it('a 1 KB RLE8 BMP of 16383×16383: refused; a truncated PPM claiming 9000×9000: refused before it is allocated', async () => {
    await expect(decodeImg(bmpRleBomb(16383, 16383), { name: 'rle.bmp' })).rejects.toThrow(/^rle\.bmp: image size \(16383×16383 = 268402689 pixels\) exceeds/);
    const ppm = new TextEncoder().encode('P6\n9000 9000\n255\n\0\0\0');
    await expect(decodeImg(ppm, { name: 'cut.ppm' })).rejects.toThrow(/^cut\.ppm: not a readable PPM\/PGM\/PBM file: pixel data truncated: 9000×9000 needs at least 243000000 bytes, found 4/);
  });

  it('JPEGs whose frame claims 16383×16383 (or more blocks than the file can hold) are left out at listing time', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'a', `bomb${i}.jpg`), jpegBomb(16383, 16383));
    writeFileSync(join(dir, 'a', 'short.jpg'), jpegBomb(9000, 9000)); // under the limit, but 204 bytes cannot hold 1.3 M blocks
    await saveImg(join(dir, 'a', 'real.png'), rgb(8, 8), { scale: false });
    const warnings: string[] = [];
    const it = await flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 8, workers: 0, log: { warn: (l) => warnings.push(l), info: () => {} } });
    try {
      expect(it.filenames).toEqual(['a/real.png']);
      expect(warnings.filter((w) => /bomb\d\.jpg \(when listing\): image size \(16383×16383 = 268402689 pixels\) exceeds the limit/.test(w))).toHaveLength(4);
      expect(warnings.some((w) => /short\.jpg \(when listing\): cannot decode the JPEG data \(truncated: the frame is 9000×9000/.test(w))).toBe(true);
    } finally {
      await it.close();
    }
    await expect(decodeImg(jpegBomb(9000, 9000), { name: 'short.jpg' })).rejects.toThrow(/^short\.jpg: cannot decode the JPEG data \(truncated/);
  });
});

describe('every inflate stops at the size the container promises', () => {
  it('a gzipped IDX file whose data inflates past its header: a DataError after inflating only what the header promised', () => {
    expect(() => parseIdx(idxGzBomb([10, 28, 28], 64 << 20), 'bomb.gz')).toThrow(
      /^bomb\.gz: IDX file has trailing bytes: the header says data of shape \[10, 28, 28\] \(unsigned byte\), which needs 7856 bytes, but the gzip data inflates to more \(stopped after 7856 bytes\)$/,
    );
    // Honest files still read, gzipped or not; a short one is still "truncated".
    const t = new Tensor(new Uint8Array(2 * 3 * 4).map((_, i) => i), [2, 3, 4], 'uint8');
    expect(Array.from(parseIdx(gzipSync(encodeIdx(t)), 'ok.gz').data)).toEqual(Array.from(t.data));
    expect(() => parseIdx(idxGzBomb([10, 28, 28], 100), 'short.gz')).toThrow(/short\.gz: IDX file truncated: .*found 116 bytes after gunzip/);
    // A header claiming more than memory can hold is refused before inflating anything.
    expect(() => parseIdx(gzipZeros(0, encodeIdx(new Tensor(new Uint8Array(0), [0], 'uint8')).map((v, i) => (i === 3 ? 3 : v))), 'odd.gz')).toThrow(/odd\.gz: .*truncated IDX header/);
    expect(() => parseIdx(idxGzBomb([65536, 65536, 2], 10), 'huge.gz')).toThrow(/^huge\.gz: the IDX header says data of shape \[65536, 65536, 2\] .* more than can be held in memory here$/);
  });

  it('an .npz entry that inflates past its directory size: a DataError naming the file and the entry, after the declared bytes only', () => {
    expect(() => readNpz(npzLyingSize('x_train.npy', 64 << 20, 1000), 'data.npz')).toThrow(
      /^data\.npz: not a readable zip archive: entry 'x_train\.npy' inflates to more than the 1000 bytes its directory entry declares \(stopped there\)$/,
    );
  });

  it('a tar member whose header claims 8 GiB: a truncation DataError, nothing allocated from the claim', async () => {
    const tar = makeTar([{ name: 'data_batch_1.bin', data: new Uint8Array(1000) }]);
    // GNU base-256 size field: 0x80 then big-endian 8 GiB.
    tar.set([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 124);
    tar.set(new TextEncoder().encode('        '), 148);
    const sum = tar.subarray(0, 512).reduce((a, b) => a + b, 0);
    tar.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const path = join(tempDir(), 'lying.tar');
    writeFileSync(path, tar);
    await expect(readTarFile(path, () => true)).rejects.toThrow(/lying\.tar: tar archive truncated inside member 'data_batch_1\.bin' \(\d+ of 8589934592 bytes missing\)/);
    // With a cap (CIFAR-10 passes 64 MiB per batch), before reading it.
    await expect(readTarFile(path, () => true, { maxMemberBytes: 1 << 26 })).rejects.toThrow(/lying\.tar: member 'data_batch_1\.bin' is 8589934592 bytes, more than the 67108864 expected of it/);
  });

  it('a CIFAR-10 archive whose batch inflates to gigabytes (a .tar.gz bomb) is refused from the member header', async () => {
    // A tar header for a 4 GiB member, then zeros: the gzip stream is ~4 MB.
    const header = makeTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: new Uint8Array(0) }]).subarray(0, 512);
    header.set(new TextEncoder().encode(`${(2 ** 32).toString(8).padStart(11, '0')}\0`), 124);
    header.set(new TextEncoder().encode('        '), 148);
    header.set(new TextEncoder().encode(`${header.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `), 148);
    const path = join(tempDir(), 'cifar-10-binary.tar.gz');
    writeFileSync(path, gzipZeros(64 << 20, header));
    const { cifar10 } = await import('@layerwise/data');
    await expect(cifar10.loadData({ path, searchDirs: [], download: false, verbose: false })).rejects.toThrow(/cifar-10-binary\.tar\.gz: member 'cifar-10-batches-bin\/data_batch_1\.bin' is 4294967296 bytes, more than the 67108864 expected of it/);
  });
});

describe('under a heap ceiling, in a fresh process', () => {
  it('every bomb of test/fuzz/measure-bombs.ts is refused (or read to its promised size) without the memory it claims', async () => {
    const script = fileURLToPath(new URL('../../../test/fuzz/measure-bombs.ts', import.meta.url));
    const run = await runScript(script, ['--one-process'], { nodeArgs: ['--max-old-space-size=256'], timeoutMs: 120_000 });
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { case: string; peakRssMB: number; outcome: string });
    const outcome = Object.fromEntries(rows.map((r) => [r.case, r.outcome]));
    expect(outcome).toEqual({
      'png-20000': expect.stringMatching(/^DataError: bomb\.png: image size \(20000×20000 = 400000000 pixels\) exceeds the limit/),
      'png-idat-1g': 'loaded: 1000x1000',
      'jpeg-folder': 'loaded: batch 1x8x8x3, 4 invalid',
      'jpeg-folder-listing': 'loaded: 1 listed, batch 1x8x8x3',
      'bmp-rle-16383': expect.stringMatching(/^DataError: bomb\.bmp: image size \(16383×16383 = 268402689 pixels\) exceeds the limit/),
      'idx-gz-1g': expect.stringMatching(/^DataError: bomb-idx3-ubyte\.gz: IDX file has trailing bytes: .*stopped after 7856 bytes/),
      'npz-lying-2g': expect.stringMatching(/^DataError: bomb\.npz: not a readable zip archive: entry 'x\.npy' inflates to more than the 1000 bytes/),
      'model-units-5e7': expect.stringMatching(/^WeightsError: .*model\.config\.layers\[1\] \(Dense 'dense'\): its config would create weight 'dense\/kernel' of shape \[7, 50000000\]/),
      'model-units-1e12': expect.stringMatching(/^WeightsError: .*of shape \[7, 1000000000000\], but the file holds it with shape \[7, 10\]$/),
    });
    // Before the fixes each case peaked at 0.9–4.1 GB; now the whole run stays near the process's own size.
    expect(Math.max(...rows.map((r) => r.peakRssMB))).toBeLessThan(400);
  });
});

describe('a huge targetSize (issue 16: a bare RangeError before)', () => {
  it('is a ConfigError naming the option and the limit, before any file is read', async () => {
    const dir = tempDir('huge-target');
    mkdirSync(join(dir, 'a'), { recursive: true });
    await expect(loadImg(join(dir, 'missing.png'), { targetSize: [100000, 100000] })).rejects.toThrow(ConfigError);
    await expect(loadImg(join(dir, 'missing.png'), { targetSize: [100000, 100000] })).rejects.toThrow(/loadImg: targetSize \[100000,100000\]: target size \(100000×100000 = 10000000000 pixels\) exceeds the limit/);
    await expect(flowFromDirectory(dir, { targetSize: [50000, 50000] })).rejects.toThrow(/targetSize \[50000,50000\].*setMaxImagePixels/);
  });
  it('follows setMaxImagePixels', async () => {
    setMaxImagePixels(null);
    // No limit: the options pass, and the missing file is what fails.
    await expect(loadImg(join(tempDir('huge-target-off'), 'missing.png'), { targetSize: [50000, 50000] })).rejects.toThrow(DataError);
  });
});
