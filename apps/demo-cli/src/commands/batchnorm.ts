/**
 * `layerwise batchnorm`: section 1.6, Batch Normalization.
 *
 *   model = Sequential()
 *   model.add(Dense(50, input_dim=784))
 *   model.add(BatchNormalization())
 *   model.add(Activation('relu'))
 *   model.add(Dense(20))
 *   model.add(BatchNormalization())
 *   model.add(Activation('relu'))
 *   model.add(Dense(10))
 *   model.add(Activation('softmax'))
 *   model.compile(optimizer='sgd',
 *                 loss='categorical_crossentropy', metrics=['accuracy'])
 *
 *   history = model.fit(x_train, y_train, batch_size=32, epochs=10,
 *                       validation_data=(x_test, y_test))
 *
 * `--compare` also trains the section 1.1 network with the same settings ("without
 * BatchNormalization it reaches about 95%", says the tutorial of MNIST).
 */
import { Sequential, setSeed } from '@layerwise/core';
import { Activation, BatchNormalization, Dense } from '@layerwise/layers';
import { loadChapter1Data } from '../data.js';
import { say, setup, type Io, pyFloat } from '../common.js';
import { announceData, buildMlp, trainAndEvaluate, type MlpOptions, type RunResult } from './mlp.js';

export interface BatchnormOptions extends Omit<MlpOptions, 'validation'> {
  /** Also train the 1.1 network (no BatchNormalization) and print both test accuracies. */
  compare?: boolean;
}

export interface BatchnormResult {
  batchnorm: RunResult;
  /** The 1.1 network, with --compare. */
  mlp?: RunResult;
}

/** The section 1.6 network, as in the tutorial. */
export function buildBatchnorm(optimizer: MlpOptions['optimizer'] = 'sgd'): Sequential {
  const model = new Sequential();
  model.add(new Dense(50, { inputDim: 784 }));
  model.add(new BatchNormalization());
  model.add(new Activation('relu'));
  model.add(new Dense(20));
  model.add(new BatchNormalization());
  model.add(new Activation('relu'));
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

export async function batchnorm(options: BatchnormOptions, io: Io): Promise<BatchnormResult> {
  await setup(options);
  const data = await loadChapter1Data({ ...options, trainSamples: options.limit, testSamples: options.limit });
  announceData(io, data);
  const settings: MlpOptions = { ...options, validation: true };

  if (options.compare) say(io, 'with BatchNormalization (1.6):');
  const bn = await trainAndEvaluate(buildBatchnorm(options.optimizer ?? 'sgd'), data, settings, io);
  say(io, `test acc :  ${pyFloat(bn.score[1])}`);
  if (!options.compare) return { batchnorm: bn };

  say(io, '\nwithout BatchNormalization (the 1.1 network, same settings):');
  if (options.seed !== undefined) setSeed(options.seed);
  const plain = await trainAndEvaluate(buildMlp(options.optimizer ?? 'sgd'), data, settings, io);
  say(io, `test acc :  ${pyFloat(plain.score[1])}`);

  say(io, '');
  say(io, `test acc with BatchNormalization    (1.6):  ${bn.score[1].toFixed(4)}`);
  say(io, `test acc without BatchNormalization (1.1):  ${plain.score[1].toFixed(4)}`);
  return { batchnorm: bn, mlp: plain };
}
