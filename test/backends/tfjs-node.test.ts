import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Generator, Graph, Tensor, gradients, ops, placeholder, type Value } from '@layerwise/core';
import { TfjsBackend } from '@layerwise/backend-tfjs';
import { TFJS_KERNELS } from '../helpers/backends.js';
import { expectClose } from '../helpers/run.js';
import { recordTfOps } from '../helpers/tf-ops.js';

/**
 * What the tfjs backend does differently on tfjs-node, checked against the same graphs on the
 * cpu kernels: TensorFlow's own gradient kernels are the ones that run, and per-channel
 * Add/Sub/Mul runs over large activations become one FusedBatchNorm pass — only where nothing
 * else reads the intermediates.
 */
const node = TFJS_KERNELS.includes('node') ? new TfjsBackend({ kernels: 'node', report: false }) : null;
const cpu = new TfjsBackend({ kernels: 'cpu', report: false });

const gen = new Generator(5);
const random = (shape: number[]) => {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = gen.uniform(-1, 1);
  return t;
};

async function run(backend: TfjsBackend, inputs: Value[], outputs: Value[], feeds: Tensor[]): Promise<{ out: Tensor[]; steps: number }> {
  // The compiled plan's kernel calls (steps) tell what was fused.
  const exe = (await backend.compile(new Graph(inputs, outputs, 'test'))) as unknown as { plan: { steps: unknown[] } } & Awaited<ReturnType<TfjsBackend['compile']>>;
  const out = await Promise.all((await exe.run(feeds.map((f) => backend.upload(f)))).map((v) => v.read()));
  const steps = exe.plan.steps.length;
  exe.dispose();
  return { out, steps };
}

// The shared suites leave tfjs-node out when it does not load (and say so loudly). Installed but
// not loading — a binding built for another Node, a library link gone — is a failure, not a skip:
// CI's setup either builds it or leaves it uninstalled.
const installed = (() => {
  try {
    // Resolved as the backend resolves it (from its package folder).
    createRequire(new URL('../../packages/backend-tfjs/package.json', import.meta.url)).resolve('@tensorflow/tfjs-node/package.json');
    return true;
  } catch {
    return false;
  }
})();
it.skipIf(!installed)('@tensorflow/tfjs-node, when installed, loads (else the shared suites would silently skip it)', () => {
  expect(() => new TfjsBackend({ kernels: 'node', report: false })).not.toThrow();
});

describe.skipIf(!node)('on tfjs-node: TensorFlow kernels the wasm and cpu kernels lack', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['same, stride 2', { padding: 'same' as const, strides: [2, 2] as [number, number] }, [1, 7, 6, 3], [3, 3, 3, 4], ['Conv2DBackpropInput', 'Conv2DBackpropFilter']],
    ['valid, dilation 2', { dilations: [2, 2] as [number, number] }, [2, 7, 7, 2], [2, 3, 2, 3], ['Conv2DBackpropInput', 'Conv2DBackpropFilter']],
    ['depthwise, same', { padding: 'same' as const, groups: 3 }, [2, 5, 5, 3], [3, 3, 1, 6], ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']],
  ])('conv gradients (%s) run %j… natively and match the cpu kernels', async (_label, options, xShape, kShape, expected) => {
    const x = placeholder(xShape);
    const k = placeholder(kShape);
    const loss = ops.sum(ops.square(ops.conv2d(x, k, options)));
    const [dx, dk] = gradients(loss, [x, k]);
    const feeds = [random(xShape), random(kShape)];
    const want = await run(cpu, [x, k], [dx!, dk!], feeds);
    const seen = recordTfOps();
    const got = await run(node!, [x, k], [dx!, dk!], feeds);
    for (const op of expected as string[]) expect(seen).toContain(op);
    got.out.forEach((t, i) => expectClose(t.data, want.out[i].data, 1e-4, ['dx', 'dk'][i]));
  });

  it("max-pool and average-pool gradients ('same', overlapping windows) run MaxPoolGrad and AvgPoolGrad", async () => {
    const x = placeholder([2, 9, 9, 3]);
    const pooled = ops.add(ops.maxPool2d(x, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }), ops.avgPool2d(x, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }));
    const [dx] = gradients(ops.sum(ops.square(pooled)), [x]);
    const feeds = [random([2, 9, 9, 3])];
    const want = await run(cpu, [x], [dx!], feeds);
    const seen = recordTfOps();
    const got = await run(node!, [x], [dx!], feeds);
    expect(seen).toContain('MaxPoolGrad');
    expect(seen).toContain('AvgPoolGrad');
    expectClose(got.out[0].data, want.out[0].data, 1e-5, 'dx');
  });
});

describe.skipIf(!node)('on tfjs-node: per-channel affine runs as one pass', () => {
  afterEach(() => vi.restoreAllMocks());
  const shape = [2, 32, 32, 16]; // 16,384 elements per sample: large enough to fuse

  it('conv bias, then BatchNormalization x · inv + (beta − mean · inv): one FusedBatchNorm, the same numbers', async () => {
    // shift = beta − mean · inv, worked out on the [C] vectors (here fed, as the steps before it are not what is tested)
    const [x, bias, inv, shift] = [placeholder(shape), placeholder([16]), placeholder([16]), placeholder([16])];
    const y = ops.add(ops.mul(ops.add(x, bias), inv), shift);
    const feeds = [random(shape), random([16]), random([16]), random([16])];
    const want = await run(cpu, [x, bias, inv, shift], [y], feeds);
    const seen = recordTfOps();
    const got = await run(node!, [x, bias, inv, shift], [y], feeds);
    expect(got.steps).toBe(1);
    expect(seen.filter((op) => op === 'FusedBatchNorm')).toHaveLength(1);
    expectClose(got.out[0].data, want.out[0].data, 1e-5, 'y');
  });

  it('vector minus x and scalars fuse too', async () => {
    const [x, c] = [placeholder(shape), placeholder([16])];
    const y = ops.mul(ops.sub(c, ops.mul(x, ops.scalar(0.5))), ops.scalar(-3));
    const feeds = [random(shape), random([16])];
    const want = await run(cpu, [x, c], [y], feeds);
    const got = await run(node!, [x, c], [y], feeds);
    expect(got.steps).toBeLessThan(3);
    expectClose(got.out[0].data, want.out[0].data, 1e-5, 'y');
  });

  it('a step whose value is also read elsewhere (or returned) ends the run there', async () => {
    const [x, b, s] = [placeholder(shape), placeholder([16]), placeholder([16])];
    const shifted = ops.add(x, b);
    const y = ops.mul(ops.add(ops.mul(shifted, s), b), s);
    const feeds = [random(shape), random([16]), random([16])];
    const want = await run(cpu, [x, b, s], [y, shifted], feeds);
    const got = await run(node!, [x, b, s], [y, shifted], feeds);
    expect(got.steps).toBe(2); // `shifted` alone, then the three steps after it as one
    got.out.forEach((t, i) => expectClose(t.data, want.out[i].data, 1e-5, ['y', 'shifted'][i]));
  });

  it('small activations keep their steps (the vector arithmetic would cost more ops than it saves)', async () => {
    const [x, b, s] = [placeholder([2, 4, 4, 16]), placeholder([16]), placeholder([16])];
    const got = await run(node!, [x, b, s], [ops.mul(ops.add(x, b), s)], [random([2, 4, 4, 16]), random([16]), random([16])]);
    expect(got.steps).toBe(2);
  });
});
