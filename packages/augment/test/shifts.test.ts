// widthShiftRange / heightShiftRange both ways (shiftAxes 'documented', the default, and 'keras')
// against fixtures written by Keras itself: scripts/fixtures/make_augment_shift_fixtures.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, Generator, Tensor } from '@layerwise/core';
import { ImageDataGenerator, type ImageDataGeneratorOptions, type ShiftAxes, type TransformParameters } from '@layerwise/augment';

type Draw = ['uniform', number, number, number] | ['int', number, number] | ['random', number];
interface Side {
  params: Record<string, number | boolean | null>;
  output: number[];
}
interface Case {
  name: string;
  options: Record<string, unknown>;
  dataFormat: 'channels_last' | 'channels_first';
  draws: Draw[];
  keras: Side;
  documented: Side;
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/augment/shifts.json', import.meta.url)), 'utf8')) as {
  shapes: Record<Case['dataFormat'], number[]>;
  input: Record<Case['dataFormat'], number[]>;
  cases: Case[];
};

/** Hands out numpy's recorded draws, checking that each call is the one Keras made. */
class Replay extends Generator {
  private i = 0;
  constructor(private readonly draws: Draw[]) {
    super(0);
  }
  private take(kind: string, args: number[]): number {
    const d = this.draws[this.i++];
    expect(d, `draw ${this.i}: Keras made no more draws, Layerwise asked for ${kind}(${args.join(', ')})`).toBeDefined();
    expect([d[0], ...d.slice(1, -1)]).toEqual([kind, ...args]);
    return d[d.length - 1] as number;
  }
  override uniform(low = 0, high = 1): number {
    return this.take('uniform', [low, high]);
  }
  override int(n: number): number {
    return this.take('int', [n]);
  }
  override random(): number {
    return this.take('random', []);
  }
  done(): boolean {
    return this.i === this.draws.length;
  }
}

/** Keras' snake_case options to ours. */
function options(kw: Record<string, unknown>, dataFormat: Case['dataFormat'], shiftAxes: ShiftAxes): ImageDataGeneratorOptions {
  const camel = Object.fromEntries(Object.entries(kw).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
  return { ...camel, dataFormat, shiftAxes } as ImageDataGeneratorOptions;
}

/** Keras' parameter dictionary in our names. */
function kerasParams(p: Side['params']): TransformParameters {
  return {
    theta: p.theta as number,
    tx: p.tx as number,
    ty: p.ty as number,
    shear: p.shear as number,
    zx: p.zx as number,
    zy: p.zy as number,
    flipHorizontal: !!p.flip_horizontal,
    flipVertical: !!p.flip_vertical,
    channelShiftIntensity: p.channel_shift_intensity as number | null,
    brightness: p.brightness as number | null,
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function expectSameParams(got: TransformParameters, want: TransformParameters): void {
  for (const k of Object.keys(want) as (keyof TransformParameters)[]) {
    const [g, w] = [got[k], want[k]];
    if (typeof w === 'number' && typeof g === 'number') expect(Math.abs(g - w), k).toBeLessThan(1e-9); // -0 (ours) vs 0 (numpy's int 0 · -1)
    else expect(g, k).toEqual(w);
  }
}

describe('shift ranges match Keras, both ways (fixtures by Keras 3: make_augment_shift_fixtures.py)', () => {
  it('has the fixture cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(20);
  });
  const rows = fixture.cases.flatMap((c) => (['documented', 'keras'] as const).map((mode) => [`${mode}: ${c.name}`, mode, c] as const));
  it.each(rows)('%s', (_name, mode, c) => {
    const gen = new ImageDataGenerator(options(c.options, c.dataFormat, mode));
    const g = new Replay(c.draws);
    const params = gen.getRandomTransform(fixture.shapes[c.dataFormat], undefined, g);
    expect(g.done()).toBe(true); // the same draws as Keras, in the same order
    expectSameParams(params, kerasParams(c[mode].params));
    const x = new Tensor(Float32Array.from(fixture.input[c.dataFormat]), fixture.shapes[c.dataFormat], 'float32');
    const out = gen.applyTransform(x, params);
    expect(maxAbsDiff(out.data, c[mode].output)).toBeLessThan(1e-3);
    // randomTransform is the two steps with the same generator.
    expect(Array.from(gen.randomTransform(x, undefined, new Replay(c.draws)).data)).toEqual(Array.from(out.data));
  });
});

describe('what the shifts do', () => {
  // A non-square image whose every pixel is distinct; 'constant' fill, integer pixel shifts.
  const [h, w] = [5, 8];
  const x = new Tensor(Float32Array.from({ length: h * w }, (_, i) => i + 1), [h, w, 1], 'float32');
  const at = (t: Tensor, r: number, c: number): number => t.data[r * w + c];
  /** How far the picture moved: (rows, cols) of the pixel that held value 1 + (2·w + 3). */
  function moved(t: Tensor): [number, number] {
    const v = 1 + 2 * w + 3;
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (at(t, r, c) === v) return [r - 2, c - 3];
    throw new Error('the marker pixel left the image');
  }
  const shifted = (o: ImageDataGeneratorOptions, seed: number) => {
    const gen = new ImageDataGenerator({ fillMode: 'constant', ...o });
    const p = gen.getRandomTransform(x.shape, seed);
    return { p, out: gen.applyTransform(x, p) };
  };

  it.each([
    ['default (documented): widthShiftRange moves the columns (horizontal)', { widthShiftRange: [2] }, 'cols'],
    ['default (documented): heightShiftRange moves the rows (vertical)', { heightShiftRange: [2] }, 'rows'],
    ["shiftAxes 'keras': widthShiftRange moves the rows, as Keras", { widthShiftRange: [2], shiftAxes: 'keras' }, 'rows'],
    ["shiftAxes 'keras': heightShiftRange moves the columns, as Keras", { heightShiftRange: [2], shiftAxes: 'keras' }, 'cols'],
  ] as const)('%s', (_name, o, axis) => {
    for (const seed of [1, 2, 3, 4]) {
      const { out } = shifted(o as ImageDataGeneratorOptions, seed);
      const [dr, dc] = moved(out);
      if (axis === 'cols') expect([dr, Math.abs(dc)]).toEqual([0, 2]);
      else expect([Math.abs(dr), dc]).toEqual([2, 0]);
    }
  });

  it('tx shifts along x (columns) and ty along y (rows): a positive value moves the picture left / up', () => {
    const gen = new ImageDataGenerator({ fillMode: 'constant' });
    expect(moved(gen.applyTransform(x, { tx: 2 }))).toEqual([0, -2]);
    expect(moved(gen.applyTransform(x, { ty: 1 }))).toEqual([-1, 0]);
  });

  it("a width fraction scales by the width in both modes (Keras' swap is of axes, not of sizes)", () => {
    const g = (shiftAxes: ShiftAxes) => new ImageDataGenerator({ widthShiftRange: [0.25], shiftAxes }).getRandomTransform([h, w, 1], 5);
    expect(Math.abs(g('documented').tx)).toBe(0.25 * w);
    expect(g('documented').ty).toBe(0);
    expect(Math.abs(g('keras').ty)).toBe(0.25 * w);
    expect(g('keras').tx).toBe(0);
  });

  it('both modes draw the same numbers: only tx and ty trade places', () => {
    const o: ImageDataGeneratorOptions = { rotationRange: 30, widthShiftRange: 0.3, heightShiftRange: 0.1, zoomRange: 0.2, horizontalFlip: true, channelShiftRange: 4 };
    const d = new ImageDataGenerator(o).getRandomTransform([20, 30, 3], 9);
    const k = new ImageDataGenerator({ ...o, shiftAxes: 'keras' }).getRandomTransform([20, 30, 3], 9);
    expect({ ...k, tx: k.ty, ty: k.tx }).toEqual(d);
  });

  it('the flow workers shift the same way as the main thread', async () => {
    const batch = new Tensor(Float32Array.from({ length: 4 * h * w }, (_, i) => (i % (h * w)) + 1), [4, h, w, 1], 'float32');
    for (const shiftAxes of ['documented', 'keras'] as const) {
      const gen = new ImageDataGenerator({ widthShiftRange: [2], fillMode: 'constant', shiftAxes });
      const it = gen.flow(batch, null, { batchSize: 4, shuffle: false, seed: 3, workers: 1 });
      try {
        const b = (await it.nextAsync()) as Tensor;
        for (let s = 0; s < 4; s++) {
          const [dr, dc] = moved(b.slice(s, s + 1).reshape([h, w, 1]));
          if (shiftAxes === 'documented') expect([dr, Math.abs(dc)]).toEqual([0, 2]);
          else expect([Math.abs(dr), dc]).toEqual([2, 0]);
        }
      } finally {
        await it.close();
      }
    }
  });

  it('an unknown shiftAxes is a ConfigError naming the choices', () => {
    expect(() => new ImageDataGenerator({ shiftAxes: 'swapped' as never })).toThrow(ConfigError);
    expect(() => new ImageDataGenerator({ shiftAxes: 'swapped' as never })).toThrow(/shiftAxes.*"documented".*"keras".*'swapped' \(a string\)/);
  });
});
