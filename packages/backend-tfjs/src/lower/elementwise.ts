import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@layerwise/core';
import { compare } from '../runtime/custom-kernels.js';
import { TF_DTYPE, hostToTf } from '../runtime/values.js';
import type { LoweringNode, Lowerings } from './types.js';
import { composite, kernel } from './util.js';

export const elementwise: Lowerings = {
  // Known at compile time: uploaded once, kept by the executable.
  Constant: ({ attrs }) => hostToTf(attrs.value as Tensor),
  Cast: ({ attrs }) => {
    const to = TF_DTYPE[attrs.to as keyof typeof TF_DTYPE];
    // To bool is "not zero" (ONNX); tfjs' wasm Cast truncates to a byte first (0.5 → false, 256 → false).
    return to === 'bool' ? (x) => tf.notEqual(x, tf.scalar(0, x.dtype)) : (x) => tf.cast(x, to);
  },
  Add: kernel(tf.add),
  Sub: kernel(tf.sub),
  Mul: kernel(tf.mul),
  // tfjs divides int32 by flooring; ONNX (and the IR) truncate toward zero.
  Div: ({ inputs }) => (inputs[0].dtype === 'float32' ? tf.div : composite((a, b) => tf.cast(tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 'int32'))),
  Max: kernel(tf.maximum),
  Min: kernel(tf.minimum),
  Pow: kernel(tf.pow),
  Greater: kernel(compare('gt', tf.greater)),
  GreaterOrEqual: kernel(compare('ge', tf.greaterEqual)),
  Less: kernel(compare('lt', tf.less)),
  LessOrEqual: kernel(compare('le', tf.lessEqual)),
  Equal: kernel(compare('eq', tf.equal)),
  Where: kernel(tf.where),
  Neg: kernel(tf.neg),
  Exp: kernel(tf.exp),
  Log: kernel(tf.log),
  Sqrt: kernel(tf.sqrt),
  Abs: kernel(tf.abs),
  Sign: kernel(tf.sign),
  Sigmoid: kernel(tf.sigmoid),
  Tanh: kernel(tf.tanh),
  Relu: kernel(tf.relu),
  Softplus: kernel(tf.softplus),
  // tfjs' Elu has no alpha: alpha · elu(x) on the negative side.
  Elu: ({ attrs: { alpha } }) => (alpha === 1 ? tf.elu : composite((x) => tf.where(tf.greater(x, 0), x, tf.mul(tf.elu(x), alpha)))),
  Clip: ({ attrs: { min, max } }) => (x) => tf.clipByValue(x, min, max),
};

/** Is this input the float constant 0 (a scalar)? Then `a - 0` can be skipped. */
const isZero = (v: LoweringNode['inputs'][number]) => {
  const t = v.node?.op.name === 'Constant' ? (v.node.attrs.value as Tensor) : null;
  return !!t && t.size === 1 && t.data[0] === 0;
};

/**
 * Comparisons of float32 operands whose result is only ever cast to float32 (ReLU, clip and
 * max-pool gradient masks, accuracy): the 0/1 float mask straight from arithmetic kernels
 * (step of a difference). tfjs' wasm comparison kernels cost ~6 ns per element; sub and step
 * cost a tenth of that. Same values for every finite or infinite operand pair except
 * ±∞ against itself (∞ − ∞ is NaN), and NaN operands give NaN rather than 0.
 */
export const masks: Lowerings = {
  Greater: ({ inputs: [, b] }) => (isZero(b) ? (a) => tf.step(a) : composite((a, c) => tf.step(tf.sub(a, c)))),
  Less: ({ inputs: [a] }) => (isZero(a) ? (_z, b) => tf.step(b) : composite((x, c) => tf.step(tf.sub(c, x)))),
  GreaterOrEqual: () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.sub(b, a)))),
  LessOrEqual: () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.sub(a, b)))),
  Equal: () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.abs(tf.sub(a, b))))),
};

