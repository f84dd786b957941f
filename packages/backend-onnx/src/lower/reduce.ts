import type { Lowerings } from '../onnx/builder.js';
import { ONNX_DTYPE } from '../onnx/model.js';

export const reduce: Lowerings = {
  ReduceSum: (n, g) => g.reduce('ReduceSum', n.in(0), n.attrs.axes, n.attrs.keepdims),
  ReduceMean: (n, g) => g.reduce('ReduceMean', n.in(0), n.attrs.axes, n.attrs.keepdims),
  ReduceMax: (n, g) => g.reduce('ReduceMax', n.in(0), n.attrs.axes, n.attrs.keepdims),
  // ONNX ArgMax yields int64; the IR promises int32.
  ArgMax: (n, g) => g.node('Cast', [g.node('ArgMax', [n.in(0)], { axis: n.attrs.axis, keepdims: n.attrs.keepdims ? 1 : 0 })], { to: ONNX_DTYPE.int32 }),
  SizeOf: (n, g) => {
    const dims = g.node('Gather', [g.node('Shape', [n.in(0)]), g.int64(n.attrs.axes)], { axis: 0 });
    return g.node('Cast', [g.reduce('ReduceProd', dims, null, false)], { to: ONNX_DTYPE.float32 });
  },
};
