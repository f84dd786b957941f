import * as tf from '@tensorflow/tfjs-core';
import { sliceBox } from '../runtime/custom-kernels.js';

// Convolutions and pooling in the IR's layout, which is tfjs' own: x NHWC, kernels HWIO.

export type Pair = [number, number];
/** [top, left, bottom, right], as the IR's ops give them. */
export type Pads = [number, number, number, number];
export type T4 = tf.Tensor4D;

export const as4 = (t: tf.Tensor) => t as T4;

/** Height and width of an NHWC shape (static where convolutions and pools need them). */
export const hw = (shape: readonly (number | null)[]): Pair => [shape[1] as number, shape[2] as number];

/** Insert s-1 zeros between the elements of axes 1 and 2: [N, H, W, C] → [N, (H-1)·sh+1, (W-1)·sw+1, C]. */
export function upsample(x: T4, [sh, sw]: Pair): T4 {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return as4(sliceBox(tf.reshape(spread, [n, h * sh, w * sw, c]), [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]));
}
