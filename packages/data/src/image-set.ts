/**
 * A real image folder for tests, examples and benchmarks, made from Fashion-MNIST: each
 * chosen class becomes a subfolder of JPEG (or PNG) files, upscaled to the given size,
 * laid out like the tutorial's data folders:
 *
 *   out/train/sneaker/0000.jpg … out/train/bag/…  out/validation/sneaker/… out/validation/bag/…
 *
 * The train split takes images from Fashion-MNIST's training set, the other splits from its
 * test set (then from the training images not used), in dataset order. When a class has
 * fewer images than asked (e.g. with the embedded 5,000-image sample), they repeat.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { atomicWrite, ConfigError, type Tensor } from '@layerwise/core';
import { fashionMnist, FASHION_MNIST_CLASS_NAMES } from './datasets/fashion-mnist.js';
import type { DatasetSplits } from './datasets/types.js';

export interface FashionImageSetOptions {
  /** Classes by name ('sneaker', 'bag', 'ankle_boot', 't-shirt_top', …, case-insensitive) or label. Default ['sneaker', 'bag']. */
  classes?: (string | number)[];
  /** Images per class in each split folder. Default { train: 1000, validation: 400 }; a number means { train: n }. */
  perClass?: number | Record<string, number>;
  /** [height, width]. Default [240, 360] (the tutorial's data240x360). */
  size?: [number, number];
  /** 'jpg' (default) or 'png'. */
  format?: 'jpg' | 'png';
  /** JPEG quality. Default 90. */
  quality?: number;
  /** Fashion-MNIST to use; default fashionMnist.loadData({ fallbackToSample: true }) without downloading. */
  data?: DatasetSplits;
  /** Files encoded at once. Default 4. */
  concurrency?: number;
}

export interface FashionImageSet {
  dir: string;
  /** Class folder names, in label order of the chosen classes. */
  classes: string[];
  /** Files written per split. */
  counts: Record<string, number>;
}

/** Folder name of a Fashion-MNIST class: 'T-shirt/top' → 't-shirt_top', 'Ankle boot' → 'ankle_boot'. */
export function fashionClassFolder(label: number): string {
  return FASHION_MNIST_CLASS_NAMES[label].toLowerCase().replace(/[/ ]/g, '_');
}

function labelOf(c: string | number): number {
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new ConfigError(`makeFashionImageSet: class label ${c} is not 0–9`);
    return c;
  }
  const i = FASHION_MNIST_CLASS_NAMES.findIndex((_, k) => fashionClassFolder(k) === c.toLowerCase() || FASHION_MNIST_CLASS_NAMES[k].toLowerCase() === c.toLowerCase());
  if (i < 0) throw new ConfigError(`makeFashionImageSet: unknown class '${c}'; use one of ${FASHION_MNIST_CLASS_NAMES.map((_, k) => fashionClassFolder(k)).join(', ')}`);
  return i;
}

/** Writes the folder tree (see the module comment) and returns what it wrote. */
export async function makeFashionImageSet(dir: string, options: FashionImageSetOptions = {}): Promise<FashionImageSet> {
  const labels = (options.classes ?? ['sneaker', 'bag']).map(labelOf);
  const perClass = typeof options.perClass === 'number' ? { train: options.perClass } : (options.perClass ?? { train: 1000, validation: 400 });
  const [height, width] = options.size ?? [240, 360];
  const format = options.format ?? 'jpg';
  const quality = options.quality ?? 90;
  const data = options.data ?? (await fashionMnist.loadData({ fallbackToSample: true, download: false, verbose: false }));
  const [[xTrain, yTrain], [xTest, yTest]] = data;

  // Per class: indices into the training set, then the test set.
  const pools = (x: Tensor, y: Tensor) => labels.map((l) => ({ x, idx: [...y.data.keys()].filter((i) => y.data[i] === l) }));
  const trainPool = pools(xTrain, yTrain);
  const testPool = pools(xTest, yTest);

  const jobs: { path: string; pixels: Uint8Array }[] = [];
  const counts: Record<string, number> = {};
  const folders = labels.map(fashionClassFolder);
  Object.entries(perClass).forEach(([split, n], s) => {
    counts[split] = 0;
    labels.forEach((_, c) => {
      const folder = join(dir, split, folders[c]);
      mkdirSync(folder, { recursive: true });
      // The train split reads the training images from the start; the others the test
      // images, then the training images from the end (so they differ from train's).
      const sources = s === 0 ? [trainPool[c]] : [testPool[c], { x: trainPool[c].x, idx: [...trainPool[c].idx].reverse() }];
      const all = sources.flatMap((p) => p.idx.map((i) => ({ x: p.x, i })));
      if (all.length === 0) throw new ConfigError(`makeFashionImageSet: no images of class ${folders[c]} in the data`);
      for (let k = 0; k < n; k++) {
        const { x, i } = all[k % all.length];
        const size = x.shape[1] * x.shape[2];
        jobs.push({ path: join(folder, `${String(k).padStart(4, '0')}.${format}`), pixels: x.data.subarray(i * size, (i + 1) * size) as Uint8Array });
        counts[split]++;
      }
    });
  });

  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < jobs.length) {
        const { path, pixels } = jobs[next++];
        let img = sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' }).toColourspace('srgb');
        img = format === 'png' ? img.png() : img.jpeg({ quality });
        atomicWrite(path, await img.toBuffer());
      }
    }),
  );
  return { dir, classes: folders, counts };
}
