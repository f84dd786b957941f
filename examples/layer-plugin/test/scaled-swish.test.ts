import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  ConfigError, Graph, Input, Model, Sequential, ShapeError, Tensor, gradients, loadModel, ops, placeholder, regularizers, setSeed, type Backend, type Value,
} from '@layerwise/core';
import { Dense, Flatten } from '@layerwise/layers';
import { BACKENDS } from '../../../test/helpers/backends.js';
// The plugin, as a user imports it: the layer and op, then the lowerings for the backends in use.
import { ScaledSwish, ScaledSwishOp, scaledSwish } from '../src/index.js';
import '../src/onnx.js';
import '../src/tfjs.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-plugin-'));

/** Two interleaved spirals: a problem a ScaledSwish MLP learns in a few epochs. */
function data(n = 128, seed = 0): { x: Tensor; y: Tensor } {
  const x = Tensor.zeros([n, 2]);
  const y = Tensor.zeros([n, 2]);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = ((i >> 1) / (n / 2)) * 3 + seed * 0.01;
    const r = 0.2 + t / 3;
    x.data[i * 2] = r * Math.cos(t + c * Math.PI);
    x.data[i * 2 + 1] = r * Math.sin(t + c * Math.PI);
    y.data[i * 2 + c] = 1;
  }
  return { x, y };
}

function net(backend: Backend, fused: boolean): Sequential {
  // The first ScaledSwish carries what the base class handles: a weight regularizer and an activity regularizer.
  const first = new ScaledSwish({ fused, betaRegularizer: regularizers.l2(1e-4), activityRegularizer: regularizers.l1(1e-4) });
  return new Sequential({
    backend,
    layers: [new Dense(16, { inputShape: [2] }), first, new Dense(16), new ScaledSwish({ fused, name: fused ? 'swish_b' : undefined }), new Dense(2, { activation: 'softmax' })],
  });
}

/** The op in float64, for reference: y and the gradients of sum(y · w). */
function reference(x: number[], beta: number[], w: number[], channels: number) {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const y: number[] = [];
  const dx: number[] = [];
  const dbeta = new Array(channels).fill(0);
  x.forEach((xi, i) => {
    const b = beta[i % channels];
    const s = sig(b * xi);
    y.push(xi * s);
    dx.push(w[i] * (s + b * xi * s * (1 - s)));
    dbeta[i % channels] += w[i] * xi * xi * s * (1 - s);
  });
  return { y, dx, dbeta };
}
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.each(BACKENDS)('ScaledSwish plugin on $name', ({ name, backend }) => {
  it.each([false, true])('trains (fused op: %s): loss goes down and β moves', async (fused) => {
    setSeed(7);
    const model = net(backend, fused);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const beta0 = Array.from((model.layers[1] as ScaledSwish).beta.value.data);
    const { x, y } = data();
    const h = await model.fit(x, y, { epochs: 12, batchSize: 16, verbose: 0 });
    const loss = h.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.8);
    const beta1 = Array.from((model.layers[1] as ScaledSwish).beta.value.data);
    expect(maxDiff(beta0, beta1)).toBeGreaterThan(1e-3);
  });

  it('the fused op and the core-op composition agree: values and gradients vs float64', async () => {
    const shape = [3, 4];
    const xs = [-3, -1.5, -0.2, 0, 0.3, 1, 2.5, 4, -2, 0.7, 1.1, -0.9];
    const betas = [1, 0.5, 2, -0.7];
    const w = xs.map((_, i) => ((i * 7) % 5) / 5 - 0.4);
    const ref = reference(xs, betas, w, 4);
    for (const fused of [false, true]) {
      const x = placeholder(shape);
      const beta = placeholder([4]);
      const y = fused ? scaledSwish(x, beta) : ops.mul(x, ops.sigmoid(ops.mul(beta, x)));
      const loss = ops.sum(ops.mul(y, ops.constant(Tensor.from(w).reshape(shape))));
      const [dx, dbeta] = gradients(loss, [x, beta]) as Value[];
      const exe = await backend.compile(new Graph([x, beta], [y, dx, dbeta], 'scaled-swish-test'));
      const outs = await exe.run([backend.upload(Tensor.from(xs).reshape(shape)), backend.upload(Tensor.from(betas))]);
      const [yv, dxv, dbv] = await Promise.all(outs.map((o) => o.read()));
      expect(maxDiff(yv.data, ref.y), `y, fused=${fused}`).toBeLessThan(1e-5);
      expect(maxDiff(dxv.data, ref.dx), `dx, fused=${fused}`).toBeLessThan(1e-5);
      expect(maxDiff(dbv.data, ref.dbeta), `dbeta, fused=${fused}`).toBeLessThan(1e-5);
    }
  });

  it('saves and loads (model.save / loadModel): same class, config and predictions', async () => {
    setSeed(3);
    const model = net(backend, true);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const { x, y } = data(32);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const path = join(dir, `swish-${name}.lw`);
    model.save(path);
    const loaded = await loadModel(path);
    loaded.setBackend(backend);
    expect(loaded.layers.map((l) => l.className)).toEqual(['Dense', 'ScaledSwish', 'Dense', 'ScaledSwish', 'Dense']);
    const layer = loaded.layers[1] as ScaledSwish;
    expect(layer).toBeInstanceOf(ScaledSwish);
    expect(layer.fused).toBe(true);
    expect(layer.getConfig()).toEqual(model.layers[1].getConfig());
    expect(layer.getConfig()).toMatchObject({ betaInitializer: { className: 'Ones' }, betaRegularizer: { className: 'L2' }, activityRegularizer: { className: 'L1' } });
    expect(Array.from(layer.beta.value.data)).toEqual(Array.from((model.layers[1] as ScaledSwish).beta.value.data));
    const [a, b] = [await model.predict(x, { verbose: 0 }), await loaded.predict(x, { verbose: 0 })];
    expect(maxDiff(a.data, b.data)).toBe(0);
  });

  it('works in the functional API on an image-shaped input, β per channel on axis 1 (channels first)', async () => {
    setSeed(5);
    const inputs = Input({ shape: [3, 4, 4] });
    const act = new ScaledSwish({ axis: 1, fused: true });
    const out = new Dense(2).apply(new Flatten().apply(act.apply(inputs)));
    const model = new Model({ inputs, outputs: out, backend });
    expect(act.beta.shape).toEqual([3]);
    act.beta.assign(Tensor.from([0, 1, 4]));
    const x = Tensor.zeros([2, 3, 4, 4]);
    for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
    const direct = new Model({ inputs, outputs: act.apply(inputs), backend });
    const y = await direct.predict(x, { verbose: 0 });
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = Array.from(x.data, (v, i) => v * sig([0, 1, 4][Math.floor(i / 16) % 3] * v));
    expect(maxDiff(y.data, expected)).toBeLessThan(1e-5);
    expect((await model.predict(x, { verbose: 0 })).shape).toEqual([2, 2]);
  });
});

describe('ScaledSwish plugin: ONNX export', () => {
  it.each([false, true])('exports (fused op: %s); onnxruntime-node gives what predict gives', async (fused) => {
    setSeed(11);
    const model = net(BACKENDS[0].backend, fused);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const { x, y } = data(64);
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    const path = join(dir, `swish-${fused}.onnx`);
    await model.export(path, { format: 'onnx' });
    const session = await ort.InferenceSession.create(path);
    const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data as Float32Array, x.shape) }))[session.outputNames[0]];
    const expected = await model.predict(x, { verbose: 0 });
    expect(out.dims).toEqual(expected.shape);
    expect(maxDiff(out.data as Float32Array, expected.data)).toBeLessThanOrEqual(1e-4);
  });
});

describe('ScaledSwish plugin: errors name the layer', () => {
  it('rejects bad arguments and shapes', () => {
    expect(() => new ScaledSwish({ betaInitializer: 'onez' })).toThrow(/onez/);
    expect(() => new ScaledSwish({ axis: 1.5 })).toThrow(ConfigError);
    const layer = new ScaledSwish({ name: 'act' });
    new Sequential({ layers: [new Dense(4, { inputShape: [3] }), layer] });
    expect(() => layer.apply(Input({ shape: [5] }))).toThrow(ShapeError);
    expect(() => layer.apply(Input({ shape: [5] }))).toThrow(/Layer 'act' \(ScaledSwish\) expects axis -1 of the inputs to have size 4; got shape \(None, 5\)/);
    expect(() => scaledSwish(placeholder([null, 4]), placeholder([3]))).toThrow(/could not be broadcast|does not broadcast/);
  });
});

describe('ScaledSwish plugin: without its lowering', () => {
  it('a backend that lacks the op says so when the graph is compiled, naming the op and the layer', async () => {
    const onnx = await import('@layerwise/backend-onnx');
    const saved = onnx.lowerings.get(ScaledSwishOp.name)!;
    onnx.lowerings.delete(ScaledSwishOp.name);
    try {
      const model = new Sequential({ backend: new onnx.OnnxBackend(), layers: [new Dense(4, { inputShape: [3] }), new ScaledSwish({ fused: true, name: 'fused_swish' })] });
      await expect(model.predict(Tensor.zeros([2, 3]), { verbose: 0 })).rejects.toThrow(/layerwise-example\/ScaledSwish[\s\S]*fused_swish|fused_swish[\s\S]*layerwise-example\/ScaledSwish/);
    } finally {
      onnx.lowerings.set(ScaledSwishOp.name, saved);
    }
  });
});

describe('ScaledSwish plugin: shows up in summary and plots like any layer', () => {
  it('model.summary() text and the plot_model graph', async () => {
    const { clearSession } = await import('@layerwise/core');
    const { summarize } = await import('../../../packages/core/src/engine/summary.js');
    const { modelToDotGraph } = await import('../../../packages/plot/src/index.js');
    clearSession();
    const model = new Sequential({ layers: [new Dense(4, { inputShape: [3] }), new ScaledSwish(), new Dense(2)] });
    const text = summarize(model, { terminalColumns: 80 });
    expect(text).toMatch(/│ scaled_swish \(ScaledSwish\) +│ \(None, 4\) +│ +4 │/);
    expect(text).toContain(' Total params: 30 (120.00 B)');
    const g = modelToDotGraph(model, { showShapes: true });
    expect(g.nodes.map((n) => n.id)).toEqual(['dense', 'scaled_swish', 'dense_1']);
    expect(g.nodes[1].label).toContain('<b>scaled_swish</b> (ScaledSwish)');
  });
});
