/**
 * `layerwise images --dirs A B` — section 2.5's sample program: two folders of images, a binary CNN.
 *
 *   x_train, x_test, y_train, y_test = load_images("dirA", "dirB")
 *   x_train /= 255 …
 *   model = Sequential()
 *   model.add(Conv2D(128, kernel_size=(3, 3), input_shape=(60, 90, 3), activation='relu'))
 *   model.add(Conv2D(64, kernel_size=(3, 3), activation='relu'))
 *   model.add(MaxPooling2D(pool_size=(2, 2)))
 *   model.add(Dropout(0.25))
 *   model.add(Flatten())
 *   model.add(Dense(128, activation='relu'))
 *   model.add(Dropout(0.5))
 *   model.add(Dense(1, activation='sigmoid'))
 *   model.compile(loss=keras.losses.binary_crossentropy, optimizer=keras.optimizers.Adadelta(), metrics=['accuracy'])
 *   history = model.fit(x_train, y_train, batch_size=32, epochs=20, validation_data=(x_test, y_test), verbose=1)
 *   plt.plot(history.history['acc'], label="acc"); plt.plot(history.history['val_acc'], label="val_acc")
 */
import { join } from 'node:path';
import { Adadelta, Sequential, atomicWrite, type History } from '@layerwise/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@layerwise/layers';
import { makeFashionImageSet } from '@layerwise/data';
import { f4, resolveVerbose, say, setup, type CommonOptions, type Io } from '../common.js';
import { loadImages } from '../image-utils.js';

export interface ImagesOptions extends CommonOptions {
  /** The two folders: the first is labelled 1, the second 0. */
  dirs?: [string, string];
  /** Write a sample image set from Fashion-MNIST (sneaker vs bag, 60×90 JPEG) here first and use it. */
  makeSample?: string;
  /** Images per class for --make-sample (default 200). */
  samples?: number;
  epochs?: number;
  batchSize?: number;
  /** Write the History as JSON here. */
  out?: string;
  /** Draw acc / val_acc as a PNG or SVG (the tutorial's matplotlib plot). */
  plot?: string;
}

/** The section 2.5 network for images of `shape` (the tutorial's are 60×90×3). */
export function buildImagesCnn(shape: number[]): Sequential {
  const model = new Sequential();
  model.add(new Conv2D(128, [3, 3], { inputShape: shape, activation: 'relu' }));
  model.add(new Conv2D(64, [3, 3], { activation: 'relu' }));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Dropout(0.25));
  model.add(new Flatten());
  model.add(new Dense(128, { activation: 'relu' }));
  model.add(new Dropout(0.5));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: new Adadelta(), metrics: ['acc'] });
  return model;
}

export async function images(options: ImagesOptions, io: Io): Promise<History> {
  await setup(options);
  let dirs = options.dirs;
  if (options.makeSample) {
    const set = await makeFashionImageSet(options.makeSample, { classes: ['sneaker', 'bag'], perClass: options.samples ?? 200, size: [60, 90] });
    dirs = set.classes.map((c) => join(set.dir, 'train', c)) as [string, string];
    say(io, `wrote ${set.counts.train} Fashion-MNIST images (${set.classes[0]} → 1, ${set.classes[1]} → 0) as 60×90 JPEG under ${set.dir}`);
  }
  if (!dirs) throw new Error('give two image folders with --dirs A B, or --make-sample DIR');
  const [xTrain, xTest, yTrain, yTest] = await loadImages(dirs[0], dirs[1], { seed: options.seed });
  say(io, `x_train ${JSON.stringify(xTrain.shape)}, x_test ${JSON.stringify(xTest.shape)}, y_train ${JSON.stringify(yTrain.shape)}, y_test ${JSON.stringify(yTest.shape)}`);

  const model = buildImagesCnn(xTrain.shape.slice(1));
  const history = await model.fit(xTrain.div(255), yTrain, {
    batchSize: options.batchSize ?? 32,
    epochs: options.epochs ?? 20,
    validationData: [xTest.div(255), yTest],
    verbose: resolveVerbose(options, io),
    print: (s) => io.stdout.write(s),
  });
  say(io, `final acc ${f4(history.history.acc.at(-1))}, val_acc ${f4(history.history.val_acc.at(-1))}`);
  if (options.out) atomicWrite(options.out, JSON.stringify(history.history, null, 2));
  if (options.plot) {
    const { plotHistory } = await import('@layerwise/plot');
    // One panel, acc with its val_acc twin (plotHistory draws each metric with its val_ twin), as the tutorial's figure.
    await plotHistory(history, { toFile: options.plot, metrics: ['acc'], ylim: [0, 1] });
    say(io, `plot: ${options.plot}`);
  }
  return history;
}
