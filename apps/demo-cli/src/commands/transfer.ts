/**
 * `layerwise transfer features | train-top | fine-tune --data DIR` — sections 4.4 and 4.5:
 * VGG16 as a feature extractor, a small network trained on the saved features, and VGG16
 * fine-tuned with layers[:15] frozen. DIR holds train/ and test/ with one folder per class,
 * as the tutorial's data240x360 (`--make-data` writes such a set from Fashion-MNIST).
 *
 *   features   model = VGG16(include_top=False, weights='imagenet')
 *              gen = ImageDataGenerator(rescale=1/255).flow_from_directory(dir, target_size, batch_size=32,
 *                                                                       class_mode=None, shuffle=False)
 *              np.save('bottleneck_features_train.npy', model.predict_generator(gen, gen.samples / 32))
 *   train-top  Flatten → Dense(256, relu) → Dropout(0.5) → Dense(1, sigmoid) on the .npy features,
 *              adadelta, binary_crossentropy, 10 epochs, batch 32, validation_data
 *   fine-tune  VGG16(include_top=False, input_tensor=Input((h, w, 3))), layers[:15].trainable = False,
 *              the same head, sgd, fit_generator with an augmenting train generator, 10 epochs
 */
import { join } from 'node:path';
import { Input, Model, Tensor, type History, type SymbolicTensor } from '@layerwise/core';
import { Dense, Dropout, Flatten } from '@layerwise/layers';
import { makeFashionImageSet, readNpyFile, writeNpy } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';
import { VGG16 } from '@layerwise/applications';
import { resolveVerbose, say, setup, type CommonOptions, type Io } from '../common.js';

export const TRANSFER_PROGRAMS = ['features', 'train-top', 'fine-tune'] as const;
export type TransferProgram = (typeof TRANSFER_PROGRAMS)[number];

export interface TransferOptions extends CommonOptions {
  /** The image set: DIR/train/<class>/…, DIR/test/<class>/… */
  data: string;
  /** [height, width]; default [240, 360]. */
  size?: [number, number];
  /** 'imagenet' (default), 'none' (random weights) or a weights file. */
  weights?: string;
  epochs?: number;
  batchSize?: number;
  /** Where the bottleneck_features_*.npy files go and come from; default '.'. */
  featuresDir?: string;
  /** The History plot (PNG or SVG); default history_<program>.png. */
  plot?: string;
  /** Write a Fashion-MNIST image set (sneaker, bag) to `data` first, with this many images per class in train and test. */
  makeData?: { train: number; test: number };
}

/** The tutorial's augmentation for fine-tuning. */
export const FINE_TUNE_AUGMENTATION = { widthShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true } as const;

/** Flatten → Dense(256, relu) → Dropout(0.5) → Dense(1, sigmoid), the head of both programs. */
export function transferHead(x: SymbolicTensor, dropout = 0.5): SymbolicTensor {
  let h = new Flatten().apply(x) as SymbolicTensor;
  h = new Dense(256, { activation: 'relu' }).apply(h) as SymbolicTensor;
  h = new Dropout(dropout).apply(h) as SymbolicTensor;
  return new Dense(1, { activation: 'sigmoid' }).apply(h) as SymbolicTensor;
}

/** VGG16 for fine-tuning: includeTop false on (h, w, 3), layers[:15] frozen, the head on top, compiled as the tutorial. */
export async function fineTuneModel(size: [number, number], weights: string | null): Promise<Model> {
  const baseModel = await VGG16({ weights, includeTop: false, inputTensor: Input({ shape: [size[0], size[1], 3] }) });
  for (const layer of baseModel.layers.slice(0, 15)) layer.trainable = false;
  const model = new Model({ inputs: baseModel.inputs, outputs: transferHead(baseModel.outputs[0]) });
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['acc'] });
  return model;
}

const weightsOf = (w: string | undefined) => (w === 'none' ? null : (w ?? 'imagenet'));

export async function transfer(program: TransferProgram, options: TransferOptions, io: Io): Promise<History | Tensor[]> {
  await setup(options);
  const size = options.size ?? [240, 360];
  const batchSize = options.batchSize ?? 32;
  const verbose = resolveVerbose(options, io);
  const print = (s: string) => io.stdout.write(s);
  const featuresDir = options.featuresDir ?? '.';
  const log = { warn: (l: string) => io.stderr.write(`${l}\n`), info: (l: string) => say(io, l) };
  if (options.makeData) {
    await makeFashionImageSet(options.data, { classes: ['sneaker', 'bag'], perClass: options.makeData, size });
    say(io, `image set: ${options.data}/{train,test}/{bag,sneaker} (${size[0]}×${size[1]} JPEG)`);
  }

  if (program === 'features') {
    const model = await VGG16({ includeTop: false, weights: weightsOf(options.weights), inputShape: [size[0], size[1], 3] });
    const out: Tensor[] = [];
    for (const split of ['train', 'test']) {
      const gen = await new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(join(options.data, split), { targetSize: size, batchSize, classMode: null, shuffle: false, log });
      try {
        // Keras 2's predict_generator printed nothing by default, as the tutorial's output shows.
        const features = await model.predictGenerator(gen, { steps: gen.samples / batchSize, verbose: 0 });
        say(io, `(${features.shape.join(', ')})`);
        writeNpy(join(featuresDir, `bottleneck_features_${split}.npy`), features);
        out.push(features);
      } finally {
        await gen.close();
      }
    }
    return out;
  }

  let history: History;
  if (program === 'train-top') {
    const load = (split: string) => {
      const x = readNpyFile(join(featuresDir, `bottleneck_features_${split}.npy`));
      const half = Math.floor(x.shape[0] / 2);
      return [x, new Tensor(Float32Array.from({ length: 2 * half }, (_, i) => (i < half ? 0 : 1)), [2 * half], 'float32')] as const;
    };
    const [xTrain, yTrain] = load('train');
    const [xTest, yTest] = load('test');
    const inputs = Input({ shape: xTrain.shape.slice(1) });
    const model = new Model({ inputs, outputs: transferHead(inputs) });
    model.compile({ optimizer: 'adadelta', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    history = await model.fit(xTrain, yTrain, { epochs: options.epochs ?? 10, batchSize, validationData: [xTest, yTest], verbose, print });
  } else {
    const model = await fineTuneModel(size, weightsOf(options.weights));
    const train = await new ImageDataGenerator({ rescale: 1 / 255, ...FINE_TUNE_AUGMENTATION }).flowFromDirectory(join(options.data, 'train'), { targetSize: size, batchSize, classMode: 'binary', seed: options.seed, log });
    const test = await new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(join(options.data, 'test'), { targetSize: size, batchSize, classMode: 'binary', log });
    try {
      history = await model.fitGenerator(train, { validationData: test, stepsPerEpoch: train.samples / batchSize, validationSteps: test.samples / batchSize, epochs: options.epochs ?? 10, verbose, print });
    } finally {
      await train.close();
      await test.close();
    }
  }
  const plot = options.plot ?? `history_${program.replace('-', '_')}.png`;
  const { plotHistory } = await import('@layerwise/plot');
  await plotHistory(history, { toFile: plot });
  say(io, `plot: ${plot}`);
  return history;
}
