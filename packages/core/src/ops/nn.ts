import type { Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp, normalizeAxes } from './registry.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';

/** Softmax and LogSoftmax: the (normalized) axis they normalize along. */
export type AxisAttrs = { axis: number };

/** exp(x) / sum(exp(x)) along one axis. */
export const Softmax = defineOp<AxisAttrs>({
  name: 'Softmax',
  inputs: ['x'],
  inferShape: ([x]) => [{ shape: x.shape, dtype: x.dtype }],
  grad: ({ outputs: [y], dys: [dy], attrs: { axis } }) => [mul(y, sub(dy!, sum(mul(dy!, y), axis, true)))],
});

/** x - log(sum(exp(x))) along one axis: the stable path for crossentropy from logits. */
export const LogSoftmax = defineOp<AxisAttrs>({
  name: 'LogSoftmax',
  inputs: ['x'],
  inferShape: ([x]) => [{ shape: x.shape, dtype: x.dtype }],
  grad: ({ outputs: [y], dys: [dy], attrs: { axis } }) => [sub(dy!, mul(exp(y), sum(dy!, axis, true)))],
});

/** int32 class indices → float32 one-hot rows (a new last axis of size depth). */
export type OneHotAttrs = { depth: number };
export const OneHot = defineOp<OneHotAttrs>({
  name: 'OneHot',
  inputs: ['indices'],
  inferShape: ([i], { depth }) => {
    if (i.dtype !== 'int32') throw new ShapeError(`OneHot: indices must be int32, got ${i.dtype}`);
    return [{ shape: [...i.shape, depth], dtype: 'float32' }];
  },
});

const axisOf = (x: Value, axis: number, op: string) => normalizeAxes(axis, x.rank, op)[0];
export const softmax = (x: Value, axis = -1) => apply1(Softmax, [x], { axis: axisOf(x, axis, 'Softmax') });
export const logSoftmax = (x: Value, axis = -1) => apply1(LogSoftmax, [x], { axis: axisOf(x, axis, 'LogSoftmax') });
export const oneHot = (indices: Value, depth: number) => apply1(OneHot, [indices], { depth });
