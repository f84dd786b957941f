import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import * as native from './native.js';
import { lower, type Lowering } from './table.js';
import { composite } from './util.js';

type Reducer = (x: tf.Tensor, axes: number[], keepdims: boolean) => tf.Tensor;

const POOL_MIN = 16384;

/**
 * A sum (or mean) over leading axes as an average pool: x viewed as [1, m, 1, r] (NHWC) pooled
 * with an m × 1 window. tfjs' wasm Sum transposes the reduced axes innermost first (2-5 ms for
 * the bias gradient of a 64 × 26 × 26 × 32 conv output); XNNPACK's pooling reads x as it lies
 * (0.5 ms). A matmul with a row of ones would be as fast only if x were a cached weight.
 */
function leadingAxesByPool(k: number, keepdims: boolean, mean: boolean, stock: (x: tf.Tensor) => tf.Tensor) {
  return composite((x) => {
    // Small tensors: creating the pooling operator costs more than the transpose saves.
    if (x.size < POOL_MIN) return stock(x);
    const m = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
    const rest = x.shape.slice(k);
    const avg = tf.avgPool(tf.reshape(x, [1, m, 1, x.size / m]) as tf.Tensor4D, [m, 1], 1, 'valid');
    return tf.reshape(mean ? avg : tf.mul(avg, tf.scalar(m)), keepdims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest);
  });
}

/** Reduce over the IR's (normalized, possibly empty) axes; an empty list leaves x as it is, as the IR's shape rule says. */
const reduction =
  (f: Reducer, byPool?: 'sum' | 'mean', nativeOp?: 'Sum' | 'Mean' | 'Max'): Lowering<ops.ReduceAttrs> =>
  ({ attrs: { axes, keepdims }, inputs: [input], outputs, kernels, keep }) => {
    if (axes.length === 0) return (x) => tf.clone(x);
    // tfjs-node: TensorFlow's reduction with its axes made once (native.ts).
    if (nativeOp && kernels === 'node' && input.dtype === 'float32') return native.reduce(nativeOp, axes, keepdims, keep);
    const leading = axes.every((a, i) => a === i) && axes.length < input.rank;
    if (byPool && kernels === 'wasm' && input.dtype === 'float32' && leading) return leadingAxesByPool(axes.length, keepdims, byPool === 'mean', (x) => f(x, axes, keepdims));
    // tfjs returns float32 for some integer reductions (mean); the IR keeps the input dtype.
    if (outputs[0].dtype === 'int32') return composite((x) => tf.cast(f(x, axes, keepdims), 'int32'));
    return (x) => f(x, axes, keepdims);
  };

export const reduce = [
  lower(ops.ReduceSum, reduction(tf.sum, 'sum', 'Sum')),
  lower(ops.ReduceMean, reduction(tf.mean, 'mean', 'Mean')),
  lower(ops.ReduceMax, reduction(tf.max, undefined, 'Max')),
  lower(ops.ArgMax, ({ attrs: { axis, keepdims } }) => (keepdims ? composite((x) => tf.expandDims(tf.argMax(x, axis), axis)) : (x) => tf.argMax(x, axis))),
  // The product of x's dims over axes: a constant when they are known at compile time.
  lower(ops.SizeOf, ({ attrs: { axes }, inputs: [x] }) => {
    const dims = axes.map((a) => x.shape[a]);
    if (dims.every((d) => d !== null)) return tf.scalar(dims.reduce<number>((p, d) => p * d!, 1), 'float32');
    return (t) => tf.scalar(axes.reduce((p, a) => p * t.shape[a], 1), 'float32');
  }),
];
