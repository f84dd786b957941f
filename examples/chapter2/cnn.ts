/*
 * Section 2.1 — the convolutional network (Keras original):
 *
 *   (x_train, y_train), (x_test, y_test) = mnist.load_data()
 *   x_train = x_train.reshape(60000, 28, 28, 1)
 *   x_test = x_test.reshape(10000, 28, 28, 1)
 *   x_train = x_train.astype("float32")
 *   x_test = x_test.astype("float32")
 *   x_train /= 255
 *   x_test /= 255
 *   y_train = to_categorical(y_train, 10)
 *   y_test = to_categorical(y_test, 10)
 *
 *   model = Sequential()
 *   model.add(Conv2D(32, kernel_size=(3, 3), input_shape=(28, 28, 1)))
 *   model.add(Activation("relu"))
 *   model.add(MaxPooling2D(pool_size=(2, 2)))
 *   model.add(Flatten())
 *   model.add(Dense(10))
 *   model.add(Activation("softmax"))
 *   model.compile(loss="categorical_crossentropy", optimizer="adagrad", metrics=["accuracy"])
 *   model.fit(x_train, y_train, batch_size=64, epochs=5)
 *   score = model.evaluate(x_test, y_test, verbose=0)
 *   print("test acc : ", score[1])
 *
 * Run: node examples/chapter2/dist/cnn.js [epochs]   (Fashion-MNIST; MNIST digits need the internet)
 */
import { Sequential, toCategorical } from '@layerwise/core';
import { Activation, Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 5);
const limit = Number(process.env.LIMIT ?? 0) || undefined;

const { data } = await fashionMnist.loadDataWithSource({ fallbackToSample: true, verbose: false });
let [[xTrain, yTrain], [xTest, yTest]] = data;
if (limit) [xTrain, yTrain, xTest, yTest] = [xTrain.slice(0, limit), yTrain.slice(0, limit), xTest.slice(0, limit), yTest.slice(0, limit)];

xTrain = xTrain.reshape(-1, 28, 28, 1);
xTest = xTest.reshape(-1, 28, 28, 1);
xTrain = xTrain.astype('float32').div(255);
xTest = xTest.astype('float32').div(255);
const yTrainHot = toCategorical(yTrain, 10);
const yTestHot = toCategorical(yTest, 10);

const model = new Sequential();
model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
model.add(new Activation('relu'));
model.add(new MaxPooling2D({ poolSize: [2, 2] }));
model.add(new Flatten());
model.add(new Dense(10));
model.add(new Activation('softmax'));
model.compile({ loss: 'categorical_crossentropy', optimizer: 'adagrad', metrics: ['accuracy'] });
await model.fit(xTrain, yTrainHot, { batchSize: 64, epochs, verbose: 2 });
const score = (await model.evaluate(xTest, yTestHot, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
