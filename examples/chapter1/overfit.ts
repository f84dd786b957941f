/*
 * 1.3 学習の進め方 — overfitting: 500 samples and a network with too much capacity.
 *
 *   (x_train, y_train), (x_test, y_test) = mnist.load_data()
 *
 *   x_train = x_train.reshape(60000, 784)
 *   x_test = x_test.reshape(10000, 784)
 *
 *   x_train = x_train.astype("float32")
 *   x_test = x_test.astype("float32")
 *   x_train /= 255
 *   x_test /= 255
 *
 *   x_train = x_train[:500]
 *   y_train = y_train[:500]
 *   x_test = x_test[:500]
 *   y_test = y_test[:500]
 *
 *   y_train = to_categorical(y_train, 10)
 *   y_test = to_categorical(y_test, 10)
 *
 *   model = Sequential()
 *   model.add(Dense(100, input_dim=784, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(10, activation='softmax'))
 *   model.compile(optimizer='sgd', loss='categorical_crossentropy',
 *                 metrics=['accuracy'])
 *   history1 = model.fit(x_train, y_train, batch_size=32, epochs=100,
 *                        validation_data=(x_test, y_test), verbose=1)
 *
 *   plt.plot(history1.history['acc'], label="acc", color="red", linestyle='dotted')
 *   plt.plot(history1.history['val_acc'], label="val_acc", color="red")
 *   plt.plot(history1.history['loss'], label="loss", color="red", linestyle='dotted')
 *   plt.plot(history1.history['val_loss'], label="val_loss", color="red")
 *
 * The tutorial plots history['acc']: Keras 2 called the 'accuracy' metric 'acc'. Keras 3
 * (and Layerwise) name the key after what compile was given, so here it is metrics: ['acc'].
 * Run: node examples/chapter1/dist/overfit.js [epochs]   (or EPOCHS=3)
 */
import { Sequential, toCategorical } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 100);

let [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ fallbackToSample: true });

xTrain = xTrain.reshape(-1, 784);
xTest = xTest.reshape(-1, 784);

xTrain = xTrain.astype('float32').div(255);
xTest = xTest.astype('float32').div(255);

xTrain = xTrain.slice(0, 500);
yTrain = yTrain.slice(0, 500);
xTest = xTest.slice(0, 500);
yTest = yTest.slice(0, 500);

yTrain = toCategorical(yTrain, 10);
yTest = toCategorical(yTest, 10);

const model = new Sequential();
model.add(new Dense(100, { inputDim: 784, activation: 'relu' }));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dense(10, { activation: 'softmax' }));
model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy',
                metrics: ['acc'] });
const history1 = await model.fit(xTrain, yTrain, { batchSize: 32, epochs,
                                                   validationData: [xTest, yTest], verbose: 1 });

// Instead of the plots: the four curves every 10 epochs.
const { acc, val_acc, loss, val_loss } = history1.history;
for (let e = 0; e < epochs; e++)
  if ((e + 1) % 10 === 0 || e === epochs - 1)
    console.log(`epoch ${String(e + 1).padStart(3)}  acc: ${acc[e].toFixed(4)}  val_acc: ${val_acc[e].toFixed(4)}  loss: ${loss[e].toFixed(4)}  val_loss: ${val_loss[e].toFixed(4)}`);
