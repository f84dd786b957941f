/*
 * Section 4.4 — a new network on the extracted features (Keras original):
 *
 *   import numpy as np
 *   from keras.models import Model
 *   from keras.layers import Input, Dropout, Flatten, Dense
 *
 *   x_train = np.load(open('bottleneck_features_train.npy', "rb"))
 *   y_train = np.array([0] * (x_train.shape[0] // 2) + [1] * (x_train.shape[0] // 2))
 *
 *   x_test = np.load(open('bottleneck_features_test.npy', "rb"))
 *   y_test = np.array([0] * (x_test.shape[0] // 2) + [1] * (x_test.shape[0] // 2))
 *
 *   inputs = Input(shape=x_train.shape[1:])
 *   x = Flatten()(inputs)
 *   x = Dense(256, activation='relu')(x)
 *   x = Dropout(0.5)(x)
 *   outputs = Dense(1, activation='sigmoid')(x)
 *   model = Model(inputs=inputs, outputs=outputs)
 *
 *   model.compile(optimizer='adadelta', loss='binary_crossentropy',
 *                 metrics=['accuracy'])
 *
 *   history = model.fit(x_train, y_train, epochs=10, batch_size=32,
 *                       validation_data=(x_test, y_test))
 *
 * Prints Keras' progress lines (… - loss: 0.9053 - acc: 0.6528 - val_loss: 0.3980 - val_acc: 0.8314 …)
 * and draws the History (history_top.png). Note: Keras 3's 'adadelta' has learning rate 0.001;
 * the tutorial's Keras 2 had 1.0 (new Adadelta({ learningRate: 1.0 }) gives its curves).
 * Run after transfer-features: node examples/chapter4/dist/transfer-train-top.js
 */
import { Input, Model, Tensor } from '@layerwise/core';
import { Dense, Dropout, Flatten } from '@layerwise/layers';
import { readNpyFile } from '@layerwise/data';
import { plotHistory } from '@layerwise/plot';

/** np.array([0] * half + [1] * half): the features were extracted unshuffled, class by class. */
const halves = (n: number) => Tensor.from([...Array(Math.floor(n / 2)).fill(0), ...Array(Math.floor(n / 2)).fill(1)]);

const xTrain = readNpyFile('bottleneck_features_train.npy');
const yTrain = halves(xTrain.shape[0]);

const xTest = readNpyFile('bottleneck_features_test.npy');
const yTest = halves(xTest.shape[0]);

const inputs = Input({ shape: xTrain.shape.slice(1) });
let x = new Flatten().apply(inputs);
x = new Dense(256, { activation: 'relu' }).apply(x);
x = new Dropout(0.5).apply(x);
const outputs = new Dense(1, { activation: 'sigmoid' }).apply(x);
const model = new Model({ inputs, outputs });

model.compile({ optimizer: 'adadelta', loss: 'binary_crossentropy', metrics: ['accuracy'] });

const history = await model.fit(xTrain, yTrain, { epochs: Number(process.env.EPOCHS ?? 10), batchSize: 32, validationData: [xTest, yTest] });
await plotHistory(history, { toFile: 'history_top.png' });
