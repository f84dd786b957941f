import { ops } from '@layerwise/core';
import { lower } from './table.js';

export const matmul = [
  lower(ops.MatMul, (n, g) => g.node('Gemm', [n.in(0), n.in(1)], { transA: n.attrs.transA ? 1 : 0, transB: n.attrs.transB ? 1 : 0 })),
];
