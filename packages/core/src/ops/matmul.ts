import { formatShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp } from './registry.js';

export type MatMulAttrs = { transA: boolean; transB: boolean };

/** op(a) · op(b) for rank-2 operands, op = optional transpose (ONNX Gemm's transA/transB). */
export const MatMul = defineOp<MatMulAttrs>({
  name: 'MatMul',
  inputs: ['a', 'b'],
  inferShape: ([a, b], { transA, transB }) => {
    if (a.rank !== 2 || b.rank !== 2) throw new ShapeError(`MatMul: operands must be rank 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    const [m, ka] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [kb, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (ka !== null && kb !== null && ka !== kb)
      throw new ShapeError(`MatMul: inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${ka} vs ${kb})`);
    if (a.dtype !== b.dtype) throw new ShapeError(`MatMul: operand dtypes differ (${a.dtype} vs ${b.dtype})`);
    return [{ shape: [m, n], dtype: a.dtype }];
  },
  // C = op(A)·op(B): each case's adjoint is again one MatMul with transposes folded in.
  grad: ({ inputs: [a, b], dys: [dy], attrs: { transA, transB } }) => {
    const g = dy!;
    if (!transA && !transB) return [matmul(g, b, false, true), matmul(a, g, true, false)];
    if (transA && !transB) return [matmul(b, g, false, true), matmul(a, g, false, false)];
    if (!transA && transB) return [matmul(g, b, false, false), matmul(g, a, true, false)];
    return [matmul(b, g, true, true), matmul(g, a, true, true)];
  },
});

export const matmul = (a: Value, b: Value, transA = false, transB = false): Value => apply1(MatMul, [a, b], { transA, transB });
