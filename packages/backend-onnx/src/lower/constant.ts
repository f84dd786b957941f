import { ops } from '@layerwise/core';
import { ONNX_DTYPE } from '../onnx/model.js';
import { lower } from './table.js';

export const constant = [
  lower(ops.Constant, (n, g) => g.initializer(n.attrs.value)),
  lower(ops.Cast, (n, g) => g.node('Cast', [n.in(0)], { to: ONNX_DTYPE[n.attrs.to] })),
];
