import { describe, expect, it } from 'vitest';
import { Generator, Tensor, apply1, gradients, opRegistry, ops, placeholder, type DType, type SymShape, type Value } from '@layerwise/core';
import { refConv, refPool } from '../helpers/reference.js';
import { BACKENDS } from '../helpers/backends.js';
import { expectClose, runGraph } from '../helpers/run.js';

/**
 * The op table: every IR op × every backend, forward values (against a float64 reference
 * where one is given), shape inference (static and with a symbolic batch), and gradients
 * against central finite differences. A new op is one row away from being tested everywhere.
 */
interface InputSpec {
  shape: number[];
  dtype?: DType;
  /** Sampling range; kinks (relu at 0, max ties …) are avoided by `avoid`. */
  range?: [number, number];
  avoid?: number[];
  values?: number[];
}
interface OpCase {
  op: string;
  label?: string;
  inputs: InputSpec[];
  make: (...xs: Value[]) => Value;
  /** Output shape when every input has its static shape. */
  shape: SymShape;
  /** Output shape when the inputs' first dim is symbolic (null); omit to skip. */
  symbolicShape?: SymShape;
  /** Which inputs get the symbolic first dim (default: all; kernels keep theirs). */
  symbolicInputs?: number[];
  /** Elementwise float64 reference on the flat inputs (same shapes), when easy to state. */
  ref?: (...xs: number[]) => number;
  /** A whole-tensor float64 reference (convolutions, pooling …). */
  refAll?: (...xs: Tensor[]) => ArrayLike<number>;
  /** Differentiate w.r.t. these inputs (default: every float32 input). */
  grad?: number[] | false;
}

const u = (shape: number[], range: [number, number] = [-2, 2], avoid?: number[]): InputSpec => ({ shape, range, avoid });
const sig = (x: number) => 1 / (1 + Math.exp(-x));

const CASES: OpCase[] = [
  { op: 'Add', inputs: [u([2, 3]), u([3])], make: ops.add, shape: [2, 3], symbolicShape: [null, 3] },
  { op: 'Sub', inputs: [u([2, 3]), u([2, 1])], make: ops.sub, shape: [2, 3], symbolicShape: [null, 3] },
  { op: 'Mul', inputs: [u([2, 3]), u([2, 3])], make: ops.mul, shape: [2, 3], symbolicShape: [null, 3], ref: (a, b) => a * b },
  { op: 'Div', inputs: [u([2, 3]), u([2, 3], [0.5, 2])], make: ops.div, shape: [2, 3], ref: (a, b) => a / b },
  { op: 'Max', inputs: [u([2, 3]), u([2, 3])], make: ops.maximum, shape: [2, 3], ref: Math.max },
  { op: 'Min', inputs: [u([2, 3]), u([2, 3])], make: ops.minimum, shape: [2, 3], ref: Math.min },
  { op: 'Pow', inputs: [u([2, 3], [0.5, 2]), u([2, 3], [-1, 2])], make: ops.pow, shape: [2, 3], ref: Math.pow },
  { op: 'Greater', inputs: [u([2, 3]), u([2, 3])], make: (a, b) => ops.cast(ops.greater(a, b), 'float32'), shape: [2, 3], ref: (a, b) => +(a > b), grad: false },
  { op: 'GreaterOrEqual', inputs: [u([4]), u([4])], make: (a, b) => ops.cast(ops.greaterEqual(a, b), 'float32'), shape: [4], ref: (a, b) => +(a >= b), grad: false },
  { op: 'Less', inputs: [u([4]), u([4])], make: (a, b) => ops.cast(ops.less(a, b), 'float32'), shape: [4], ref: (a, b) => +(a < b), grad: false },
  { op: 'LessOrEqual', inputs: [u([4]), u([4])], make: (a, b) => ops.cast(ops.lessEqual(a, b), 'float32'), shape: [4], ref: (a, b) => +(a <= b), grad: false },
  { op: 'Equal', inputs: [{ shape: [4], values: [1, 2, 3, 4] }, { shape: [4], values: [1, 0, 3, 0] }], make: (a, b) => ops.cast(ops.equal(a, b), 'float32'), shape: [4], ref: (a, b) => +(a === b), grad: false },
  { op: 'Where', inputs: [u([2, 3]), u([2, 3]), u([2, 3])], make: (c, a, b) => ops.where(ops.greater(c, ops.scalar(0)), a, b), shape: [2, 3], ref: (c, a, b) => (c > 0 ? a : b), grad: [1, 2] },
  { op: 'Neg', inputs: [u([5])], make: ops.neg, shape: [5], ref: (a) => -a },
  { op: 'Exp', inputs: [u([5])], make: ops.exp, shape: [5], ref: Math.exp },
  { op: 'Log', inputs: [u([5], [0.2, 3])], make: ops.log, shape: [5], ref: Math.log },
  { op: 'Sqrt', inputs: [u([5], [0.2, 3])], make: ops.sqrt, shape: [5], ref: Math.sqrt },
  { op: 'Abs', inputs: [u([6], [-2, 2], [0])], make: ops.abs, shape: [6], ref: Math.abs },
  { op: 'Sign', inputs: [u([6], [-2, 2], [0])], make: ops.sign, shape: [6], ref: Math.sign, grad: false },
  { op: 'Sigmoid', inputs: [u([2, 3], [-4, 4])], make: ops.sigmoid, shape: [2, 3], symbolicShape: [null, 3], ref: sig },
  { op: 'Tanh', inputs: [u([6])], make: ops.tanh, shape: [6], ref: Math.tanh },
  { op: 'Relu', inputs: [u([6], [-2, 2], [0])], make: ops.relu, shape: [6], ref: (a) => Math.max(a, 0) },
  { op: 'Softplus', inputs: [u([6])], make: ops.softplus, shape: [6], ref: (a) => Math.log1p(Math.exp(a)) },
  { op: 'Elu', inputs: [u([6], [-2, 2], [0])], make: (x) => ops.elu(x, 1.5), shape: [6], ref: (a) => (a > 0 ? a : 1.5 * (Math.exp(a) - 1)) },
  { op: 'Clip', inputs: [u([8], [-2, 2], [-0.5, 0.7])], make: (x) => ops.clip(x, -0.5, 0.7), shape: [8], ref: (a) => Math.min(0.7, Math.max(-0.5, a)) },
  { op: 'Cast', inputs: [u([4])], make: (x) => ops.cast(ops.cast(x, 'int32'), 'float32'), shape: [4], ref: Math.trunc, grad: false },
  { op: 'Constant', inputs: [u([3])], make: (x) => ops.add(x, ops.constant(Tensor.from([1, 2, 3]))), shape: [3] },
  { op: 'Reshape', inputs: [u([2, 3, 2])], make: (x) => ops.reshape(x, [0, -1]), shape: [2, 6], symbolicShape: [null, 6] },
  { op: 'ReshapeLike', inputs: [u([2, 6]), u([2, 3, 2])], make: (x, r) => ops.reshapeLike(x, r), shape: [2, 3, 2], grad: [0] },
  { op: 'ExpandLike', inputs: [u([2, 1]), u([2, 3])], make: (x, r) => ops.expandLike(x, r), shape: [2, 3], grad: [0] },
  { op: 'Unsqueeze', inputs: [u([2, 3])], make: (x) => ops.unsqueeze(x, [1]), shape: [2, 1, 3], symbolicShape: [null, 1, 3] },
  { op: 'Transpose', inputs: [u([2, 3, 4])], make: (x) => ops.transpose(x, [2, 0, 1]), shape: [4, 2, 3], symbolicShape: [4, null, 3] },
  { op: 'ReduceSum', inputs: [u([2, 3, 2])], make: (x) => ops.sum(x, [1]), shape: [2, 2], symbolicShape: [null, 2] },
  { op: 'ReduceSum', label: 'keepdims all', inputs: [u([2, 3])], make: (x) => ops.sum(x, null, true), shape: [1, 1] },
  { op: 'ReduceMean', inputs: [u([2, 3, 2])], make: (x) => ops.mean(x, [0, 2]), shape: [3], symbolicShape: [3] },
  { op: 'ReduceMax', inputs: [{ shape: [2, 3], values: [1, 5, 2, -1, -3, 0.5] }], make: (x) => ops.max(x, -1), shape: [2] },
  { op: 'ArgMax', inputs: [{ shape: [2, 3], values: [1, 5, 2, -1, -3, 0.5] }], make: (x) => ops.cast(ops.argMax(x, -1), 'float32'), shape: [2], symbolicShape: [null], grad: false },
  { op: 'SizeOf', inputs: [u([3, 4])], make: (x) => ops.mul(ops.sum(x), ops.sizeOf(x, [0])), shape: [] },
  { op: 'MatMul', inputs: [u([2, 3]), u([3, 4])], make: (a, b) => ops.matmul(a, b), shape: [2, 4], symbolicShape: [null, 4] },
  { op: 'MatMul', label: 'transA', inputs: [u([3, 2]), u([3, 4])], make: (a, b) => ops.matmul(a, b, true, false), shape: [2, 4] },
  { op: 'MatMul', label: 'transB', inputs: [u([2, 3]), u([4, 3])], make: (a, b) => ops.matmul(a, b, false, true), shape: [2, 4], symbolicShape: [null, null] },
  { op: 'MatMul', label: 'transA transB', inputs: [u([3, 2]), u([4, 3])], make: (a, b) => ops.matmul(a, b, true, true), shape: [2, 4] },
  { op: 'Softmax', inputs: [u([2, 4])], make: (x) => ops.softmax(x), shape: [2, 4], symbolicShape: [null, 4] },
  { op: 'LogSoftmax', inputs: [u([2, 4])], make: (x) => ops.logSoftmax(x), shape: [2, 4] },
  { op: 'Conv', inputs: [u([2, 5, 5, 3]), u([3, 3, 3, 4])], make: (x, k) => ops.conv2d(x, k), shape: [2, 3, 3, 4], symbolicShape: [null, 3, 3, 4], symbolicInputs: [0], refAll: (x, k) => refConv(x, k, { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 }) },
  { op: 'Conv', label: 'same, stride 2', inputs: [u([1, 6, 5, 2]), u([3, 2, 2, 3])], make: (x, k) => ops.conv2d(x, k, { padding: 'same', strides: [2, 2] }), shape: [1, 3, 3, 3], refAll: (x, k) => refConv(x, k, { strides: [2, 2], dilations: [1, 1], pads: ops.convPads('same', [6, 5], [3, 2], [2, 2]), groups: 1 }) },
  { op: 'Conv', label: 'dilation 2', inputs: [u([1, 7, 7, 2]), u([2, 3, 2, 2])], make: (x, k) => ops.conv2d(x, k, { dilations: [2, 2] }), shape: [1, 5, 3, 2], refAll: (x, k) => refConv(x, k, { strides: [1, 1], dilations: [2, 2], pads: [0, 0, 0, 0], groups: 1 }) },
  { op: 'Conv', label: 'depthwise (groups = channels), same', inputs: [u([2, 4, 4, 3]), u([3, 3, 1, 6])], make: (x, k) => ops.conv2d(x, k, { padding: 'same', groups: 3 }), shape: [2, 4, 4, 6], refAll: (x, k) => refConv(x, k, { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 3 }) },
  { op: 'ConvBackpropInput', label: 'Conv2DTranspose same stride 2', inputs: [u([1, 3, 3, 2]), u([3, 3, 4, 2])], make: (x, k) => ops.conv2dTranspose(x, k, { padding: 'same', strides: [2, 2] }), shape: [1, 6, 6, 4], symbolicShape: [null, 6, 6, 4], symbolicInputs: [0] },
  { op: 'ConvBackpropInput', label: 'Conv2DTranspose valid stride 2', inputs: [u([2, 3, 2, 2]), u([2, 3, 3, 2])], make: (x, k) => ops.conv2dTranspose(x, k, { strides: [2, 2] }), shape: [2, 6, 5, 3] },
  // Keras' output lengths beyond the full transposed conv (zeros past it) and cropped on both sides.
  { op: 'ConvBackpropInput', label: 'Conv2DTranspose valid, kernel 2 < stride 3', inputs: [u([1, 2, 3, 2]), u([2, 2, 2, 2])], make: (x, k) => ops.conv2dTranspose(x, k, { strides: [3, 3] }), shape: [1, 6, 9, 2], symbolicShape: [null, 6, 9, 2], symbolicInputs: [0] },
  { op: 'ConvBackpropInput', label: 'Conv2DTranspose same, even kernel, output padding 0', inputs: [u([1, 3, 2, 2]), u([2, 3, 2, 2])], make: (x, k) => ops.conv2dTranspose(x, k, { strides: [2, 2], padding: 'same', outputPadding: [0, 1] }), shape: [1, 4, 4, 2] },
  { op: 'ConvBackpropFilter', inputs: [u([2, 5, 5, 3]), u([2, 3, 3, 4])], make: (x, dy) => ops.convBackpropFilter(x, dy, [3, 3, 3, 4], { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 }), shape: [3, 3, 3, 4], grad: false },
  { op: 'MaxPool', label: '2×2 tiling', inputs: [u([2, 4, 6, 3])], make: (x) => ops.maxPool2d(x), shape: [2, 2, 3, 3], symbolicShape: [null, 2, 3, 3], refAll: (x) => refPool(x, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, 'max') },
  { op: 'MaxPool', label: '3×3 stride 2 same (overlapping)', inputs: [u([1, 5, 5, 2])], make: (x) => ops.maxPool2d(x, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }), shape: [1, 3, 3, 2], refAll: (x) => refPool(x, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 'max') },
  { op: 'MaxPoolGrad', inputs: [u([1, 5, 5, 2]), u([1, 2, 2, 2])], make: (x, dy) => apply1(opRegistry.get('MaxPoolGrad')!, [x, dy], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0] }), shape: [1, 5, 5, 2], grad: false },
  { op: 'AvgPool', label: '2×2 valid', inputs: [u([2, 4, 5, 3])], make: (x) => ops.avgPool2d(x), shape: [2, 2, 2, 3], refAll: (x) => refPool(x, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, 'avg') },
  { op: 'AvgPool', label: '3×3 stride 2 same', inputs: [u([1, 6, 5, 2])], make: (x) => ops.avgPool2d(x, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }), shape: [1, 3, 3, 2], refAll: (x) => refPool(x, { kernel: [3, 3], strides: [2, 2], pads: ops.convPads('same', [6, 5], [3, 3], [2, 2]) }, 'avg') },
  { op: 'AvgPoolGrad', inputs: [u([1, 3, 3, 2]), u([1, 6, 5, 2])], make: (dy, like) => apply1(opRegistry.get('AvgPoolGrad')!, [dy, like], { kernel: [3, 3], strides: [2, 2], pads: ops.convPads('same', [6, 5], [3, 3], [2, 2]) }), shape: [1, 6, 5, 2], grad: [0] },
  { op: 'Pad', inputs: [u([2, 3, 2])], make: (x) => ops.pad(x, [0, 1, 2, 0, 2, 1]), shape: [2, 6, 5], symbolicShape: [null, 6, 5] },
  { op: 'Slice', inputs: [u([2, 5, 4])], make: (x) => ops.slice(x, [0, 1, 2], [null, 4, 4]), shape: [2, 3, 2], symbolicShape: [null, 3, 2] },
  { op: 'Concat', inputs: [u([2, 3]), u([2, 2]), u([2, 1])], make: (a, b, c) => ops.concat([a, b, c], -1), shape: [2, 6], symbolicShape: [null, 6] },
  { op: 'Concat', label: 'axis 1 of NHWC', inputs: [u([1, 2, 3, 2]), u([1, 1, 3, 2])], make: (a, b) => ops.concat([a, b], 1), shape: [1, 3, 3, 2] },
  { op: 'Tile', inputs: [u([2, 1, 3])], make: (x) => ops.tile(x, [1, 3, 2]), shape: [2, 3, 6], symbolicShape: [null, 3, 6] },
  { op: 'Gather', inputs: [u([4, 3]), { shape: [5], dtype: 'int32', values: [3, 0, 0, 2, 1] }], make: (x, i) => ops.gather(x, i), shape: [5, 3], symbolicShape: [null, 3], grad: false },
  { op: 'OneHot', inputs: [{ shape: [3], dtype: 'int32', values: [2, 0, 1] }], make: (i) => ops.oneHot(i, 4), shape: [3, 4], symbolicShape: [null, 4], grad: false },
];

function sample(spec: InputSpec, gen: Generator): Tensor {
  if (spec.values) return new Tensor((spec.dtype === 'int32' ? Int32Array : Float32Array).from(spec.values), spec.shape, spec.dtype ?? 'float32');
  const [lo, hi] = spec.range ?? [-2, 2];
  const t = Tensor.zeros(spec.shape, spec.dtype ?? 'float32');
  for (let i = 0; i < t.size; i++) {
    let v: number;
    do v = gen.uniform(lo, hi);
    while ((spec.avoid ?? []).some((k) => Math.abs(v - k) < 0.1));
    t.data[i] = v;
  }
  return t;
}

describe('op table covers every registered op', () => {
  it('has a row for each op in the registry', () => {
    const covered = new Set(CASES.map((c) => c.op));
    expect([...opRegistry.keys()].filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe.each(BACKENDS)('ops on $name', ({ backend }) => {
  describe.each(CASES.map((c) => ({ ...c, title: c.label ? `${c.op} (${c.label})` : c.op })))('$title', (c) => {
    const gen = new Generator(42);
    const feeds = c.inputs.map((s) => sample(s, gen));
    // Keep Max/Min operands apart so the gradient is not taken at a tie.
    if (c.op === 'Max' || c.op === 'Min') for (let i = 0; i < feeds[0].size; i++) if (Math.abs(feeds[0].data[i] - feeds[1].data[i]) < 0.2) feeds[1].data[i] += 0.5;

    it('infers shapes (static and symbolic batch)', () => {
      const xs = c.inputs.map((s) => placeholder(s.shape, s.dtype ?? 'float32'));
      expect(c.make(...xs).shape).toEqual(c.shape);
      if (c.symbolicShape) {
        const sym = c.inputs.map((s, i) => placeholder(!c.symbolicInputs || c.symbolicInputs.includes(i) ? [null, ...s.shape.slice(1)] : s.shape, s.dtype ?? 'float32'));
        expect(c.make(...sym).shape).toEqual(c.symbolicShape);
      }
    });

    it('computes the forward value', async () => {
      const xs = c.inputs.map((s) => placeholder(s.shape, s.dtype ?? 'float32'));
      const y = c.make(...xs);
      const [out] = await runGraph(backend, xs, [y], feeds);
      expect(out.shape).toEqual(c.shape);
      if (c.refAll) expectClose(out.data, c.refAll(...feeds), 1e-4, c.op);
      if (c.ref) {
        const expected = Array.from({ length: out.size }, (_, i) => c.ref!(...feeds.map((f) => f.data[f.size === out.size ? i : i % f.size])));
        expectClose(out.data, expected, 1e-5, c.op);
      }
    });

    const wrt = c.grad === false ? [] : (c.grad ?? c.inputs.map((s, i) => (s.dtype && s.dtype !== 'float32' ? -1 : i)).filter((i) => i >= 0));
    it.skipIf(wrt.length === 0)('has gradients matching central finite differences', async () => {
      const xs = c.inputs.map((s) => placeholder(s.shape, s.dtype ?? 'float32'));
      const y = c.make(...xs);
      // loss = sum(y * w) with fixed random w, so every output element matters differently.
      const wT = sample({ shape: y.shape as number[], range: [0.5, 1.5] }, new Generator(7));
      const w = placeholder(y.shape, 'float32');
      const loss = ops.sum(ops.mul(y, w));
      const grads = gradients(loss, wrt.map((i) => xs[i]));
      const analytic = await runGraph(backend, [...xs, w], grads.map((g) => g!), [...feeds, wT]);
      const lossOf = async (fs: Tensor[]) => (await runGraph(backend, [...xs, w], [loss], [...fs, wT]))[0].data[0];
      const eps = 1e-2;
      for (const [k, inputIndex] of wrt.entries()) {
        const numeric = new Float64Array(feeds[inputIndex].size);
        for (let e = 0; e < numeric.length; e++) {
          const plus = feeds.map((f) => new Tensor(f.data.slice(), f.shape, f.dtype));
          const minus = feeds.map((f) => new Tensor(f.data.slice(), f.shape, f.dtype));
          plus[inputIndex].data[e] += eps;
          minus[inputIndex].data[e] -= eps;
          numeric[e] = ((await lossOf(plus)) - (await lossOf(minus))) / (2 * eps);
        }
        expect(analytic[k].shape).toEqual(c.inputs[inputIndex].shape);
        expectClose(analytic[k].data, numeric, 2e-2, `${c.op} d/d input ${inputIndex}`);
      }
    });
  });
});
