/*
 * Section 3.3 (1) — augmentation with flow, in a loop (Keras original):
 *
 *   x_train, x_test, y_train, y_test = load_images("dirA", "dirB")
 *   x_train = x_train.astype('float32')
 *   x_test = x_test.astype('float32')
 *   x_train /= 255
 *   x_test /= 255
 *
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
 *
 *   datagen = ImageDataGenerator(width_shift_range=0.3, rotation_range=30, zoom_range=0.3,
 *                                horizontal_flip=True, vertical_flip=True)
 *
 *   for e in range(20):
 *       print('Epoch', e)
 *       batches = 0
 *       for x_batch, y_batch in datagen.flow(x_train, y_train, batch_size=32):
 *           history = model.fit(x_batch, y_batch, validation_data=(x_test, y_test), epochs=1)
 *           batches += 1
 *           if batches >= len(x_train) / 32:
 *               break
 *
 * Layerwise twin on Fashion-MNIST (28×28×1, 10 classes, so a smaller CNN with softmax and
 * categorical cross-entropy). `for await` takes the batches that flow transforms on its
 * worker threads (a plain `for … of` works too, on the main thread).
 *
 * Run: node examples/chapter3/dist/flow-loop.js [epochs]   (env EPOCHS, LIMIT = samples)
 */
import { Adadelta, Sequential, toCategorical } from '@layerwise/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 20);
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

for (let e = 0; e < epochs; e++) {
  console.log('Epoch', e);
  let batches = 0;
  const it = datagen.flow(xTrain, yTrainHot, { batchSize: 32 });
  for await (const [xBatch, yBatch] of it as AsyncIterable<[typeof xTrain, typeof xTrain]>) {
    await model.fit(xBatch, yBatch, { validationData: [xTest, yTestHot], epochs: 1, verbose: 2 });
    batches += 1;
    if (batches >= xTrain.shape[0] / 32) break;
  }
  await it.close();
}
const score = (await model.evaluate(xTest, yTestHot, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
