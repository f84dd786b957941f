import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, Sequential, Tensor, setSeed, tensor, type Batch } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { toyData } from '../helpers/models.js';

/**
 * The mistakes people make with the public API (issue 16, item 6): each is a named error that
 * says which argument was wrong and what was given, or is honoured, never a hang, a bare
 * RangeError or a silent nonsense result.
 */
const { x, y, labels } = toyData(64);
const net = (loss = 'categorical_crossentropy') => {
  const m = new Sequential();
  m.add(new Dense(8, { inputDim: 16, activation: 'relu' }));
  m.add(new Dense(4, { activation: 'softmax' }));
  m.compile({ optimizer: 'sgd', loss, metrics: ['accuracy'] });
  return m;
};
function* batches(n = 2): Generator<Batch> {
  for (let i = 0; i < n; i++) yield [x.slice(i * 16, (i + 1) * 16), y.slice(i * 16, (i + 1) * 16)];
}
/** An async source that counts the batches read from it, one pass of 4 batches (length 4). */
function counted() {
  const source = {
    reads: 0,
    length: 4,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < 4; i++) {
        source.reads++;
        yield [x.slice(i * 16, (i + 1) * 16), y.slice(i * 16, (i + 1) * 16)] as Batch;
      }
    },
  };
  return source;
}

describe('batch sizes and other counts are checked, naming the argument, the value and its type', () => {
  it.each([
    [0, /predict: batchSize must be a positive integer; got 0 \(a number\)/],
    [-2, /predict: batchSize must be a positive integer; got -2 \(a number\)/],
    [2.5, /predict: batchSize must be a positive integer; got 2.5 \(a number\)/],
    ['5', /predict: batchSize must be a positive integer; got '5' \(a string\)/],
    [Number.NaN, /predict: batchSize must be a positive integer; got NaN \(a number\)/],
  ])('predict with batchSize %s', async (batchSize, message) => {
    const m = net();
    await expect(m.predict(x, { batchSize: batchSize as number, verbose: 0 })).rejects.toThrow(ConfigError);
    await expect(m.predict(x, { batchSize: batchSize as number, verbose: 0 })).rejects.toThrow(message);
    await expect(m.evaluate(x, y, { batchSize: batchSize as number, verbose: 0 })).rejects.toThrow(new RegExp(message.source.replace('predict', 'evaluate')));
    await expect(m.fit(x, y, { batchSize: batchSize as number, verbose: 0 })).rejects.toThrow(new RegExp(message.source.replace('predict', 'fit')));
  });

  it.each([
    [{ epochs: '3' }, /fit: epochs must be a non-negative integer; got '3' \(a string\)/],
    [{ epochs: 1.5 }, /fit: epochs must be a non-negative integer; got 1.5 \(a number\)/],
    [{ initialEpoch: -1 }, /fit: initialEpoch must be a non-negative integer; got -1 \(a number\)/],
    [{ verbose: 'yes' }, /fit: verbose must be 0, 1, 2 or 'auto'; got 'yes' \(a string\)/],
    [{ validationSplit: '0.2' }, /fit: validationSplit must be a number in \[0, 1\); got '0.2' \(a string\)/],
    [{ validationSplit: 1 }, /fit: validationSplit must be a number in \[0, 1\); got 1 \(a number\)/],
    [{ validationData: x }, /fit: validationData must be \[xVal, yVal\] or a generator; got a Tensor of shape \[64, 16\]/],
  ])('fit with %o', async (args, message) => {
    await expect(net().fit(x, y, { verbose: 0, ...(args as object) })).rejects.toThrow(ConfigError);
    await expect(net().fit(x, y, { verbose: 0, ...(args as object) })).rejects.toThrow(message);
  });

  it('generator step counts: stepsPerEpoch, steps, validationSteps', async () => {
    await expect(net().fit(batches(), { stepsPerEpoch: 0, verbose: 0 })).rejects.toThrow(/fit: stepsPerEpoch must be a positive number; got 0 \(a number\)/);
    await expect(net().fit(batches(), { stepsPerEpoch: '2' as unknown as number, verbose: 0 })).rejects.toThrow(/stepsPerEpoch must be a positive number; got '2' \(a string\)/);
    await expect(net().evaluate(batches(), { steps: -1, verbose: 0 })).rejects.toThrow(/evaluate: steps must be a positive number; got -1 \(a number\)/);
    await expect(net().predict(batches(), { steps: Number.POSITIVE_INFINITY, verbose: 0 })).rejects.toThrow(/predict: steps must be a positive number; got Infinity/);
    await expect(net().fit(batches(), { validationData: batches(), validationSteps: 0, verbose: 0 })).rejects.toThrow(/validationSteps must be a positive number; got 0/);
  });

  it("compile's stepsPerExecution", () => {
    const m = net();
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', stepsPerExecution: 0 })).toThrow(/stepsPerExecution must be a positive integer or 'auto'; got 0 \(a number\)/);
  });
});

describe('sparse labels outside the classes are refused before training', () => {
  it('a label ≥ the number of classes names the label, the sample and the class count', async () => {
    const bad = new Tensor(Int32Array.from(labels.data), labels.shape, 'int32');
    bad.data[7] = 4;
    const m = net('sparse_categorical_crossentropy');
    const before = m.getWeights().map((w) => Array.from(w.data));
    await expect(m.fit(x, bad, { verbose: 0 })).rejects.toThrow(DataError);
    await expect(m.fit(x, bad, { verbose: 0 })).rejects.toThrow(/sparse_categorical_crossentropy.*label 4 at sample 7, but the output has 4 classes; labels must be integers in \[0, 3\]/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    await expect(m.evaluate(x, bad, { verbose: 0 })).rejects.toThrow(/label 4 at sample 7/);
  });

  it('negative and fractional labels too, and in validation data and generator batches', async () => {
    const m = net('sparse_categorical_crossentropy');
    const neg = labels.astype('float32');
    neg.data[3] = -1;
    await expect(m.fit(x, neg, { verbose: 0 })).rejects.toThrow(/label -1 at sample 3/);
    const frac = labels.astype('float32');
    frac.data[2] = 1.5;
    await expect(m.fit(x, labels, { verbose: 0, validationData: [x, frac] })).rejects.toThrow(/label 1.5 at sample 2/);
    const big = labels.slice(0, 16).astype('int32');
    big.data[0] = 10;
    await expect(m.fit([[x.slice(0, 16), big] as Batch][Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/label 10 at sample 0, but the output has 4 classes/);
  });
});

describe('no samples, and generators with (x, undefined, options)', () => {
  it('fit, evaluate and predict on 0 samples are a DataError (not loss: [null])', async () => {
    const m = net();
    await expect(m.fit(x.slice(0, 0), y.slice(0, 0), { verbose: 0 })).rejects.toThrow(/fit: x has 0 samples; there is nothing to train on/);
    await expect(m.evaluate(x.slice(0, 0), y.slice(0, 0), { verbose: 0 })).rejects.toThrow(/evaluate: x has 0 samples/);
    await expect(m.predict(x.slice(0, 0), { verbose: 0 })).rejects.toThrow(DataError);
    await expect(m.fit(x.slice(0, 1), y.slice(0, 1), { verbose: 0, validationSplit: 0.5 })).rejects.toThrow(/validationSplit 0.5 of 1 samples leaves no samples to train on/);
    await expect(m.fit([][Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/fit: the generator yielded no batches/);
    await expect(m.evaluate([][Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/evaluate: the generator yielded no batches/);
  });

  it('fit(generator, undefined, { epochs: 3 }) honours the options, as Keras\' fit(gen, None, epochs=3)', async () => {
    setSeed(1);
    const m = net();
    const source = counted();
    const h = await m.fit(source, undefined, { epochs: 3, verbose: 0 });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(source.reads).toBe(12);
    const h2 = await m.fit(counted(), null, { epochs: 2, stepsPerEpoch: 2, verbose: 0 });
    expect(h2.epoch).toEqual([0, 1]);
    const evaluated = counted();
    await m.evaluate(evaluated, undefined, { steps: 2, verbose: 0 });
    expect(evaluated.reads).toBeLessThanOrEqual(3); // two steps, and at most one prefetched
    await expect(m.fit(counted(), y as never, { verbose: 0 })).rejects.toThrow(/fit: y must not be given when x is a generator/);
  });
});

describe('plain nested JS arrays are read as one array, as np.array reads them', () => {
  const rows = Array.from({ length: 4 }, (_, i) => Array.from({ length: 16 }, (_, j) => (i * 16 + j) / 64));
  it('fit, evaluate and predict take nested arrays and give what the same Tensor gives', async () => {
    const m = net();
    const asTensor = tensor(rows);
    const hot = Array.from({ length: 4 }, (_, i) => [0, 1, 2, 3].map((c) => (c === i ? 1 : 0)));
    await m.fit(rows as never, hot as never, { verbose: 0, epochs: 2 });
    const fromArrays = await m.predict(rows as never, { verbose: 0 });
    const fromTensor = await m.predict(asTensor, { verbose: 0 });
    expect(fromArrays.shape).toEqual([4, 4]);
    expect(Array.from(fromArrays.data)).toEqual(Array.from(fromTensor.data));
    expect(await m.evaluate(rows as never, hot as never, { verbose: 0 })).toEqual(await m.evaluate(asTensor, tensor(hot), { verbose: 0 }));
  });
  it.each([
    ['a ragged array', (m: Sequential) => m.predict([[1, 2], [3]] as never, { verbose: 0 }), /predict: x is a plain JS array \(shape \[2, 2\] of numbers\) that is not rectangular/],
    ['strings inside', (m: Sequential) => m.predict([['a', 'b']] as never, { verbose: 0 }), /predict: x is a plain JS array .* holding something other than numbers/],
    ['a list mixing Tensors and arrays', (m: Sequential) => m.predict([x, [1, 2]] as never, { verbose: 0 }), /predict: x must be a Tensor or a non-empty list of Tensors; got a list mixing Tensors and other values/],
    ['a string', (m: Sequential) => m.predict('x.npy' as never, { verbose: 0 }), /predict: x must be a Tensor or a list of Tensors; got 'x.npy' \(a string\)/],
  ])('%s: a DataError', async (_what, call, message) => {
    const m = net();
    await expect(call(m)).rejects.toThrow(DataError);
    await expect(call(m)).rejects.toThrow(message);
  });
});
