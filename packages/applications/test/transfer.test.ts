// The tutorial's transfer-learning programs (4.4 feature extraction + top model, 4.5 fine-tuning
// VGG16 with layers[:15] frozen) against Keras 3 on the same formula weights and images, small
// (32×48): per-step losses within 1e-4 relative, on ONNX Runtime and TensorFlow.js (wasm).
// fixtures/transfer/steps.json comes from scripts/fixtures/make_transfer_fixtures.py; its head
// has Dropout(0) because a dropout mask is random in each framework (the structure is the tutorial's).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adadelta, Input, Model, Tensor, clearSession, type Backend, type Graph, type SymbolicTensor } from '@layerwise/core';
import { Dense, Dropout, Flatten } from '@layerwise/layers';
import { VGG16 } from '@layerwise/applications';
import { BACKENDS } from '../../../test/helpers/backends.js';
import { formulaWeights, syntheticBatch } from './helpers/formula.js';
import { f32FromBase64 } from './helpers/fixtures.js';

interface StepsFixture {
  height: number;
  width: number;
  n: number;
  batch: number;
  steps: number;
  frozen: number;
  labels: number[];
  features_shape: number[];
  features: string;
  top_losses: number[];
  finetune_counts: { trainable: number; non_trainable: number };
  finetune_losses: number[];
  block5_conv3_kernel_sum: number;
}
const fx: StepsFixture = JSON.parse(readFileSync(new URL('../../../fixtures/transfer/steps.json', import.meta.url), 'utf8'));
// TensorFlow.js' plain-JavaScript kernels would take minutes over VGG16's convolutions.
const backends = BACKENDS.filter((b) => b.name !== 'tfjs-cpu');

const images = () => {
  const x = syntheticBatch([...Array(fx.n).keys()], fx.height, fx.width);
  const scale = Math.fround(1 / 255); // ImageDataGenerator(rescale=1/255) in float32
  return new Tensor(x.data.map((v) => Math.fround(v * scale)), x.shape, 'float32');
};
const labels = new Tensor(Float32Array.from(fx.labels), [fx.n], 'float32');

const head = (x: SymbolicTensor) => {
  let h = new Flatten().apply(x) as SymbolicTensor;
  h = new Dense(256, { activation: 'relu' }).apply(h) as SymbolicTensor;
  h = new Dropout(0).apply(h) as SymbolicTensor;
  return new Dense(1, { activation: 'sigmoid' }).apply(h) as SymbolicTensor;
};

/** Keras' train_on_batch losses: one fit of one batch per step, batches in order, cycling. */
async function stepLosses(model: Model, x: Tensor, y: Tensor): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < fx.steps; s++) {
    const b = s % (fx.n / fx.batch);
    const h = await model.fit(x.slice(b * fx.batch, (b + 1) * fx.batch), y.slice(b * fx.batch, (b + 1) * fx.batch), { batchSize: fx.batch, epochs: 1, shuffle: false, verbose: 0 });
    losses.push(h.history.loss[0]);
  }
  return losses;
}

const expectClose = (actual: number[], expected: number[], what: string) => {
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]) / Math.abs(expected[i])));
  expect(worst, `${what}: worst relative difference from Keras (Layerwise ${actual.join(', ')})`).toBeLessThan(1e-4);
  console.log(`${what}: worst relative difference from Keras over ${actual.length} steps ${worst.toExponential(2)}`);
  return worst;
};

async function fineTuneModel(backend: Backend): Promise<Model> {
  clearSession();
  const base = await VGG16({ includeTop: false, weights: null, inputTensor: Input({ shape: [fx.height, fx.width, 3] }) });
  for (const layer of base.layers.slice(0, fx.frozen)) layer.trainable = false;
  const model = new Model({ inputs: base.inputs, outputs: head(base.outputs[0]), backend });
  formulaWeights(model);
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['acc'] });
  return model;
}

describe('transfer learning equals Keras 3 step by step (fixtures/transfer/steps.json)', () => {
  for (const { name, backend } of backends) {
    it(`${name}: 4.4 features, then the top model's ${fx.steps} Adadelta steps`, async () => {
      clearSession();
      const base = await VGG16({ includeTop: false, weights: null, inputShape: [fx.height, fx.width, 3] });
      base.setBackend(backend);
      formulaWeights(base);
      const features = await base.predict(images(), { batchSize: fx.batch, verbose: 0 });
      expect(features.shape).toEqual(fx.features_shape);
      const ref = f32FromBase64(fx.features);
      const scale = Math.max(...Array.from(ref, Math.abs));
      features.data.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-5 * scale));

      clearSession();
      const inputs = Input({ shape: fx.features_shape.slice(1) });
      const top = new Model({ inputs, outputs: head(inputs), backend });
      formulaWeights(top);
      top.compile({ optimizer: new Adadelta({ learningRate: 1 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
      // Keras' features, so that this compares the training alone.
      const x = new Tensor(ref, fx.features_shape, 'float32');
      expectClose(await stepLosses(top, x, labels), fx.top_losses, 'top model');
    });

    it(`${name}: 4.5 fine-tuning, layers[:${fx.frozen}] frozen, ${fx.steps} SGD steps`, async () => {
      const model = await fineTuneModel(backend);
      expect(countOf(model.trainableWeights)).toBe(fx.finetune_counts.trainable);
      expect(countOf(model.nonTrainableWeights)).toBe(fx.finetune_counts.non_trainable);
      const frozen = model.layers.slice(1, fx.frozen).flatMap((l) => l.weights);
      const before = frozen.map((w) => Float32Array.from(w.value.data));
      expectClose(await stepLosses(model, images(), labels), fx.finetune_losses, 'fine-tuning');
      // Frozen weights are bit-identical after training; the trainable conv moved as Keras' did.
      frozen.forEach((w, i) => expect(Buffer.from(w.value.data.buffer, w.value.data.byteOffset, w.value.data.byteLength).equals(Buffer.from(before[i].buffer))).toBe(true));
      // The step graph: no backward node for the frozen blocks 1–4; block5_conv1 has its filter gradient only.
      const { layout } = await model.executable<{ graph: Graph }>('train', { x: ['float32'], y: ['float32'] });
      const backward = (layer: string) => layout.graph.nodes.filter((n) => n.scope.split('/')[0] === layer && n.scope.split('/').includes('grad'));
      for (const layer of model.layers.slice(1, fx.frozen)) expect(backward(layer.name), layer.name).toEqual([]);
      expect(backward('block5_conv1').map((n) => n.op.name)).toContain('ConvBackpropFilter');
      expect(backward('block5_conv1').map((n) => n.op.name)).not.toContain('ConvBackpropInput');
      expect(backward('block5_conv2').map((n) => n.op.name)).toContain('ConvBackpropInput');
      const kernel = model.getLayer('block5_conv3').weights[0].value.data;
      const sum = kernel.reduce((a, v) => a + v, 0);
      expect(Math.abs(sum - fx.block5_conv3_kernel_sum)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fx.block5_conv3_kernel_sum)));
    });
  }
});

const countOf = (ws: { value: Tensor }[]) => ws.reduce((n, w) => n + w.value.size, 0);
