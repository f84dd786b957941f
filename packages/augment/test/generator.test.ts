import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Generator, Sequential, setSeed, Tensor } from '@layerwise/core';
import { Dense, Flatten } from '@layerwise/layers';
import { saveImg } from '@layerwise/data';
import { ImageDataGenerator, type FlowBatch } from '@layerwise/augment';

const quiet = { warn: () => {} };

function images(n: number, h = 8, w = 10, c = 3, seed = 7): Tensor {
  const g = new Generator(seed);
  const d = new Float32Array(n * h * w * c);
  for (let i = 0; i < d.length; i++) d[i] = Math.floor(g.random() * 256);
  return new Tensor(d, [n, h, w, c], 'float32');
}
const labels = (n: number, k = 2) => new Tensor(Float32Array.from({ length: n }, (_, i) => i % k), [n], 'float32');

function take(it: Iterable<FlowBatch>, k: number): FlowBatch[] {
  const out: FlowBatch[] = [];
  for (const b of it) {
    out.push(b);
    if (out.length === k) break;
  }
  return out;
}
const flat = (b: FlowBatch): number[] => (b instanceof Tensor ? Array.from(b.data) : b.flatMap((t) => Array.from(t.data)));

const augmenting = () =>
  new ImageDataGenerator({
    rotationRange: 40,
    widthShiftRange: 0.2,
    heightShiftRange: 2,
    shearRange: 10,
    zoomRange: 0.2,
    channelShiftRange: 20,
    brightnessRange: [0.7, 1.3],
    horizontalFlip: true,
    verticalFlip: true,
    fillMode: 'reflect',
    rescale: 1 / 255,
  });

describe('getRandomTransform', () => {
  it('draws in Keras order and ranges; a seed repeats it', () => {
    const gen = augmenting();
    const a = gen.getRandomTransform([8, 10, 3], 123);
    const b = gen.getRandomTransform([8, 10, 3], 123);
    expect(a).toEqual(b);
    expect(Math.abs(a.theta)).toBeLessThanOrEqual(40);
    expect(Math.abs(a.tx)).toBeLessThanOrEqual(0.2 * 10); // width shift (tx, horizontal): fraction of the columns
    expect([0, 1, -1]).toContain(a.ty === 0 ? 0 : Math.sign(a.ty) * Math.min(1, Math.abs(a.ty))); // height: integer 2 → choice(0..1) × sign
    expect(Number.isInteger(a.ty)).toBe(true);
    expect(a.zx).toBeGreaterThanOrEqual(0.8);
    expect(a.zx).toBeLessThanOrEqual(1.2);
    expect(a.brightness).toBeGreaterThanOrEqual(0.7);
    expect(a.channelShiftIntensity).not.toBeNull();
    // Nothing configured → identity parameters (the flip coins are still drawn, as Keras).
    const none = new ImageDataGenerator().getRandomTransform([8, 10, 3], 1);
    expect(none).toEqual({ theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flipHorizontal: false, flipVertical: false, channelShiftIntensity: null, brightness: null });
  });
  it('a list of shifts picks one of them with a random sign; fractions scale by the image size', () => {
    const gen = new ImageDataGenerator({ widthShiftRange: [0.25, 0.5] });
    for (let s = 0; s < 20; s++) expect([2.5, 5, -2.5, -5]).toContain(gen.getRandomTransform([8, 10, 3], s).tx);
  });
});

describe('flow', () => {
  it('a seeded flow gives the same augmented batches twice, and differs from the input', () => {
    const x = images(10);
    const y = labels(10);
    const a = take(augmenting().flow(x, y, { batchSize: 4, seed: 42 }), 5);
    const b = take(augmenting().flow(x, y, { batchSize: 4, seed: 42 }), 5);
    expect(a.map(flat)).toEqual(b.map(flat));
    expect(a.map((t) => (t as Tensor[])[0].shape[0])).toEqual([4, 4, 2, 4, 4]); // last batch of an epoch is smaller
    const c = take(augmenting().flow(x, y, { batchSize: 4, seed: 43 }), 1);
    expect(flat(c[0])).not.toEqual(flat(a[0]));
    // every value was rescaled to ~[0, 1]
    const bx = (a[0] as Tensor[])[0];
    expect(Math.max(...bx.data)).toBeLessThanOrEqual(1 + 1e-6);
  });
  it('shuffle false without augmentation returns the samples in order with their labels', () => {
    const x = images(5);
    const y = labels(5, 5);
    const it = new ImageDataGenerator().flow(x, y, { batchSize: 2, shuffle: false });
    expect(it.length).toBe(3);
    const [bx, by] = it.next() as [Tensor, Tensor];
    expect(Array.from(by.data)).toEqual([0, 1]);
    expect(Array.from(bx.data)).toEqual(Array.from(x.slice(0, 2).data));
    const only = new ImageDataGenerator().flow(x, null, { batchSize: 5, shuffle: false }).next();
    expect(only).toBeInstanceOf(Tensor);
  });
  it('subset splits with validationSplit', () => {
    const x = images(10);
    const y = labels(10);
    const gen = new ImageDataGenerator({ validationSplit: 0.2 });
    expect(gen.flow(x, y, { subset: 'validation', batchSize: 32 }).n).toBe(2);
    expect(gen.flow(x, y, { subset: 'training', batchSize: 32 }).n).toBe(8);
  });
  it('saveToDir writes the augmented images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augment-save-'));
    try {
      const it = augmenting().flow(images(3), null, { batchSize: 3, seed: 1, saveToDir: dir, savePrefix: 'aug' });
      it.next();
      await it.flushSaves();
      const files = readdirSync(dir);
      expect(files).toHaveLength(3);
      expect(files.every((f) => /^aug_\d_\d+\.png$/.test(f))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('feeds model.fit (length batches per epoch)', async () => {
    setSeed(5);
    const x = images(48, 8, 8, 1);
    const y = new Tensor(Float32Array.from({ length: 48 * 2 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [48, 2], 'float32');
    const model = new Sequential();
    model.add(new Flatten({ inputShape: [8, 8, 1] }));
    model.add(new Dense(2, { activation: 'softmax' }));
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const gen = new ImageDataGenerator({ rotationRange: 10, widthShiftRange: 0.1, rescale: 1 / 255 });
    const it = gen.flow(x, y, { batchSize: 16, seed: 3 });
    const h = await model.fit(it, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    expect(h.history.loss.every((v: number) => Number.isFinite(v))).toBe(true);
    expect(it.totalBatchesSeen).toBeGreaterThanOrEqual(6);
  });
});

describe('standardize and fit', () => {
  it('featurewise centre / std normalization from fit give per-channel zero mean, unit std', () => {
    const x = images(20, 6, 6, 3);
    const gen = new ImageDataGenerator({ featurewiseCenter: true, featurewiseStdNormalization: true, log: quiet });
    gen.fit(x);
    expect(gen.mean?.shape).toEqual([1, 1, 3]);
    const s = gen.standardize(x);
    for (let c = 0; c < 3; c++) {
      let m = 0;
      let v = 0;
      const n = s.size / 3;
      for (let i = c; i < s.size; i += 3) m += s.data[i];
      m /= n;
      for (let i = c; i < s.size; i += 3) v += (s.data[i] - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-4);
      expect(Math.sqrt(v / n)).toBeCloseTo(1, 4);
    }
  });
  it('samplewise centre / std and rescale', () => {
    const gen = new ImageDataGenerator({ samplewiseStdNormalization: true, rescale: 0.5, log: quiet });
    expect(gen.samplewiseCenter).toBe(true); // implied, as Keras
    const s = gen.standardize(images(1).reshape([8, 10, 3]));
    const mean = Array.from(s.data).reduce((a, b) => a + b, 0) / s.size;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
  });
  it('ZCA whitening makes the fitted data white (covariance ≈ identity)', () => {
    const n = 60;
    const x = images(n, 2, 3, 1); // d = 6 features
    const gen = new ImageDataGenerator({ zcaWhitening: true, log: quiet });
    expect(gen.featurewiseCenter).toBe(true);
    gen.fit(x);
    expect(gen.zcaWhiteningMatrix?.shape).toEqual([6, 6]);
    const s = gen.standardize(x);
    const d = 6;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let c = 0;
        for (let r = 0; r < n; r++) c += s.data[r * d + i] * s.data[r * d + j];
        expect(c / n).toBeCloseTo(i === j ? 1 : 0, 3);
      }
  });
  it('a preprocessingFunction runs first', () => {
    const gen = new ImageDataGenerator({ preprocessingFunction: (t) => t.add(1), rescale: 2 });
    expect(Array.from(gen.standardize(Tensor.zeros([1, 1, 1])).data)).toEqual([2]);
  });
});

describe('bad input', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['zoomRange negative', () => new ImageDataGenerator({ zoomRange: -0.5 }), /zoomRange/],
    ['zoomRange ≥ 1 (a zero zoom)', () => new ImageDataGenerator({ zoomRange: 1 }), /zoomRange/],
    ['zoomRange of three', () => new ImageDataGenerator({ zoomRange: [0.5, 1, 2] as unknown as [number, number] }), /zoomRange/],
    ['brightnessRange of one', () => new ImageDataGenerator({ brightnessRange: [0.5] as unknown as [number, number] }), /brightnessRange/],
    ['dataFormat', () => new ImageDataGenerator({ dataFormat: 'nhwc' as never }), /dataFormat/],
    ['validationSplit 1', () => new ImageDataGenerator({ validationSplit: 1 }), /validationSplit/],
    ['fillMode', () => new ImageDataGenerator({ fillMode: 'edge' as never }), /fillMode/],
    ['rotationRange NaN', () => new ImageDataGenerator({ rotationRange: Number.NaN }), /rotationRange/],
    ['widthShiftRange string', () => new ImageDataGenerator({ widthShiftRange: '0.2' as never }), /widthShiftRange/],
    ['interpolationOrder 3', () => new ImageDataGenerator({ interpolationOrder: 3 }), /interpolationOrder/],
    ['flow of a 3-D array', () => new ImageDataGenerator().flow(images(1).reshape([8, 10, 3])), /rank 4/],
    ['flow with mismatched x / y', () => new ImageDataGenerator().flow(images(4), labels(3)), /same length/],
    ['flow subset name', () => new ImageDataGenerator({ validationSplit: 0.5 }).flow(images(4), labels(4), { subset: 'test' as never }), /subset/],
    ['fit of a 3-D array', () => new ImageDataGenerator({ featurewiseCenter: true }).fit(images(1).reshape([8, 10, 3])), /rank 4/],
  ];
  it.each(cases)('%s → ConfigError', (_n, f, msg) => {
    expect(f).toThrow(ConfigError);
    expect(f).toThrow(msg);
  });
  it('rotationRange above 180 is accepted, as Keras does', () => {
    expect(() => new ImageDataGenerator({ rotationRange: 270 })).not.toThrow();
  });
});

describe('flowFromDirectory', () => {
  const root = mkdtempSync(join(tmpdir(), 'augment-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('applies randomTransform + standardize to every image, reproducibly with a seed', async () => {
    const x = images(6, 12, 12, 3);
    for (let i = 0; i < 6; i++) {
      const dir = join(root, i % 2 ? 'cats' : 'dogs');
      mkdirSync(dir, { recursive: true });
      await saveImg(join(dir, `img${i}.png`), x.slice(i, i + 1).reshape([12, 12, 3]), { scale: false });
    }
    const opts = { targetSize: [12, 12] as [number, number], batchSize: 6, shuffle: false, seed: 9, workers: 0, verbose: false };
    const plain = await new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(root, opts);
    const [px] = await plain.getBatch(0);
    await plain.close();
    expect(Math.max(...px.data)).toBeLessThanOrEqual(1);
    // rescale-only runs on the decoding workers; the main-thread hook path gives the same numbers
    const hooked = await new ImageDataGenerator({ rescale: 1 / 255, preprocessingFunction: (t) => t }).flowFromDirectory(root, opts);
    const [hx] = await hooked.getBatch(0);
    await hooked.close();
    expect(Array.from(hx.data)).toEqual(Array.from(px.data));
    const run = async () => {
      const it = await augmenting().flowFromDirectory(root, opts);
      const [bx, by] = await it.getBatch(0);
      await it.close();
      return [Array.from(bx.data), Array.from(by.data)];
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(Array.from(px.data));
    expect(a[1]).toHaveLength(12); // categorical, 2 classes
  });
});

describe('Keras draw order and layouts', () => {
  class Recording extends Generator {
    calls: string[] = [];
    private depth = 0;
    private rec<T>(name: string, f: () => T): T {
      if (this.depth === 0) this.calls.push(name);
      this.depth++;
      try {
        return f();
      } finally {
        this.depth--;
      }
    }
    override uniform(low = 0, high = 1): number {
      return this.rec(`uniform(${low},${high})`, () => super.uniform(low, high));
    }
    override random(): number {
      return this.rec('random', () => super.random());
    }
    override int(n: number): number {
      return this.rec(`int(${n})`, () => super.int(n));
    }
  }
  it('draws theta, the height shift, the width shift, shear, zx, zy, two flip coins, channel shift, brightness — in that order', () => {
    const g = new Recording(1);
    new ImageDataGenerator({ rotationRange: 30, heightShiftRange: 0.1, widthShiftRange: 3, shearRange: 5, zoomRange: [0.5, 2], channelShiftRange: 9, brightnessRange: [0.2, 0.4] }).getRandomTransform([8, 10, 3], undefined, g);
    expect(g.calls).toEqual(['uniform(-30,30)', 'uniform(-0.1,0.1)', 'int(3)', 'int(2)', 'uniform(-5,5)', 'uniform(0.5,2)', 'uniform(0.5,2)', 'random', 'random', 'uniform(-9,9)', 'uniform(0.2,0.4)']);
  });
  it('flow works in channels_first and matches channels_last transposed', () => {
    const x = images(3, 6, 7, 3);
    const [n, h, w, c] = x.shape;
    const cf = new Float32Array(x.size);
    for (let s = 0; s < n; s++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) cf[((s * c + k) * h + i) * w + j] = x.data[((s * h + i) * w + j) * c + k];
    const opts = { rotationRange: 20, widthShiftRange: 0.2, zoomRange: 0.1, horizontalFlip: true, channelShiftRange: 5 };
    const a = new ImageDataGenerator(opts).flow(x, null, { batchSize: 3, seed: 4 }).next() as Tensor;
    const b = new ImageDataGenerator({ ...opts, dataFormat: 'channels_first' }).flow(new Tensor(cf, [n, c, h, w], 'float32'), null, { batchSize: 3, seed: 4 }).next() as Tensor;
    expect(b.shape).toEqual([3, 3, 6, 7]);
    let m = 0;
    for (let s = 0; s < n; s++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) m = Math.max(m, Math.abs(a.data[((s * h + i) * w + j) * c + k] - b.data[((s * c + k) * h + i) * w + j]));
    expect(m).toBeLessThan(1e-3);
  });
  it('fit with augment uses rounds × n transformed samples, seeded', () => {
    const x = images(6, 4, 4, 3);
    const mk = () => new ImageDataGenerator({ featurewiseCenter: true, rotationRange: 45, log: quiet });
    const a = mk();
    a.fit(x, { augment: true, rounds: 3, seed: 11 });
    const b = mk();
    b.fit(x, { augment: true, rounds: 3, seed: 11 });
    const plain = mk();
    plain.fit(x);
    expect(Array.from(a.mean!.data)).toEqual(Array.from(b.mean!.data));
    expect(Array.from(a.mean!.data)).not.toEqual(Array.from(plain.mean!.data));
    expect(() => mk().fit(x, { augment: true, rounds: 0 })).toThrow(ConfigError);
  });
});
