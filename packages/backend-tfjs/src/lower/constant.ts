import * as tf from '@tensorflow/tfjs-core';
import { ops } from '@layerwise/core';
import { TF_DTYPE, hostToTf } from '../runtime/values.js';
import { lower } from './table.js';

export const constant = [
  // Known at compile time: uploaded once, kept by the executable.
  lower(ops.Constant, ({ attrs }) => hostToTf(attrs.value)),
  lower(ops.Cast, ({ attrs }) => {
    const to = TF_DTYPE[attrs.to];
    // To bool is "not zero" (ONNX); tfjs' wasm Cast truncates to a byte first (0.5 → false, 256 → false).
    return to === 'bool' ? (x) => tf.notEqual(x, tf.scalar(0, x.dtype)) : (x) => tf.cast(x, to);
  }),
];
