import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ConfigError, type Tensor } from '@layerwise/core';
import { DirectoryIterator, flowFromDirectory, imageDatasetFromDirectory, listImageDirectory, comparePython, NumpyRandomState, type ClassMode } from '@layerwise/data';
import { cleanupTemps, FIXTURES, tempDir } from './helpers.js';

const TREE = join(FIXTURES, 'tree');
const keras = JSON.parse(readFileSync(join(FIXTURES, 'keras-directory.json'), 'utf8')) as {
  target_size: [number, number];
  cases: Record<string, KerasCase> & {
    image_dataset_from_directory: Record<string, { class_names: string[]; file_paths: string[]; first_batch_y: unknown; first_batch_y_dtype: string; first_batch_y_shape: number[] }>;
    numpy_shuffles: Record<string, number[]>;
  };
};
interface KerasCase {
  class_indices: Record<string, number>;
  filenames: string[];
  classes: number[];
  samples: number;
  length: number;
  batches: { x_shape: number[]; x_sha256: string; y: unknown; y_dtype: string | null; y_shape: number[] | null }[];
}
const sha = (t: Tensor) => createHash('sha256').update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).digest('hex');
const quiet = { warn: () => {}, info: () => {} };
const its: DirectoryIterator<ClassMode>[] = [];
async function open<M extends ClassMode = 'categorical'>(dir: string, options: Parameters<typeof flowFromDirectory<M>>[1] = {}) {
  const it = await flowFromDirectory<M>(dir, { log: quiet, ...options });
  its.push(it as DirectoryIterator<ClassMode>);
  return it;
}
afterAll(async () => {
  await Promise.all(its.map((it) => it.close()));
  cleanupTemps();
});

describe('flowFromDirectory lists a folder exactly like Keras (fixtures/keras-directory.json)', () => {
  it('class order, classIndices, filenames, classes and the first batches for every classMode', async () => {
    for (const mode of ['categorical', 'binary', 'sparse', 'input', null] as const) {
      const ref = keras.cases[`class_mode=${mode === null ? 'None' : mode}`];
      const it = await open(TREE, { targetSize: keras.target_size, classMode: mode, shuffle: false, batchSize: 8 });
      expect(it.classIndices).toEqual(ref.class_indices);
      expect(it.filenames).toEqual(ref.filenames);
      expect([...it.classes]).toEqual(ref.classes);
      expect([it.samples, it.length]).toEqual([ref.samples, ref.length]);
      for (let b = 0; b < ref.batches.length; b++) {
        const got = await it.getBatch(b);
        const [x, y] = mode === null ? [got as Tensor, undefined] : (got as [Tensor, Tensor]);
        expect(x.shape).toEqual(ref.batches[b].x_shape);
        expect(x.dtype).toBe('float32');
        expect(sha(x)).toBe(ref.batches[b].x_sha256);
        if (y) {
          expect(y.dtype).toBe(ref.batches[b].y_dtype);
          expect(y.shape).toEqual(ref.batches[b].y_shape);
          expect(y.toArray()).toEqual(ref.batches[b].y);
        }
      }
    }
  });
});

describe('subsets, classes, rescale, grayscale as Keras', () => {
  it('validationSplit: training and validation subsets as Keras splits each class', async () => {
    for (const subset of ['training', 'validation'] as const) {
      const ref = keras.cases[`subset=${subset}`];
      const it = await open(TREE, { targetSize: keras.target_size, shuffle: false, subset, validationSplit: 0.3, batchSize: 4, classMode: 'sparse' });
      expect(it.filenames).toEqual(ref.filenames);
      expect([...it.classes]).toEqual(ref.classes);
      const [x, y] = await it.getBatch(0);
      expect(sha(x)).toBe(ref.batches[0].x_sha256);
      expect(y.toArray()).toEqual(ref.batches[0].y);
    }
  });

  it('an explicit classes list keeps its order', async () => {
    const ref = keras.cases['classes=[2,apple,Zebra]'];
    const it = await open(TREE, { targetSize: keras.target_size, shuffle: false, classes: ['2', 'apple', 'Zebra'], batchSize: 4 });
    expect(it.classIndices).toEqual(ref.class_indices);
    expect(it.filenames).toEqual(ref.filenames);
    const [x, y] = await it.getBatch(0);
    expect(sha(x)).toBe(ref.batches[0].x_sha256);
    expect(y.toArray()).toEqual(ref.batches[0].y);
  });

  it('rescale and grayscale with a resize (main thread and workers agree)', async () => {
    const ref = keras.cases.rescale_gray_4x3;
    for (const workers of [0, 2]) {
      const it = await open(TREE, { targetSize: [4, 3], shuffle: false, batchSize: 5, colorMode: 'grayscale', rescale: 1 / 255, workers });
      const [x, y] = await it.getBatch(0);
      expect(x.shape).toEqual(ref.batches[0].x_shape);
      expect(sha(x)).toBe(ref.batches[0].x_sha256);
      expect(y.toArray()).toEqual(ref.batches[0].y);
    }
  });

  it('sorts names by code point like Python, not by UTF-16 unit or locale', () => {
    const names = ['\u{1F600}', '\uE000', 'b', 'B', '10', '2', 'Ä', 'a b', 'a-b', 'a/b'];
    expect([...names].sort(comparePython)).toEqual(['10', '2', 'B', 'a b', 'a-b', 'a/b', 'b', 'Ä', '\uE000', '\u{1F600}']);
    expect([...names].sort()).not.toEqual([...names].sort(comparePython)); // plain JS sort differs on the emoji
  });
});

describe('iteration', () => {
  it('length, getBatch bounds, the last partial batch', async () => {
    const it = await open(TREE, { targetSize: [6, 5], batchSize: 10, shuffle: false });
    expect(it.length).toBe(5);
    const [x] = await it.getBatch(4);
    expect(x.shape[0]).toBe(5);
    await expect(it.getBatch(5)).rejects.toThrow(/has length 5/);
  });

  it('the async iterator is endless, reshuffles each epoch, and a seed repeats the order', async () => {
    const epochs = async (seed: number) => {
      const it = await open(TREE, { targetSize: [6, 5], batchSize: 16, seed, classMode: 'sparse' });
      const seen: number[][] = [];
      let n = 0;
      for await (const [, y] of it) {
        seen.push([...y.data]);
        if (++n === 2 * it.length) break;
      }
      return seen;
    };
    const a = await epochs(7);
    const b = await epochs(7);
    expect(a).toEqual(b);
    expect(a.map((y) => y.length)).toEqual([16, 16, 13, 16, 16, 13]);
    const epoch1 = a.slice(0, 3).flat();
    const epoch2 = a.slice(3).flat();
    expect([...epoch1].sort()).toEqual([...epoch2].sort()); // every sample once per epoch
    expect(epoch1).not.toEqual(epoch2); // reshuffled
    expect(await epochs(8)).not.toEqual(a);
  });

  it('next() continues its own flow; each for-await pass starts at a new epoch; reset() restarts next()', async () => {
    const it = await open(TREE, { targetSize: [6, 5], batchSize: 20, shuffle: false, classMode: 'sparse' });
    const labels = (b: unknown) => [...(b as [Tensor, Tensor])[1].data];
    const first = labels((await it.next()).value);
    const second = labels((await it.next()).value);
    expect(second).toEqual(keras.cases['class_mode=sparse'].classes.slice(20, 40));
    for await (const batch of it) {
      expect(labels(batch)).toEqual(first); // a pass starts at batch 0 (predict/evaluate read from the start)
      break;
    }
    expect(labels((await it.next()).value)).toHaveLength(5); // next() went on: the third, last batch
    expect(labels((await it.next()).value)).toEqual(first); // then a new epoch
    it.reset();
    await it.next();
    expect(labels((await it.next()).value)).toEqual(second);
  });

  it('a pass is endless: fit can take `length` batches per epoch from one pass', async () => {
    const it = await open(TREE, { targetSize: [6, 5], batchSize: 16, seed: 1, classMode: 'sparse' });
    const pass = it[Symbol.asyncIterator]();
    const sizes: number[] = [];
    for (let i = 0; i < 3 * it.length; i++) sizes.push(((await pass.next()).value as [Tensor, Tensor])[0].shape[0]);
    expect(sizes).toEqual([16, 16, 13, 16, 16, 13, 16, 16, 13]);
    await pass.return?.();
  });

  it('onEpochEnd gives getBatch a new order; shuffle false keeps Keras order', async () => {
    const it = await open(TREE, { targetSize: [6, 5], batchSize: 45, seed: 3, classMode: 'sparse' });
    const a = [...(await it.getBatch(0))[1].data];
    expect([...(await it.getBatch(0))[1].data]).toEqual(a);
    it.onEpochEnd();
    const b = [...(await it.getBatch(0))[1].data];
    expect(b).not.toEqual(a);
    expect([...b].sort()).toEqual([...a].sort());
  });

  it('channels_first, imageTransform and saveToDir', async () => {
    const out = tempDir();
    const seen: number[] = [];
    const it = await open(TREE, {
      targetSize: [6, 5], batchSize: 3, shuffle: false, dataFormat: 'channels_first', classMode: null, saveToDir: out, savePrefix: 'aug', saveFormat: 'png',
      imageTransform: (img, index) => {
        seen.push(index);
        img.data.fill(index);
      },
    });
    const x = await it.getBatch(1);
    expect(x.shape).toEqual([3, 3, 6, 5]);
    expect(seen).toEqual([3, 4, 5]);
    expect(x.data[0]).toBe(3);
    expect((await import('node:fs')).readdirSync(out).filter((f) => f.startsWith('aug_') && f.endsWith('.png'))).toHaveLength(3);
  });
});

describe('problems are named', () => {
  it('a missing folder, a file, an empty folder, bad options', async () => {
    const dir = tempDir();
    await expect(flowFromDirectory(join(dir, 'nope'), { log: quiet })).rejects.toThrow(DataError);
    await expect(flowFromDirectory(join(dir, 'nope'), { log: quiet })).rejects.toThrow(`directory ${join(dir, 'nope')} does not exist`);
    writeFileSync(join(dir, 'file.png'), 'x');
    await expect(flowFromDirectory(join(dir, 'file.png'), { log: quiet })).rejects.toThrow(/file\.png is a file, not a directory/);
    mkdirSync(join(dir, 'empty', 'a'), { recursive: true });
    mkdirSync(join(dir, 'empty', 'b'), { recursive: true });
    const lines: string[] = [];
    await expect(flowFromDirectory(join(dir, 'empty'), { log: { warn: () => {}, info: (l) => lines.push(l) } })).rejects.toThrow(/Found 0 images belonging to 2 classes/);
    expect(lines).toEqual(['Found 0 images belonging to 2 classes.']);
    await expect(flowFromDirectory(TREE, { classMode: 'multi' as never, log: quiet })).rejects.toThrow(ConfigError);
    await expect(flowFromDirectory(TREE, { subset: 'training', log: quiet })).rejects.toThrow(/needs validationSplit/);
    await expect(flowFromDirectory(TREE, { targetSize: [0, 3], log: quiet })).rejects.toThrow(/targetSize/);
  });

  it('prints Keras\' line; an empty class is fine', async () => {
    const lines: string[] = [];
    const it = await open(TREE, { log: { warn: () => {}, info: (l) => lines.push(l) } });
    expect(lines).toEqual(['Found 45 images belonging to 9 classes.']);
    expect(it.classIndices.empty).toBe(5);
  });

  it('broken, truncated and non-image files: one warning each, skipped; or an error', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'cats'), { recursive: true });
    mkdirSync(join(dir, 'dogs'), { recursive: true });
    const small = (f: string) => join(FIXTURES, 'images', f);
    copyFileSync(small('small.jpg'), join(dir, 'cats', 'ok.jpg'));
    copyFileSync(small('small.png'), join(dir, 'cats', 'ok.png'));
    copyFileSync(small('small.bmp'), join(dir, 'dogs', 'ok.bmp'));
    copyFileSync(small('small.webp'), join(dir, 'dogs', 'ok.webp'));
    copyFileSync(small('small.gif'), join(dir, 'dogs', 'ok.gif'));
    const jpg = readFileSync(small('rocket.jpg'));
    writeFileSync(join(dir, 'cats', 'truncated.jpg'), jpg.subarray(0, jpg.length >> 1));
    const png = readFileSync(small('small.png'));
    writeFileSync(join(dir, 'dogs', 'truncated.png'), png.subarray(0, png.length - 40));
    writeFileSync(join(dir, 'dogs', 'text.png'), 'this is not a PNG\n');
    writeFileSync(join(dir, 'dogs', 'empty.jpg'), '');
    const bmp = readFileSync(small('small.bmp'));
    writeFileSync(join(dir, 'dogs', 'short.bmp'), bmp.subarray(0, 500));
    symlinkSync(join(dir, 'missing.png'), join(dir, 'cats', 'dangling.png'));

    const warnings: string[] = [];
    const log = { warn: (l: string) => warnings.push(l), info: () => {} };
    for (const workers of [2, 0]) {
      warnings.length = 0;
      const it = await flowFromDirectory(dir, { log, workers, targetSize: [8, 8], shuffle: false });
      its.push(it);
      expect(it.filenames).toEqual(['cats/ok.jpg', 'cats/ok.png', 'dogs/ok.bmp', 'dogs/ok.gif', 'dogs/ok.webp']);
      expect(it.invalidFiles.map((f) => f.path.slice(dir.length + 1)).sort()).toEqual(
        ['cats/dangling.png', 'cats/truncated.jpg', 'dogs/empty.jpg', 'dogs/short.bmp', 'dogs/text.png', 'dogs/truncated.png'],
      );
      if (workers === 2) {
        expect(warnings).toHaveLength(6);
        expect(warnings.find((w) => w.includes('truncated.jpg'))).toMatch(/^Warning: skipping .*cats\/truncated\.jpg \(when listing\): cannot decode the JPEG data/);
        expect(warnings.find((w) => w.includes('text.png'))).toMatch(/not an image file \(unrecognised content; first bytes: 74 68 69 73/);
      } else expect(warnings).toHaveLength(0); // once per file per process
      const [x, y] = await it.getBatch(0);
      expect(x.shape).toEqual([5, 8, 8, 3]);
      expect(y.toArray()).toEqual([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]]);
    }
    for (const workers of [2, 0]) {
      const full = await flowFromDirectory(dir, { log, workers, validate: 'full', shuffle: false }); // every file decoded once, in the workers
      its.push(full);
      expect(full.filenames).toEqual(['cats/ok.jpg', 'cats/ok.png', 'dogs/ok.bmp', 'dogs/ok.gif', 'dogs/ok.webp']);
    }
    await expect(flowFromDirectory(dir, { log, onInvalidImage: 'error' })).rejects.toThrow(DataError);
    const skip = await flowFromDirectory(dir, { log: { warn: () => { throw new Error('no warning expected'); }, info: () => {} }, onInvalidImage: 'skip' });
    its.push(skip);
    expect(skip.samples).toBe(5);

    // validate: 'none' lists by extension only (Keras); a bad file is dropped from its batch when decoded.
    const lazy = await flowFromDirectory(dir, { log, validate: 'none', shuffle: false, batchSize: 32, targetSize: [8, 8], classMode: 'sparse' });
    its.push(lazy);
    expect(lazy.samples).toBe(11);
    const [lx, ly] = await lazy.getBatch(0);
    expect(lx.shape[0]).toBe(5);
    expect([...ly.data]).toEqual([0, 0, 1, 1, 1]);
    const strict = await flowFromDirectory(dir, { log, validate: 'none', onInvalidImage: 'error', targetSize: [8, 8] });
    its.push(strict);
    await expect(strict.getBatch(0)).rejects.toThrow(DataError);
  });

  it('followLinks descends into linked folders', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'), { recursive: true });
    mkdirSync(join(dir, 'elsewhere'), { recursive: true });
    copyFileSync(join(TREE, '2', 'a.png'), join(dir, 'a', 'x.png'));
    copyFileSync(join(TREE, '2', 'a.png'), join(dir, 'elsewhere', 'y.png'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'a', 'linked'));
    expect(listImageDirectory(dir, { classes: ['a'] }).filenames).toEqual(['a/x.png']);
    expect(listImageDirectory(dir, { classes: ['a'], followLinks: true }).filenames).toEqual(['a/x.png', 'a/linked/y.png']);
  });
});

describe('imageDatasetFromDirectory (keras.utils.image_dataset_from_directory)', () => {
  const ref = keras.cases.image_dataset_from_directory;
  const rel = (paths: string[]) => paths.map((p) => p.slice(TREE.length + 1));

  it("numpy's RandomState(seed).shuffle, reproduced exactly", () => {
    for (const [key, expected] of Object.entries(keras.cases.numpy_shuffles)) {
      const [seed, n] = key.split('/').map(Number);
      const a = Array.from({ length: n }, (_, i) => i);
      new NumpyRandomState(seed).shuffle(a);
      expect([key, a]).toEqual([key, expected]);
    }
  });

  it('lists, shuffles with the seed and splits like Keras; labels int32, one pass per epoch', async () => {
    const lines: string[] = [];
    const log = { warn: () => {}, info: (l: string) => lines.push(l) };
    const plain = await imageDatasetFromDirectory(TREE, { imageSize: keras.target_size, batchSize: 4, shuffle: false, log });
    its.push(plain);
    expect(plain.classNames).toEqual(ref['shuffle=False'].class_names);
    expect(rel(plain.filePaths)).toEqual(ref['shuffle=False'].file_paths);
    const [, y] = (await plain.getBatch(0)) as [Tensor, Tensor];
    expect([y.dtype, y.shape, y.toArray()]).toEqual([ref['shuffle=False'].first_batch_y_dtype, ref['shuffle=False'].first_batch_y_shape, ref['shuffle=False'].first_batch_y]);
    expect(lines).toEqual(['Found 41 files belonging to 9 classes.']);

    const shuffled = await imageDatasetFromDirectory(TREE, { imageSize: keras.target_size, batchSize: 4, seed: 7, log });
    its.push(shuffled);
    expect(rel(shuffled.filePaths)).toEqual(ref['seed=7'].file_paths);
    lines.length = 0;
    const [train, val] = await imageDatasetFromDirectory(TREE, { imageSize: keras.target_size, batchSize: 4, seed: 7, validationSplit: 0.3, subset: 'both', log });
    its.push(train, val);
    expect(rel(train.filePaths)).toEqual(ref['seed=7,training'].file_paths);
    expect(rel(val.filePaths)).toEqual(ref['seed=7,validation'].file_paths);
    expect(lines).toEqual(['Found 41 files belonging to 9 classes.', 'Using 29 files for training.', 'Using 12 files for validation.']);

    // One epoch per for-await, every sample once.
    let n = 0;
    for await (const batch of val) n += (batch as [Tensor, Tensor])[0].shape[0];
    expect(n).toBe(12);
    n = 0;
    for await (const batch of val) n += (batch as [Tensor, Tensor])[0].shape[0];
    expect(n).toBe(12);
  });

  it('classNames subset and binary labels [b, 1]', async () => {
    const c = ref['classes=[apple,2],binary,shuffle=False'];
    const ds = await imageDatasetFromDirectory(TREE, { imageSize: keras.target_size, batchSize: 4, classNames: ['apple', '2'], labelMode: 'binary', shuffle: false, log: quiet });
    its.push(ds);
    expect(rel(ds.filePaths)).toEqual(c.file_paths);
    const [, y] = (await ds.getBatch(0)) as [Tensor, Tensor];
    expect([y.dtype, y.shape, y.toArray()]).toEqual([c.first_batch_y_dtype, c.first_batch_y_shape, c.first_batch_y]);
    await expect(imageDatasetFromDirectory(TREE, { labelMode: 'binary', log: quiet })).rejects.toThrow(/exactly 2 classes; found 9/);
    await expect(imageDatasetFromDirectory(TREE, { validationSplit: 0.2, subset: 'training', log: quiet })).rejects.toThrow(/must provide a seed/);
    await expect(imageDatasetFromDirectory(TREE, { classNames: ['nope'], log: quiet })).rejects.toThrow(/do not match the subfolders/);
  });
});
