import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, Sequential, ShapeError, Tensor, setBackend } from '@layerwise/core';
import { BatchNormalization, Dense, Dropout } from '@layerwise/layers';
import { toyData } from '../helpers/models.js';

const { x, y, labels } = toyData(64);
const net = () => {
  const m = new Sequential();
  m.add(new Dense(8, { inputDim: 16, activation: 'relu' }));
  m.add(new Dense(4, { activation: 'softmax' }));
  return m;
};

describe('bad input gets a clear error before training starts', () => {
  it('wrong input shape names the model, layer and both shapes', async () => {
    const m = net();
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await expect(m.fit(Tensor.zeros([64, 10]), y, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(m.fit(Tensor.zeros([64, 10]), y, { verbose: 0 })).rejects.toThrow(/expected shape=\(None, 16\), found shape=\(64, 10\)/);
    await expect(m.predict(Tensor.zeros([2, 3, 16]))).rejects.toThrow(/expected shape=\(None, 16\)/);
  });

  it('labels that do not match the output name the loss and the shapes', async () => {
    const m = net();
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await expect(m.fit(x, Tensor.zeros([64, 10]), { verbose: 0 })).rejects.toThrow(/categorical_crossentropy.*target.shape=\(None, 10\), output.shape=\(None, 4\)/);
    await expect(m.fit(x, labels, { verbose: 0 })).rejects.toThrow(/toCategorical|sparse_categorical_crossentropy/);
    await expect(m.fit(x, y.slice(0, 10), { verbose: 0 })).rejects.toThrow(/x has 64 samples but y\[0\] has 10/);
  });

  it('unknown optimizer, loss, metric, activation, initializer', () => {
    const m = net();
    expect(() => m.compile({ optimizer: 'sgdd', loss: 'mse' })).toThrow(/Unknown optimizer 'sgdd'.*sgd, adagrad/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropyy' })).toThrow(/Unknown loss 'categorical_crossentropyy'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] })).toThrow(/Unknown metric 'acuracy'/);
    expect(() => new Dense(3, { activation: 'sigmod' })).toThrow(/unknown activation 'sigmod'/);
    expect(() => new Dense(3, { kernelInitializer: 'glorot' })).toThrow(/Unknown kernelInitializer 'glorot'/);
    expect(() => new Dense(0)).toThrow(ConfigError);
    expect(() => new Dropout(1.5)).toThrow(/rate must be in \[0, 1\]/);
  });

  it('NaN in the data is caught before the first step, naming the sample', async () => {
    const m = net();
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const bad = new Tensor(x.data.slice(), x.shape);
    bad.data[5 * 16 + 3] = NaN;
    await expect(m.fit(bad, y, { verbose: 0 })).rejects.toThrow(DataError);
    await expect(m.fit(bad, y, { verbose: 0 })).rejects.toThrow(/x contains NaN at sample 5/);
  });

  it('fit before compile; layer shape errors at build time name the layer', async () => {
    await expect(net().fit(x, y)).rejects.toThrow(/compile\(\) before fit/);
    const m = new Sequential();
    m.add(new Dense(8, { inputDim: 16, name: 'first' }));
    const bn = new BatchNormalization({ axis: 3, name: 'bn' });
    expect(() => m.add(bn)).toThrow(/Layer 'bn'.*axis 3 is invalid for inputs of rank 2/);
  });

  it('an unknown backend name is refused, naming the known ones', () => {
    expect(() => setBackend('cuda')).toThrow(/Unknown backend 'cuda'. Known: .*onnx.*tfjs/);
  });
  // A backend that is not installed: see test/install/pack-install.test.ts (a project without it).
});
