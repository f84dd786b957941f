/**
 * A Keras-style program that never calls close(): image folders through worker threads
 * (flowFromDirectory, imageDatasetFromDirectory, ImageDataGenerator.flowFromDirectory),
 * a model trained on them. Run by hostile-exit.test.ts, which expects the process to end
 * on its own once the work is done. Argument: the image folder.
 */
import { Sequential } from '@layerwise/core';
import { Dense, Flatten } from '@layerwise/layers';
import { flowFromDirectory, imageDatasetFromDirectory } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';

const dir = process.argv[2];
const quiet = { warn: () => {}, info: () => {} };

const train = await flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 4, classMode: 'categorical', workers: 2, log: quiet });
const model = new Sequential();
model.add(new Flatten({ inputShape: [8, 8, 3] }));
model.add(new Dense(2, { activation: 'softmax' }));
model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
const history = await model.fit(train, { epochs: 2, verbose: 0 });

const ds = await imageDatasetFromDirectory(dir, { imageSize: [8, 8], batchSize: 4, workers: 2, verbose: false });
let seen = 0;
for await (const batch of ds) seen += (Array.isArray(batch) ? batch[0] : batch).shape[0];

const augmented = new ImageDataGenerator({ horizontalFlip: true, rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 4, workers: 2, log: quiet });
const [ax] = await (await augmented).getBatch(0);

console.log(JSON.stringify({ epochs: history.history.loss.length, seen, augmented: ax.shape }));
