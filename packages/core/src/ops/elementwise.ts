import type { OpDef, Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, broadcastShapes, defineOp } from './registry.js';
import { cast, scalar } from './constant.js';

// Each op: definition, shape rule and gradient together. Gradients are written in ops.
// Binary ops broadcast (numpy rules); their gradients are given in the output's shape and
// autodiff sums each back to its input's shape (broadcast.ts's sumTo), so this family needs no
// reduction.

const sameShape: OpDef['inferShape'] = ([x]) => [{ shape: x.shape, dtype: x.dtype }];
const binaryShape =
  (opName: string, dtype?: 'bool'): OpDef['inferShape'] =>
  ([a, b]) => {
    if (a.dtype !== b.dtype) throw new ShapeError(`${opName}: operand dtypes differ (${a.dtype} vs ${b.dtype})`);
    return [{ shape: broadcastShapes(a.shape, b.shape, opName), dtype: dtype ?? a.dtype }];
  };

// ---- binary arithmetic (numpy broadcasting) ----
export const Add = defineOp({
  name: 'Add', inputs: ['a', 'b'], inferShape: binaryShape('Add'),
  grad: ({ dys: [dy] }) => [dy!, dy!],
});
export const Sub = defineOp({
  name: 'Sub', inputs: ['a', 'b'], inferShape: binaryShape('Sub'),
  grad: ({ dys: [dy] }) => [dy!, neg(dy!)],
});
export const Mul = defineOp({
  name: 'Mul', inputs: ['a', 'b'], inferShape: binaryShape('Mul'),
  grad: ({ inputs: [a, b], dys: [dy] }) => [mul(dy!, b), mul(dy!, a)],
});
export const Div = defineOp({
  name: 'Div', inputs: ['a', 'b'], inferShape: binaryShape('Div'),
  grad: ({ inputs: [, b], outputs: [y], dys: [dy] }) => [div(dy!, b), neg(div(mul(dy!, y), b))],
});
export const Maximum = defineOp({
  name: 'Max', inputs: ['a', 'b'], inferShape: binaryShape('Max'),
  grad: ({ inputs: [a, b], dys: [dy] }) => {
    const pickA = cast(greaterEqual(a, b), 'float32');
    return [mul(dy!, pickA), mul(dy!, sub(scalar(1), pickA))];
  },
});
export const Minimum = defineOp({
  name: 'Min', inputs: ['a', 'b'], inferShape: binaryShape('Min'),
  grad: ({ inputs: [a, b], dys: [dy] }) => {
    const pickA = cast(lessEqual(a, b), 'float32');
    return [mul(dy!, pickA), mul(dy!, sub(scalar(1), pickA))];
  },
});
/** a ** b; gradient for a only where b is a constant exponent is the common case, both are given. */
export const Pow = defineOp({
  name: 'Pow', inputs: ['a', 'b'], inferShape: binaryShape('Pow'),
  grad: ({ inputs: [a, b], outputs: [y], dys: [dy] }) => [
    mul(dy!, mul(b, pow(a, sub(b, scalar(1))))),
    mul(dy!, mul(y, log(a))),
  ],
});

// ---- comparisons (bool results, no gradient) ----
export const Greater = defineOp({ name: 'Greater', inputs: ['a', 'b'], inferShape: binaryShape('Greater', 'bool') });
export const GreaterOrEqual = defineOp({ name: 'GreaterOrEqual', inputs: ['a', 'b'], inferShape: binaryShape('GreaterOrEqual', 'bool') });
export const Less = defineOp({ name: 'Less', inputs: ['a', 'b'], inferShape: binaryShape('Less', 'bool') });
export const LessOrEqual = defineOp({ name: 'LessOrEqual', inputs: ['a', 'b'], inferShape: binaryShape('LessOrEqual', 'bool') });
export const Equal = defineOp({ name: 'Equal', inputs: ['a', 'b'], inferShape: binaryShape('Equal', 'bool') });

/** cond ? a : b, broadcasting all three. */
export const Where = defineOp({
  name: 'Where', inputs: ['cond', 'a', 'b'],
  inferShape: ([c, a, b]) => {
    if (c.dtype !== 'bool') throw new ShapeError(`Where: condition must be bool, got ${c.dtype}`);
    if (a.dtype !== b.dtype) throw new ShapeError(`Where: branch dtypes differ (${a.dtype} vs ${b.dtype})`);
    return [{ shape: broadcastShapes(c.shape, broadcastShapes(a.shape, b.shape, 'Where'), 'Where'), dtype: a.dtype }];
  },
  grad: ({ inputs: [c], dys: [dy] }) => {
    const zero = scalar(0);
    return [null, where(c, dy!, zero), where(c, zero, dy!)];
  },
});

// ---- unary ----
export const Neg = defineOp({ name: 'Neg', inputs: ['x'], inferShape: sameShape, grad: ({ dys: [dy] }) => [neg(dy!)] });
export const Exp = defineOp({ name: 'Exp', inputs: ['x'], inferShape: sameShape, grad: ({ outputs: [y], dys: [dy] }) => [mul(dy!, y)] });
export const Log = defineOp({ name: 'Log', inputs: ['x'], inferShape: sameShape, grad: ({ inputs: [x], dys: [dy] }) => [div(dy!, x)] });
export const Sqrt = defineOp({
  name: 'Sqrt', inputs: ['x'], inferShape: sameShape,
  grad: ({ outputs: [y], dys: [dy] }) => [div(dy!, mul(scalar(2), y))],
});
export const Abs = defineOp({ name: 'Abs', inputs: ['x'], inferShape: sameShape, grad: ({ inputs: [x], dys: [dy] }) => [mul(dy!, sign(x))] });
export const Sign = defineOp({ name: 'Sign', inputs: ['x'], inferShape: sameShape, grad: () => [null] });
export const Sigmoid = defineOp({
  name: 'Sigmoid', inputs: ['x'], inferShape: sameShape,
  grad: ({ outputs: [y], dys: [dy] }) => [mul(dy!, mul(y, sub(scalar(1), y)))],
});
export const Tanh = defineOp({
  name: 'Tanh', inputs: ['x'], inferShape: sameShape,
  grad: ({ outputs: [y], dys: [dy] }) => [mul(dy!, sub(scalar(1), mul(y, y)))],
});
export const Relu = defineOp({
  name: 'Relu', inputs: ['x'], inferShape: sameShape,
  grad: ({ inputs: [x], dys: [dy] }) => [mul(dy!, cast(greater(x, scalar(0)), 'float32'))],
});
/** log(1 + exp(x)). */
export const Softplus = defineOp({
  name: 'Softplus', inputs: ['x'], inferShape: sameShape,
  grad: ({ inputs: [x], dys: [dy] }) => [mul(dy!, sigmoid(x))],
});
export type EluAttrs = { alpha: number };
export const Elu = defineOp<EluAttrs>({
  name: 'Elu', inputs: ['x'], inferShape: sameShape,
  // x = 0 takes the linear branch, as TF's gradient does (it matters for selu's scale · elu).
  grad: ({ inputs: [x], outputs: [y], dys: [dy], attrs: { alpha } }) => [
    where(greaterEqual(x, scalar(0)), dy!, mul(dy!, add(y, scalar(alpha)))),
  ],
});
/** Clamp to [min, max]; the gradient passes where x is inside (edges included, as TF does). */
export type ClipAttrs = { min: number; max: number };
export const Clip = defineOp<ClipAttrs>({
  name: 'Clip', inputs: ['x'], inferShape: sameShape,
  grad: ({ inputs: [x], dys: [dy], attrs: { min, max } }) => {
    const inside = cast(greaterEqual(x, scalar(min)), 'float32');
    const below = cast(lessEqual(x, scalar(max)), 'float32');
    return [mul(dy!, mul(inside, below))];
  },
});

// ---- user-facing functions ----
const bin = (op: OpDef) => (a: Value, b: Value) => apply1(op, [a, b]);
const un = (op: OpDef) => (x: Value) => apply1(op, [x]);
export const add = bin(Add);
export const sub = bin(Sub);
export const mul = bin(Mul);
export const div = bin(Div);
export const maximum = bin(Maximum);
export const minimum = bin(Minimum);
export const pow = bin(Pow);
export const greater = bin(Greater);
export const greaterEqual = bin(GreaterOrEqual);
export const less = bin(Less);
export const lessEqual = bin(LessOrEqual);
export const equal = bin(Equal);
export const where = (c: Value, a: Value, b: Value): Value => apply1(Where, [c, a, b]);
export const neg = un(Neg);
export const exp = un(Exp);
export const log = un(Log);
export const sqrt = un(Sqrt);
export const abs = un(Abs);
export const sign = un(Sign);
export const sigmoid = un(Sigmoid);
export const tanh = un(Tanh);
export const relu = un(Relu);
export const softplus = un(Softplus);
export const elu = (x: Value, alpha = 1) => apply1(Elu, [x], { alpha });
export const clip = (x: Value, min: number, max: number) => apply1(Clip, [x], { min, max });
export const square = (x: Value) => mul(x, x);

