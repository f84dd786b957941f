// A model built for inputs of any size (Input shape [null, null, 3], as Keras builds the zoo
// without its top) is traced and compiled for each size its data comes in: the numbers equal
// those of the same network built for that size, strided 'same' paddings (which depend on the
// size's parity) included; fit trains on one size per call; export asks for the size.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, Input, Model, Tensor, setSeed, type BatchSource, type SymbolicTensor } from '@layerwise/core';
import { BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { CountingBackend } from '../helpers/counting-backend.js';
import { maxAbsDiff } from '../helpers/run.js';

/** Strided 'same' conv and pool (size-dependent pads), a stride-1 'same' conv, BN, global pooling. */
function net(shape: (number | null)[]): Model {
  const inputs = Input({ shape });
  let h = new Conv2D(4, 3, { strides: 2, padding: 'same', name: 'c1' }).apply(inputs) as SymbolicTensor;
  h = new BatchNormalization({ name: 'bn' }).apply(h) as SymbolicTensor;
  h = new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same', name: 'p1' }).apply(h) as SymbolicTensor;
  h = new Conv2D(5, 3, { padding: 'same', activation: 'relu', name: 'c2' }).apply(h) as SymbolicTensor;
  return new Model({ inputs, outputs: new Dense(3, { name: 'd' }).apply(new GlobalAveragePooling2D().apply(h) as SymbolicTensor) as SymbolicTensor });
}

const images = (n: number, h: number, w: number, seed = 0) => new Tensor(Float32Array.from({ length: n * h * w * 3 }, (_, i) => Math.sin(i * 0.37 + seed)), [n, h, w, 3]);

describe.each(BACKENDS.filter((b) => b.name !== 'tfjs-cpu'))('a model built for any input size on $name', ({ backend }) => {
  it('predicts what the network built for each size predicts (odd and even sizes)', async () => {
    setSeed(1);
    const model = net([null, null, 3]);
    model.setBackend(backend);
    expect(model.inputs[0].shape).toEqual([null, null, null, 3]);
    expect(model.getLayer('c1').inboundNodes[0].outputs[0].shape).toEqual([null, null, null, 4]);
    for (const [h, w] of [
      [9, 10],
      [12, 7],
      [16, 16],
    ]) {
      const fixed = net([h, w, 3]);
      fixed.setBackend(backend);
      fixed.setWeights(model.getWeights());
      const x = images(2, h, w);
      const got = (await model.predict(x, { verbose: 0 })) as Tensor;
      expect(got.shape).toEqual([2, 3]);
      expect(maxAbsDiff(got.data, ((await fixed.predict(x, { verbose: 0 })) as Tensor).data)).toBeLessThan(1e-5);
    }
  });

  it('evaluate per size; fit on the first batch’s size, another size refused by name', async () => {
    setSeed(2);
    const model = net([null, null, 3]);
    model.setBackend(backend);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const y = new Tensor(Float32Array.from({ length: 4 * 3 }, (_, i) => Math.cos(i)), [4, 3]);
    const before = (await model.evaluate(images(4, 11, 13), y, { verbose: 0 })) as number;
    await model.fit(images(4, 11, 13), y, { epochs: 3, batchSize: 2, verbose: 0 });
    expect(Math.abs(((await model.evaluate(images(4, 11, 13), y, { verbose: 0 })) as number) - before)).toBeGreaterThan(1e-4);
    // The trained weights, evaluated at two sizes, as the networks built for those sizes evaluate them.
    for (const [h, w] of [
      [11, 13],
      [14, 9],
    ]) {
      const fixed = net([h, w, 3]);
      fixed.setBackend(backend);
      fixed.setWeights(model.getWeights());
      fixed.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = images(4, h, w, 1);
      expect((await model.evaluate(x, y, { verbose: 0 })) as number).toBeCloseTo((await fixed.evaluate(x, y, { verbose: 0 })) as number, 5);
    }

    const mixed: BatchSource = {
      length: 2,
      *[Symbol.iterator]() {
        yield [images(2, 11, 13), y.slice(0, 2)];
        yield [images(2, 12, 13), y.slice(0, 2)];
      },
    };
    await expect(model.fit(mixed, { epochs: 1, verbose: 0 })).rejects.toThrow(DataError);
    await expect(model.fit(mixed, { epochs: 1, verbose: 0 })).rejects.toThrow(/batch 2 has input 0 of shape \(None, 12, 13, 3\), but the first batch's was \(None, 11, 13, 3\)/);
  });
});

describe('a model built for any input size', () => {
  it('keeps the 4 most recently used sizes compiled, freeing the others', async () => {
    const counting = new CountingBackend(BACKENDS[0].backend);
    const model = net([null, null, 3]);
    model.setBackend(counting);
    for (const size of [8, 9, 10, 11, 12, 13]) await model.predict(images(1, size, size), { verbose: 0 });
    await model.predict(images(1, 13, 13), { verbose: 0 });
    expect(counting.count('predict')).toBe(6);
    expect(counting.disposed).toBe(2);
    await model.predict(images(1, 8, 8), { verbose: 0 }); // evicted: compiled again
    expect(counting.count('predict')).toBe(7);
  });

  it('predict refuses to join outputs of different sizes; export asks for the size', async () => {
    const inputs = Input({ shape: [null, null, 3] });
    const model = new Model({ inputs, outputs: new Conv2D(2, 3, { padding: 'same' }).apply(inputs) as SymbolicTensor });
    model.setBackend(BACKENDS[0].backend);
    const source: BatchSource = {
      length: 2,
      *[Symbol.iterator]() {
        yield images(1, 5, 5);
        yield images(1, 6, 5);
      },
    };
    await expect(model.predict(source, { verbose: 0 })).rejects.toThrow(/output 0 of a batch has shape \(None, 6, 5, 2\), an earlier batch's \(None, 5, 5, 2\)/);
    await expect(model.export('/tmp/never.onnx', { format: 'onnx' })).rejects.toThrow(ConfigError);
    await expect(model.export('/tmp/never.onnx', { format: 'onnx' })).rejects.toThrow(/built for inputs of any size, \(None, None, None, 3\);.*inputShape: \[h, w, channels\]/);
  });
});
