import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { lower } from './table.js';

/** Below this many elements a transposed operand costs less than an extra transpose kernel. */
const SMALL = 2048;

export const matmul = [
  // tfjs' wasm and cpu matmuls are several times slower with a transposed operand than a
  // transpose followed by a plain matmul (2.4 ms vs 0.5 ms for the MLP's 784 × 32 × 50 dW).
  lower(ops.MatMul, ({ attrs: { transA, transB }, kernels }) => {
    if (kernels === 'node' || (!transA && !transB)) return (a, b) => tf.matMul(a, b, transA, transB);
    return (a, b) => {
      const ta = transA && a.size > SMALL;
      const tb = transB && b.size > SMALL;
      if (!ta && !tb) return tf.matMul(a, b, transA, transB);
      return tf.tidy(() => tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b, transA && !ta, transB && !tb));
    };
  }),
];
