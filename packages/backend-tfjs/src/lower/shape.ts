import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { concatAlong, GATHER_ROWS, sliceBox } from '../runtime/custom-kernels.js';
import * as native from './native.js';
import { lower } from './table.js';
import { isStatic } from './util.js';

export const shape = [
  // ONNX semantics: 0 copies the input's dimension, -1 is inferred (tfjs infers -1 itself).
  lower(ops.Reshape, ({ attrs: { shape: target } }) => {
    if (!target.includes(0)) return (x) => tf.reshape(x, target);
    return (x) => tf.reshape(x, target.map((d, i) => (d === 0 ? x.shape[i] : d)));
  }),
  lower(ops.ReshapeLike, ({ inputs: [, ref] }) => {
    const known = ref.shape;
    return isStatic(known) ? (x) => tf.reshape(x, known) : (x, r) => tf.reshape(x, r.shape);
  }),
  // axes are positions in the output (sorted): a reshape that inserts 1s there.
  lower(ops.Unsqueeze, ({ attrs: { axes } }) => (x) => {
    const out: number[] = [];
    for (let i = 0, j = 0; i < x.rank + axes.length; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]);
    return tf.reshape(x, out);
  }),
  lower(ops.Transpose, ({ attrs: { perm } }) => (x) => tf.transpose(x, perm)),
  // Rows of x: one memmove per row on wasm and cpu (Layerwise's kernel); TensorFlow's GatherV2 on tfjs-node.
  lower(ops.Gather, ({ kernels, inputs: [x], keep }) =>
    kernels === 'node' ? native.gather(x.dtype, keep) : (x, indices) => tf.engine().runKernel(GATHER_ROWS, { x, indices }) as tf.Tensor,
  ),
  lower(ops.Pad, ({ attrs: { pads, value }, inputs: [x] }) => {
    const paddings = x.shape.map((_, i) => [pads[i], pads[i + x.rank]] as [number, number]);
    return (t) => tf.pad(t, paddings, value);
  }),
  // A null end is "to the end of the axis".
  lower(ops.Slice, ({ attrs: { starts, ends } }) => (t) =>
    sliceBox(
      t,
      starts,
      ends.map((e, i) => (e === null ? t.shape[i] : e) - starts[i]),
    ),
  ),
  lower(ops.Concat, ({ attrs: { axis } }) => (...xs) => concatAlong(xs, axis)),
];
