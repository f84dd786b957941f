import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { sliceBox } from '../runtime/custom-kernels.js';
import { as4, hw, upsample, type Pads, type Pair, type T4 } from './spatial.js';
import * as native from './native.js';
import { lower } from './table.js';
import { composite } from './util.js';

// Pool gradients are written with forward kernels (pad, strided slices, argmax, one-hot): no
// tfjs gradient kernels.

export const pool = [
  // tfjs-node: TensorFlow's MaxPool, MaxPoolGrad, AvgPool and AvgPoolGrad (native.ts), whose padding tfjs-node's wrappers restrict.
  lower(ops.MaxPool, ({ attrs: a, inputs: [x], kernels }) => (kernels === 'node' ? native.maxPool(a, hw(x.shape)) : (x) => tf.maxPool(as4(x), a.kernel, a.strides, poolPad(a.pads)))),
  // Each dy goes to the first maximum of its window (row-major), as TF routes it: argmax over
  // the window taps, one-hot, and the taps summed back into place.
  lower(ops.MaxPoolGrad, ({ attrs: a, inputs: [x, dy], kernels }) => {
    const outHW = hw(dy.shape);
    const inHW = hw(x.shape);
    if (kernels === 'node') return native.maxPoolGrad(a, inHW);
    const k = a.kernel[0] * a.kernel[1];
    return composite((xt, dyt) => {
      const first = tf.oneHot(tf.argMax(windows(as4(xt), a, outHW, -Infinity), 4), k, 1, 0, 'int32');
      return unwindows(tf.mul(tf.cast(first, 'float32'), tf.expandDims(dyt, 4)), a, inHW);
    });
  }),
  // Average over the valid cells only (Keras 'same'): pool over explicit zeros (dividing by the
  // window size), then rescale by window size / valid cells. Independent of how a kernel set
  // treats implicit padding.
  lower(ops.AvgPool, ({ attrs: a, inputs: [x], keep, kernels }) => {
    const onNode = kernels === 'node' ? native.avgPool(a, hw(x.shape)) : null;
    if (onNode) return onNode;
    if (!a.pads.some((p) => p)) return (t) => tf.avgPool(as4(t), a.kernel, a.strides, 'valid');
    const ratio = keep(tf.tidy(() => tf.div(tf.scalar(a.kernel[0] * a.kernel[1]), countsTensor(hw(x.shape), a))));
    const paddings: Pair[] = [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]];
    return composite((t) => tf.mul(tf.avgPool(as4(tf.pad(t, paddings)), a.kernel, a.strides, 'valid'), ratio));
  }),
  lower(ops.AvgPoolGrad, ({ attrs: a, inputs: [, like], keep, kernels }) => {
    const inHW = hw(like.shape);
    const onNode = kernels === 'node' ? native.avgPoolGrad(a, inHW) : null;
    if (onNode) return onNode;
    const counts = keep(countsTensor(inHW, a));
    const k = a.kernel[0] * a.kernel[1];
    return composite((g) => unwindows(tf.tile(tf.expandDims(tf.div(g, counts), 4), [1, 1, 1, 1, k]), a, inHW));
  }),
];

const poolPad = (p: Pads): 'valid' | tf.backend_util.ExplicitPadding => (p.some((v) => v) ? [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]] : 'valid');

/** Offsets (i, j) of a pool window, row-major (the order "first maximum" refers to). */
const taps = ({ kernel: [kh, kw] }: ops.PoolAttrs) => Array.from({ length: kh * kw }, (_, t) => [Math.floor(t / kw), t % kw] as Pair);

/** Each window's values on a new last axis: [N, Ho, Wo, C, kh·kw], padding as `fill`. */
function windows(x: T4, a: ops.PoolAttrs, [ho, wo]: Pair, fill: number): tf.Tensor {
  const [n, , , c] = x.shape;
  const padded = tf.pad(x, [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]], fill);
  const [sh, sw] = a.strides;
  const parts = taps(a).map(([i, j]) => sliceBox(padded, [0, i, j, 0], [n, ho, wo, c], [1, sh, sw, 1]));
  return tf.stack(parts, 4);
}

/** The adjoint of `windows`: per-tap contributions [N, Ho, Wo, C, kh·kw] summed back into [N, H, W, C]. */
function unwindows(v: tf.Tensor, a: ops.PoolAttrs, [h, w]: Pair): T4 {
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
function countsTensor(inHW: Pair, a: ops.PoolAttrs): tf.Tensor {
  const { counts, outSize } = ops.windowCounts(inHW, a);
  return tf.tensor4d(counts, [1, ...outSize, 1]);
}
