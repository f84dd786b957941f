/**
 * `layerwise augment-train --method flow | fit-generator | directory` — section 3.3: training
 * with data augmentation, the tutorial's three ways:
 *
 *   flow           for e in range(epochs): for x_batch, y_batch in datagen.flow(x_train, y_train, batch_size=32):
 *                      model.fit(x_batch, y_batch, …)   (the loop version)
 *   fit-generator  model.fit_generator(datagen.flow(x_train, y_train, batch_size=32),
 *                                      steps_per_epoch=len(x_train) / 32, epochs=epochs)
 *   directory      train_generator = train_datagen.flow_from_directory('data/train', target_size=(60, 90),
 *                                                                      batch_size=32, class_mode='binary')
 *                  model.fit_generator(train_generator, validation_data=test_generator, …)
 *
 * keras.optimizers.Adadelta() of the tutorial's Keras 2 had lr=1.0 (Keras 3's default is 0.001).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adadelta, Sequential, type Tensor } from '@layerwise/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@layerwise/layers';
import { makeFashionImageSet } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';
import { loadChapter1Data } from '../data.js';
import { f4, resolveVerbose, say, setup, type CommonOptions, type Io, pyFloat } from '../common.js';

export const AUGMENT_METHODS = ['flow', 'fit-generator', 'directory'] as const;
export type AugmentMethod = (typeof AUGMENT_METHODS)[number];

export interface AugmentTrainOptions extends CommonOptions {
  method: AugmentMethod;
  epochs?: number;
  /** flow / fit-generator: the first N Fashion-MNIST samples; directory: images per class (default 500). */
  limit?: number;
  /** directory: where the image set is written (default a temp folder). */
  imageDir?: string;
}

/** The tutorial's augmentation options: shifts, rotation, zoom, both flips. */
const augmentation = { widthShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true } as const;

function cnn(inputShape: number[], outputs: number): Sequential {
  const wide = outputs === 1;
  const model = new Sequential();
  model.add(new Conv2D(wide ? 128 : 32, [3, 3], { inputShape, activation: 'relu' }));
  model.add(new Conv2D(wide ? 64 : 32, [3, 3], { activation: 'relu' }));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Dropout(0.25));
  model.add(new Flatten());
  model.add(new Dense(wide ? 128 : 64, { activation: 'relu' }));
  model.add(new Dropout(0.5));
  model.add(new Dense(outputs, { activation: wide ? 'sigmoid' : 'softmax' }));
  model.compile({ loss: wide ? 'binary_crossentropy' : 'categorical_crossentropy', optimizer: new Adadelta({ learningRate: 1.0 }), metrics: ['accuracy'] });
  return model;
}

export async function augmentTrain(options: AugmentTrainOptions, io: Io): Promise<number> {
  await setup(options);
  const epochs = options.epochs ?? 10;
  const verbose = resolveVerbose(options, io);
  const print = (s: string) => io.stdout.write(s);

  if (options.method === 'directory') {
    const dir = options.imageDir ?? mkdtempSync(join(tmpdir(), 'data60x90-'));
    const perClass = options.limit ?? 500;
    await makeFashionImageSet(dir, { classes: ['sneaker', 'bag'], perClass: { train: perClass, test: Math.max(1, Math.floor(perClass / 2)) }, size: [60, 90] });
    say(io, `image set: ${dir}/{train,test}/{sneaker,bag} (60×90 JPEG)`);
    const model = cnn([60, 90, 3], 1);
    const train = await new ImageDataGenerator({ rescale: 1 / 255, ...augmentation }).flowFromDirectory(join(dir, 'train'), { targetSize: [60, 90], batchSize: 32, classMode: 'binary', seed: options.seed });
    const test = await new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(join(dir, 'test'), { targetSize: [60, 90], batchSize: 32, classMode: 'binary', shuffle: false });
    try {
      const history = await model.fitGenerator(train, { validationData: test, stepsPerEpoch: train.samples / 32, validationSteps: test.samples / 32, epochs, verbose, print });
      const valAcc = history.history.val_accuracy.at(-1)!;
      say(io, `val acc :  ${f4(valAcc)}`);
      return valAcc;
    } finally {
      await train.close();
      await test.close();
    }
  }

  const data = await loadChapter1Data({ ...options, layout: 'image', trainSamples: options.limit, testSamples: options.limit });
  const { xTrain, yTrain, xTest, yTest } = data;
  const model = cnn([28, 28, 1], 10);
  const datagen = new ImageDataGenerator(augmentation);
  if (options.method === 'fit-generator') {
    const flow = datagen.flow(xTrain, yTrain, { batchSize: 32, seed: options.seed });
    try {
      await model.fitGenerator(flow, { stepsPerEpoch: xTrain.shape[0] / 32, epochs, validationData: [xTest, yTest], verbose, print });
    } finally {
      await flow.close();
    }
  } else {
    // The loop version: each augmented batch is one small fit.
    for (let e = 0; e < epochs; e++) {
      say(io, `Epoch ${e}`);
      const it = datagen.flow(xTrain, yTrain, { batchSize: 32, seed: options.seed === undefined ? undefined : options.seed + e });
      let batches = 0;
      try {
        for await (const [xBatch, yBatch] of it as AsyncIterable<[Tensor, Tensor]>) {
          await model.fit(xBatch, yBatch, { epochs: 1, verbose: 0 });
          if (++batches >= xTrain.shape[0] / 32) break;
        }
      } finally {
        await it.close();
      }
    }
  }
  const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
  say(io, `test acc :  ${pyFloat(score[1])}`);
  return score[1];
}
