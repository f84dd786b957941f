import { formatShape, type OpDef, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp } from './registry.js';
import { cast, scalar } from './constant.js';
import { add, equal, mul, sub } from './elementwise.js';
import { concat, reshape, slice } from './shape.js';
import { convOutputSize, convPads, windowOutputSize } from './conv.js';

/** Pooling over [N, H, W, C]: window, strides, explicit pads [top, left, bottom, right]. */
export type PoolAttrs = {
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
};

/**
 * How many cells of each pooling window over an h × w input are not padding: what an average
 * excluding padding divides by (Keras/TF 'same'). Row-major over the [Ho, Wo] output; every
 * backend shapes it as its layout needs.
 */
export function windowCounts([h, w]: [number, number], a: PoolAttrs): { counts: Float32Array; outSize: [number, number] } {
  const ho = convOutputSize(h, a.kernel[0], a.strides[0], 1, a.pads[0], a.pads[2]);
  const wo = convOutputSize(w, a.kernel[1], a.strides[1], 1, a.pads[1], a.pads[3]);
  const counts = new Float32Array(ho * wo);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++) {
      const r0 = i * a.strides[0] - a.pads[0];
      const c0 = j * a.strides[1] - a.pads[1];
      counts[i * wo + j] = (Math.min(h, r0 + a.kernel[0]) - Math.max(0, r0)) * (Math.min(w, c0 + a.kernel[1]) - Math.max(0, c0));
    }
  return { counts, outSize: [ho, wo] };
}

/** The pooled shape; an unknown height or width (a model built for any image size) stays unknown. */
function pooledShape(op: string, x: Value, a: PoolAttrs): (number | null)[] {
  if (x.rank !== 4) throw new ShapeError(`${op}: expected a 4-D input (batch, height, width, channels), got ${formatShape(x.shape)}`);
  const [n, h, w, c] = x.shape;
  const ho = windowOutputSize(h, a.kernel[0], a.strides[0], 1, a.pads[0], a.pads[2]);
  const wo = windowOutputSize(w, a.kernel[1], a.strides[1], 1, a.pads[1], a.pads[3]);
  if ((ho !== null && ho < 1) || (wo !== null && wo < 1))
    throw new ShapeError(`${op}: the ${a.kernel.join('×')} pool window does not fit the ${h ?? 'None'}×${w ?? 'None'} input (output would be ${ho ?? 'None'}×${wo ?? 'None'})`);
  return [n, ho, wo, c];
}

/** A window tiling: stride = window, no padding, sizes divisible. Pool gradients then need no scatter. */
export function isTiling(x: Value, a: PoolAttrs): boolean {
  return (
    a.kernel[0] === a.strides[0] && a.kernel[1] === a.strides[1] && a.pads.every((p) => p === 0) &&
    (x.shape[1] as number) % a.kernel[0] === 0 && (x.shape[2] as number) % a.kernel[1] === 0
  );
}

export const MaxPool = defineOp<PoolAttrs>({
  name: 'MaxPool',
  inputs: ['x'],
  inferShape: ([x], a) => [{ shape: pooledShape('MaxPool', x, a), dtype: x.dtype }],
  grad: ({ inputs: [x], outputs: [y], dys: [dy], attrs }) => [isTiling(x, attrs) ? maxPoolGradTiling(x, y, dy!, attrs.kernel) : apply1(MaxPoolGrad, [x, dy!], attrs)],
});

/**
 * MaxPool's gradient when the windows tile the input, in plain ops: view x as
 * [N, h, kh, w, kw, C] (a free reshape), compare each window position with the pooled maximum,
 * keep only the first match (TF's choice), and put dy there. Only slices, compares and concats
 * of quarter-size tensors: no scatter and no transposes.
 */
function maxPoolGradTiling(x: Value, y: Value, dy: Value, [kh, kw]: [number, number]): Value {
  const [, h, w, c] = x.shape as number[];
  const [ho, wo] = [h / kh, w / kw];
  const blocks = reshape(x, [0, ho, kh, wo, kw, c]);
  const yb = reshape(y, [0, ho, 1, wo, 1, c]);
  const dyb = reshape(dy, [0, ho, 1, wo, 1, c]);
  let taken: Value | null = null;
  const rows: Value[] = [];
  for (let a = 0; a < kh; a++) {
    const cols: Value[] = [];
    for (let b = 0; b < kw; b++) {
      const cell = slice(blocks, [0, 0, a, 0, b, 0], [null, ho, a + 1, wo, b + 1, c]);
      const isMax = cast(equal(cell, yb), 'float32');
      const chosen: Value = taken ? mul(isMax, sub(scalar(1), taken)) : isMax;
      taken = taken ? add(taken, chosen) : chosen;
      cols.push(mul(chosen, dyb));
    }
    rows.push(cols.length > 1 ? concat(cols, 4) : cols[0]);
  }
  return reshape(rows.length > 1 ? concat(rows, 2) : rows[0], [0, h, w, c]);
}

/** dx of a max pool with overlapping or padded windows: each dy goes to its window's first maximum (as TF routes it). */
export const MaxPoolGrad = defineOp<PoolAttrs>({
  name: 'MaxPoolGrad',
  inputs: ['x', 'dy'],
  inferShape: ([x]) => [{ shape: x.shape, dtype: x.dtype }],
});

/** Average over each window, padding excluded from the count (Keras/TF 'same' semantics). */
export const AvgPool: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'AvgPool',
  inputs: ['x'],
  inferShape: ([x], a) => [{ shape: pooledShape('AvgPool', x, a), dtype: x.dtype }],
  grad: ({ inputs: [x], dys: [dy], attrs }) => [apply1(AvgPoolGrad, [dy!, x], attrs)],
});

/** dx of AvgPool: each dy spread evenly over the valid cells of its window. `like` gives dx's shape. */
export const AvgPoolGrad: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'AvgPoolGrad',
  inputs: ['dy', 'like'],
  inferShape: ([dy, like]) => [{ shape: like.shape, dtype: dy.dtype }],
  grad: ({ dys: [g], attrs }) => [apply1(AvgPool, [g!], attrs), null],
});

export interface Pool2dOptions {
  poolSize?: [number, number];
  strides?: [number, number] | null;
  padding?: 'same' | 'valid';
}
function poolAttrs(x: Value, o: Pool2dOptions, op: string): PoolAttrs {
  const kernel = o.poolSize ?? [2, 2];
  const strides = o.strides ?? kernel;
  if (x.rank !== 4) throw new ShapeError(`${op}: expected a 4-D input (batch, height, width, channels), got ${formatShape(x.shape)}`);
  const pads = convPads(o.padding ?? 'valid', [x.shape[1], x.shape[2]], kernel, strides);
  return { kernel, strides, pads };
}
export const maxPool2d = (x: Value, o: Pool2dOptions = {}) => apply1(MaxPool, [x], poolAttrs(x, o, 'MaxPool'));
export const avgPool2d = (x: Value, o: Pool2dOptions = {}) => apply1(AvgPool, [x], poolAttrs(x, o, 'AvgPool'));

