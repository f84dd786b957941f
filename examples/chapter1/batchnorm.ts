/*
 * 1.6 Batch Normalization.
 *
 *   from keras.models import Sequential
 *   from keras.layers import Dense, Activation, BatchNormalization
 *   from keras.utils import to_categorical
 *   from keras.datasets import mnist
 *
 *   (x_train, y_train), (x_test, y_test) = mnist.load_data()
 *
 *   x_train = x_train.reshape(60000, 784)
 *   x_test = x_test.reshape(10000, 784)
 *
 *   x_train = x_train.astype('float32')
 *   x_test = x_test.astype('float32')
 *   x_train /= 255
 *   x_test /= 255
 *
 *   y_train = to_categorical(y_train, 10)
 *   y_test = to_categorical(y_test, 10)
 *
 *   model = Sequential()
 *   model.add(Dense(50, input_dim=784))
 *   model.add(BatchNormalization())
 *   model.add(Activation('relu'))
 *   model.add(Dense(20))
 *   model.add(BatchNormalization())
 *   model.add(Activation('relu'))
 *   model.add(Dense(10))
 *   model.add(Activation('softmax'))
 *   model.compile(optimizer='sgd',
 *                 loss='categorical_crossentropy', metrics=['accuracy'])
 *
 *   history = model.fit(x_train, y_train, batch_size=32, epochs=10,
 *                       validation_data=(x_test, y_test))
 *
 * Run: node examples/chapter1/dist/batchnorm.js [epochs]   (or EPOCHS=1)
 */
import { Sequential, toCategorical } from '@layerwise/core';
import { Dense, Activation, BatchNormalization } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 10);

let [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ fallbackToSample: true });

xTrain = xTrain.reshape(-1, 784);
xTest = xTest.reshape(-1, 784);

xTrain = xTrain.astype('float32').div(255);
xTest = xTest.astype('float32').div(255);

yTrain = toCategorical(yTrain, 10);
yTest = toCategorical(yTest, 10);

const model = new Sequential();
model.add(new Dense(50, { inputDim: 784 }));
model.add(new BatchNormalization());
model.add(new Activation('relu'));
model.add(new Dense(20));
model.add(new BatchNormalization());
model.add(new Activation('relu'));
model.add(new Dense(10));
model.add(new Activation('softmax'));
model.compile({ optimizer: 'sgd',
                loss: 'categorical_crossentropy', metrics: ['accuracy'] });

const history = await model.fit(xTrain, yTrain, { batchSize: 32, epochs,
                                                  validationData: [xTest, yTest] });

// Not in the tutorial, which reads val_accuracy off the last epoch: the same number, printed.
const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
