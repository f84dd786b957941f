import * as tf from '@tensorflow/tfjs-core';
import type { Kernel, Lowering } from './table.js';

/** A lowering whose kernel does not depend on the node. */
export const kernel =
  (k: Kernel): Lowering =>
  () =>
    k;

/** A kernel made of several tfjs calls: its temporaries are freed as soon as it returns. */
export const composite =
  (k: Kernel): Kernel =>
  (...xs) =>
    tf.tidy(() => k(...xs));

/** Whether a symbolic shape is fully known at compile time. */
export const isStatic = (shape: readonly (number | null)[]): shape is number[] => shape.every((d) => d !== null);
