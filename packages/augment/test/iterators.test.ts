import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Tensor } from '@layerwise/core';
import { flowFromDirectory, KerasIterator, saveImg, type DirectoryIterator } from '@layerwise/data';
import { ImageDataGenerator, NumpyArrayIterator } from '@layerwise/augment';

/**
 * DirectoryIterator (@layerwise/data) and NumpyArrayIterator (here) share Keras' Iterator
 * bookkeeping (KerasIterator): the same samples per batch, epoch after epoch, for the same
 * n, batchSize, shuffle and seed.
 */
const N = 10;
const root = mkdtempSync(join(tmpdir(), 'augment-iterators-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function folder(): Promise<string> {
  const dir = join(root, 'images');
  if (readdirSync(root).includes('images')) return dir;
  mkdirSync(join(dir, 'a'), { recursive: true });
  // One class, files img00..img09: file index i is sample i.
  for (let i = 0; i < N; i++) await saveImg(join(dir, 'a', `img${String(i).padStart(2, '0')}.png`), Tensor.full([4, 4, 3], i * 10), { scale: false });
  return dir;
}

/** Sample indices of the arrays' flow: y = 0..n-1. */
function numpyFlow(options: { batchSize: number; shuffle?: boolean; seed?: number }): NumpyArrayIterator {
  const x = Tensor.zeros([N, 4, 4, 3]);
  const y = Tensor.from(Array.from({ length: N }, (_, i) => i));
  return new ImageDataGenerator().flow(x, y, { ...options, workers: 0 });
}
const numpyIndices = (b: unknown) => Array.from((b as [Tensor, Tensor])[1].data);

/** Sample indices of the folder's flow: the file indices of each batch its passes build. */
async function directoryFlow(options: { batchSize: number; shuffle?: boolean; seed?: number }): Promise<{ it: DirectoryIterator<null>; seen: number[][] }> {
  const seen: number[][] = [];
  const it = await flowFromDirectory(await folder(), { ...options, targetSize: [4, 4], classMode: null, workers: 0, verbose: false });
  const build = it.buildBatch.bind(it);
  it.buildBatch = (batch) => {
    seen.push(Array.from(batch.indices));
    return build(batch);
  };
  return { it, seen };
}

describe('one Keras iterator base for both iterators', () => {
  it('both are KerasIterators with Keras\' length', async () => {
    const a = numpyFlow({ batchSize: 4 });
    const { it: b } = await directoryFlow({ batchSize: 4 });
    expect(a).toBeInstanceOf(KerasIterator);
    expect(b).toBeInstanceOf(KerasIterator);
    expect([a.n, a.length, b.n, b.length]).toEqual([N, 3, N, 3]);
    await b.close();
  });

  it.each([
    { title: 'in order', batchSize: 4, shuffle: false },
    { title: 'shuffled, seed 5', batchSize: 4, seed: 5 },
    { title: 'shuffled, seed 11, batch 3', batchSize: 3, seed: 11 },
  ])('next() gives the same samples from both, epoch after epoch: $title', async ({ title: _title, ...options }) => {
    const a = numpyFlow(options);
    const fromArrays = Array.from({ length: 8 }, () => numpyIndices(a.next()));
    const { it: b, seen } = await directoryFlow(options);
    for (let i = 0; i < 8; i++) await b.next();
    await b.close();
    expect(seen.slice(0, 8)).toEqual(fromArrays);
    // Keras' window: full batches, then the rest; every sample once per epoch.
    const perEpoch = Math.ceil(N / options.batchSize);
    expect(fromArrays.slice(0, perEpoch).flat().sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => i));
    if (options.shuffle === false) expect(fromArrays[0]).toEqual([0, 1, 2, 3]);
  });

  it('getBatch is Keras\' __getitem__: the current order, counted as a batch seen; onEpochEnd draws a new order', async () => {
    const a = numpyFlow({ batchSize: 4, seed: 3 });
    const first = numpyIndices(a.getBatch(0));
    expect(numpyIndices(a.getBatch(0))).toEqual(first);
    expect(a.totalBatchesSeen).toBe(2);
    a.onEpochEnd();
    const after = numpyIndices(a.getBatch(0));
    expect(after).not.toEqual(first);
    expect(() => a.getBatch(3)).toThrow(ConfigError);
    expect(() => a.getBatch(3)).toThrow(/asked to retrieve element 3, but the Sequence has length 3/);

    const { it: b, seen } = await directoryFlow({ batchSize: 4, seed: 3 });
    await b.getBatch(0);
    await b.getBatch(0);
    b.onEpochEnd();
    await b.getBatch(0);
    await b.close();
    // getBatch does not go through buildBatch: the hook saw nothing; the same draws give the same orders.
    expect(seen).toEqual([]);
    expect(b.totalBatchesSeen).toBe(3);
  });

  it('reset() starts next() at a new epoch; batchIndex follows Keras', () => {
    const a = numpyFlow({ batchSize: 4, shuffle: false });
    a.next();
    expect(a.batchIndex).toBe(1);
    a.next();
    a.next();
    expect(a.batchIndex).toBe(0); // the last, smaller batch ends the epoch
    a.next();
    a.reset();
    expect(a.batchIndex).toBe(0);
    expect(numpyIndices(a.next())).toEqual([0, 1, 2, 3]);
  });

  it("save_to_dir names as Keras: {prefix}_{index}_{hash}.{format}, the same for a seed", async () => {
    const names = async (seed: number) => {
      const dir = mkdtempSync(join(root, 'save-'));
      const it = await flowFromDirectory(await folder(), { targetSize: [4, 4], classMode: null, workers: 0, batchSize: 4, seed, saveToDir: dir, savePrefix: 'aug', verbose: false });
      await it.getBatch(0);
      await it.close();
      const flow = new ImageDataGenerator().flow(Tensor.zeros([N, 4, 4, 3]), null, { batchSize: 4, seed, workers: 0, saveToDir: join(dir, 'arrays'), savePrefix: 'aug' });
      flow.next();
      await flow.flushSaves();
      return [readdirSync(dir).filter((f) => f.endsWith('.png')).sort(), readdirSync(join(dir, 'arrays')).sort()];
    };
    const [files, arrays] = await names(7);
    expect(files).toHaveLength(4);
    expect(arrays).toHaveLength(4);
    for (const f of [...files, ...arrays]) expect(f).toMatch(/^aug_\d+_\d+\.png$/);
    expect(await names(7)).toEqual([files, arrays]);
  });
});
