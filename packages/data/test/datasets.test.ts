import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataError, type Tensor } from '@layerwise/core';
import { datasets, DEBIAN_FASHION_MNIST_DIR, fashionMnist, mnist, type DatasetSplits } from '@layerwise/data';
import { cleanupTemps, FIXTURES, SAMPLE_DIR, SAMPLE_FILES, tempDir } from './helpers.js';

afterAll(cleanupTemps);
afterEach(() => {
  delete process.env.KERAS_HOME;
});

const shapes = ([[x, y], [xt, yt]]: DatasetSplits) => [x.shape, y.shape, xt.shape, yt.shape];
const labelRange = (y: Tensor) => {
  const values = [...new Set(y.data)];
  return [Math.min(...values), Math.max(...values)];
};
const bytes = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
// Byte comparison: toEqual on million-element typed arrays takes seconds.
const sameData = (a: Tensor, b: Tensor) => bytes(a).equals(bytes(b));
const offline = () => ({ cacheDir: tempDir(), searchDirs: [] as string[], download: false });

describe('the embedded Fashion-MNIST sample', () => {
  it('loads 4000 train and 1000 test images in the Keras shape', () => {
    const data = fashionMnist.loadSample();
    expect(shapes(data)).toEqual([[4000, 28, 28], [4000], [1000, 28, 28], [1000]]);
    for (const t of data.flat()) expect(t.dtype).toBe('uint8');
    expect(labelRange(data[0][1])).toEqual([0, 9]);
    expect(labelRange(data[1][1])).toEqual([0, 9]);
    expect(fashionMnist.classNames[data[0][1].data[0]]).toBe('Ankle boot'); // Fashion-MNIST's first training image
    expect(readFileSync(join(fashionMnist.sampleDir(), 'LICENSE'), 'utf8')).toMatch(/Zalando SE[\s\S]*Permission is hereby granted/);
  });

  it('is the fallback when nothing else is available, and says so', async () => {
    const { data, source } = await fashionMnist.loadDataWithSource({ ...offline(), fallbackToSample: true });
    expect(shapes(data)).toEqual([[4000, 28, 28], [4000], [1000, 28, 28], [1000]]);
    expect(source.kind).toBe('sample');
    expect(source.description).toBe('the embedded Fashion-MNIST sample (4000 train / 1000 test)');
    expect(source.reason).toMatch(/no local copy of Fashion-MNIST was found, and downloading is off \(download: false\)/);
    // Also when downloading fails (nothing listens on port 9 here).
    const failed = await fashionMnist.loadDataWithSource({ ...offline(), download: true, baseUrl: 'http://127.0.0.1:9/', fallbackToSample: true, verbose: false });
    expect(failed.source.kind).toBe('sample');
    expect(failed.source.reason).toMatch(/downloading failed: Downloading http:\/\/127\.0\.0\.1:9\/train-labels-idx1-ubyte\.gz .* failed: connect ECONNREFUSED/);
    // Plain loadData keeps the Keras return shape.
    expect(shapes(await fashionMnist.loadData({ ...offline(), fallbackToSample: true }))).toEqual(shapes(data));
  });
});

describe('offline without a copy', () => {
  it('Fashion-MNIST: says where it looked and how to provide the files', async () => {
    const options = { cacheDir: tempDir(), searchDirs: [tempDir(), '/nonexistent/fashion'], download: false };
    await expect(fashionMnist.loadData(options)).rejects.toThrow(DataError);
    const message = await fashionMnist.loadData(options).catch((e: Error) => e.message);
    expect(message).toContain('Fashion-MNIST is not available: no local copy was found, and downloading is off (download: false).');
    expect(message).toContain(`${join(options.cacheDir, 'datasets', 'fashion-mnist')} (cache): no such folder`);
    expect(message).toContain(`${options.searchDirs[0]} (search folder): missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz`);
    expect(message).toContain('/nonexistent/fashion (search folder): no such folder');
    for (const name of SAMPLE_FILES) expect(message).toContain(`https://storage.googleapis.com/tensorflow/tf-keras-datasets/${name}`);
    expect(message).toContain(`into ${join(options.cacheDir, 'datasets', 'fashion-mnist')}/`);
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('fashionMnist.loadSample()');
    expect(message).toContain("pass { path: '<a folder with the four IDX files");
  });

  it("MNIST: lists the cache and Keras' cache by default, and the mnist.npz URL", async () => {
    process.env.KERAS_HOME = tempDir();
    const cacheDir = tempDir();
    const message = await mnist.loadData({ cacheDir, download: false }).catch((e: Error) => e.message);
    expect(message).toContain('MNIST is not available');
    expect(message).toContain(`${join(cacheDir, 'datasets', 'mnist')} (cache): no such file or folder`);
    expect(message).toContain(`${join(process.env.KERAS_HOME, 'datasets')} (Keras' cache)`);
    expect(message).toContain('https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz');
    expect(message).not.toContain('apt-get');
    expect(await mnist.locateData({ cacheDir })).toBeUndefined();
  });
});

describe('explicit paths and local folders', () => {
  it('reads a folder of unpacked IDX files', async () => {
    const dir = tempDir();
    for (const name of SAMPLE_FILES) writeFileSync(join(dir, name.replace('.gz', '')), gunzipSync(readFileSync(join(SAMPLE_DIR, name))));
    const { data, source } = await fashionMnist.loadDataWithSource({ path: dir });
    expect(source).toMatchObject({ kind: 'path', location: dir });
    expect(shapes(data)).toEqual([[4000, 28, 28], [4000], [1000, 28, 28], [1000]]);
    expect(sameData(data[1][0], fashionMnist.loadSample()[1][0])).toBe(true);
  });

  it('reads an .npz file, or a folder holding mnist.npz', async () => {
    const npz = join(FIXTURES, 'mnist-tiny.npz');
    const [[x, y], [xt, yt]] = await mnist.loadData({ path: npz });
    expect([x.shape, y.shape, xt.shape, yt.shape]).toEqual([[5, 28, 28], [5], [2, 28, 28], [2]]);
    expect([...y.data]).toEqual([5, 0, 4, 1, 9]);
    expect([x.data[0], x.data[300], xt.data[0]]).toEqual([0, 300 % 256, 7]); // values from make-npz-fixture.py
    const dir = tempDir();
    copyFileSync(npz, join(dir, 'mnist.npz'));
    expect((await mnist.loadDataWithSource({ path: dir })).source).toMatchObject({ kind: 'path', files: [join(dir, 'mnist.npz')] });
  });

  it('finds files put in the cache by hand, in the LAYERWISE_HOME layout', async () => {
    const cacheDir = tempDir();
    const dir = join(cacheDir, 'datasets', 'fashion-mnist');
    mkdirSync(dir, { recursive: true });
    // Unpacked, so no download name and no built-in hash applies: accepted after the IDX checks.
    for (const name of SAMPLE_FILES) writeFileSync(join(dir, name.replace('.gz', '')), gunzipSync(readFileSync(join(SAMPLE_DIR, name))));
    const source = await fashionMnist.locateData({ cacheDir, searchDirs: [] });
    expect(source).toMatchObject({ kind: 'cache', location: dir });
  });

  it('reports an explicit path that does not hold the data', async () => {
    const dir = tempDir();
    await expect(fashionMnist.loadData({ path: dir })).rejects.toThrow(
      new RegExp(`Fashion-MNIST: ${dir} \\(from the path option\\) does not hold the dataset: missing train-images-idx3-ubyte.gz`),
    );
    const bad = join(dir, 'bad.npz');
    writeFileSync(bad, 'not a zip');
    await expect(mnist.loadData({ path: bad })).rejects.toThrow(/bad\.npz: not a readable zip archive/);
  });

  it('reports a truncated IDX file in a dataset folder by name', async () => {
    const dir = tempDir();
    for (const name of SAMPLE_FILES) copyFileSync(join(SAMPLE_DIR, name), join(dir, name));
    const labels = gunzipSync(readFileSync(join(SAMPLE_DIR, 'train-labels-idx1-ubyte.gz')));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), labels.subarray(0, 1000)); // raw now, and cut short
    await expect(fashionMnist.loadData({ path: dir })).rejects.toThrow(
      `${join(dir, 'train-labels-idx1-ubyte.gz')}: IDX file truncated: the header says labels of shape [4000] (unsigned byte), which needs 4008 bytes, but found 1000 bytes`,
    );
  });

  it('exposes the Keras-style namespace', () => {
    expect(datasets.mnist).toBe(mnist);
    expect(datasets.fashionMnist).toBe(fashionMnist);
  });
});

describe.skipIf(!existsSync(DEBIAN_FASHION_MNIST_DIR))(`the Debian package's files (${DEBIAN_FASHION_MNIST_DIR})`, () => {
  it('loads the full Fashion-MNIST with no download, and the sample is its head', async () => {
    process.env.KERAS_HOME = tempDir(); // so a Keras cache on this machine cannot come first
    const { data, source } = await fashionMnist.loadDataWithSource({ cacheDir: tempDir(), download: false });
    expect(source).toMatchObject({ kind: 'searchDir', location: DEBIAN_FASHION_MNIST_DIR });
    expect(source.description).toContain('Debian package dataset-fashion-mnist');
    expect(shapes(data)).toEqual([[60000, 28, 28], [60000], [10000, 28, 28], [10000]]);
    expect(labelRange(data[0][1])).toEqual([0, 9]);
    expect(labelRange(data[1][1])).toEqual([0, 9]);
    const [[sx, sy], [tx, ty]] = fashionMnist.loadSample();
    expect(sameData(data[0][0].slice(0, 4000), sx)).toBe(true);
    expect(sameData(data[0][1].slice(0, 4000), sy)).toBe(true);
    expect(sameData(data[1][0].slice(0, 1000), tx)).toBe(true);
    expect(sameData(data[1][1].slice(0, 1000), ty)).toBe(true);
  });
});
