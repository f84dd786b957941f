import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import * as native from './native.js';
import { lower } from './table.js';
import { isStatic } from './util.js';

export const broadcast = [
  lower(ops.ExpandLike, ({ inputs: [x, ref], kernels, keep }) => {
    const known = ref.shape;
    if (kernels === 'node') return native.broadcastTo(x.dtype, known, keep);
    return isStatic(known) ? (x) => tf.broadcastTo(x, known) : (x, r) => tf.broadcastTo(x, r.shape);
  }),
  lower(ops.Tile, ({ attrs: { repeats } }) => (t) => tf.tile(t, repeats)),
];
