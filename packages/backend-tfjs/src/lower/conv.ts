import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { sliceBox } from '../runtime/custom-kernels.js';
import { as4, upsample, type Pads, type Pair, type T4 } from './spatial.js';
import * as native from './native.js';
import { lower } from './table.js';
import { composite } from './util.js';

// Every gradient op is written with forward kernels (Conv2D, DepthwiseConv2dNative, Pad, Slice,
// Reverse, Transpose …): tfjs' wasm kernels lack Conv2DBackpropFilter and the depthwise
// backprops, and Layerwise never relies on tfjs gradient kernels.

export const conv = [
  lower(ops.Conv, ({ attrs }) => composite((x, k) => convolve(as4(x), as4(k), attrs))),
  // tfjs-node: TensorFlow's own backprop kernels (native.ts) where they take these attributes.
  lower(ops.ConvBackpropInput, ({ attrs, inputs: [, k], kernels }) =>
    (kernels === 'node' && native.convBackpropInput(attrs, k.shape as number[])) || composite((dy, k) => convBackpropInput(as4(dy), as4(k), attrs)),
  ),
  lower(ops.ConvBackpropFilter, ({ attrs, inputs: [x], kernels, keep }) =>
    (kernels === 'node' && native.convBackpropFilter(attrs, x.shape, keep)) || composite((x, dy) => convBackpropFilter(as4(x), as4(dy), attrs)),
  ),
];

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

function convolve(x: T4, k: T4, a: ops.ConvAttrs): T4 {
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
function convBackpropInput(dy: T4, k: T4, a: ops.ConvBackpropInputAttrs): T4 {
  const [h, w] = a.inputSize;
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
function convBackpropFilter(x: T4, dy: T4, a: ops.ConvBackpropFilterAttrs): T4 {
  const [kh, kw, cinG, f] = a.kernelShape;
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
