// The custom op on the TensorFlow.js backend: a lowering runs once per node at compile time
// and returns the kernel called on every run; `composite` frees its temporaries right away.
import * as tf from '@tensorflow/tfjs-core';
import { composite, registerLowering } from '@layerwise/backend-tfjs';
import { ScaledSwishOp } from './op.js';

registerLowering(ScaledSwishOp, () => composite((x, beta) => tf.mul(x, tf.sigmoid(tf.mul(beta, x)))));
export { ScaledSwishOp };
