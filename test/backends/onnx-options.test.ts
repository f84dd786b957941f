import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ort from 'onnxruntime-node';
import { BackendUnavailableError, ConfigError, Graph, Input, Model, Sequential, Tensor, ops, placeholder, type SymbolicTensor } from '@layerwise/core';
import { Activation, Dense } from '@layerwise/layers';
import { OnnxBackend, onnx } from '@layerwise/backend-onnx';
import { toyData } from '../helpers/models.js';

/**
 * ONNX Runtime options for bigger machines pass through to the session: execution providers,
 * threads, graph optimization level, any other session option. A provider this machine cannot
 * use fails when the graph is compiled, naming the provider and what it needs.
 */
const x = placeholder([null, 3]);
const graph = new Graph([x], [ops.relu(ops.sub(x, ops.constant(Tensor.from([1, 1, 1]))))]);
const input = Tensor.from([[0, 1, 2], [3, -4, 5]]);
const expected = [0, 0, 1, 2, 0, 4];

// The CUDA provider's library is downloaded by onnxruntime-node's install script, next to its binding.
const ortBin = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')), 'bin');
const cudaInstalled = ['napi-v6', 'napi-v3'].some((v) => existsSync(join(ortBin, v, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));

async function runOn(backend: ReturnType<typeof onnx>): Promise<number[]> {
  const exe = await backend.compile(graph);
  const [y] = await exe.run([backend.upload(input)]);
  const out = Array.from((await y.read()).data);
  exe.dispose?.();
  return out;
}

describe('ONNX Runtime options', () => {
  afterEach(() => vi.restoreAllMocks());

  it('executionProviders, threads, optimization level and other session options reach InferenceSession.create', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const backend = onnx({ executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'basic', sessionOptions: { logSeverityLevel: 3 } });
    expect(await runOn(backend)).toEqual(expected);
    const options = create.mock.calls.at(-1)![1] as ort.InferenceSession.SessionOptions;
    expect(options).toMatchObject({ executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'basic', logSeverityLevel: 3 });
    expect(backend.describe()).toMatch(/onnxruntime-node \(cpu, opset \d+, 2 intra-op thread/);
  });

  it("defaults: the CPU provider, every graph optimization ('all')", async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    expect(await runOn(onnx())).toEqual(expected);
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  });

  it('the memory plan: arena and pattern for small graphs; where one sample\'s activation passes 4 MB, no pattern for predict, no arena otherwise; overridable', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    await runOn(onnx());
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: true, enableMemPattern: true });
    // One image of 240×360 pixels × 16 channels: 5.5 MB per sample.
    const big = placeholder([null, 240, 360, 16]);
    const backend = onnx();
    const inference = await backend.compile(new Graph([big], [ops.relu(big)]), { kind: 'predict' });
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: true, enableMemPattern: false });
    inference.dispose();
    const exe = await backend.compile(new Graph([big], [ops.relu(big)]));
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: false, enableMemPattern: true });
    const image = Tensor.from(Array.from({ length: 240 * 360 * 16 }, (_, i) => (i % 3) - 1)).reshape([1, 240, 360, 16]);
    const [y] = await exe.run([backend.upload(image)]);
    expect(Array.from((await y.read()).data.subarray(0, 6))).toEqual([0, 0, 1, 0, 0, 1]);
    exe.dispose?.();
    await runOn(onnx({ sessionOptions: { enableCpuMemArena: false } }));
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: false });
  });

  it('the engine says what a graph is for: with large activations, predict keeps the arena, fit and evaluate do not', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const size = 1_100_000; // 4.4 MB per sample
    const inputs = Input({ shape: [size] });
    const model = new Model({ inputs, outputs: new Dense(1).apply(new Activation('relu').apply(inputs) as SymbolicTensor) as SymbolicTensor });
    model.setBackend(onnx());
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = new Tensor(new Float32Array(2 * size).fill(0.001), [2, size]);
    await model.predict(x, { verbose: 0 });
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: true, enableMemPattern: false });
    const y = new Tensor(new Float32Array(2), [2, 1]);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: false, enableMemPattern: true });
    await model.evaluate(x, y, { verbose: 0 });
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ enableCpuMemArena: false, enableMemPattern: true });
  });

  it('graph optimizations disabled compute the same', async () => {
    expect(await runOn(onnx({ graphOptimizationLevel: 'disabled' }))).toEqual(expected);
  });

  it('a model trains with the options', async () => {
    const { x: xs, y: ys } = toyData(64);
    const m = new Sequential();
    m.add(new Dense(4, { inputDim: 16, activation: 'softmax' }));
    m.setBackend(onnx({ executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'extended' }));
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const h = await m.fit(xs, ys, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
  });

  // Checked when the backend is made, before any session: a typo names itself and the value meant.
  it.each([
    [{ executionProviders: ['CUDA', 'cpu'] }, /onnx: unknown execution provider 'CUDA' \(a string\) \(did you mean 'cuda'\?\)\. onnxruntime-node knows: cpu, cuda, tensorrt, webgpu, dml, coreml, qnn/],
    [{ executionProviders: [{ name: 'tensorrtt', deviceId: 0 }] }, /unknown execution provider 'tensorrtt' \(a string\) \(did you mean 'tensorrt'\?\)/],
    [{ executionProviders: 'cuda' }, /onnx: executionProviders must be a non-empty array such as \['cuda', 'cpu'\], got 'cuda' \(a string\)/],
    [{ executionProviders: [] }, /executionProviders must be a non-empty array/],
    [{ graphOptimizationLevel: 'al' }, /onnx: unknown graphOptimizationLevel 'al' \(a string\) \(did you mean 'all'\?\)\. Expected one of: disabled, basic, extended, layout, all/],
    [{ graphOptimizationLevel: 99 }, /unknown graphOptimizationLevel 99 \(a number\)\. Expected one of/],
    [{ intraOpNumThreads: 0 }, /onnx: intraOpNumThreads must be a positive integer, got 0 \(a number\)/],
    [{ interOpNumThreads: '2' }, /onnx: interOpNumThreads must be a positive integer, got '2' \(a string\)/],
    [{ sessionOptions: 'fast' }, /onnx: sessionOptions must be an object of onnxruntime-node session options, got 'fast' \(a string\)/],
  ])('a bad value is refused when the backend is made: %j', (options, message) => {
    expect(() => onnx(options as never)).toThrow(ConfigError);
    expect(() => onnx(options as never)).toThrow(message);
    expect(() => new OnnxBackend(options as never)).toThrow(message.source.startsWith('onnx: ') ? new RegExp(`OnnxBackend: ${message.source.slice(6)}`) : message);
  });

  it('a provider with options ({ name, deviceId }) passes the check and reaches the session', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    expect(await runOn(onnx({ executionProviders: [{ name: 'cpu', useArena: false }] }))).toEqual(expected);
    expect(create.mock.calls.at(-1)![1]).toMatchObject({ executionProviders: [{ name: 'cpu', useArena: false }] });
  });

  it.skipIf(cudaInstalled)("['cuda', 'cpu'] without the CUDA provider: a clear error naming it and what to install", async () => {
    const err = await runOn(onnx({ executionProviders: ['cuda', 'cpu'] })).catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/could not use the 'cuda' execution provider \(executionProviders: \['cuda', 'cpu'\]\)/);
    expect(err.message).toMatch(/CUDA 12 and cuDNN 9/);
    expect(err.message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
    expect(err.message).toMatch(/cause: .*Cuda/);
  });

  it.skipIf(process.platform === 'darwin')('a provider this build of onnxruntime-node does not have (Core ML off macOS) is named in the error', async () => {
    const err = await runOn(onnx({ executionProviders: ['coreml'] })).catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/'coreml' execution provider.*It needs macOS/);
  });
});
