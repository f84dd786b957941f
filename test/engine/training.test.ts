import { describe, expect, it } from 'vitest';
import { Adam, Callback, Input, Model, Sequential, setSeed, Tensor, regularizers, TraceContext, ops } from '@layerwise/core';
import { Activation, BatchNormalization, Dense, Dropout } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { toyData } from '../helpers/models.js';

const { x, y, labels } = toyData(512);

function net(opts: { dropout?: boolean; bn?: boolean; l2?: number } = {}): Sequential {
  const m = new Sequential();
  m.add(new Dense(32, { inputDim: 16, kernelRegularizer: opts.l2 ? regularizers.l2(opts.l2) : undefined }));
  if (opts.bn) m.add(new BatchNormalization());
  m.add(new Activation('relu'));
  if (opts.dropout) m.add(new Dropout(0.3));
  m.add(new Dense(4, { activation: 'softmax' }));
  return m;
}

describe.each(BACKENDS)('training on $name', ({ backend }) => {
  it('learns a toy problem; History keys are named as Keras names them', async () => {
    setSeed(1);
    const model = net();
    model.setBackend(backend);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { batchSize: 32, epochs: 5, verbose: 0, validationSplit: 0.25 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.history.loss).toHaveLength(5);
    expect(h.history.loss[4]).toBeLessThan(h.history.loss[0]);
    expect(h.history.val_accuracy[4]).toBeGreaterThan(0.9);
    const [loss, acc] = (await model.evaluate(x, y, { verbose: 0 })) as number[];
    expect(acc).toBeGreaterThan(0.9);
    expect(loss).toBeLessThan(0.5);
  });

  it("keeps 'acc' as 'acc', and sparse labels work", async () => {
    setSeed(2);
    const model = net();
    model.setBackend(backend);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
    const h = await model.fit(x, labels, { epochs: 2, verbose: 0, validationData: [x, labels] });
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
  });

  it('a seeded run (shuffle, dropout) gives the same weights twice', async () => {
    const run = async () => {
      setSeed(1234);
      const model = net({ dropout: true, bn: true });
      model.setBackend(backend);
      model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      await model.fit(x, y, { batchSize: 16, epochs: 2, verbose: 0 });
      return model.getWeights().map((w) => Array.from(w.data));
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    const c = await (async () => {
      setSeed(99);
      const model = net({ dropout: true, bn: true });
      model.setBackend(backend);
      model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      await model.fit(x, y, { batchSize: 16, epochs: 2, verbose: 0 });
      return model.getWeights().map((w) => Array.from(w.data));
    })();
    expect(c).not.toEqual(a);
  });

  it('stepsPerExecution chains steps in one call and gives the same training as one step per call', async () => {
    const run = async (stepsPerExecution: number) => {
      setSeed(77);
      const model = net({ dropout: true, bn: true });
      model.setBackend(backend);
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'], stepsPerExecution });
      const seen: number[] = [];
      const probe = new (class extends Callback {
        override onTrainBatchEnd(batch: number) {
          seen.push(batch);
        }
      })();
      // 500 samples / 32: 15 full batches and a short one; with 4 per call, 3 calls of 4 then 4 single steps.
      const h = await model.fit(x.slice(0, 500), y.slice(0, 500), { batchSize: 32, epochs: 2, verbose: 0, callbacks: [probe] });
      return { weights: model.getWeights().map((w) => Array.from(w.data)), loss: h.history.loss, seen, iterations: model.optimizerState.iterations };
    };
    const one = await run(1);
    const four = await run(4);
    expect(four.seen).toEqual(one.seen);
    expect(four.iterations).toBe(32);
    for (let i = 0; i < 2; i++) expect(four.loss[i]).toBeCloseTo(one.loss[i], 5);
    four.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(one.weights[i][j], 4)));
  });

  it('Dropout is active in training only; predict is deterministic', async () => {
    setSeed(5);
    const model = net({ dropout: true });
    model.setBackend(backend);
    const p1 = await model.predict(x.slice(0, 8), { verbose: 0 });
    const p2 = await model.predict(x.slice(0, 8), { verbose: 0 });
    expect(Array.from(p1.data)).toEqual(Array.from(p2.data));
    // Inverted dropout: kept units scaled by 1/(1-rate), so the mean activation is preserved.
    const d = new Dropout(0.5);
    const inp = ops.constant(Tensor.full([1000], 1));
    const out = d.invoke(inp, new TraceContext(true));
    expect(out).not.toBe(inp);
    expect(d.invoke(inp, new TraceContext(false))).toBe(inp);
  });

  it('BatchNormalization: moving statistics move in fit and are used by predict', async () => {
    setSeed(3);
    const model = net({ bn: true });
    model.setBackend(backend);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const bn = model.layers[1] as BatchNormalization;
    expect(Array.from(bn.movingMean.value.data).every((v) => v === 0)).toBe(true);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Array.from(bn.movingMean.value.data).some((v) => v !== 0)).toBe(true);
    expect(model.nonTrainableWeights.map((w) => w.name)).toEqual([`${bn.name}/moving_mean`, `${bn.name}/moving_variance`]);
    // predict on one sample equals predict on it inside a batch: inference uses moving statistics.
    const one = await model.predict(x.slice(0, 1), { verbose: 0 });
    const many = await model.predict(x.slice(0, 16), { verbose: 0 });
    for (let i = 0; i < 4; i++) expect(one.data[i]).toBeCloseTo(many.data[i], 5);
  });

  it('L2 weight decay: the loss includes l2 * sum(w²) of each regularized kernel', async () => {
    setSeed(4);
    const plain = net();
    plain.setBackend(backend);
    plain.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    setSeed(4);
    const decayed = net({ l2: 0.03 });
    decayed.setBackend(backend);
    decayed.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const a = (await plain.evaluate(x, y, { verbose: 0 })) as number;
    const b = (await decayed.evaluate(x, y, { verbose: 0 })) as number;
    const kernel = decayed.layers[0].weights[0].value.data;
    let sq = 0;
    for (const v of kernel) sq += v * v;
    expect(b - a).toBeCloseTo(0.03 * sq, 4);
  });

  it('functional models train like Sequential ones; frozen layers do not change', async () => {
    setSeed(6);
    const inp = Input({ shape: [16] });
    const hidden = new Dense(16, { activation: 'relu', name: 'hidden' });
    const h = hidden.apply(inp);
    const out = new Dense(4, { activation: 'softmax' }).apply(h);
    const model = new Model({ inputs: inp, outputs: out });
    model.setBackend(backend);
    hidden.trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const before = hidden.getWeights().map((w) => Array.from(w.data));
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(hidden.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    expect(model.trainableWeights).toHaveLength(2);
  });

  it('initialEpoch continues the epoch count; verbose 2 prints Keras lines', async () => {
    setSeed(7);
    const model = net();
    model.setBackend(backend);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    let out = '';
    const h = await model.fit(x, y, { epochs: 3, initialEpoch: 1, verbose: 2, print: (s) => (out += s), validationData: [x, y] });
    expect(h.epoch).toEqual([1, 2]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('Epoch 2/3');
    expect(lines[1]).toMatch(/^16\/16 - \d+s - \d+(ms|us|s)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$/);
    expect(lines[2]).toBe('Epoch 3/3');
  });
});
