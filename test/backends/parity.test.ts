import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Callback, Sequential, opRegistry, setSeed, toCategorical, type Backend, type Logs, type Tensor } from '@layerwise/core';
import * as layers from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';
import { mlp11 } from '../helpers/models.js';

/**
 * The same seeded run gives the same numbers on every backend: the tutorial's 1.1 MLP on the
 * embedded Fashion-MNIST sample, step by step for 50 steps, and weights saved on one backend
 * predict identically on another.
 */
const [[xTrain, yTrain], [xTest]] = fashionMnist.loadSample();
const x = xTrain.reshape(xTrain.shape[0], 784).astype('float32').div(255);
const y = toCategorical(yTrain, 10);
const xt = xTest.reshape(xTest.shape[0], 784).astype('float32').div(255).slice(0, 256);
const STEPS = 50;
const BATCH = 32;
const onnx = BACKENDS.find((b) => b.name === 'onnx')!;
const others = BACKENDS.filter((b) => b !== onnx);
const dir = mkdtempSync(join(tmpdir(), 'layerwise-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Per-step losses, derived from the running mean Keras-style logs report (all batches are full here). */
class StepLosses extends Callback {
  losses: number[] = [];
  private prev = 0;
  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const mean = logs!.loss;
    this.losses.push((batch + 1) * mean - batch * this.prev);
    this.prev = mean;
  }
}

async function trainMlp(backend: Backend, steps = STEPS): Promise<{ model: Sequential; losses: number[] }> {
  setSeed(2026);
  const model = mlp11();
  model.setBackend(backend);
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const probe = new StepLosses();
  const n = steps * BATCH;
  await model.fit(x.slice(0, n), y.slice(0, n), { batchSize: BATCH, epochs: 1, verbose: 0, callbacks: [probe] });
  return { model, losses: probe.losses };
}

const relDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));

describe('backend parity: 1.1 MLP on the Fashion-MNIST sample', () => {
  let reference: { model: Sequential; losses: number[] };

  it('onnx reference run', async () => {
    reference = await trainMlp(onnx.backend);
    expect(reference.losses).toHaveLength(STEPS);
    expect(reference.losses[STEPS - 1]).toBeLessThan(reference.losses[0]);
  });

  describe.each(others)('$name', ({ name, backend }) => {
    let run: { model: Sequential; losses: number[] };

    it(`per-step losses match onnx within 1e-4 (relative) for ${STEPS} steps`, async () => {
      run = await trainMlp(backend);
      const d = relDiff(run.losses, reference.losses);
      console.log(`parity ${name}: max relative per-step loss difference over ${STEPS} steps = ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-4);
    });

    it('weights saved on onnx load and predict identically here, and back', async () => {
      const there = join(dir, `from-onnx-${name}.lw`);
      await reference.model.saveWeights(there);
      const model = mlp11();
      model.setBackend(backend);
      await model.loadWeights(there);
      const expected = await reference.model.predict(xt, { verbose: 0 });
      const got = await model.predict(xt, { verbose: 0 });
      const forward = maxAbsDiff(got.data, expected.data);

      const back = join(dir, `from-${name}.lw`);
      await run.model.saveWeights(back);
      const onOnnx = mlp11();
      onOnnx.setBackend(onnx.backend);
      await onOnnx.loadWeights(back);
      const backward = maxAbsDiff((await onOnnx.predict(xt, { verbose: 0 })).data, (await run.model.predict(xt, { verbose: 0 })).data);
      console.log(`parity ${name}: weight transfer max |Δ prediction| onnx→${name} ${forward.toExponential(2)}, ${name}→onnx ${backward.toExponential(2)}`);
      expect(forward).toBeLessThanOrEqual(1e-5);
      expect(backward).toBeLessThanOrEqual(1e-5);
      // The same model object moved between backends predicts the same too.
      model.setBackend(onnx.backend);
      expect(maxAbsDiff((await model.predict(xt, { verbose: 0 })).data, got.data)).toBeLessThanOrEqual(1e-5);
    });
  });
});

const hasConv = [...opRegistry.keys()].some((k) => /^Conv/.test(k)) && typeof (layers as Record<string, unknown>).Conv2D === 'function';

describe.skipIf(!hasConv)('backend parity: small CNN on the Fashion-MNIST sample', () => {
  const L = layers as unknown as Record<string, new (...args: any[]) => any>;
  const CNN_STEPS = 12; // the cpu kernels take ~1 s per step of this network
  const xi = x.reshape(x.shape[0], 28, 28, 1);
  const probe = xi.slice(0, 128) as Tensor;
  const cnn = () => {
    const m = new Sequential();
    m.add(new L.Conv2D(32, [3, 3], { activation: 'relu', inputShape: [28, 28, 1] }));
    m.add(new L.MaxPooling2D({ poolSize: [2, 2] }));
    m.add(new L.Flatten());
    m.add(new L.Dense(10, { activation: 'softmax' }));
    return m;
  };
  const train = async (backend: Backend) => {
    setSeed(7);
    const model = cnn();
    model.setBackend(backend);
    model.compile({ optimizer: 'adagrad', loss: 'categorical_crossentropy' });
    const steps = new StepLosses();
    await model.fit(xi.slice(0, CNN_STEPS * 64), y.slice(0, CNN_STEPS * 64), { batchSize: 64, epochs: 1, verbose: 0, callbacks: [steps] });
    return { losses: steps.losses, predictions: (await model.predict(probe, { verbose: 0 })).data };
  };
  let ref: Awaited<ReturnType<typeof train>>;
  it('onnx reference run', async () => {
    ref = await train(onnx.backend);
    expect(ref.losses).toHaveLength(CNN_STEPS);
  });
  it.each(others)('$name: per-step losses and predictions match onnx', async ({ name, backend }) => {
    const run = await train(backend);
    const d = relDiff(run.losses, ref.losses);
    const p = maxAbsDiff(run.predictions, ref.predictions);
    console.log(`parity ${name} CNN: max relative per-step loss difference over ${CNN_STEPS} steps ${d.toExponential(2)}, max |Δ prediction| ${p.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-4);
    expect(p).toBeLessThanOrEqual(1e-5);
  }, 360_000); // the cpu kernels' convolutions take ~45 s alone and over 120 s beside the rest of the suite
});
