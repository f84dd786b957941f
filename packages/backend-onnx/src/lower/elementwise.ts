import { ops, type OpDef } from '@layerwise/core';
import { lower, type LoweringRow } from './table.js';

/** The IR op is the ONNX op of the same name and inputs (the IR follows ONNX semantics: Max, Min …). */
const same = (op: OpDef): LoweringRow =>
  lower(op, (n, g) =>
    g.node(
      op.name,
      n.node.inputs.map((_, i) => n.in(i)),
    ),
  );

export const elementwise = [
  same(ops.Add),
  same(ops.Sub),
  same(ops.Mul),
  same(ops.Div),
  same(ops.Maximum),
  same(ops.Minimum),
  same(ops.Pow),
  same(ops.Greater),
  same(ops.GreaterOrEqual),
  same(ops.Less),
  same(ops.LessOrEqual),
  same(ops.Equal),
  same(ops.Where),
  same(ops.Neg),
  same(ops.Exp),
  same(ops.Log),
  same(ops.Sqrt),
  same(ops.Abs),
  same(ops.Sign),
  same(ops.Sigmoid),
  same(ops.Tanh),
  same(ops.Relu),
  same(ops.Softplus),
  lower(ops.Elu, (n, g) => g.node('Elu', [n.in(0)], { alpha: { float: n.attrs.alpha } })),
  lower(ops.Clip, (n, g) => g.node('Clip', [n.in(0), g.float(n.attrs.min), g.float(n.attrs.max)])),
];
