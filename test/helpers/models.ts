import { Sequential, Tensor, Generator } from '@layerwise/core';
import { Activation, BatchNormalization, Dense } from '@layerwise/layers';

/** The tutorial's section 1.1 network. */
export function mlp11(): Sequential {
  const model = new Sequential();
  model.add(new Dense(50, { inputDim: 784 }));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(20));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  return model;
}

/** The tutorial's section 1.6 network: the 1.1 network with BatchNormalization and relu. */
export function batchnorm16(): Sequential {
  const model = new Sequential();
  model.add(new Dense(50, { inputDim: 784 }));
  model.add(new BatchNormalization());
  model.add(new Activation('relu'));
  model.add(new Dense(20));
  model.add(new BatchNormalization());
  model.add(new Activation('relu'));
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  return model;
}

/** A small, learnable classification problem: class = which quarter of the features is brightest. */
export function toyData(n: number, features = 16, classes = 4, seed = 3): { x: Tensor; y: Tensor; labels: Tensor } {
  const gen = new Generator(seed);
  const x = Tensor.zeros([n, features]);
  const y = Tensor.zeros([n, classes]);
  const labels = Tensor.zeros([n], 'int32');
  const per = features / classes;
  for (let i = 0; i < n; i++) {
    const c = gen.int(classes);
    labels.data[i] = c;
    y.data[i * classes + c] = 1;
    for (let j = 0; j < features; j++) x.data[i * features + j] = gen.uniform(0, 0.5) + (Math.floor(j / per) === c ? 0.6 : 0);
  }
  return { x, y, labels };
}
