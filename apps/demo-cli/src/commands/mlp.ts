/**
 * `layerwise mlp`: section 1.1, the fully connected network.
 *
 *   model = Sequential()
 *   model.add(Dense(50, input_dim=784))
 *   model.add(Activation('sigmoid'))
 *   model.add(Dense(20))
 *   model.add(Activation('sigmoid'))
 *   model.add(Dense(10))
 *   model.add(Activation('softmax'))
 *   model.compile(optimizer='sgd',
 *                 loss='categorical_crossentropy', metrics=['accuracy'])
 *
 *   history = model.fit(x_train, y_train, batch_size=32, epochs=10)
 *
 *   score = model.evaluate(x_test, y_test, verbose=0)
 *   print("test acc : ", score[1])
 */
import { Sequential, type History, type Model, type Optimizer } from '@layerwise/core';
import { Activation, Dense } from '@layerwise/layers';
import { describeSource, loadChapter1Data, type Chapter1Data } from '../data.js';
import { pyFloat, resolveVerbose, say, setup, type CommonOptions, type Io } from '../common.js';

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta'] as const;

export interface MlpOptions extends CommonOptions {
  epochs?: number;
  batchSize?: number;
  optimizer?: string | Optimizer;
  /** validation_data=(x_test, y_test): val_loss / val_accuracy every epoch. */
  validation?: boolean;
  /** Use only the first N training and the first N test samples. */
  limit?: number;
}

export interface RunResult {
  history: History;
  /** [loss, accuracy] on the test data. */
  score: number[];
}

/** The section 1.1 network, as in the tutorial. */
export function buildMlp(optimizer: string | Optimizer = 'sgd'): Sequential {
  const model = new Sequential();
  model.add(new Dense(50, { inputDim: 784 }));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(20));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** "data: Fashion-MNIST from … (60000 train / 10000 test samples)". */
export function announceData(io: Io, data: Chapter1Data): void {
  say(io, `${describeSource(data.source)}`);
  say(io, `using ${data.xTrain.shape[0]} train / ${data.xTest.shape[0]} test samples`);
}

/** fit, then evaluate on the test data, as the tutorial does. */
export async function trainAndEvaluate(model: Model, data: Chapter1Data, options: MlpOptions, io: Io): Promise<RunResult> {
  const { xTrain, yTrain, xTest, yTest } = data;
  const history = await model.fit(xTrain, yTrain, {
    batchSize: options.batchSize ?? 32,
    epochs: options.epochs ?? 10,
    verbose: resolveVerbose(options, io),
    validationData: options.validation ? [xTest, yTest] : undefined,
    print: (s) => io.stdout.write(s),
  });
  const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
  return { history, score };
}

export async function mlp(options: MlpOptions, io: Io): Promise<RunResult> {
  await setup(options);
  const data = await loadChapter1Data({ ...options, trainSamples: options.limit, testSamples: options.limit });
  announceData(io, data);

  const model = buildMlp(options.optimizer ?? 'sgd');
  const result = await trainAndEvaluate(model, data, options, io);

  say(io, `test acc :  ${pyFloat(result.score[1])}`);
  return result;
}
