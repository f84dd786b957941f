import type { Lowerings } from '../onnx/builder.js';
import { ONNX_DTYPE } from '../onnx/model.js';
import { Tensor } from '@layerwise/core';

export const nn: Lowerings = {
  MatMul: (n, g) => g.node('Gemm', [n.in(0), n.in(1)], { transA: n.attrs.transA ? 1 : 0, transB: n.attrs.transB ? 1 : 0 }),
  Softmax: (n, g) => g.node('Softmax', [n.in(0)], { axis: n.attrs.axis }),
  LogSoftmax: (n, g) => g.node('LogSoftmax', [n.in(0)], { axis: n.attrs.axis }),
  OneHot: (n, g) =>
    g.node('OneHot', [g.node('Cast', [n.in(0)], { to: ONNX_DTYPE.int64 }), g.int64([n.attrs.depth], true), g.initializer(Tensor.from([0, 1]), 'onehot_values')], {
      axis: -1,
    }),
};
