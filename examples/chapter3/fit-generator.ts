/*
 * Section 3.3 (2) — fit_generator (Keras original):
 *
 *   x_train, x_test, y_train, y_test = load_images("dirA", "dirB")
 *   ... (the same preprocessing, model and compile as flow-loop.ts)
 *
 *   datagen = ImageDataGenerator(width_shift_range=0.3, rotation_range=30, zoom_range=0.3,
 *                                horizontal_flip=True, vertical_flip=True)
 *
 *   history = model.fit_generator(datagen.flow(x_train, y_train, batch_size=32),
 *                                 steps_per_epoch=len(x_train) / 32, epochs=100,
 *                                 validation_data=(x_test, y_test))
 *
 * Layerwise twin on Fashion-MNIST (28×28×1, 10 classes: a smaller CNN, softmax). fit pulls
 * the batches asynchronously: flow transforms them on worker threads and the next batch is
 * prefetched while the model trains on the current one.
 *
 * Run: node examples/chapter3/dist/fit-generator.js [epochs]   (env EPOCHS, LIMIT = samples)
 */
import { Adadelta, Sequential, toCategorical } from '@layerwise/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 100);
const limit = Number(process.env.LIMIT ?? 0) || undefined;

const { data } = await fashionMnist.loadDataWithSource({ fallbackToSample: true, verbose: false });
let [[xTrain, yTrain], [xTest, yTest]] = data;
if (limit) [xTrain, yTrain, xTest, yTest] = [xTrain.slice(0, limit), yTrain.slice(0, limit), xTest.slice(0, limit), yTest.slice(0, limit)];
xTrain = xTrain.reshape(-1, 28, 28, 1).astype('float32').div(255);
xTest = xTest.reshape(-1, 28, 28, 1).astype('float32').div(255);
const yTrainHot = toCategorical(yTrain, 10);
const yTestHot = toCategorical(yTest, 10);

const model = new Sequential();
model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1], activation: 'relu' }));
model.add(new Conv2D(32, [3, 3], { activation: 'relu' }));
model.add(new MaxPooling2D({ poolSize: [2, 2] }));
model.add(new Dropout(0.25));
model.add(new Flatten());
model.add(new Dense(64, { activation: 'relu' }));
model.add(new Dropout(0.5));
model.add(new Dense(10, { activation: 'softmax' }));
// keras.optimizers.Adadelta() of the tutorial's Keras 2 had lr=1.0 (Keras 3's default is 0.001)
model.compile({ loss: 'categorical_crossentropy', optimizer: new Adadelta({ learningRate: 1.0 }), metrics: ['accuracy'] });

const datagen = new ImageDataGenerator({ widthShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true });

const flow = datagen.flow(xTrain, yTrainHot, { batchSize: 32 });
const history = await model.fitGenerator(flow, { stepsPerEpoch: xTrain.shape[0] / 32, epochs, validationData: [xTest, yTestHot], verbose: 2 });
await flow.close();
const acc = history.history.accuracy as number[];
const valAcc = history.history.val_accuracy as number[];
console.log('final acc : ', acc[acc.length - 1], ' val acc : ', valAcc[valAcc.length - 1]);
const score = (await model.evaluate(xTest, yTestHot, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
