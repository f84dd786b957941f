// predict's graphs hold the weights up to maxBakedWeightBytes as constants, and large constants
// reach onnxruntime as external data from their own memory: the session copies them, and two
// graphs differing only in a constant's values never share a session.
import { afterEach, describe, expect, it, vi } from 'vitest';
import ort from 'onnxruntime-node';
import { ConfigError, Graph, Input, Model, Tensor, ops, placeholder, setSeed, type SymbolicTensor, type Value, type Variable } from '@layerwise/core';
import { BatchNormalization, Conv2D, Dense, Flatten } from '@layerwise/layers';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { maxAbsDiff } from '../../../test/helpers/run.js';

/** What these tests read of predict's compiled step. */
type PredictStep = { graph: Graph; feeds: { weights: Map<Variable, Value> }; baked: { weights: Variable[] } };

function cnn(): Model {
  setSeed(7);
  const inputs = Input({ shape: [6, 6, 2] });
  const h = new BatchNormalization({ name: 'bn' }).apply(new Conv2D(40, 3, { name: 'conv' }).apply(inputs) as SymbolicTensor) as SymbolicTensor;
  return new Model({ inputs, outputs: new Dense(3, { name: 'dense' }).apply(new Flatten().apply(h) as SymbolicTensor) as SymbolicTensor });
}

describe('predict with baked weights (ONNX backend)', () => {
  afterEach(() => vi.restoreAllMocks());

  // conv kernel 3·3·2·40 floats = 2,880 bytes; BN's vectors and biases 160 bytes or less; dense kernel 16·40·3 floats = 7,680 bytes.
  it.each([
    { limit: undefined, fed: [] },
    { limit: 0, fed: ['conv/kernel', 'conv/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'dense/kernel', 'dense/bias'] },
    { limit: 2880, fed: ['dense/kernel'] },
    { limit: 2879, fed: ['conv/kernel', 'dense/kernel'] },
  ])('maxBakedWeightBytes $limit: the weights above it are fed, the rest baked', async ({ limit, fed }) => {
    const model = cnn();
    model.setBackend(new OnnxBackend(limit === undefined ? {} : { maxBakedWeightBytes: limit }));
    const { layout } = await model.executable<PredictStep>('predict');
    const names = [...layout.feeds.weights.keys()].map((v) => v.name);
    expect(names.sort()).toEqual([...fed].sort());
    expect(layout.baked.weights.length + names.length).toBe(8);
    expect(layout.graph.feeds).toHaveLength(1 + fed.length);
  });

  it('gives the numbers of the graph with every weight fed', async () => {
    const x = new Tensor(Float32Array.from({ length: 4 * 72 }, (_, i) => Math.cos(i)), [4, 6, 6, 2]);
    const outs: Tensor[] = [];
    for (const limit of [0, Infinity]) {
      const model = cnn();
      model.setBackend(new OnnxBackend({ maxBakedWeightBytes: limit }));
      outs.push((await model.predict(x, { verbose: 0 })) as Tensor);
    }
    expect(maxAbsDiff(outs[0].data, outs[1].data)).toBeLessThan(1e-5);
  });

  it('a large constant (external data) is copied by the session; another value compiles to another session', async () => {
    const backend = new OnnxBackend();
    const w = new Tensor(Float32Array.from({ length: 3000 }, (_, i) => i), [3000]);
    const x = placeholder([3000], 'float32', 'x');
    const graph = () => new Graph([x], [ops.sum(ops.mul(x, ops.constant(w)))]);
    const ones = backend.upload(new Tensor(new Float32Array(3000).fill(1), [3000]));
    const run = async (exe: { run: (f: never[]) => Promise<{ read(): Promise<Tensor> }[]> }) => (await (await exe.run([ones as never]))[0].read()).data[0];
    const first = await backend.compile(graph());
    expect(await run(first)).toBe((2999 * 3000) / 2);
    w.data.fill(2); // in place, after compiling: the session holds its own copy
    expect(await run(first)).toBe((2999 * 3000) / 2);
    const second = await backend.compile(graph()); // same graph, other values: not the cached session
    expect(await run(second)).toBe(6000);
    first.dispose();
    second.dispose();
  });

  it('a large baked weight is not an activation: the memory arena stays on', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const x = placeholder([null, 1600], 'float32', 'x');
    const kernel = new Tensor(new Float32Array(1600 * 1000).fill(1e-3), [1600, 1000]); // 6.4 MB, one sample's output 4 kB
    const backend = new OnnxBackend();
    const exe = await backend.compile(new Graph([x], [ops.matmul(x, ops.constant(kernel))]));
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: true });
    exe.dispose();
  });

  it('rejects a maxBakedWeightBytes that is not a number ≥ 0', () => {
    expect(() => new OnnxBackend({ maxBakedWeightBytes: -1 })).toThrow(ConfigError);
    expect(() => new OnnxBackend({ maxBakedWeightBytes: '16M' as unknown as number })).toThrow(/maxBakedWeightBytes must be a number ≥ 0.*'16M'/);
  });
});
