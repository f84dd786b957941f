// predict and evaluate after the weights change give the new numbers on every backend. The ONNX
// backend compiles them with the weights baked in as constants (Backend.bakeWeight), so a changed
// weight must rebuild those graphs: after setWeights, fit, loadWeights and a trainable flip
// followed by fit (fit's validation: once per epoch). tfjs feeds its weights; the same rules hold
// there trivially.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Input, Model, Tensor, setSeed, type SymbolicTensor } from '@layerwise/core';
import { Activation, BatchNormalization, Conv2D, Dense, Flatten } from '@layerwise/layers';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { BACKENDS } from '../helpers/backends.js';
import { CountingBackend } from '../helpers/counting-backend.js';
import { maxAbsDiff } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-predict-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Conv → BatchNormalization → ReLU → Dense: what constant folding changes most (kernel transposes, BN into the conv). */
function cnn(seed: number): Model {
  setSeed(seed);
  const inputs = Input({ shape: [6, 6, 2] });
  let h = new Conv2D(4, 3, { padding: 'same', name: 'conv' }).apply(inputs) as SymbolicTensor;
  h = new BatchNormalization({ name: 'bn' }).apply(h) as SymbolicTensor;
  h = new Activation('relu').apply(h) as SymbolicTensor;
  const outputs = new Dense(3, { name: 'dense' }).apply(new Flatten().apply(h) as SymbolicTensor) as SymbolicTensor;
  return new Model({ inputs, outputs });
}

const x = new Tensor(Float32Array.from({ length: 5 * 6 * 6 * 2 }, (_, i) => Math.sin(i)), [5, 6, 6, 2]);
const y = new Tensor(Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(i)), [5, 3]);

/** The same network with these weights, every weight fed as an input (nothing baked): the reference. */
const fedOnnx = new OnnxBackend({ maxBakedWeightBytes: 0 });
async function reference(weights: Tensor[]): Promise<Tensor> {
  const ref = cnn(99);
  ref.setBackend(fedOnnx);
  ref.setWeights(weights);
  return (await ref.predict(x, { verbose: 0 })) as Tensor;
}
/** evaluate's mse of the reference network with these weights. */
async function referenceLoss(weights: Tensor[]): Promise<number> {
  const ref = cnn(99);
  ref.setBackend(fedOnnx);
  ref.setWeights(weights);
  ref.compile({ optimizer: 'sgd', loss: 'mse' });
  return (await ref.evaluate(x, y, { verbose: 0 })) as number;
}

async function expectPredictsLike(model: Model, weights: Tensor[]): Promise<Tensor> {
  const p = (await model.predict(x, { verbose: 0 })) as Tensor;
  expect(maxAbsDiff(p.data, (await reference(weights)).data)).toBeLessThan(1e-5);
  return p;
}

describe.each(BACKENDS)('predict sees new weights on $name', ({ name, backend }) => {
  const baking = name === 'onnx';

  it('predict → setWeights → predict: new numbers; unchanged weights reuse the compiled graph', async () => {
    const counting = new CountingBackend(backend);
    const model = cnn(1);
    model.setBackend(counting);
    const before = await expectPredictsLike(model, model.getWeights());
    await model.predict(x, { verbose: 0 });
    expect(counting.count('predict')).toBe(1);

    const bn = model.getLayer('bn');
    const [gamma, beta, mean, variance] = bn.getWeights();
    bn.setWeights([gamma, beta, new Tensor(mean.data.map((v, i) => v + 0.5 * i), mean.shape), variance]);
    const after = await expectPredictsLike(model, model.getWeights());
    expect(maxAbsDiff(before.data, after.data)).toBeGreaterThan(0.1);
    // Baked: rebuilt, and the out-of-date graph freed. Fed: the same graph serves the new values.
    expect(counting.count('predict')).toBe(baking ? 2 : 1);
    expect(counting.disposed).toBe(baking ? 1 : 0);

    model.setWeights(cnn(2).getWeights());
    await expectPredictsLike(model, cnn(2).getWeights());
  });

  it('predict → fit → predict, and evaluate: the trained weights; validation rebuilt once per epoch when baked', async () => {
    const counting = new CountingBackend(backend);
    const model = cnn(3);
    model.setBackend(counting);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = await expectPredictsLike(model, model.getWeights());
    const lossBefore = (await model.evaluate(x, y, { verbose: 0 })) as number;
    expect(lossBefore).toBeCloseTo(await referenceLoss(model.getWeights()), 5);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, validationData: [x, y] });
    const after = await expectPredictsLike(model, model.getWeights());
    expect(maxAbsDiff(before.data, after.data)).toBeGreaterThan(1e-3);
    expect(counting.count('test')).toBe(baking ? 4 : 1); // the evaluate above, then each epoch's validation
    // evaluate sees the trained weights: the last epoch's val_loss, and the reference's loss.
    const lossAfter = (await model.evaluate(x, y, { verbose: 0 })) as number;
    expect(lossAfter).toBeCloseTo(history.history.val_loss.at(-1)!, 5);
    expect(lossAfter).toBeCloseTo(await referenceLoss(model.getWeights()), 5);
    expect(Math.abs(lossAfter - lossBefore)).toBeGreaterThan(1e-4);
    // Twice more through fit and predict: one predict graph per new set of weights.
    await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    await expectPredictsLike(model, model.getWeights());
    expect(counting.count('predict')).toBe(baking ? 3 : 1);
  });

  it('a trainable flip alone keeps the predict graph; the fit after it changes only what is trainable', async () => {
    const counting = new CountingBackend(backend);
    const model = cnn(4);
    model.setBackend(counting);
    await model.predict(x, { verbose: 0 });
    const conv = model.getLayer('conv');
    conv.trainable = false;
    await expectPredictsLike(model, model.getWeights());
    expect(counting.count('predict')).toBe(1);

    const frozen = conv.getWeights();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    conv.getWeights().forEach((w, i) => expect(maxAbsDiff(w.data, frozen[i].data)).toBe(0));
    await expectPredictsLike(model, model.getWeights());
  });

  it('predict → loadWeights → predict: the file’s weights', async () => {
    const source = cnn(5);
    const file = join(dir, `${name}.weights.h5`);
    await source.saveWeights(file);
    const model = cnn(6);
    model.setBackend(backend);
    await model.predict(x, { verbose: 0 });
    await model.loadWeights(file);
    await expectPredictsLike(model, source.getWeights());
  });
});
