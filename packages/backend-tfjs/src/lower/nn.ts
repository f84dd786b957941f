import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import * as native from './native.js';
import { lower } from './table.js';
import { composite } from './util.js';

export const nn = [
  // tfjs' softmax kernel works along the last axis only; other axes are written out.
  lower(ops.Softmax, ({ attrs: { axis }, inputs: [x] }) =>
    axis === x.rank - 1
      ? (t) => tf.softmax(t)
      : composite((t) => {
          const e = tf.exp(tf.sub(t, tf.max(t, axis, true)));
          return tf.div(e, tf.sum(e, axis, true));
        }),
  ),
  lower(ops.LogSoftmax, ({ attrs: { axis }, inputs: [x], kernels }) =>
    kernels === 'node' && axis === x.rank - 1
      ? native.logSoftmax()
      : composite((t) => {
          const shifted = tf.sub(t, tf.max(t, axis, true));
          return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
        }),
  ),
  // ONNX OneHot: indices in [-depth, depth) (negative ones count from the end); others give a zero row.
  // tfjs' wasm OneHot writes integer bits into a float32 output: take the int32 one-hot and cast it.
  lower(ops.OneHot, ({ attrs: { depth } }) =>
    composite((i) => {
      const wrapped = tf.where(tf.less(i, 0), tf.add(i, tf.scalar(depth, 'int32')), i);
      return tf.cast(tf.oneHot(wrapped, depth), 'float32');
    }),
  ),
];
