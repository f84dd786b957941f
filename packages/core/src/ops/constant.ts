import type { Value } from '../ir/graph.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { apply1, defineOp } from './registry.js';

// Where values come from without inputs, and how their dtype changes.

/** A tensor baked into the graph (an initializer in ONNX terms). */
export type ConstantAttrs = { value: Tensor };
export const Constant = defineOp<ConstantAttrs>({
  name: 'Constant',
  inputs: [],
  inferShape: (_, { value }) => [{ shape: [...value.shape], dtype: value.dtype }],
});

/** Convert to another dtype (to bool: "not zero", as ONNX). Only float32 → float32 passes a gradient. */
export type CastAttrs = { to: DType };
export const Cast = defineOp<CastAttrs>({
  name: 'Cast',
  inputs: ['x'],
  inferShape: ([x], { to }) => [{ shape: x.shape, dtype: to }],
  grad: ({ inputs: [x], dys: [dy] }) => [x.dtype === 'float32' && dy ? dy : null],
});

export const constant = (value: Tensor): Value => apply1(Constant, [], { value });
export const scalar = (v: number, dtype: DType = 'float32'): Value => constant(Tensor.scalar(v, dtype));
export const cast = (x: Value, to: DType): Value => (x.dtype === to ? x : apply1(Cast, [x], { to }));
