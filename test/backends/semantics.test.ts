import { describe, expect, it } from 'vitest';
import { Graph, Tensor, UnsupportedOpError, apply1, defineOp, opRegistry, ops, placeholder, withScope, type Value } from '@layerwise/core';
import '@layerwise/layers';
import { lowerings as onnxLowerings } from '@layerwise/backend-onnx';
import { lowerings as tfjsLowerings } from '@layerwise/backend-tfjs';
import { BACKENDS } from '../helpers/backends.js';
import { runGraph } from '../helpers/run.js';

/**
 * Exact values where the op table has no float reference (index ops, ties, integer and bool
 * casts, ONNX reshape rules …), and the executable's contract (pass-through and repeated
 * outputs, constants, dtypes, errors): every backend must give the same answers.
 */
const f = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape, 'float32');
const i32 = (values: number[], shape: number[] = [values.length]) => new Tensor(Int32Array.from(values), shape, 'int32');

interface Case {
  title: string;
  inputs: { shape: (number | null)[]; dtype?: 'float32' | 'int32' | 'uint8' | 'bool' }[];
  make: (...xs: Value[]) => Value;
  feeds: Tensor[];
  expected: { shape: number[]; dtype: string; data: number[] };
}

const CASES: Case[] = [
  {
    title: 'ArgMax takes the first of tied maxima (last axis)',
    inputs: [{ shape: [2, 4] }],
    make: (x) => ops.argMax(x, 1),
    feeds: [f([1, 3, 3, 2, 5, 5, 1, 0], [2, 4])],
    expected: { shape: [2], dtype: 'int32', data: [1, 0] },
  },
  {
    title: 'ArgMax takes the first of tied maxima (axis 0)',
    inputs: [{ shape: [2, 4] }],
    make: (x) => ops.argMax(x, 0),
    feeds: [f([1, 3, 3, 2, 1, 5, 3, 0], [2, 4])],
    expected: { shape: [4], dtype: 'int32', data: [0, 1, 0, 0] },
  },
  {
    title: 'ArgMax along axis 0 with keepdims',
    inputs: [{ shape: [2, 3] }],
    make: (x) => ops.argMax(x, 0, true),
    feeds: [f([1, 7, 3, 1, 2, 9], [2, 3])],
    expected: { shape: [1, 3], dtype: 'int32', data: [0, 0, 1] },
  },
  { title: 'Sign(0) = 0', inputs: [{ shape: [5] }], make: ops.sign, feeds: [f([-3, 0, 2, -0, 0.5], [5])], expected: { shape: [5], dtype: 'float32', data: [-1, 0, 1, 0, 1] } },
  {
    title: 'Cast float → int32 truncates toward zero; float → bool is "not zero"',
    inputs: [{ shape: [5] }],
    make: (x) => ops.add(ops.cast(ops.cast(x, 'int32'), 'float32'), ops.mul(ops.cast(ops.cast(x, 'bool'), 'float32'), ops.scalar(100))),
    feeds: [f([-1.7, 2.9, 0.5, 0, -0.2], [5])],
    expected: { shape: [5], dtype: 'float32', data: [99, 102, 100, 0, 100] },
  },
  {
    title: 'Cast int32 → bool: 256 is true',
    inputs: [{ shape: [3], dtype: 'int32' }],
    make: (x) => ops.cast(ops.cast(x, 'bool'), 'int32'),
    feeds: [i32([256, 0, -1])],
    expected: { shape: [3], dtype: 'int32', data: [1, 0, 1] },
  },
  {
    title: 'Reshape: 0 copies a (symbolic) dim, -1 is inferred',
    inputs: [{ shape: [null, 2, 3] }],
    make: (x) => ops.reshape(x, [0, -1, 2]),
    feeds: [f([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 2, 3])],
    expected: { shape: [2, 3, 2], dtype: 'float32', data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  },
  {
    title: 'Gather picks rows (repeats allowed) of a rank-3 tensor',
    inputs: [{ shape: [3, 2, 2] }, { shape: [null], dtype: 'int32' }],
    make: (x, i) => ops.gather(x, i),
    feeds: [f([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 2, 2]), i32([2, 0, 2])],
    expected: { shape: [3, 2, 2], dtype: 'float32', data: [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11] },
  },
  {
    title: 'Gather with a negative index counts from the end (ONNX)',
    inputs: [{ shape: [3, 2] }, { shape: [2], dtype: 'int32' }],
    make: (x, i) => ops.gather(x, i),
    feeds: [f([0, 1, 2, 3, 4, 5], [3, 2]), i32([-1, 0])],
    expected: { shape: [2, 2], dtype: 'float32', data: [4, 5, 0, 1] },
  },
  {
    title: 'Gather of uint8 data cast after (how fit feeds raw labels)',
    inputs: [{ shape: [null], dtype: 'uint8' }, { shape: [null], dtype: 'int32' }],
    make: (x, i) => ops.cast(ops.gather(x, i), 'int32'),
    feeds: [new Tensor(Uint8Array.from([7, 255, 3, 0]), [4], 'uint8'), i32([1, 3, 0])],
    expected: { shape: [3], dtype: 'int32', data: [255, 0, 7] },
  },
  {
    title: 'OneHot of int32 indices (2-D indices too)',
    inputs: [{ shape: [2, 2], dtype: 'int32' }],
    make: (i) => ops.oneHot(i, 3),
    feeds: [i32([2, 0, 1, 1], [2, 2])],
    expected: { shape: [2, 2, 3], dtype: 'float32', data: [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0] },
  },
  {
    title: 'SizeOf reads the run-time batch size',
    inputs: [{ shape: [null, 3] }],
    make: (x) => ops.sizeOf(x, [0, 1]),
    feeds: [f(new Array(12).fill(1), [4, 3])],
    expected: { shape: [], dtype: 'float32', data: [12] },
  },
  {
    title: 'ExpandLike broadcasts to a run-time shape',
    inputs: [{ shape: [1, 3] }, { shape: [null, 3] }],
    make: (x, r) => ops.expandLike(x, r),
    feeds: [f([1, 2, 3], [1, 3]), f(new Array(6).fill(0), [2, 3])],
    expected: { shape: [2, 3], dtype: 'float32', data: [1, 2, 3, 1, 2, 3] },
  },
  {
    title: 'Softmax along a non-last axis',
    inputs: [{ shape: [2, 2] }],
    make: (x) => ops.softmax(x, 0),
    feeds: [f([0, 1, Math.log(3), 1], [2, 2])],
    expected: { shape: [2, 2], dtype: 'float32', data: [0.25, 0.5, 0.75, 0.5] },
  },
  {
    title: 'LogSoftmax along a non-last axis',
    inputs: [{ shape: [2, 2] }],
    make: (x) => ops.exp(ops.logSoftmax(x, 0)),
    feeds: [f([0, 1, Math.log(3), 1], [2, 2])],
    expected: { shape: [2, 2], dtype: 'float32', data: [0.25, 0.5, 0.75, 0.5] },
  },
  {
    title: 'Where broadcasts condition and branches',
    inputs: [{ shape: [2, 1] }, { shape: [3] }],
    make: (c, a) => ops.where(ops.greater(c, ops.scalar(0)), a, ops.scalar(-1)),
    feeds: [f([1, -1], [2, 1]), f([1, 2, 3], [3])],
    expected: { shape: [2, 3], dtype: 'float32', data: [1, 2, 3, -1, -1, -1] },
  },
  {
    title: 'Elu with alpha ≠ 1; Clip edges',
    inputs: [{ shape: [4] }],
    make: (x) => ops.add(ops.elu(x, 2), ops.clip(x, -1, 1)),
    feeds: [f([-Infinity, 0, 3, -0.5], [4])],
    expected: { shape: [4], dtype: 'float32', data: [-3, 0, 4, 2 * (Math.exp(-0.5) - 1) - 0.5] },
  },
  {
    title: 'Reductions over several axes, keepdims',
    inputs: [{ shape: [2, 2, 2] }],
    make: (x) => ops.add(ops.sum(x, [0, 2], true), ops.max(x, [0, 2], true)),
    feeds: [f([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])],
    expected: { shape: [1, 2, 1], dtype: 'float32', data: [14 + 6, 22 + 8] },
  },
  {
    title: 'Sum and mean over leading axes (what bias and batch-norm gradients reduce)',
    inputs: [{ shape: [null, 2, 3] }],
    make: (x) => ops.add(ops.sum(x, [0, 1]), ops.mul(ops.mean(x, [0], true), ops.scalar(1000))),
    feeds: [f([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [3, 2, 3])],
    // sum over [0, 1]: [51, 57, 63]; mean over [0] keepdims: [[7, 8, 9], [10, 11, 12]]
    expected: { shape: [1, 2, 3], dtype: 'float32', data: [7051, 8057, 9063, 10051, 11057, 12063] },
  },
];

it.each([
  ['onnx', onnxLowerings],
  ['tfjs', tfjsLowerings],
])('the %s backend has a lowering for every registered op', (_, lowerings) => {
  expect([...opRegistry.keys()].filter((name) => !lowerings.has(name))).toEqual([]);
});

describe.each(BACKENDS)('op semantics on $name', ({ backend }) => {
  it.each(CASES)('$title', async (c) => {
    const xs = c.inputs.map((s) => placeholder(s.shape, s.dtype ?? 'float32'));
    const [out] = await runGraph(backend, xs, [c.make(...xs)], c.feeds);
    expect(out.shape).toEqual(c.expected.shape);
    expect(out.dtype).toBe(c.expected.dtype);
    const got = Array.from(out.data);
    c.expected.data.forEach((e, k) => expect(got[k]).toBeCloseTo(e, 5));
  });

  it('outputs that are inputs, constants or repeated each own their value', async () => {
    const x = placeholder([2]);
    const c = ops.constant(Tensor.from([5, 6]));
    const y = ops.add(x, c);
    const exe = await backend.compile(new Graph([x], [x, c, y, y, c], 'passthrough'));
    const feed = backend.upload(Tensor.from([1, 2]));
    for (let run = 0; run < 2; run++) {
      const outs = await exe.run([feed]);
      // Disposing some outputs leaves the others, the feed and the constant intact.
      outs[0].dispose();
      outs[2].dispose();
      outs[1].dispose();
      expect(Array.from((await outs[3].read()).data)).toEqual([6, 8]);
      expect(Array.from((await outs[4].read()).data)).toEqual([5, 6]);
      outs.forEach((o) => o.dispose());
    }
    expect(Array.from((await feed.read()).data)).toEqual([1, 2]);
    exe.dispose();
  });

  it('reads back the dtype the graph declares (uint8 and bool included)', async () => {
    const u = placeholder([3], 'uint8');
    const b = placeholder([2], 'bool');
    const [uo, bo] = await runGraph(backend, [u, b], [u, ops.equal(ops.cast(b, 'int32'), ops.constant(Tensor.from([1, 1], 'int32')))], [
      new Tensor(Uint8Array.from([0, 200, 255]), [3], 'uint8'),
      new Tensor(Uint8Array.from([1, 0]), [2], 'bool'),
    ]);
    expect(uo.dtype).toBe('uint8');
    expect(uo.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(uo.data)).toEqual([0, 200, 255]);
    expect(bo.dtype).toBe('bool');
    expect(Array.from(bo.data)).toEqual([1, 0]);
  });

  it('takes feeds in shared memory (flow batches written by worker threads)', async () => {
    const data = new Float32Array(new SharedArrayBuffer(4 * 4));
    data.set([1, -2, 3, -4]);
    const x = placeholder([2, 2]);
    const [y] = await runGraph(backend, [x], [ops.relu(x)], [new Tensor(data, [2, 2], 'float32')]);
    expect(Array.from(y.data)).toEqual([1, 0, 3, 0]);
  });

  it('an op with no lowering fails at compile time, naming the op and its layer', async () => {
    const Custom = defineOp({ name: `NoSuchKernel_${backend.name}_${Math.random().toString(36).slice(2)}`, inputs: ['x'], inferShape: ([x]) => [{ shape: x.shape, dtype: x.dtype }] });
    const x = placeholder([2]);
    const y = withScope('my_layer', () => apply1(Custom, [x]));
    const err = await backend.compile(new Graph([x], [y])).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect(err.message).toContain(Custom.name);
    expect(err.message).toContain("layer 'my_layer'");
  });
});
