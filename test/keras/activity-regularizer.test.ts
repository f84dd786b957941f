import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Input, Model, Tensor, getOptimizer, regularizers, type SymbolicTensor } from '@layerwise/core';
import { Activation, BatchNormalization, Concatenate, Conv2D, Dense, Flatten } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { expectClose } from '../helpers/run.js';

/**
 * Training with activity regularizers follows Keras 3.15's trajectory (issue 17, item 2): Keras
 * divides each layer's activity penalty by the batch size. Fixtures from
 * scripts/fixtures/make_activity_regularizer_fixtures.py: the loss of every step (batches of 4,
 * the last of an epoch of 10 samples holding 2) and the predictions after the last step.
 */
const fx = JSON.parse(readFileSync(new URL('../../fixtures/keras/activity-regularizer.json', import.meta.url), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The fixture script's models, with Keras' layer names. */
const MODELS: Record<string, () => Model> = {
  two_input_adagrad: () => {
    const a = Input({ shape: [4], name: 'input_a' });
    const b = Input({ shape: [3], name: 'input_b' });
    const ha = new Dense(5, { activation: 'relu', activityRegularizer: regularizers.l2(0.05), name: 'dense_a' }).apply(a);
    const hb = new Dense(4, { activation: 'tanh', activityRegularizer: regularizers.l1(0.05), name: 'dense_b' }).apply(b);
    const h = new Concatenate({ name: 'concatenate' }).apply([ha, hb]);
    const out = new Dense(3, { activation: 'softmax', activityRegularizer: regularizers.l1_l2(0.02, 0.02), name: 'output' }).apply(h);
    return new Model({ inputs: [a, b], outputs: out });
  },
  bn_cnn_sgd_nesterov_mse: () => {
    const inp = Input({ shape: [6, 6, 2], name: 'image' });
    let h: SymbolicTensor = new Conv2D(3, 3, { activityRegularizer: regularizers.l2(0.02), name: 'conv' }).apply(inp);
    h = new BatchNormalization({ name: 'bn' }).apply(h);
    h = new Activation('relu', { name: 'relu' }).apply(h);
    h = new Flatten({ name: 'flatten' }).apply(h);
    const out = new Dense(2, { activityRegularizer: regularizers.l1(0.05), name: 'dense' }).apply(h);
    return new Model({ inputs: inp, outputs: out });
  },
};

describe.each(BACKENDS)('activity regularizers train as in Keras on $name', ({ backend }) => {
  it.each(fx.cases)('$name', async (c: any) => {
    const model = MODELS[c.name]();
    model.setBackend(backend);
    for (const [name, values] of Object.entries(c.weights as Record<string, number[][]>)) model.getLayer(name).setWeights(values.map((v) => Tensor.from(v)));
    const config = Object.fromEntries(Object.entries(c.optimizer.config).map(([k, v]) => [camel(k), v]));
    model.compile({ optimizer: getOptimizer({ className: c.optimizer.class_name, config }), loss: c.loss });

    const xs: Tensor[] = c.x.map((x: number[]) => Tensor.from(x));
    const y = Tensor.from(c.y);
    const n = y.shape[0];
    const losses: number[] = [];
    for (let epoch = 0; epoch < c.epochs; epoch++)
      for (let start = 0; start < n; start += c.batch_size) {
        // One fit per batch: its loss is that step's loss (the last batch of an epoch is smaller).
        const end = Math.min(n, start + c.batch_size);
        const batchX = xs.map((x) => x.slice(start, end));
        const h = await model.fit(batchX.length === 1 ? batchX[0] : batchX, y.slice(start, end), { batchSize: c.batch_size, epochs: 1, shuffle: false, verbose: 0 });
        losses.push(h.history.loss[0]);
      }
    expect(losses).toHaveLength(c.losses.length);
    expectClose(losses, c.losses, 2e-5, `${c.name} per-step loss`);
    const predictions = await model.predict(xs.length === 1 ? xs[0] : xs, { verbose: 0 });
    expectClose(predictions.data, c.predictions.flat(Infinity), 1e-4, `${c.name} predictions`);
  });
});
