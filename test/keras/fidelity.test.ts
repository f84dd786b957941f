import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Tensor, gradients, getInitializer, getLoss, getMetric, getOptimizer, ops, placeholder, regularizers, setSeed, TraceContext, type Value,
} from '@layerwise/core';
import { activations, BatchNormalization, Dense, Dropout } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { expectClose, runGraph } from '../helpers/run.js';

/** Golden values from real Keras 3 (scripts/fixtures/make_keras_fixtures.py); no Python needed here. */
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/keras/${name}.json`, import.meta.url), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const t = (v: any, shape?: number[]) => (shape ? Tensor.from(v).reshape(shape) : Tensor.from(v));

const optimizerCases = fixture('optimizers');
const lossCases = fixture('losses');
const initCases = fixture('initializers');
const actCases = fixture('activations');
const bn = fixture('batchnorm');
const dd = fixture('dense_dropout');
const metricsFx = fixture('metrics');

describe('optimizer defaults match Keras', () => {
  it.each(optimizerCases.cases.filter((c: any) => c.name.endsWith('_default')))('$optimizer', (c: any) => {
    const ours = getOptimizer(c.optimizer).getConfig() as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.config)) {
      const key = camel(k) === 'beta1' ? 'beta1' : camel(k);
      if (!(key in ours)) continue; // Keras-only options (ema, clipnorm …) are not offered
      if (typeof v === 'number') expect(ours[key] as number).toBeCloseTo(v, 6);
      else expect(ours[key]).toEqual(v);
    }
  });
});

describe.each(BACKENDS)('on $name', ({ backend }) => {
  describe('optimizer updates match Keras step by step', () => {
    it.each(optimizerCases.cases)('$name', async (c: any) => {
      const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]));
      const opt = getOptimizer({ className: c.optimizer, config: kwargs });
      const w = placeholder(c.shape);
      const g = placeholder(c.shape);
      const lr = placeholder([]);
      const it = placeholder([]);
      const slots = opt.slots().map(() => placeholder(c.shape));
      const up = opt.update(w, g, slots, { lr: opt.stepLearningRate(lr, it), iterations: it });
      let wv = t(c.w0, c.shape);
      let sv = opt.slots().map((s) => Tensor.full(c.shape, s.init));
      for (let step = 0; step < c.grads.length; step++) {
        const outs = await runGraph(backend, [w, g, lr, it, ...slots], [up.w, ...up.slots], [wv, t(c.grads[step], c.shape), Tensor.scalar(opt.learningRate), Tensor.scalar(step), ...sv]);
        [wv, ...sv] = outs;
        expectClose(wv.data, c.weights[step], 2e-6, `${c.name} step ${step + 1}`);
      }
    });
  });

  describe('losses match Keras (per sample, mean, gradient)', () => {
    it.each(lossCases.cases)('$name', async (c: any) => {
      const loss = getLoss(c.loss);
      const fromLogits = c.kwargs.from_logits === true;
      const l = fromLogits ? new (loss.constructor as any)(true) : loss;
      let yTrue = Tensor.from(c.y_true, l.targetSpec([null]).dtype === 'int32' ? 'int32' : 'float32');
      if (yTrue.dtype === 'int32' && yTrue.rank === 2) yTrue = yTrue.reshape([-1]); // fit squeezes [n, 1] labels the same way
      const yPred = Tensor.from(c.y_pred);
      const tv = placeholder(yTrue.shape, yTrue.dtype);
      const pv = placeholder(yPred.shape);
      const per = l.perSample(tv, pv);
      const value = ops.mean(per);
      const outs = [per, value];
      if (c.gradient_wrt_pred) outs.push(gradients(value, [pv])[0]!);
      const res = await runGraph(backend, [tv, pv], outs, [yTrue, yPred]);
      expectClose(res[0].data, c.per_sample.flat(), 1e-5, `${c.name} per sample`);
      expectClose(res[1].data, [c.value], 1e-5, `${c.name} value`);
      if (c.gradient_wrt_pred) expectClose(res[2].data, c.gradient_wrt_pred.flat(), 1e-4, `${c.name} gradient`);
    });
  });

  describe('activations match Keras (value and derivative)', () => {
    it.each(Object.entries(actCases.elementwise))('%s', async (name, c: any) => {
      const x = placeholder([actCases.x.length]);
      const y = activations[name](x);
      const [dy] = gradients(ops.sum(y), [x]);
      const [yv, dv] = await runGraph(backend, [x], [y, dy ?? ops.mul(x, ops.scalar(0))], [t(actCases.x)]);
      expectClose(yv.data, c.y, 1e-5, `${name}`);
      expectClose(dv.data, c.dy_dx, 1e-4, `${name}'`);
    });
    it('softmax', async () => {
      const x = placeholder([2, 5]);
      const y = activations.softmax(x);
      const [yv] = await runGraph(backend, [x], [y], [t(actCases.softmax.x)]);
      expectClose(yv.data, actCases.softmax.y.flat(), 1e-6, 'softmax');
    });
  });

  it('BatchNormalization matches Keras: training output, moving statistics, inference, gradients', async () => {
    const layer = new BatchNormalization();
    const input = t(bn.input);
    layer.build([null, input.shape[1]]);
    layer.built = true;
    layer.gamma!.assign(t(bn.gamma));
    layer.beta!.assign(t(bn.beta));
    const x = placeholder(input.shape);
    const train = new TraceContext(true);
    const y = layer.invoke(x, train) as Value;
    const w = placeholder(input.shape);
    const [gx, gg, gb] = gradients(ops.sum(ops.mul(y, w)), [x, train.read(layer.gamma!), train.read(layer.beta!)]);
    const vars = [...train.variableValues.keys()];
    const updates = [train.updates.get(layer.movingMean)!, train.updates.get(layer.movingVariance)!];
    const res = await runGraph(backend, [x, w, ...vars.map((v) => train.read(v))], [y, ...updates, gx!, gg!, gb!], [input, t(bn.weights), ...vars.map((v) => v.value)]);
    expectClose(res[0].data, bn.output_training.flat(), 1e-5, 'training output');
    expectClose(res[1].data, bn.moving_mean_after, 1e-6, 'moving mean');
    expectClose(res[2].data, bn.moving_variance_after, 1e-6, 'moving variance');
    expectClose(res[3].data, bn.grad_input.flat(), 1e-4, 'd input');
    expectClose(res[4].data, bn.grad_gamma, 1e-4, 'd gamma');
    expectClose(res[5].data, bn.grad_beta, 1e-4, 'd beta');
    layer.movingMean.assign(res[1]);
    layer.movingVariance.assign(res[2]);
    const infer = new TraceContext(false);
    const yi = layer.invoke(x, infer) as Value;
    const ivars = [...infer.variableValues.keys()];
    const [out] = await runGraph(backend, [x, ...ivars.map((v) => infer.read(v))], [yi], [input, ...ivars.map((v) => v.value)]);
    expectClose(out.data, bn.output_inference_after.flat(), 1e-5, 'inference output');
  });

  it('regularizer penalties match Keras', async () => {
    const wT = t(dd.regularizer_weight);
    const w = placeholder(wT.shape);
    const cases: [string, ReturnType<typeof regularizers.l2>][] = [
      ['l1', regularizers.l1()],
      ['l2', regularizers.l2()],
      ['l1_l2', regularizers.l1_l2()],
      ['l1_l2_0.01_0.01', regularizers.l1_l2(0.01, 0.01)],
    ];
    for (const [key, reg] of cases) {
      const [p] = await runGraph(backend, [w], [ops.add(reg.penalty(w), ops.scalar(0))], [wT]);
      expectClose(p.data, [dd.regularizers[key].penalty], 1e-6, key);
    }
  });

  it('metrics match Keras on a fixed batch', async () => {
    const yT = placeholder([8, metricsFx.y_pred[0].length]);
    const yP = placeholder([8, metricsFx.y_pred[0].length]);
    const labels = placeholder([8], 'int32');
    const cce = getLoss('categorical_crossentropy');
    const scce = getLoss('sparse_categorical_crossentropy');
    const outs = [
      getMetric('categorical_accuracy', cce, 10).perSample(yT, yP),
      getMetric('sparse_categorical_accuracy', scce, 10).perSample(labels, yP),
      getMetric('top_k_categorical_accuracy', cce, 10).perSample(yT, yP),
    ];
    const res = await runGraph(backend, [yT, yP, labels], outs, [t(metricsFx.y_true), t(metricsFx.y_pred), Tensor.from(metricsFx.labels, 'int32')]);
    expectClose(res[0].data, metricsFx.direct.categorical_accuracy.per_sample, 0, 'categorical_accuracy');
    expectClose(res[1].data, metricsFx.direct.sparse_categorical_accuracy.per_sample, 0, 'sparse_categorical_accuracy');
    expectClose(res[2].data, metricsFx.direct.top_k_categorical_accuracy_k5.per_sample, 0, 'top_k');
    const b = metricsFx.direct.binary_accuracy;
    const bt = placeholder([8, 1]);
    const bp = placeholder([8, 1]);
    const [bv] = await runGraph(backend, [bt, bp], [getMetric('binary_accuracy', cce, 1).perSample(bt, bp)], [t(b.y_true), t(b.y_pred)]);
    expectClose(bv.data, b.per_sample, 0, 'binary_accuracy');
  });
});

describe("'accuracy' and 'acc' resolve as Keras 3 resolves them, and keep their name", () => {
  const kind: Record<string, string> = { CategoricalAccuracy: 'categorical', SparseCategoricalAccuracy: 'sparse', BinaryAccuracy: 'binary' };
  it.each(metricsFx.accuracy_resolution)('$loss / $metric_string / $output_units units / $y_true', async (c: any) => {
    const m = getMetric(c.metric_string, getLoss(c.loss), c.output_units);
    expect(m.name).toBe(c.metric_string);
    // Which accuracy: evaluate on a case that tells them apart.
    const expected = kind[c.model_metrics[1].inner[0].class_name];
    const sparse = c.loss === 'sparse_categorical_crossentropy';
    const yT = placeholder(sparse ? [2] : [2, c.output_units], sparse ? 'int32' : 'float32');
    const yP = placeholder([2, c.output_units]);
    const v = m.perSample(yT, yP);
    const names = new Set<string>();
    const walk = (x: Value) => {
      if (!x.node) return;
      names.add(x.node.op.name);
      x.node.inputs.forEach(walk);
    };
    walk(v);
    const got = names.has('ArgMax') ? (sparse ? 'sparse' : 'categorical') : 'binary';
    expect(got).toBe(expected);
    expect(c.history_keys).toContain(c.metric_string);
  });
});

describe('initializers match Keras defaults and distributions', () => {
  it.each(initCases.cases)('$name', (c: any) => {
    setSeed(1);
    const init = getInitializer(Object.keys(c.kwargs).length ? { className: c.class_name, config: c.kwargs } : c.name);
    expect(init.className).toBe(c.class_name);
    for (const s of c.shapes) {
      const v = init.call(s.shape);
      const n = v.size;
      let mean = 0;
      for (const x of v.data) mean += x;
      mean /= n;
      let sq = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const x of v.data) {
        sq += (x - mean) ** 2;
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      const std = Math.sqrt(sq / n);
      const th = s.theory ?? {};
      if (th.limit !== undefined) {
        expect(max).toBeLessThanOrEqual(th.limit + 1e-7);
        expect(min).toBeGreaterThanOrEqual(-th.limit - 1e-7);
      }
      const expectedStd = th.expected_std ?? s.std;
      if (expectedStd === 0) expect(std).toBe(0);
      else expect(Math.abs(std - expectedStd) / expectedStd).toBeLessThan(0.05);
      expect(Math.abs(mean - s.mean)).toBeLessThan(Math.max(0.05 * (expectedStd || 1), 1e-6) + Math.abs(s.mean) * 0.05 + 3 * (expectedStd / Math.sqrt(n)));
    }
  });
  it('Dense defaults: glorot_uniform kernel, zeros bias; Dropout config', () => {
    const d = new Dense(3).getConfig() as any;
    expect(d.kernelInitializer.className).toBe(initCases.dense_defaults.kernel_initializer.class_name);
    expect(d.biasInitializer.className).toBe(initCases.dense_defaults.bias_initializer.class_name);
    expect(d.useBias).toBe(dd.dense_config.use_bias);
    expect(d.activation).toBe(dd.dense_config.activation);
    const drop = new Dropout(0.3).getConfig() as any;
    expect(drop.rate).toBe(0.3);
    expect(drop.noiseShape).toBe(dd.dropout_config.noise_shape);
  });
  it('BatchNormalization defaults', () => {
    const c = new BatchNormalization().getConfig() as any;
    for (const k of ['axis', 'momentum', 'epsilon', 'center', 'scale']) expect(c[k]).toBe(bn.config[k]);
  });
});
