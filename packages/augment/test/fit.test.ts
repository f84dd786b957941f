import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@layerwise/core';
import { ImageDataGenerator, type ImageDataGeneratorOptions } from '@layerwise/augment';

interface FitCase {
  name: string;
  options: Record<string, number | boolean>;
  n: number;
  mean: number[] | null;
  std: number[] | null;
  zca: number[] | null;
  standardized: number[];
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/augment/transforms.json', import.meta.url)), 'utf8')) as {
  fitShape: number[];
  fitInput: number[];
  fitCases: FitCase[];
};

const camel = (o: Record<string, number | boolean>): ImageDataGeneratorOptions =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fit / standardize match Keras (featurewise statistics, ZCA)', () => {
  it.each(fixture.fitCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const [, h, w, ch] = fixture.fitShape;
    const per = h * w * ch;
    const x = new Tensor(Float32Array.from(fixture.fitInput.slice(0, c.n * per)), [c.n, h, w, ch], 'float32');
    const gen = new ImageDataGenerator({ ...camel(c.options), log: { warn: () => {} } });
    gen.fit(x);
    if (c.mean) expect(maxAbsDiff(gen.mean!.data, c.mean)).toBeLessThan(1e-4);
    if (c.std) expect(maxAbsDiff(gen.std!.data, c.std)).toBeLessThan(1e-4);
    // Keras runs the SVD in float32; the whitening matrix agrees to float32 precision.
    if (c.zca && c.name === 'zca') {
      const dz = maxAbsDiff(gen.zcaWhiteningMatrix!.data, c.zca);
      if (process.env.AUGMENT_DIFFS) console.log('zca matrix max abs diff', dz);
      expect(dz).toBeLessThan(2e-3);
    }
    const s = gen.standardize(x.slice(0, 4));
    const d = maxAbsDiff(s.data, c.standardized);
    if (process.env.AUGMENT_DIFFS) console.log(c.name, 'standardize max abs diff', d);
    expect(d).toBeLessThan(c.name.startsWith('zca') ? 1e-3 : 1e-4);
  });
});
