import { ConfigError, DataError } from '../errors.js';
import type { SymShape } from '../ir/graph.js';
import type { Loss } from '../losses/losses.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The checks fit/evaluate/predict run on their arguments and data before any work is done, so
 * that a mistake is a named error here rather than a hang, a crash in a backend or silent nonsense.
 */

import { describeValue } from '../options.js';
export { describeValue };

/** `batchSize`, `epochs`…: a positive (min 1) or non-negative (min 0) integer. */
export function checkInteger(where: string, name: string, v: unknown, min: 0 | 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new ConfigError(`${where}: ${name} must be a ${min === 1 ? 'positive' : 'non-negative'} integer; got ${describeValue(v)}`);
  return v;
}

/** Generator step counts: positive, fractions rounded up as Keras does; undefined stays undefined. */
export function checkSteps(where: string, name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ConfigError(`${where}: ${name} must be a positive number; got ${describeValue(v)}`);
  return Math.ceil(v);
}

export type Verbose = 0 | 1 | 2 | 'auto';
export function checkVerbose(where: string, v: unknown): number {
  if (v === undefined || v === 'auto') return 1;
  if (v === 0 || v === 1 || v === 2) return v;
  throw new ConfigError(`${where}: verbose must be 0, 1, 2 or 'auto'; got ${describeValue(v)}`);
}

/**
 * x or y as a list of Tensors (one per model input or output). A plain nested JS array of
 * numbers (no Tensor inside) is one array, read as np.array reads it (float32): a list of
 * inputs holds Tensors, so `[[1, 2], [3, 4]]` cannot be mistaken for two inputs.
 */
export function tensorList(v: unknown, where: string, what: string): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof Tensor)) return v;
  if (Array.isArray(v) && v.length > 0 && !v.some((t) => t instanceof Tensor)) {
    if (!isNumeric(v))
      throw new DataError(`${where}: ${what} is a plain JS array (${nestedShape(v)}) holding something other than numbers; pass numbers, a Tensor, or a list of Tensors, one per model ${what === 'x' ? 'input' : 'output'}`);
    try {
      return [Tensor.from(v as Parameters<typeof Tensor.from>[0])];
    } catch (e) {
      throw new DataError(`${where}: ${what} is a plain JS array (${nestedShape(v)}) that is not rectangular: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(v)) throw new DataError(`${where}: ${what} must be a Tensor or a non-empty list of Tensors; got ${v.length ? 'a list mixing Tensors and other values' : 'an empty list'}`);
  throw new DataError(`${where}: ${what} must be a Tensor or a list of Tensors; got ${describeValue(v)}`);
}

/** Numbers (or booleans) at every leaf of a nested array. */
function isNumeric(v: unknown): boolean {
  return Array.isArray(v) ? v.every(isNumeric) : typeof v === 'number' || typeof v === 'boolean';
}

/** `shape [4, 16] of numbers`: what a nested JS array looks like, following its first elements. */
function nestedShape(v: unknown[]): string {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return `shape [${shape.join(', ')}] of ${typeof cur}s`;
}

/** Every array has the same number of samples (Keras' "Data cardinality is ambiguous"), and there is at least one. */
export function checkSameLength(xs: Tensor[], ys: Tensor[], where: string): number {
  const n = xs[0].shape[0];
  for (const [what, arrs] of [['x', xs], ['y', ys]] as const)
    arrs.forEach((a, i) => {
      if (a.rank === 0) throw new DataError(`${where}: ${what}[${i}] is a scalar; arrays need a first (samples) axis`);
      if (a.shape[0] !== n)
        throw new DataError(`Data cardinality is ambiguous: x has ${n} samples but ${what}[${i}] has ${a.shape[0]}. Make sure all arrays contain the same number of samples.`);
    });
  if (n === 0) throw new DataError(`${where}: x has 0 samples; there is nothing to ${where === 'fit' ? 'train on' : where}`);
  return n;
}

/** NaN or Inf in the data would silently poison training: fail before the first step instead. */
export function checkFinite(arrays: Tensor[], what: string): void {
  arrays.forEach((a, k) => {
    if (a.dtype !== 'float32') return;
    const d = a.data;
    // x * 0 is 0 for finite x and NaN otherwise: one branch-free pass, then find the culprit.
    let probe = 0;
    for (let i = 0; i < d.length; i++) probe += d[i] * 0;
    if (probe === 0) return;
    const i = d.findIndex((v) => !Number.isFinite(v));
    const row = Math.floor(i / (a.size / a.shape[0] || 1));
    throw new DataError(`${what}${arrays.length > 1 ? `[${k}]` : ''} contains ${d[i]} at sample ${row} (flat index ${i}); clean or impute the data before training`);
  });
}

/** One model output as the checks see it: its name, symbolic shape and loss. */
export interface TargetSpec {
  name: string;
  shape: SymShape;
  loss: Loss;
}

/**
 * Targets as the losses want them, checked against each output: a [n] vector for a [n, 1]
 * output becomes [n, 1], one-hot-shaped labels of a sparse loss lose their last axis, and the
 * loss checks the values it cannot take (a class label ≥ the number of classes).
 */
export function prepareTargets(outputs: TargetSpec[], ys: Tensor[], where: string): Tensor[] {
  if (ys.length !== outputs.length)
    throw new DataError(`${where}: the model has ${outputs.length} output(s) (${outputs.map((o) => o.name).join(', ')}) but y holds ${ys.length} array(s)`);
  return ys.map((y, i) => {
    const { shape: predShape, loss, name } = outputs[i];
    loss.checkTarget(y.shape, predShape);
    loss.checkTargetValues?.(y, predShape, outputs.length > 1 ? `y for output '${name}'` : 'y');
    const wants = loss.targetSpec(predShape).dtype;
    if (wants === 'float32' && y.rank === predShape.length - 1 && predShape[predShape.length - 1] === 1) return y.reshape([...y.shape, 1]);
    if (wants === 'int32' && y.rank === predShape.length) return y.reshape(y.shape.slice(0, -1));
    return y;
  });
}
