import type { SymShape, Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp, normalizeAxes } from './registry.js';
import { cast, scalar } from './constant.js';
import { div, equal, mul } from './elementwise.js';
import { unsqueeze } from './shape.js';
// Summing and broadcasting are each other's gradients: broadcast.ts imports this file too.
import { expandLike } from './broadcast.js';

/** Reduce over `axes` (normalized, sorted; empty = nothing is reduced). */
export type ReduceAttrs = { axes: number[]; keepdims: boolean };

function reducedShape(shape: SymShape, axes: number[], keepdims: boolean): SymShape {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}
const reduceShape = (name: string) => ([x]: Value[], { axes }: ReduceAttrs) => {
  if (x.dtype === 'bool') throw new ShapeError(`${name}: cannot reduce a bool tensor; cast it first`);
  return [{ shape: reducedShape(x.shape, axes, false), dtype: x.dtype }];
};
/** Fix the shape rule for keepdims after normalizing axes. */
const reduceInfer = (name: string) => (inputs: Value[], attrs: ReduceAttrs) => {
  const [spec] = reduceShape(name)(inputs, attrs);
  return [{ ...spec, shape: reducedShape(inputs[0].shape, attrs.axes, attrs.keepdims) }];
};

/** dy of a reduction, put back into x's shape (keepdims form, then broadcast). */
function spreadBack(dy: Value, x: Value, { axes, keepdims }: ReduceAttrs): Value {
  return expandLike(keepdims ? dy : unsqueeze(dy, axes), x);
}

export const ReduceSum = defineOp<ReduceAttrs>({
  name: 'ReduceSum', inputs: ['x'], inferShape: reduceInfer('ReduceSum'),
  grad: ({ inputs: [x], dys: [dy], attrs }) => [spreadBack(dy!, x, attrs)],
});
export const ReduceMean = defineOp<ReduceAttrs>({
  name: 'ReduceMean', inputs: ['x'], inferShape: reduceInfer('ReduceMean'),
  grad: ({ inputs: [x], dys: [dy], attrs }) => [div(spreadBack(dy!, x, attrs), countOf(x, attrs.axes))],
});
export const ReduceMax = defineOp<ReduceAttrs>({
  name: 'ReduceMax', inputs: ['x'], inferShape: reduceInfer('ReduceMax'),
  grad: ({ inputs: [x], outputs: [y], dys: [dy], attrs }) => {
    const isMax = cast(equal(x, spreadBack(y, x, attrs)), 'float32');
    return [mul(spreadBack(dy!, x, attrs), isMax)];
  },
});
/** Index of the largest value along one axis, int32. */
export type ArgMaxAttrs = { axis: number; keepdims: boolean };
export const ArgMax = defineOp<ArgMaxAttrs>({
  name: 'ArgMax', inputs: ['x'],
  inferShape: ([x], { axis, keepdims }) => [{ shape: reducedShape(x.shape, [axis], keepdims), dtype: 'int32' }],
});

/** Number of elements reduced over; from the run-time shape when a reduced dim is symbolic. */
function countOf(x: Value, axes: number[]): Value {
  const dims = axes.map((a) => x.shape[a]);
  if (dims.every((d) => d !== null)) return scalar(dims.reduce<number>((p, d) => p * d!, 1));
  return apply1(SizeOf, [x], { axes });
}
/** Product of x's run-time dimensions over `axes`, as a float32 scalar. */
export type SizeOfAttrs = { axes: number[] };
export const SizeOf = defineOp<SizeOfAttrs>({
  name: 'SizeOf', inputs: ['x'],
  inferShape: () => [{ shape: [], dtype: 'float32' }],
  grad: () => [null],
});

const reducer = (op: typeof ReduceSum) => (x: Value, axes?: number | number[] | null, keepdims = false) =>
  apply1(op, [x], { axes: normalizeAxes(axes, x.rank, op.name), keepdims });
export const sum = reducer(ReduceSum);
export const mean = reducer(ReduceMean);
export const max = reducer(ReduceMax);
export const argMax = (x: Value, axis = -1, keepdims = false) =>
  apply1(ArgMax, [x], { axis: normalizeAxes(axis, x.rank, 'ArgMax')[0], keepdims });
export const sizeOf = (x: Value, axes?: number[]) => apply1(SizeOf, [x], { axes: normalizeAxes(axes, x.rank, 'SizeOf') });
