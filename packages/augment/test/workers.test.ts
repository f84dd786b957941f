import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, Tensor } from '@layerwise/core';
import { ImageDataGenerator, type FlowBatch, type ImageDataGeneratorOptions, type NumpyArrayIterator } from '@layerwise/augment';

function images(n: number, h: number, w: number, c: number): Tensor {
  return new Tensor(Float32Array.from({ length: n * h * w * c }, (_, i) => (i * 37 + ((i * i) % 101)) % 256), [n, h, w, c], 'float32');
}
const labels = (n: number) => new Tensor(Float32Array.from({ length: n }, (_, i) => i % 3), [n], 'float32');
const parts = (b: FlowBatch): Tensor[] => (b instanceof Tensor ? [b] : b);
const opened: NumpyArrayIterator[] = [];
afterAll(async () => {
  await Promise.all(opened.map((it) => it.close()));
});

describe('flow on worker threads', () => {
  const cases: [string, ImageDataGeneratorOptions, Tensor][] = [
    ['the tutorial set', { widthShiftRange: 0.3, heightShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true }, images(37, 12, 18, 3)],
    ['everything + rescale, reflect', { rotationRange: 45, widthShiftRange: 2.5, heightShiftRange: [1, 2], shearRange: 15, zoomRange: [0.8, 1.4], channelShiftRange: 20, brightnessRange: [0.5, 1.5], horizontalFlip: true, verticalFlip: true, fillMode: 'reflect', rescale: 1 / 255 }, images(21, 9, 7, 4)],
    ['channels_first, constant, order 0', { rotationRange: 20, zoomRange: 0.2, horizontalFlip: true, fillMode: 'constant', cval: 7, interpolationOrder: 0, dataFormat: 'channels_first' }, images(10, 3, 8, 8)],
    ['samplewise normalization, one channel', { rotationRange: 10, samplewiseCenter: true, samplewiseStdNormalization: true, log: { warn: () => {} } as never }, images(9, 10, 10, 1)],
  ];
  it.each(cases)('%s: the same batches with 0, 1, 2 and 3 workers', async (_name, options, x) => {
    const y = labels(x.shape[0]);
    const gen = new ImageDataGenerator(options);
    const runs: Tensor[][][] = [];
    for (const workers of [0, 1, 2, 3]) {
      const it = gen.flow(x, y, { batchSize: 8, seed: 11, workers });
      opened.push(it);
      const batches: Tensor[][] = [];
      // overlapping calls, as fit's prefetch makes them
      const pending = Array.from({ length: 7 }, () => it.nextAsync());
      for (const b of await Promise.all(pending)) batches.push(parts(b));
      runs.push(batches);
    }
    const sync = gen.flow(x, y, { batchSize: 8, seed: 11, workers: 0 });
    const expected = Array.from({ length: 7 }, () => parts(sync.next()));
    for (const r of runs) {
      expect(r.length).toBe(expected.length);
      r.forEach((b, i) => {
        expect(b[0].shape).toEqual(expected[i][0].shape);
        expect(Array.from(b[0].data)).toEqual(Array.from(expected[i][0].data));
        expect(Array.from(b[1].data)).toEqual(Array.from(expected[i][1].data));
      });
    }
  });

  it('a batch is applyTransform of each image, with the parameters in Keras order', async () => {
    const x = images(12, 10, 14, 3);
    const gen = new ImageDataGenerator({ widthShiftRange: 0.3, heightShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, channelShiftRange: 10, horizontalFlip: true, verticalFlip: true });
    const it = gen.flow(x, null, { batchSize: 5, seed: 9, workers: 2 });
    opened.push(it);
    const batch = (await it.nextAsync()) as Tensor;
    const g = new Generator(9);
    const perm = g.permutation(12);
    for (let i = 0; i < 5; i++) {
      const img = x.slice(perm[i], perm[i] + 1).reshape([10, 14, 3]);
      const want = gen.applyTransform(img, gen.getRandomTransform([10, 14, 3], undefined, g));
      expect(Array.from(batch.slice(i, i + 1).data)).toEqual(Array.from(want.data));
    }
  });

  it('saveToDir names are drawn as on the main thread', async () => {
    const dirs = [0, 2].map(() => mkdtempSync(join(tmpdir(), 'lw-aug-workers-')));
    try {
      const gen = new ImageDataGenerator({ rotationRange: 30, horizontalFlip: true });
      const x = images(6, 8, 8, 3);
      for (const [k, workers] of [0, 2].entries()) {
        const it = gen.flow(x, null, { batchSize: 3, seed: 4, workers, saveToDir: dirs[k], savePrefix: 'a' });
        opened.push(it);
        await it.nextAsync();
        await it.nextAsync();
        await it.flushSaves();
      }
      expect(readdirSync(dirs[1]).sort()).toEqual(readdirSync(dirs[0]).sort());
      expect(readdirSync(dirs[0])).toHaveLength(6);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it('defaults to min(2, cores) workers, rejects a bad count, and closes', async () => {
    const gen = new ImageDataGenerator({ rotationRange: 5 });
    const it = gen.flow(images(4, 6, 6, 1), null, { batchSize: 2 });
    expect(it.workers).toBeLessThanOrEqual(2);
    expect(() => gen.flow(images(4, 6, 6, 1), null, { workers: -1 })).toThrow(/workers/);
    await it.nextAsync();
    await it.close();
    await it.close();
    // a closed iterator starts its workers again when used
    expect(((await it.nextAsync()) as Tensor).shape).toEqual([2, 6, 6, 1]);
    await it.close();
  });
});
