/**
 * The directory iterator streams: 20,000 images iterated once with the resident memory of
 * the whole process (workers included) staying small. The images are 28×28 PNGs made from
 * the embedded Fashion-MNIST sample (200 distinct ones, written 100 times each).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnist, flowFromDirectory } from '@layerwise/data';
import { cleanupTemps, tempDir } from './helpers.js';

afterAll(cleanupTemps);

const N = 20_000;

describe('streaming', () => {
  it(`iterates ${N} images once with resident memory under 500 MB`, async () => {
    const dir = tempDir();
    const [[x, y]] = fashionMnist.loadSample();
    const pngs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sharp(x.data.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer()),
    );
    for (let c = 0; c < 10; c++) mkdirSync(join(dir, `class${c}`));
    for (let i = 0; i < N; i++) writeFileSync(join(dir, `class${y.data[i % 200]}`, `${i}.png`), pngs[i % 200]);

    const started = performance.now();
    const it = await flowFromDirectory(dir, { targetSize: [28, 28], colorMode: 'grayscale', batchSize: 32, rescale: 1 / 255, verbose: false });
    const listed = performance.now();
    expect(it.samples).toBe(N);
    let peak = process.memoryUsage().rss;
    let seen = 0;
    let sum = 0;
    for (let b = 0; b < it.length; b++) {
      const { value } = await it.next();
      const [xb, yb] = value as [import('@layerwise/core').Tensor, import('@layerwise/core').Tensor];
      seen += xb.shape[0];
      for (const v of yb.data) sum += v;
      if (b % 20 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    await it.close();
    const seconds = (performance.now() - started) / 1000;
    const mb = peak / 2 ** 20;
    console.log(`streaming: ${seen} images in ${seconds.toFixed(1)} s (listing ${((listed - started) / 1000).toFixed(1)} s), peak RSS ${mb.toFixed(0)} MB`);
    expect(seen).toBe(N);
    expect(sum).toBe(N); // one-hot rows
    expect(mb).toBeLessThan(500);
  });
});
