/*
 * 1.5 Dropout — Dropout(0.3) after each hidden layer.
 *
 *   from keras.layers import Dense, Activation, Dropout
 *   ... (the data as in 1.3: 500 training and 500 test samples)
 *
 *   model = Sequential()
 *   model.add(Dense(100, input_dim=784, activation='relu'))
 *   model.add(Dropout(0.3))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dropout(0.3))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dropout(0.3))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dropout(0.3))
 *   model.add(Dense(10, activation='softmax'))
 *   model.compile(optimizer='sgd', loss='categorical_crossentropy',
 *                 metrics=['accuracy'])
 *   history3 = model.fit(x_train, y_train, batch_size=32, epochs=100,
 *                        validation_data=(x_test, y_test), verbose=0)
 *
 *   plt.plot(history3.history['acc'], label="do_acc", color="green", linestyle='dotted')
 *   plt.plot(history3.history['val_acc'], label="do_val_acc", color="green")
 *
 * (`layerwise overfit` prints this run beside the plain one of 1.3 and the weight decay one of 1.4.)
 * Run: node examples/chapter1/dist/dropout.js [epochs]   (or EPOCHS=3)
 */
import { Sequential, toCategorical } from '@layerwise/core';
import { Dense, Dropout } from '@layerwise/layers';
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
model.add(new Dropout(0.3));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dropout(0.3));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dropout(0.3));
model.add(new Dense(100, { activation: 'relu' }));
model.add(new Dropout(0.3));
model.add(new Dense(10, { activation: 'softmax' }));
model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy',
                metrics: ['acc'] });
const history3 = await model.fit(xTrain, yTrain, { batchSize: 32, epochs,
                                                   validationData: [xTest, yTest], verbose: 0 });

// Instead of the plot: acc and val_acc every 10 epochs.
const { acc, val_acc } = history3.history;
for (let e = 0; e < epochs; e++)
  if ((e + 1) % 10 === 0 || e === epochs - 1)
    console.log(`epoch ${String(e + 1).padStart(3)}  do_acc: ${acc[e].toFixed(4)}  do_val_acc: ${val_acc[e].toFixed(4)}`);
