import * as tf from '@tensorflow/tfjs-core';
import type { Lowerings } from './types.js';
import { composite } from './util.js';

/** Below this many elements a transposed operand costs less than an extra transpose kernel. */
const SMALL = 2048;

export const nn: Lowerings = {
  // tfjs' wasm and cpu matmuls are several times slower with a transposed operand than a
  // transpose followed by a plain matmul (2.4 ms vs 0.5 ms for the MLP's 784 × 32 × 50 dW).
  MatMul: ({ attrs: { transA, transB }, kernels }) => {
    if (kernels === 'node' || (!transA && !transB)) return (a, b) => tf.matMul(a, b, transA, transB);
    return (a, b) => {
      const ta = transA && a.size > SMALL;
      const tb = transB && b.size > SMALL;
      if (!ta && !tb) return tf.matMul(a, b, transA, transB);
      return tf.tidy(() => tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b, transA && !ta, transB && !tb));
    };
  },
  // tfjs' softmax kernel works along the last axis only; other axes are written out.
  Softmax: ({ attrs: { axis }, inputs: [x] }) =>
    axis === x.rank - 1
      ? (t) => tf.softmax(t)
      : composite((t) => {
          const e = tf.exp(tf.sub(t, tf.max(t, axis, true)));
          return tf.div(e, tf.sum(e, axis, true));
        }),
  LogSoftmax: ({ attrs: { axis } }) =>
    composite((t) => {
      const shifted = tf.sub(t, tf.max(t, axis, true));
      return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
    }),
  // ONNX OneHot: indices in [-depth, depth) (negative ones count from the end); others give a zero row.
  // tfjs' wasm OneHot writes integer bits into a float32 output: take the int32 one-hot and cast it.
  OneHot: ({ attrs: { depth } }) =>
    composite((i) => {
      const wrapped = tf.where(tf.less(i, 0), tf.add(i, tf.scalar(depth, 'int32')), i);
      return tf.cast(tf.oneHot(wrapped, depth), 'float32');
    }),
};
