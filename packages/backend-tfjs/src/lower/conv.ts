import * as tf from '@tensorflow/tfjs-core';
import { concatAlong, sliceBox } from '../runtime/custom-kernels.js';
import type { Lowerings } from './types.js';
import { composite } from './util.js';

// Convolutions and pooling in the IR's layout, which is tfjs' own: x NHWC, kernels HWIO.
// Every gradient op (ConvBackpropInput/Filter, MaxPoolGrad, AvgPoolGrad) is written with
// forward kernels (Conv2D, DepthwiseConv2dNative, Pad, Slice, Reverse, Transpose …): tfjs'
// wasm kernels lack Conv2DBackpropFilter and the depthwise backprops, and Layerwise never
// relies on tfjs gradient kernels.

type Pads = [number, number, number, number]; // top, left, bottom, right
type Pair = [number, number];
interface ConvAttrs {
  strides: Pair;
  dilations: Pair;
  pads: Pads;
  groups: number;
}
type T4 = tf.Tensor4D;

const as4 = (t: tf.Tensor) => t as T4;

/** Explicit pads for tfjs ops; negative pads crop x first (a transposed conv can need them). */
function padsFor(x: T4, [t, l, b, r]: Pads): { x: T4; pad: 'valid' | tf.backend_util.ExplicitPadding } {
  if (t < 0 || l < 0 || b < 0 || r < 0) {
    const [n, h, w, c] = x.shape;
    const top = Math.max(0, -t);
    const left = Math.max(0, -l);
    x = as4(sliceBox(x, [0, top, left, 0], [n, h - top - Math.max(0, -b), w - left - Math.max(0, -r), c]));
    [t, l, b, r] = [Math.max(0, t), Math.max(0, l), Math.max(0, b), Math.max(0, r)];
  }
  return { x, pad: t || l || b || r ? [[0, 0], [t, b], [l, r], [0, 0]] : 'valid' };
}

/** Insert s-1 zeros between the elements of axes 1 and 2: [N, H, W, C] → [N, (H-1)·sh+1, (W-1)·sw+1, C]. */
function upsample(x: T4, [sh, sw]: Pair): T4 {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return as4(sliceBox(tf.reshape(spread, [n, h * sh, w * sw, c]), [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]));
}

/** A kernel [kh, kw, I, O] with its taps spread by the dilation (zeros between). */
function dilateKernel(k: T4, d: Pair): T4 {
  const [kh, kw, i, o] = k.shape;
  const up = upsample(tf.reshape(k, [1, kh, kw, i * o]), d);
  return tf.reshape(up, [up.shape[1], up.shape[2], i, o]);
}

/** tfjs refuses strides and dilations both > 1: spread the kernel instead. */
function strideDilation(k: T4, s: Pair, d: Pair): { k: T4; d: Pair } {
  return (s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1) ? { k: dilateKernel(k, d), d: [1, 1] } : { k, d };
}

/** A groups = 1 convolution with explicit (possibly negative) pads and any stride/dilation. */
function conv1(x: T4, k: T4, s: Pair, d: Pair, pads: Pads): T4 {
  const p = padsFor(x, pads);
  const sd = strideDilation(k, s, d);
  return tf.conv2d(p.x, sd.k, s, p.pad, 'NHWC', sd.d);
}

/** Depthwise: k [kh, kw, C, m] (tfjs' layout), output channel c·m + j. */
function depthwise(x: T4, k: T4, s: Pair, d: Pair, pads: Pads): T4 {
  const p = padsFor(x, pads);
  const sd = strideDilation(k, s, d);
  return tf.depthwiseConv2d(p.x, sd.k, s, p.pad, 'NHWC', sd.d);
}

/** Split channels into `groups` and apply `f` per group (kernels split along their last axis), concatenated. */
function perGroup(groups: number, xs: T4, ks: T4, f: (x: T4, k: T4) => T4, xAxis = 3): T4 {
  const xParts = tf.split(xs, groups, xAxis) as T4[];
  const kParts = tf.split(ks, groups, 3) as T4[];
  return tf.concat(
    xParts.map((x, i) => f(x, kParts[i])),
    3,
  ) as T4;
}

function conv(x: T4, k: T4, a: ConvAttrs): T4 {
  const c = x.shape[3];
  if (a.groups === 1) return conv1(x, k, a.strides, a.dilations, a.pads);
  const [kh, kw, cinG, f] = k.shape;
  if (cinG === 1 && a.groups === c) return depthwise(x, tf.reshape(k, [kh, kw, c, f / c]), a.strides, a.dilations, a.pads);
  return perGroup(a.groups, x, k, (xg, kg) => conv1(xg, kg, a.strides, a.dilations, a.pads));
}

/**
 * dx of Conv (a transposed convolution) as a forward conv: dy spread by the stride, the kernel
 * flipped with its in/out channels swapped, padded so the output is exactly [H, W].
 */
function convBackpropInput(dy: T4, k: T4, a: ConvAttrs, [h, w]: Pair): T4 {
  const [kh, kw, cinG, f] = k.shape;
  const up = upsample(dy, a.strides);
  const ekh = a.dilations[0] * (kh - 1) + 1;
  const ekw = a.dilations[1] * (kw - 1) + 1;
  const top = ekh - 1 - a.pads[0];
  const left = ekw - 1 - a.pads[1];
  const pads: Pads = [top, left, h - up.shape[1] - top + ekh - 1, w - up.shape[2] - left + ekw - 1];
  const flipped = tf.reverse(k, [0, 1]) as T4;
  const one = (g: T4, kg: T4) => conv1(g, tf.transpose(kg, [0, 1, 3, 2]), [1, 1], a.dilations, pads);
  if (a.groups === 1) return one(up, flipped);
  if (cinG === 1) {
    // Depthwise, multiplier m: each dy channel c·m + j convolves with its own flipped tap; sum over j.
    const c = a.groups;
    const m = f / c;
    const out = depthwise(up, tf.reshape(flipped, [kh, kw, f, 1]), [1, 1], a.dilations, pads);
    return m === 1 ? out : (tf.sum(tf.reshape(out, [out.shape[0], h, w, c, m]), 4) as T4);
  }
  return perGroup(a.groups, up, flipped, one);
}

/** End padding so that a conv over the padded axis has at least k outputs (they are cropped to k). */
const padEndFor = (k: number, d: number, outSize: number, s: number, size: number, begin: number) => Math.max(0, (k - 1) * d + (outSize - 1) * s + 1 - size - begin);

/**
 * dkernel of Conv as a forward conv: the input's channels become the batch, its batch the
 * channels, dy is the kernel, and stride and dilation swap roles. Exact for any stride,
 * dilation and padding; depthwise through a depthwise conv summed over the batch.
 */
function convBackpropFilter(x: T4, dy: T4, a: ConvAttrs, [kh, kw, cinG, f]: [number, number, number, number]): T4 {
  const [n, h, w, c] = x.shape;
  const [, ho, wo] = dy.shape;
  const pads: Pads = [a.pads[0], a.pads[1], padEndFor(kh, a.dilations[0], ho, a.strides[0], h, a.pads[0]), padEndFor(kw, a.dilations[1], wo, a.strides[1], w, a.pads[1])];
  const one = (xg: T4, dyg: T4): T4 => {
    const cg = xg.shape[3];
    const out = conv1(tf.transpose(xg, [3, 1, 2, 0]), tf.transpose(dyg, [1, 2, 0, 3]), a.dilations, a.strides, pads);
    return as4(tf.transpose(sliceBox(out, [0, 0, 0, 0], [cg, kh, kw, dyg.shape[3]]), [1, 2, 0, 3]));
  };
  if (a.groups === 1) return one(x, dy);
  if (cinG === 1 && a.groups === c) {
    const m = f / c;
    const input = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
    const taps = tf.reshape(tf.transpose(tf.reshape(dy, [n, ho, wo, c, m]), [1, 2, 0, 3, 4]), [ho, wo, n * c, m]);
    const out = depthwise(input as T4, taps as T4, a.dilations, a.strides, pads);
    const cropped = sliceBox(out, [0, 0, 0, 0], [1, kh, kw, n * c * m]);
    return tf.reshape(tf.sum(tf.reshape(cropped, [kh, kw, n, c * m]), 2), [kh, kw, 1, c * m]);
  }
  return perGroup(a.groups, x, dy, one);
}

interface PoolAttrs {
  kernel: Pair;
  strides: Pair;
  pads: Pads;
}
const poolPad = (p: Pads): 'valid' | tf.backend_util.ExplicitPadding => (p.some((v) => v) ? [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]] : 'valid');

/** Offsets (i, j) of a pool window, row-major (the order "first maximum" refers to). */
const taps = ({ kernel: [kh, kw] }: PoolAttrs) => Array.from({ length: kh * kw }, (_, t) => [Math.floor(t / kw), t % kw] as Pair);

/** Each window's values on a new last axis: [N, Ho, Wo, C, kh·kw], padding as `fill`. */
function windows(x: T4, a: PoolAttrs, [ho, wo]: Pair, fill: number): tf.Tensor {
  const [n, , , c] = x.shape;
  const padded = tf.pad(x, [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]], fill);
  const [sh, sw] = a.strides;
  const parts = taps(a).map(([i, j]) => sliceBox(padded, [0, i, j, 0], [n, ho, wo, c], [1, sh, sw, 1]));
  return tf.stack(parts, 4);
}

/** The adjoint of `windows`: per-tap contributions [N, Ho, Wo, C, kh·kw] summed back into [N, H, W, C]. */
function unwindows(v: tf.Tensor, a: PoolAttrs, [h, w]: Pair): T4 {
  const parts = tf.unstack(v, 4) as T4[];
  const [n, ho, wo, c] = parts[0].shape;
  const ph = h + a.pads[0] + a.pads[2];
  const pw = w + a.pads[1] + a.pads[3];
  let sum: tf.Tensor | null = null;
  taps(a).forEach(([i, j], t) => {
    const up = upsample(parts[t], a.strides);
    const placed = tf.pad(up, [[0, 0], [i, ph - i - ((ho - 1) * a.strides[0] + 1)], [j, pw - j - ((wo - 1) * a.strides[1] + 1)], [0, 0]]);
    sum = sum ? tf.add(sum, placed) : placed;
  });
  return as4(sliceBox(sum!, [0, a.pads[0], a.pads[1], 0], [n, h, w, c]));
}

/** How many cells of each window are not padding, as [1, Ho, Wo, 1]. */
function windowCounts([h, w]: Pair, a: PoolAttrs, [ho, wo]: Pair): tf.Tensor {
  const counts = new Float32Array(ho * wo);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++) {
      const r0 = i * a.strides[0] - a.pads[0];
      const c0 = j * a.strides[1] - a.pads[1];
      counts[i * wo + j] = (Math.min(h, r0 + a.kernel[0]) - Math.max(0, r0)) * (Math.min(w, c0 + a.kernel[1]) - Math.max(0, c0));
    }
  return tf.tensor4d(counts, [1, ho, wo, 1]);
}

const hw = (shape: readonly (number | null)[]): Pair => [shape[1] as number, shape[2] as number];

export const convolution: Lowerings = {
  Conv: ({ attrs }) => composite((x, k) => conv(as4(x), as4(k), attrs as ConvAttrs)),
  ConvBackpropInput: ({ attrs }) => composite((dy, k) => convBackpropInput(as4(dy), as4(k), attrs as ConvAttrs, attrs.inputSize)),
  ConvBackpropFilter: ({ attrs }) => composite((x, dy) => convBackpropFilter(as4(x), as4(dy), attrs as ConvAttrs, attrs.kernelShape)),
  MaxPool: ({ attrs: a }) => (x) => tf.maxPool(as4(x), a.kernel, a.strides, poolPad(a.pads)),
  // Each dy goes to the first maximum of its window (row-major), as TF routes it: argmax over
  // the window taps, one-hot, and the taps summed back into place.
  MaxPoolGrad: ({ attrs, inputs: [x, dy] }) => {
    const a = attrs as PoolAttrs;
    const outHW = hw(dy.shape);
    const inHW = hw(x.shape);
    const k = a.kernel[0] * a.kernel[1];
    return composite((xt, dyt) => {
      const first = tf.oneHot(tf.argMax(windows(as4(xt), a, outHW, -Infinity), 4), k, 1, 0, 'int32');
      return unwindows(tf.mul(tf.cast(first, 'float32'), tf.expandDims(dyt, 4)), a, inHW);
    });
  },
  // Average over the valid cells only (Keras 'same'): pool over explicit zeros (dividing by the
  // window size), then rescale by window size / valid cells. Independent of how a kernel set
  // treats implicit padding.
  AvgPool: ({ attrs, inputs: [x], outputs: [y], keep }) => {
    const a = attrs as PoolAttrs;
    if (!a.pads.some((p) => p)) return (t) => tf.avgPool(as4(t), a.kernel, a.strides, 'valid');
    const ratio = keep(tf.tidy(() => tf.div(tf.scalar(a.kernel[0] * a.kernel[1]), windowCounts(hw(x.shape), a, hw(y.shape)))));
    const paddings: Pair[] = [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]];
    return composite((t) => tf.mul(tf.avgPool(as4(tf.pad(t, paddings)), a.kernel, a.strides, 'valid'), ratio));
  },
  AvgPoolGrad: ({ attrs, inputs: [dy, like], keep }) => {
    const a = attrs as PoolAttrs;
    const outHW = hw(dy.shape);
    const inHW = hw(like.shape);
    const counts = keep(windowCounts(inHW, a, outHW));
    const k = a.kernel[0] * a.kernel[1];
    return composite((g) => unwindows(tf.tile(tf.expandDims(tf.div(g, counts), 4), [1, 1, 1, 1, k]), a, inHW));
  },
};

export const shapeExtra: Lowerings = {
  Pad: ({ attrs: { pads, value }, inputs: [x] }) => {
    const paddings = x.shape.map((_, i) => [pads[i], pads[i + x.rank]] as Pair);
    return (t) => tf.pad(t, paddings, value);
  },
  Slice: ({ attrs: { starts, ends } }) => (t) =>
    sliceBox(
      t,
      starts,
      (ends as (number | null)[]).map((e, i) => (e === null ? t.shape[i] : e) - starts[i]),
    ),
  Concat: ({ attrs: { axis } }) => (...xs) => concatAlong(xs, axis),
  Tile: ({ attrs: { repeats } }) => (t) => tf.tile(t, repeats),
};
