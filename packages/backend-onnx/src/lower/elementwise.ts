import type { Lowering, Lowerings } from '../onnx/builder.js';
import { ONNX_DTYPE } from '../onnx/model.js';

/** The IR op is the ONNX op of the same inputs. */
const same =
  (opType: string): Lowering =>
  (n, g) =>
    g.node(opType, n.node.inputs.map((_, i) => n.in(i)));

export const elementwise: Lowerings = {
  Constant: (n, g) => g.initializer(n.attrs.value),
  Cast: (n, g) => g.node('Cast', [n.in(0)], { to: ONNX_DTYPE[n.attrs.to as keyof typeof ONNX_DTYPE] }),
  Add: same('Add'),
  Sub: same('Sub'),
  Mul: same('Mul'),
  Div: same('Div'),
  Max: same('Max'),
  Min: same('Min'),
  Pow: same('Pow'),
  Greater: same('Greater'),
  GreaterOrEqual: same('GreaterOrEqual'),
  Less: same('Less'),
  LessOrEqual: same('LessOrEqual'),
  Equal: same('Equal'),
  Where: same('Where'),
  Neg: same('Neg'),
  Exp: same('Exp'),
  Log: same('Log'),
  Sqrt: same('Sqrt'),
  Abs: same('Abs'),
  Sign: same('Sign'),
  Sigmoid: same('Sigmoid'),
  Tanh: same('Tanh'),
  Relu: same('Relu'),
  Softplus: same('Softplus'),
  Elu: (n, g) => g.node('Elu', [n.in(0)], { alpha: { float: n.attrs.alpha } }),
  Clip: (n, g) => g.node('Clip', [n.in(0), g.float(n.attrs.min), g.float(n.attrs.max)]),
};
