import * as tf from '@tensorflow/tfjs-core';
import type { Lowerings } from './types.js';
import { GATHER_ROWS } from '../runtime/custom-kernels.js';
import { isStatic } from './util.js';

export const shape: Lowerings = {
  // ONNX semantics: 0 copies the input's dimension, -1 is inferred (tfjs infers -1 itself).
  Reshape: ({ attrs }) => {
    const target = attrs.shape as number[];
    if (!target.includes(0)) return (x) => tf.reshape(x, target);
    return (x) => tf.reshape(x, target.map((d, i) => (d === 0 ? x.shape[i] : d)));
  },
  ReshapeLike: ({ inputs: [, ref] }) => {
    const known = ref.shape;
    return isStatic(known) ? (x) => tf.reshape(x, known) : (x, r) => tf.reshape(x, r.shape);
  },
  ExpandLike: ({ inputs: [, ref] }) => {
    const known = ref.shape;
    return isStatic(known) ? (x) => tf.broadcastTo(x, known) : (x, r) => tf.broadcastTo(x, r.shape);
  },
  // axes are positions in the output (sorted): a reshape that inserts 1s there.
  Unsqueeze: ({ attrs }) => {
    const axes = attrs.axes as number[];
    return (x) => {
      const out: number[] = [];
      for (let i = 0, j = 0; i < x.rank + axes.length; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]);
      return tf.reshape(x, out);
    };
  },
  Transpose: ({ attrs }) => {
    const perm = attrs.perm as number[];
    return (x) => tf.transpose(x, perm);
  },
  // Rows of x: one memmove per row on wasm and cpu (Layerwise's kernel); tfjs' own elsewhere.
  Gather: ({ kernels }) =>
    kernels === 'node' ? (x, indices) => tf.gather(x, indices, 0) : (x, indices) => tf.engine().runKernel(GATHER_ROWS, { x, indices }) as tf.Tensor,
};
