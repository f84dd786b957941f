/**
 * Chapter 2 and 4.3: convolutional networks.
 *
 * `layerwise cnn` — section 2.1:
 *   model = Sequential()
 *   model.add(Conv2D(32, kernel_size=(3, 3), input_shape=(28, 28, 1)))
 *   model.add(Activation("relu"))
 *   model.add(MaxPooling2D(pool_size=(2, 2)))
 *   model.add(Flatten())
 *   model.add(Dense(10))
 *   model.add(Activation("softmax"))
 *   model.compile(loss="categorical_crossentropy", optimizer="adagrad", metrics=["accuracy"])
 *   model.fit(x_train, y_train, batch_size=64, epochs=5)
 *
 * `layerwise inception-block` and `layerwise shortcut` — section 4.3, with the functional API.
 */
import { Input, Model, Sequential, formatShape, type SymbolicTensor } from '@layerwise/core';
import { Activation, Add, Concatenate, Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { loadChapter1Data } from '../data.js';
import { say, setup, type Io, pyFloat } from '../common.js';
import { announceData, trainAndEvaluate, type MlpOptions, type RunResult } from './mlp.js';

export interface CnnOptions extends Omit<MlpOptions, 'optimizer'> {
  optimizer?: MlpOptions['optimizer'];
  /** Write the model's plot_model picture (show_shapes) here, as the tutorial's section 4.3 does. */
  plotModel?: string;
}

/** Section 2.1's network, as in the tutorial. */
export function buildCnn(optimizer: MlpOptions['optimizer'] = 'adagrad'): Sequential {
  const model = new Sequential();
  model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
  model.add(new Activation('relu'));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Flatten());
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  model.compile({ loss: 'categorical_crossentropy', optimizer, metrics: ['accuracy'] });
  return model;
}

/** The stem both 4.3 programs share: Conv2D 32 3×3, relu, MaxPooling2D 2×2. */
function stem(inputs: SymbolicTensor): SymbolicTensor {
  let x = new Conv2D(32, [3, 3]).apply(inputs);
  x = new Activation('relu').apply(x);
  return new MaxPooling2D({ poolSize: [2, 2] }).apply(x);
}

/** Section 4.3's inception block: three towers joined by Concatenate(axis=1) into (None, 39, 13, 64). */
export function buildInceptionBlock(optimizer: MlpOptions['optimizer'] = 'rmsprop'): Model {
  const inputs = Input({ shape: [28, 28, 1] });
  const x = stem(inputs);
  let tower1 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
  tower1 = new Conv2D(64, [3, 3], { padding: 'same', activation: 'relu' }).apply(tower1);
  let tower2 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
  tower2 = new Conv2D(64, [5, 5], { padding: 'same', activation: 'relu' }).apply(tower2);
  let tower3 = new MaxPooling2D({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }).apply(x);
  tower3 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(tower3);
  const merged = new Concatenate({ axis: 1 }).apply([tower1, tower2, tower3]);
  const predictions = new Dense(10, { activation: 'softmax' }).apply(new Flatten().apply(merged));
  const model = new Model({ inputs, outputs: predictions });
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** Section 4.3's shortcut connection: x + Conv2D(x), then Flatten and Dense. */
export function buildShortcut(optimizer: MlpOptions['optimizer'] = 'rmsprop'): Model {
  const inputs = Input({ shape: [28, 28, 1] });
  let x = stem(inputs);
  const y = new Conv2D(32, [3, 3], { padding: 'same' }).apply(x);
  x = new Add().apply([x, y]);
  const predictions = new Dense(10, { activation: 'softmax' }).apply(new Flatten().apply(x));
  const model = new Model({ inputs, outputs: predictions });
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const BUILDERS = { cnn: buildCnn, 'inception-block': buildInceptionBlock, shortcut: buildShortcut } as const;
export type CnnProgram = keyof typeof BUILDERS;

/** Train one of the chapter 2 / 4.3 networks on 28×28×1 images and print the test accuracy. */
export async function cnn(program: CnnProgram, options: CnnOptions, io: Io): Promise<RunResult> {
  await setup(options);
  const data = await loadChapter1Data({ ...options, layout: 'image', trainSamples: options.limit, testSamples: options.limit });
  announceData(io, data);
  const model = BUILDERS[program](options.optimizer);
  if (program !== 'cnn') {
    const concat = model.layers.find((l) => l.className === 'Concatenate');
    if (concat) say(io, `Concatenate: ${concat.inboundNodes.at(-1)!.inputs.map((t) => formatShape(t.shape)).join(', ')} → ${formatShape(concat.inboundNodes.at(-1)!.outputs[0].shape)}`);
  }
  if (options.plotModel) {
    const { plotModel } = await import('@layerwise/plot');
    await plotModel(model, { toFile: options.plotModel, showShapes: true });
    say(io, `plot_model: ${options.plotModel}`);
  }
  const result = await trainAndEvaluate(model, data, { ...options, batchSize: options.batchSize ?? (program === 'cnn' ? 64 : 32) }, io);
  say(io, `test acc :  ${pyFloat(result.score[1])}`);
  return result;
}

