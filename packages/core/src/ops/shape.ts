import type { Dim, SymShape, Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp, fmt } from './registry.js';

/**
 * Reshape with ONNX semantics: 0 copies the input's dimension at that position, -1 is inferred.
 * Flatten is `reshape(x, [0, -1])`, which keeps the batch dimension symbolic.
 */
export const Reshape = defineOp<{ shape: number[] }>({
  name: 'Reshape',
  inputs: ['x'],
  inferShape: ([x], { shape }) => [{ shape: reshapeShape(x.shape, shape), dtype: x.dtype }],
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x)],
});

export function reshapeShape(input: SymShape, target: readonly number[]): SymShape {
  if (target.filter((d) => d === -1).length > 1) throw new ShapeError(`Reshape: at most one -1 in target shape [${target.join(', ')}]`);
  const out: Dim[] = target.map((d, i) => {
    if (d === 0) {
      if (i >= input.length) throw new ShapeError(`Reshape: 0 at position ${i} but input ${fmt(input)} has rank ${input.length}`);
      return input[i];
    }
    return d;
  });
  // What is left of the input once copied (0) dimensions are taken out must fill the rest.
  const copied = new Set(target.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0));
  const rest = input.filter((_, i) => !copied.has(i));
  const restKnown = rest.every((d) => d !== null);
  const restSize = rest.reduce<number>((p, d) => p * (d ?? 1), 1);
  const explicit = out.filter((d, i) => d !== -1 && !copied.has(i)) as number[];
  const explicitSize = explicit.reduce((p, d) => p * d, 1);
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    if (restKnown) {
      if (restSize % explicitSize !== 0) throw new ShapeError(`Reshape: cannot reshape ${fmt(input)} into [${target.join(', ')}]`);
      out[minus] = restSize / explicitSize;
    } else out[minus] = null;
  } else if (restKnown && restSize !== explicitSize) {
    throw new ShapeError(`Reshape: cannot reshape ${fmt(input)} (${restSize} elements besides copied dims) into [${target.join(', ')}]`);
  }
  return out;
}

/** Reshape x to ref's run-time shape (gradients of reshapes and broadcasts). */
export const ReshapeLike = defineOp({
  name: 'ReshapeLike',
  inputs: ['x', 'ref'],
  inferShape: ([, ref]) => [{ shape: ref.shape, dtype: ref.dtype === 'float32' ? 'float32' : ref.dtype }],
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x), null],
});

/** Broadcast x (already keepdims-shaped) up to ref's run-time shape. */
export const ExpandLike = defineOp({
  name: 'ExpandLike',
  inputs: ['x', 'ref'],
  inferShape: ([x, ref]) => [{ shape: ref.shape, dtype: x.dtype }],
  // The adjoint of broadcasting is summing back; reduce.ts owns sumTo, so import lazily via the op table.
  grad: ({ inputs: [x], dys: [dy] }) => [sumToLazy(dy!, x), null],
});

let sumToImpl: ((dy: Value, like: Value) => Value) | null = null;
export function registerSumTo(fn: (dy: Value, like: Value) => Value): void {
  sumToImpl = fn;
}
const sumToLazy = (dy: Value, like: Value) => sumToImpl!(dy, like);

export const Transpose = defineOp<{ perm: number[] }>({
  name: 'Transpose',
  inputs: ['x'],
  inferShape: ([x], { perm }) => {
    if (perm.length !== x.rank || [...perm].sort().some((p, i) => p !== i))
      throw new ShapeError(`Transpose: perm [${perm.join(', ')}] is not a permutation of ${x.rank} axes`);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }];
  },
  grad: ({ dys: [dy], attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(dy!, inverse)];
  },
});

/** Insert size-1 axes at the given positions of the output. */
export const Unsqueeze = defineOp<{ axes: number[] }>({
  name: 'Unsqueeze',
  inputs: ['x'],
  inferShape: ([x], { axes }) => {
    const out: Dim[] = [];
    const rank = x.rank + axes.length;
    for (let i = 0, j = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]);
    return [{ shape: out, dtype: x.dtype }];
  },
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x)],
});

export const unsqueeze = (x: Value, axes: number[]) => apply1(Unsqueeze, [x], { axes: [...axes].sort((a, b) => a - b) });
/**
 * Rows of x picked by int32 indices along axis 0 (x[indices]). Fit uses it to cut each batch
 * out of the whole dataset inside the graph, so no batch is copied in JavaScript.
 */
export const Gather = defineOp({
  name: 'Gather',
  inputs: ['x', 'indices'],
  inferShape: ([x, i]) => {
    if (i.dtype !== 'int32') throw new ShapeError(`Gather: indices must be int32, got ${i.dtype}`);
    if (x.rank < 1) throw new ShapeError('Gather: cannot index a scalar');
    return [{ shape: [...i.shape, ...x.shape.slice(1)], dtype: x.dtype }];
  },
  // Not differentiable with respect to the data: it only ever reads inputs here.
});

export const gather = (x: Value, indices: Value) => apply1(Gather, [x, indices]);
export const reshape = (x: Value, shape: number[]) => apply1(Reshape, [x], { shape });
export const reshapeLike = (x: Value, ref: Value): Value => (sameStaticShape(x.shape, ref.shape) ? x : apply1(ReshapeLike, [x, ref]));
export const expandLike = (x: Value, ref: Value) => apply1(ExpandLike, [x, ref]);
export const transpose = (x: Value, perm: number[]): Value => apply1(Transpose, [x], { perm });
/** Keras' Flatten: keep the batch dimension, merge the rest. */
export const flatten = (x: Value) => reshape(x, [0, -1]);

export function sameStaticShape(a: SymShape, b: SymShape): boolean {
  return a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}
