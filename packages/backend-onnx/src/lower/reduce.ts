import { ops } from '@layerwise/core';
import { ONNX_DTYPE } from '../onnx/model.js';
import { lower } from './table.js';

export const reduce = [
  lower(ops.ReduceSum, (n, g) => g.reduce('ReduceSum', n.in(0), n.attrs.axes, n.attrs.keepdims)),
  lower(ops.ReduceMean, (n, g) => g.reduce('ReduceMean', n.in(0), n.attrs.axes, n.attrs.keepdims)),
  lower(ops.ReduceMax, (n, g) => g.reduce('ReduceMax', n.in(0), n.attrs.axes, n.attrs.keepdims)),
  // ONNX ArgMax yields int64; the IR promises int32.
  lower(ops.ArgMax, (n, g) => g.node('Cast', [g.node('ArgMax', [n.in(0)], { axis: n.attrs.axis, keepdims: n.attrs.keepdims ? 1 : 0 })], { to: ONNX_DTYPE.int32 })),
  lower(ops.SizeOf, (n, g) => {
    const dims = g.node('Gather', [g.node('Shape', [n.in(0)]), g.int64(n.attrs.axes)], { axis: 0 });
    return g.node('Cast', [g.reduce('ReduceProd', dims, null, false)], { to: ONNX_DTYPE.float32 });
  }),
];
