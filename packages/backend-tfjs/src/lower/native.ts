import * as tf from '@tensorflow/tfjs-core';
import { ops, type DType } from '@layerwise/core';
import { tfOp, type TfAttrs } from '../runtime/tf-ops.js';
import { TF_DTYPE } from '../runtime/values.js';
import type { Pads, Pair } from './spatial.js';
import type { Kernel } from './table.js';
import { composite } from './util.js';

// Lowerings for tfjs-node's kernels only, where the TensorFlow library has a native kernel the
// wasm and cpu kernel sets lack, or where tfjs-node's tfjs wrappers accept less than
// TensorFlow: the conv and depthwise backprops with explicit padding and dilation, the pool
// gradients, pools with explicit padding, negative Gather indices. Each returns null when the
// node's attributes are outside what the native kernel does; the table then uses the portable
// lowering (forward convs and the like), which is exact everywhere.

type ConvAttrs = ops.ConvAttrs;
type Keep = <T extends tf.Tensor>(t: T) => T;
type PoolAttrs = ops.PoolAttrs;

const nhwc = ([h, w]: Pair): number[] => [1, h, w, 1];
const explicit = ([t, l, b, r]: Pads): number[] => [0, 0, t, b, l, r, 0, 0];
const one = (p: Pair) => p[0] === 1 && p[1] === 1;

/** The TensorFlow padding mode that gives these pads: 'VALID', 'SAME' (Keras' 'same', core's convPads), else 'EXPLICIT'. */
function paddingMode(pads: Pads, hw: Pair, kernel: Pair, s: Pair, d: Pair = [1, 1]): 'VALID' | 'SAME' | 'EXPLICIT' {
  if (pads.every((p) => p === 0)) return 'VALID';
  const same = ops.convPads('same', hw, kernel, s, d);
  return pads.every((p, i) => p === same[i]) ? 'SAME' : 'EXPLICIT';
}

function convOpAttrs(a: ConvAttrs, padding: 'VALID' | 'SAME' | 'EXPLICIT'): TfAttrs {
  const attrs: TfAttrs = { T: ['type', 'float32'], strides: ['int', nhwc(a.strides)], padding: ['string', padding], data_format: ['string', 'NHWC'], dilations: ['int', nhwc(a.dilations)] };
  return padding === 'EXPLICIT' ? { ...attrs, explicit_paddings: ['int', explicit(a.pads)] } : attrs;
}

/**
 * Which native backprop serves this conv — a plain conv or a depthwise one — and with which
 * padding mode; null where TensorFlow's CPU kernels refuse (dilation with explicit pads, or in
 * a depthwise conv) or the conv is grouped.
 */
function nativeConv(a: ConvAttrs, inputHW: Pair, [kh, kw, cinG]: number[]): { kind: 'conv' | 'depthwise'; padding: 'VALID' | 'SAME' | 'EXPLICIT' } | null {
  const padding = paddingMode(a.pads, inputHW, [kh, kw], a.strides, a.dilations);
  if (a.pads.some((p) => p < 0) || (padding === 'EXPLICIT' && !one(a.dilations))) return null;
  if (a.groups === 1) return { kind: 'conv', padding };
  if (cinG === 1 && one(a.dilations)) return { kind: 'depthwise', padding };
  return null;
}

/** dx of Conv: Conv2DBackpropInput (or its depthwise twin) over dy and the kernel. */
export function convBackpropInput(a: ops.ConvBackpropInputAttrs, kernelShape: number[]): Kernel | null {
  const [kh, kw, cinG, f] = kernelShape;
  const channels = cinG * a.groups;
  const [h, w] = a.inputSize;
  const how = nativeConv(a, [h, w], kernelShape);
  if (!how) return null;
  const op = tfOp(how.kind === 'conv' ? 'Conv2DBackpropInput' : 'DepthwiseConv2dNativeBackpropInput', convOpAttrs(a, how.padding));
  // The depthwise kernel [kh, kw, 1, C·m] is TensorFlow's [kh, kw, C, m] in the same memory order.
  const shape = [kh, kw, channels, f / channels];
  return composite((dy, k) => op(tf.tensor1d([dy.shape[0], h, w, channels], 'int32'), how.kind === 'conv' ? k : tf.reshape(k, shape), dy));
}

/** dkernel of Conv: Conv2DBackpropFilter (or its depthwise twin) over x and dy. */
export function convBackpropFilter(a: ops.ConvBackpropFilterAttrs, inputShape: readonly (number | null)[], keep: Keep): Kernel | null {
  const [, h, w, channels] = inputShape as number[];
  const how = nativeConv(a, [h, w], a.kernelShape);
  if (!how) return null;
  const [kh, kw, , f] = a.kernelShape;
  const op = tfOp(how.kind === 'conv' ? 'Conv2DBackpropFilter' : 'DepthwiseConv2dNativeBackpropFilter', convOpAttrs(a, how.padding));
  const shape = keep(tf.tensor1d(how.kind === 'conv' ? a.kernelShape : [kh, kw, channels, f / channels], 'int32'));
  return composite((x, dy) => {
    const dk = op(x, shape, dy);
    return how.kind === 'conv' ? dk : tf.reshape(dk, a.kernelShape);
  });
}

/** The TensorFlow padding mode that gives a pool's pads, if one does. */
function poolPadding(hw: Pair, a: PoolAttrs): 'VALID' | 'SAME' | null {
  const mode = paddingMode(a.pads, hw, a.kernel, a.strides);
  return mode === 'EXPLICIT' ? null : mode;
}

const poolOpAttrs = (a: PoolAttrs, padding: 'VALID' | 'SAME') =>
  ({ T: ['type', 'float32'], ksize: ['int', nhwc(a.kernel)], strides: ['int', nhwc(a.strides)], padding: ['string', padding], data_format: ['string', 'NHWC'] }) as const;

/** tfjs-node's MaxPool takes 'valid' and 'same' only: other pads become a −∞ border around a 'valid' pool. */
export function maxPool(a: PoolAttrs, hw: Pair): Kernel {
  const padding = poolPadding(hw, a);
  if (padding) return (x) => tf.maxPool(x as tf.Tensor4D, a.kernel, a.strides, padding === 'SAME' ? 'same' : 'valid');
  const border: Pair[] = [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]];
  return composite((x) => tf.maxPool(tf.pad(x, border, -Infinity) as tf.Tensor4D, a.kernel, a.strides, 'valid'));
}

/**
 * dx of MaxPool: TensorFlow's MaxPoolGrad (each dy to its window's first maximum), given the
 * pooled output it recomputes. Other pads: the same over x with a −∞ border, then cropped.
 */
export function maxPoolGrad(a: PoolAttrs, hw: Pair): Kernel {
  const padding = poolPadding(hw, a);
  const grad = tfOp('MaxPoolGrad', poolOpAttrs(a, padding ?? 'VALID'));
  const pool = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, a.kernel, a.strides, padding === 'SAME' ? 'same' : 'valid');
  if (padding) return composite((x, dy) => grad(x, pool(x), dy));
  const border: Pair[] = [[0, 0], [a.pads[0], a.pads[2]], [a.pads[1], a.pads[3]], [0, 0]];
  return composite((x, dy) => {
    const padded = tf.pad(x, border, -Infinity);
    const [n, , , c] = x.shape;
    return tf.slice(grad(padded, pool(padded), dy), [0, a.pads[0], a.pads[1], 0], [n, hw[0], hw[1], c]);
  });
}

/** AvgPool over 'valid' or TensorFlow-'same' pads (padding not counted, as Layerwise's AvgPool); null for other pads. */
export function avgPool(a: PoolAttrs, hw: Pair): Kernel | null {
  const padding = poolPadding(hw, a);
  if (!padding) return null;
  return (x) => tf.avgPool(x as tf.Tensor4D, a.kernel, a.strides, padding === 'SAME' ? 'same' : 'valid');
}

/** dx of AvgPool: TensorFlow's AvgPoolGrad, for the pads `avgPool` runs natively. */
export function avgPoolGrad(a: PoolAttrs, hw: Pair): Kernel | null {
  const padding = poolPadding(hw, a);
  if (!padding) return null;
  const grad = tfOp('AvgPoolGrad', poolOpAttrs(a, padding));
  return composite((dy, like) => grad(tf.tensor1d(like.shape, 'int32'), dy));
}

// Per-op cost. Every tfjs-node kernel call is one TensorFlow eager op (~15-50 µs whatever its
// size), and several of tfjs-node's tfjs wrappers add ops of their own: Mean casts its input,
// GatherV2 casts its indices, BroadcastTo is a Reshape and a Tile, logSoftmax is six ops in
// tfjs-core. The rows below call the TensorFlow op itself, with the axis and shape operands
// made once at compile time (`keep`).


/**
 * Rows of x: TensorFlow's GatherV2. It refuses negative indices, which the IR (as ONNX) counts
 * from the end: only then, the indices are wrapped and the gather retried (out-of-range
 * indices still fail, with TensorFlow's message).
 */
export function gather(xDtype: DType, keep: Keep): Kernel {
  const op = tfOp('GatherV2', { Tparams: ['type', TF_DTYPE[xDtype]], Tindices: ['type', 'int32'], Taxis: ['type', 'int32'], batch_dims: ['int', 0] });
  const axis = keep(tf.scalar(0, 'int32'));
  return (x, indices) => {
    try {
      return op(x, indices, axis);
    } catch (e) {
      if (!/is not in \[0,/.test(String((e as Error).message))) throw e;
      return tf.tidy(() => op(x, tf.where(tf.less(indices, 0), tf.add(indices, tf.scalar(x.shape[0], 'int32')), indices), axis));
    }
  };
}

/** Sum, Mean, Max over float32 axes: one op (tfjs-node's Mean adds a Cast, and each wrapper a new axes tensor per call). */
export function reduce(op: 'Sum' | 'Mean' | 'Max', axes: number[], keepdims: boolean, keep: Keep): Kernel {
  const run = tfOp(op, { T: ['type', 'float32'], Tidx: ['type', 'int32'], keep_dims: ['bool', keepdims] });
  const axesTensor = keep(tf.tensor1d(axes, 'int32'));
  return (x) => run(x, axesTensor);
}

/** Broadcast: TensorFlow's BroadcastTo (tfjs-node's is a Reshape and a Tile); the shape known now, or read off `like` per run. */
export function broadcastTo(dtype: DType, shape: readonly (number | null)[], keep: Keep): Kernel {
  const run = tfOp('BroadcastTo', { T: ['type', TF_DTYPE[dtype]], Tidx: ['type', 'int32'] });
  if (shape.every((d) => d !== null)) {
    const target = keep(tf.tensor1d(shape as number[], 'int32'));
    return (x) => run(x, target);
  }
  return composite((x, like) => run(x, tf.tensor1d(like.shape, 'int32')));
}

/** log(softmax(x)) along the last axis: TensorFlow's LogSoftmax (tfjs-core writes it as six ops). */
export function logSoftmax(): Kernel {
  return tfOp('LogSoftmax', { T: ['type', 'float32'] });
}
