import { Tensor, ops } from '@layerwise/core';
import { ONNX_DTYPE } from '../onnx/model.js';
import { lower } from './table.js';

export const nn = [
  lower(ops.Softmax, (n, g) => g.node('Softmax', [n.in(0)], { axis: n.attrs.axis })),
  lower(ops.LogSoftmax, (n, g) => g.node('LogSoftmax', [n.in(0)], { axis: n.attrs.axis })),
  lower(ops.OneHot, (n, g) =>
    g.node('OneHot', [g.node('Cast', [n.in(0)], { to: ONNX_DTYPE.int64 }), g.int64([n.attrs.depth], true), g.initializer(Tensor.from([0, 1]), 'onehot_values')], {
      axis: -1,
    }),
  ),
];
