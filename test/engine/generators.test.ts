import { describe, expect, it } from 'vitest';
import { Sequential, Tensor, setSeed, type Batch } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { toyData } from '../helpers/models.js';

const { x, y } = toyData(256);
const net = () => {
  const m = new Sequential();
  m.add(new Dense(16, { inputDim: 16, activation: 'relu' }));
  m.add(new Dense(4, { activation: 'softmax' }));
  m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
};
/** Keras-style infinite generator over fixed batches, in order. */
function* forever(batch = 32): Generator<Batch> {
  for (;;) for (let i = 0; i < x.shape[0]; i += batch) yield [x.slice(i, i + batch), y.slice(i, i + batch)];
}

describe('generators into fit, evaluate and predict', () => {
  it('fit on a generator trains exactly like fit on the arrays (same batches, same order)', async () => {
    setSeed(1);
    const a = net();
    await a.fit(x, y, { batchSize: 32, epochs: 2, shuffle: false, verbose: 0 });
    setSeed(1);
    const b = net();
    const h = await b.fit(forever(), { stepsPerEpoch: 8, epochs: 2, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss']);
    b.getWeights().forEach((w, i) => w.data.forEach((v, j) => expect(v).toBeCloseTo(a.getWeights()[i].data[j], 5)));
  });

  it('fitGenerator with a fractional stepsPerEpoch (rounded up, as Keras does) and a generator for validation', async () => {
    setSeed(2);
    const m = net();
    let batches = 0;
    const counting = (function* () {
      for (const b of forever()) {
        batches++;
        yield b;
      }
    })();
    const h = await m.fitGenerator(counting, { stepsPerEpoch: 256 / 32 - 0.5, epochs: 3, validationData: forever(64), validationSteps: 2, verbose: 0 });
    expect(batches).toBeGreaterThanOrEqual(3 * 8);
    expect(batches).toBeLessThanOrEqual(3 * 8 + 1); // one prefetched
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  });

  it('an async iterable with a length is one epoch per pass; evaluate and predict take generators too', async () => {
    setSeed(3);
    const m = net();
    const source = {
      length: 4,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 4; i++) yield [x.slice(i * 64, (i + 1) * 64), y.slice(i * 64, (i + 1) * 64)] as Batch;
      },
    };
    const h = await m.fit(source, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    const fromGen = (await m.evaluateGenerator(source, { verbose: 0 })) as number[];
    const fromArrays = (await m.evaluate(x, y, { verbose: 0 })) as number[];
    expect(fromGen[0]).toBeCloseTo(fromArrays[0], 5);
    expect(fromGen[1]).toBeCloseTo(fromArrays[1], 5);
    const p1 = await m.predictGenerator(source, { verbose: 0 });
    const p2 = await m.predict(x, { verbose: 0 });
    expect(p1.shape).toEqual([256, 4]);
    expect(Array.from(p1.data)).toEqual(Array.from(p2.data));
    // x-only batches for predict
    const xOnly = [x.slice(0, 100), x.slice(100)];
    expect((await m.predict(xOnly[Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).shape).toEqual([256, 4]);
  });

  it('a generator that runs dry stops training with Keras\' warning; bad batches are clear errors', async () => {
    const m = net();
    const short = [[x.slice(0, 32), y.slice(0, 32)] as Batch, [x.slice(32, 64), y.slice(32, 64)] as Batch][Symbol.iterator]();
    const h = await m.fit(short as Iterable<Batch>, { stepsPerEpoch: 5, epochs: 2, verbose: 0 });
    expect(h.epoch).toEqual([0]); // the partial epoch is logged, then training stops
    await expect(m.fit([x.slice(0, 8)][Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/must be \[x, y\]/);
    await expect(m.fit([[Tensor.zeros([8, 3]), y.slice(0, 8)] as Batch][Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/expected shape=\(None, 16\), found shape=\(8, 3\)/);
  });
});
