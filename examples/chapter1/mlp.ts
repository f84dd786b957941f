/*
 * 1.1 全結合型ニューラルネットワークの実装 — the fully connected network.
 *
 *   from keras.models import Sequential
 *   from keras.layers import Dense, Activation
 *   from keras.utils import to_categorical
 *   from keras.datasets import mnist
 *
 *   (x_train, y_train), (x_test, y_test) = mnist.load_data()
 *
 *   # 28x28 => 784
 *   x_train = x_train.reshape(60000, 784)
 *   x_test = x_test.reshape(10000, 784)
 *
 *   # one-hot ex: 3 => [0,0,0,1,0,0,0,0,0]
 *   y_train = to_categorical(y_train, 10)
 *   y_test = to_categorical(y_test, 10)
 *
 *   # 0-255 => 0-1
 *   x_train = x_train.astype("float32")
 *   x_test = x_test.astype("float32")
 *   x_train /= 255
 *   x_test /= 255
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
 *
 * Fashion-MNIST stands in for MNIST (same shapes; mnist.loadData() works with its files or
 * the internet). Run: node examples/chapter1/dist/mlp.js [epochs]   (or EPOCHS=1)
 */
import { Sequential, toCategorical } from '@layerwise/core';
import { Dense, Activation } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 10);

let [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ fallbackToSample: true });

// 28x28 => 784
xTrain = xTrain.reshape(-1, 784);
xTest = xTest.reshape(-1, 784);

// one-hot ex: 3 => [0,0,0,1,0,0,0,0,0,0]
yTrain = toCategorical(yTrain, 10);
yTest = toCategorical(yTest, 10);

// 0-255 => 0-1
xTrain = xTrain.astype('float32').div(255);
xTest = xTest.astype('float32').div(255);

const model = new Sequential();
model.add(new Dense(50, { inputDim: 784 }));
model.add(new Activation('sigmoid'));
model.add(new Dense(20));
model.add(new Activation('sigmoid'));
model.add(new Dense(10));
model.add(new Activation('softmax'));
model.compile({ optimizer: 'sgd',
                loss: 'categorical_crossentropy', metrics: ['accuracy'] });

const history = await model.fit(xTrain, yTrain, { batchSize: 32, epochs });

const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
