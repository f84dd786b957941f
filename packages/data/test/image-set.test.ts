import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnist, flowFromDirectory, loadImg, makeFashionImageSet } from '@layerwise/data';
import { cleanupTemps, tempDir } from './helpers.js';

afterAll(cleanupTemps);

describe('makeFashionImageSet (scripts/fixtures/make-image-set.mjs)', () => {
  it('writes train/validation class folders of JPEGs that flowFromDirectory reads', async () => {
    const dir = tempDir();
    const set = await makeFashionImageSet(dir, { perClass: { train: 6, validation: 3 }, size: [24, 36], data: fashionMnist.loadSample() });
    expect(set.classes).toEqual(['sneaker', 'bag']);
    expect(set.counts).toEqual({ train: 12, validation: 6 });
    expect(readdirSync(join(dir, 'train', 'bag'))).toEqual(['0000.jpg', '0001.jpg', '0002.jpg', '0003.jpg', '0004.jpg', '0005.jpg']);
    const img = await loadImg(join(dir, 'train', 'sneaker', '0000.jpg'));
    expect([img.width, img.height, img.channels]).toEqual([36, 24, 3]);
    const it = await flowFromDirectory(join(dir, 'validation'), { targetSize: [24, 36], classMode: 'binary', shuffle: false, verbose: false });
    expect(it.classIndices).toEqual({ bag: 0, sneaker: 1 });
    const [x, y] = await it.getBatch(0);
    expect(x.shape).toEqual([6, 24, 36, 3]);
    expect([...y.data]).toEqual([0, 0, 0, 1, 1, 1]);
    await it.close();
    await expect(makeFashionImageSet(dir, { classes: ['shoe'] })).rejects.toThrow(/unknown class 'shoe'/);
  });
});
