import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { lower } from './table.js';
import { isStatic } from './util.js';

export const broadcast = [
  lower(ops.ExpandLike, ({ inputs: [, ref] }) => {
    const known = ref.shape;
    return isStatic(known) ? (x) => tf.broadcastTo(x, known) : (x, r) => tf.broadcastTo(x, r.shape);
  }),
  lower(ops.Tile, ({ attrs: { repeats } }) => (t) => tf.tile(t, repeats)),
];
