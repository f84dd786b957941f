/**
 * Peak memory and time of each decompression bomb (test/fuzz/bombs.ts) against the loaders,
 * one fresh process per case:
 *
 *   node --import ./test/helpers/register-ts.mjs test/fuzz/measure-bombs.ts            # every case
 *   node --import ./test/helpers/register-ts.mjs test/fuzz/measure-bombs.ts png-20000  # one case
 *   node --import ./test/helpers/register-ts.mjs test/fuzz/measure-bombs.ts --one-process  # all, in this process
 *
 * (--one-process is what hostile-bombs.test.ts runs under a heap ceiling: the peak it
 * reports after each case covers every case so far.)
 * Prints one JSON line per case: what happened (a DataError's message, or what loaded), the
 * wall time of the load, the resident set size after building the input, and the peak.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bmpRleBomb, idxGzBomb, jpegBomb, npzLyingSize, pngBomb } from './bombs.js';
import { editModelFile } from './model-files.js';

const GiB = 1 << 30;

const cases: Record<string, () => Promise<unknown>> = {
  /** A 389 KB PNG of 20000×20000 (zeros). */
  'png-20000': async () => {
    const { decodeImg } = await import('@layerwise/data');
    const bytes = pngBomb(20000, 20000);
    return [bytes.length, () => decodeImg(bytes, { name: 'bomb.png' }).then((i) => `${i.width}x${i.height}`)];
  },
  /** A 1000×1000 PNG whose IDAT inflates to 1 GiB. */
  'png-idat-1g': async () => {
    const { decodeImg } = await import('@layerwise/data');
    const bytes = pngBomb(1000, 1000, GiB);
    return [bytes.length, () => decodeImg(bytes, { name: 'idat.png' }).then((i) => `${i.width}x${i.height}`)];
  },
  /** Four 16383×16383 JPEGs of a few hundred bytes in a folder, with one real image. */
  'jpeg-folder': async () => {
    const { flowFromDirectory, saveImg } = await import('@layerwise/data');
    const { Tensor } = await import('@layerwise/core');
    const dir = mkdtempSync(join(tmpdir(), 'bombs-'));
    mkdirSync(join(dir, 'a'));
    const bomb = jpegBomb(16383, 16383);
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'a', `bomb${i}.jpg`), bomb);
    await saveImg(join(dir, 'a', 'real.png'), new Tensor(new Uint8Array(8 * 8 * 3).fill(9), [8, 8, 3], 'uint8'));
    return [
      bomb.length,
      async () => {
        try {
          const it = await flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 5, workers: 0, validate: 'none', log: { warn: () => {}, info: () => {} } });
          const [x] = await it.getBatch(0);
          return `batch ${x.shape.join('x')}, ${it.invalidFiles.length} invalid`;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ];
  },
  /** The same folder, listed with the default quick validation. */
  'jpeg-folder-listing': async () => {
    const { flowFromDirectory, saveImg } = await import('@layerwise/data');
    const { Tensor } = await import('@layerwise/core');
    const dir = mkdtempSync(join(tmpdir(), 'bombs-'));
    mkdirSync(join(dir, 'a'));
    const bomb = jpegBomb(16383, 16383);
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'a', `bomb${i}.jpg`), bomb);
    await saveImg(join(dir, 'a', 'real.png'), new Tensor(new Uint8Array(8 * 8 * 3).fill(9), [8, 8, 3], 'uint8'));
    return [
      bomb.length,
      async () => {
        try {
          const it = await flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 5, workers: 0, log: { warn: () => {}, info: () => {} } });
          const [x] = await it.getBatch(0);
          return `${it.samples} listed, batch ${x.shape.join('x')}`;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ];
  },
  /** A ~1 KB RLE8 BMP of 16383×16383. */
  'bmp-rle-16383': async () => {
    const { decodeImg } = await import('@layerwise/data');
    const bytes = bmpRleBomb(16383, 16383);
    return [bytes.length, () => decodeImg(bytes, { name: 'bomb.bmp' }).then((i) => `${i.width}x${i.height}`)];
  },
  /** A gzipped IDX file whose header says 10 images of 28×28 and whose data inflates to 1 GiB. */
  'idx-gz-1g': async () => {
    const { parseIdx } = await import('@layerwise/data');
    const bytes = idxGzBomb([10, 28, 28], GiB);
    return [bytes.length, async () => parseIdx(bytes, 'bomb-idx3-ubyte.gz').shape.join('x')];
  },
  /** A .npz whose entry inflates to 2.1 GB while its directory entry says 1,000 bytes. */
  'npz-lying-2g': async () => {
    const { readNpz } = await import('@layerwise/data');
    const bytes = npzLyingSize('x.npy', 2_100_000_000, 1000);
    return [bytes.length, async () => Object.keys(readNpz(bytes, 'bomb.npz')).join(',')];
  },
  /** A model file (Dense(10) on 7 inputs) whose config says units: 50,000,000 (a 1.4 GB kernel). */
  'model-units-5e7': () => lyingModel(5e7),
  /** The same with units: 1e12. */
  'model-units-1e12': () => lyingModel(1e12),
};

/** A saved Sequential [Dense(10, inputDim 7)] whose header claims `units` for the Dense layer. */
async function lyingModel(units: number): Promise<[number, () => Promise<unknown>]> {
  const { Sequential, loadModel } = await import('@layerwise/core');
  const { Dense } = await import('@layerwise/layers');
  const dir = mkdtempSync(join(tmpdir(), 'bombs-'));
  const path = join(dir, 'model.lw');
  const m = new Sequential();
  m.add(new Dense(10, { inputDim: 7, name: 'dense' }));
  m.save(path);
  const { readFileSync } = await import('node:fs');
  const bytes = editModelFile(readFileSync(path), (h) => {
    ((h.model as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[1].config).units = units;
  });
  writeFileSync(path, bytes);
  return [
    bytes.length,
    async () => {
      try {
        return (await loadModel(path)).countParams();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  ];
}

async function runCase(name: string): Promise<void> {
  const [size, load] = (await cases[name]()) as [number, () => Promise<unknown>];
  const rssBuilt = process.memoryUsage().rss;
  const t0 = performance.now();
  let outcome: string;
  try {
    outcome = `loaded: ${String(await load())}`;
  } catch (e) {
    outcome = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300);
  }
  const ms = Math.round(performance.now() - t0);
  const mb = (b: number) => Math.round(b / 2 ** 20);
  console.log(JSON.stringify({ case: name, inputBytes: size, ms, rssAfterBuildMB: mb(rssBuilt), peakRssMB: mb(process.resourceUsage().maxRSS * 1024), outcome }));
}

const [which] = process.argv.slice(2);
if (which && which in cases) await runCase(which);
else if (which === '--one-process') for (const name of Object.keys(cases)) await runCase(name);
else {
  const self = fileURLToPath(import.meta.url);
  for (const name of Object.keys(cases)) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, name], { encoding: 'utf8', timeout: 300_000 });
    process.stdout.write(r.stdout || `${JSON.stringify({ case: name, failed: r.signal ?? r.status, stderr: r.stderr.slice(-500) })}\n`);
  }
}
