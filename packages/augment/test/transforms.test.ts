import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@layerwise/core';
import { applyAffineTransform, applyBrightnessShift, flipAxis, ImageDataGenerator, type FillMode } from '@layerwise/augment';

interface Case {
  name: string;
  fillMode: FillMode;
  cval: number;
  order: number;
  params: Record<string, number | boolean>;
  output: number[];
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/augment/transforms.json', import.meta.url)), 'utf8')) as {
  shape: number[];
  input: number[];
  cases: Case[];
  brightnessOutOfRange: { input: number[]; params: { brightness: number }; output: number[] };
  extraCases: (Case & { shape: number[]; input: number[] })[];
};
const input = () => new Tensor(Float32Array.from(fixture.input), fixture.shape, 'float32');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const diffs: Record<string, number> = {};
const FILL_MODES_ALL: FillMode[] = ['nearest', 'constant', 'reflect', 'wrap', 'mirror'];

describe('ImageDataGenerator().applyTransform matches Keras 3 (scipy.ndimage + PIL) fixtures', () => {
  it('has the fixture cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
  });
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const gen = new ImageDataGenerator({ fillMode: c.fillMode, cval: c.cval, interpolationOrder: c.order });
    const out = gen.applyTransform(input(), c.params);
    expect(out.shape).toEqual(fixture.shape);
    const d = maxAbsDiff(out.data, c.output);
    diffs[c.name] = d;
    expect(d).toBeLessThan(1e-3);
  });
  it.each(fixture.extraCases.map((c) => [c.name, c] as const))('small / 1- / 4-channel / 1-pixel-wide image: %s', (_name, c) => {
    const gen = new ImageDataGenerator({ fillMode: c.fillMode, cval: c.cval, interpolationOrder: c.order });
    const out = gen.applyTransform(new Tensor(Float32Array.from(c.input), c.shape, 'float32'), c.params);
    const d = maxAbsDiff(out.data, c.output);
    diffs[c.name] = d;
    expect(d).toBeLessThan(1e-3);
  });
  it('brightness on values outside [0, 255] is scaled through 8 bits and back, as Keras', () => {
    const f = fixture.brightnessOutOfRange;
    const x = new Tensor(Float32Array.from(f.input), fixture.shape, 'float32');
    const out = applyBrightnessShift(x, f.params.brightness, false);
    expect(maxAbsDiff(out.data, f.output)).toBeLessThan(1e-4);
  });
  it('the fixtures exercise the boundary modes (they differ from each other where the image is left)', () => {
    const out = (mode: string) => fixture.cases.find((c) => c.name === `shift-large/${mode}`)!.output;
    const modes = ['nearest/cval=0.0', 'constant/cval=0.0', 'constant/cval=37.5', 'reflect/cval=0.0', 'wrap/cval=0.0', 'mirror/cval=0.0'];
    for (let i = 0; i < modes.length; i++) for (let j = i + 1; j < modes.length; j++) expect(maxAbsDiff(out(modes[i]), out(modes[j]))).toBeGreaterThan(1);
  });
  it('reports the per-case max abs diff', () => {
    if (process.env.AUGMENT_DIFFS) console.log(JSON.stringify(diffs, null, 1));
    expect(Object.keys(diffs).length).toBe(fixture.cases.length + fixture.extraCases.length);
  });
});

describe('transform helpers', () => {
  it('identity parameters return the input unchanged', () => {
    const x = input();
    expect(applyAffineTransform(x, {})).toBe(x);
    const g = new ImageDataGenerator();
    const y = g.applyTransform(x, {});
    expect(y).not.toBe(x);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });
  it('flipAxis reverses one axis', () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3, 1], 'float32');
    expect(Array.from(flipAxis(x, 1).data)).toEqual([3, 2, 1, 6, 5, 4]);
    expect(Array.from(flipAxis(x, 0).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });
  it('channels_first gives the transposed result of channels_last', () => {
    const x = input();
    const [h, w, c] = x.shape;
    const cf = new Float32Array(x.size);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) cf[k * h * w + i * w + j] = x.data[(i * w + j) * c + k];
    const params = { theta: 17, tx: -3.3, ty: 4.1, shear: 12, zx: 0.85, zy: 1.2, flipHorizontal: true, channelShiftIntensity: 10 };
    const a = new ImageDataGenerator({ fillMode: 'reflect' }).applyTransform(x, params);
    const b = new ImageDataGenerator({ fillMode: 'reflect', dataFormat: 'channels_first' }).applyTransform(new Tensor(cf, [c, h, w], 'float32'), params);
    let m = 0;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) m = Math.max(m, Math.abs(a.data[(i * w + j) * c + k] - b.data[k * h * w + i * w + j]));
    expect(m).toBeLessThan(1e-4);
  });
});

describe('the fast paths give the general path values', () => {
  // Interleaved RGB goes through dedicated loops (inside run, edge clamping) and, above 64K
  // values, through staging buffers; channels_first takes the general per-pixel path. The
  // same transform on both layouts must agree exactly.
  const [h, w] = [150, 220];
  const hwc = new Float32Array(h * w * 3);
  for (let i = 0; i < hwc.length; i++) hwc[i] = ((i * 2654435761) >>> 0) % 256 + Math.sin(i / 97) * 0.25;
  const chw = new Float32Array(hwc.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) chw[(k * h + y) * w + x] = hwc[(y * w + x) * 3 + k];
  const paramSets: Record<string, Record<string, number | boolean>> = {
    rotate: { theta: 27 },
    'shift + zoom out': { tx: 31.5, ty: -52.25, zx: 1.3, zy: 1.21 },
    'zoom in + shear': { zx: 0.71, zy: 0.83, shear: 12 },
    'all + flips': { theta: -19, tx: -40, ty: 17.5, zx: 1.17, zy: 0.76, flipHorizontal: true, flipVertical: true },
  };
  const cases = FILL_MODES_ALL.flatMap((fillMode) => Object.entries(paramSets).map(([name, params]) => [`${fillMode}, ${name}`, fillMode, params] as const));
  it.each(cases)('%s', (_name, fillMode, params) => {
    const last = new ImageDataGenerator({ fillMode, cval: 7 }).applyTransform(new Tensor(hwc, [h, w, 3], 'float32'), params);
    const first = new ImageDataGenerator({ fillMode, cval: 7, dataFormat: 'channels_first' }).applyTransform(new Tensor(chw, [3, h, w], 'float32'), params);
    const a = last.data as Float32Array;
    const b = first.data as Float32Array;
    let mismatches = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) if (a[(y * w + x) * 3 + k] !== b[(k * h + y) * w + x]) mismatches++;
    expect(mismatches).toBe(0);
  });
});
