import * as tf from '@tensorflow/tfjs-core';
import { ops, type Value } from '@layerwise/core';
import { compare } from '../runtime/custom-kernels.js';
import { lower } from './table.js';
import { composite, kernel } from './util.js';

export const elementwise = [
  lower(ops.Add, kernel(tf.add)),
  lower(ops.Sub, kernel(tf.sub)),
  lower(ops.Mul, kernel(tf.mul)),
  // tfjs divides int32 by flooring; ONNX (and the IR) truncate toward zero.
  lower(ops.Div, ({ inputs }) => (inputs[0].dtype === 'float32' ? tf.div : composite((a, b) => tf.cast(tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 'int32')))),
  lower(ops.Maximum, kernel(tf.maximum)),
  lower(ops.Minimum, kernel(tf.minimum)),
  lower(ops.Pow, kernel(tf.pow)),
  lower(ops.Greater, kernel(compare('gt', tf.greater))),
  lower(ops.GreaterOrEqual, kernel(compare('ge', tf.greaterEqual))),
  lower(ops.Less, kernel(compare('lt', tf.less))),
  lower(ops.LessOrEqual, kernel(compare('le', tf.lessEqual))),
  lower(ops.Equal, kernel(compare('eq', tf.equal))),
  lower(ops.Where, kernel(tf.where)),
  lower(ops.Neg, kernel(tf.neg)),
  lower(ops.Exp, kernel(tf.exp)),
  lower(ops.Log, kernel(tf.log)),
  lower(ops.Sqrt, kernel(tf.sqrt)),
  lower(ops.Abs, kernel(tf.abs)),
  lower(ops.Sign, kernel(tf.sign)),
  lower(ops.Sigmoid, kernel(tf.sigmoid)),
  lower(ops.Tanh, kernel(tf.tanh)),
  lower(ops.Relu, kernel(tf.relu)),
  lower(ops.Softplus, kernel(tf.softplus)),
  // tfjs' Elu has no alpha: alpha · elu(x) on the negative side.
  lower(ops.Elu, ({ attrs: { alpha } }) => (alpha === 1 ? tf.elu : composite((x) => tf.where(tf.greater(x, 0), x, tf.mul(tf.elu(x), alpha))))),
  lower(ops.Clip, ({ attrs: { min, max } }) => (x) => tf.clipByValue(x, min, max)),
];

/** Is this input the float constant 0 (a scalar)? Then `a - 0` can be skipped. */
const isZero = (v: Value) => {
  const t = v.node?.op.name === ops.Constant.name ? (v.node.attrs as ops.ConstantAttrs).value : null;
  return !!t && t.size === 1 && t.data[0] === 0;
};

/**
 * Comparisons of float32 operands whose result is only ever cast to float32 (ReLU, clip and
 * max-pool gradient masks, accuracy): the 0/1 float mask straight from arithmetic kernels
 * (step of a difference). tfjs' wasm comparison kernels cost ~6 ns per element; sub and step
 * cost a tenth of that. Same values for every finite or infinite operand pair except
 * ±∞ against itself (∞ − ∞ is NaN), and NaN operands give NaN rather than 0.
 */
export const masks = [
  lower(ops.Greater, ({ inputs: [, b] }) => (isZero(b) ? (a) => tf.step(a) : composite((a, c) => tf.step(tf.sub(a, c))))),
  lower(ops.Less, ({ inputs: [a] }) => (isZero(a) ? (_z, b) => tf.step(b) : composite((x, c) => tf.step(tf.sub(c, x))))),
  lower(ops.GreaterOrEqual, () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.sub(b, a))))),
  lower(ops.LessOrEqual, () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.sub(a, b))))),
  lower(ops.Equal, () => composite((a, b) => tf.sub(tf.scalar(1), tf.step(tf.abs(tf.sub(a, b)))))),
];

