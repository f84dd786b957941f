/*
 * Section 4.3 — a shortcut connection with the functional API (Keras original):
 *
 *   inputs = Input(shape=(28, 28, 1))
 *   x = Conv2D(32, kernel_size=(3, 3))(inputs)
 *   x = Activation("relu")(x)
 *   x = MaxPooling2D(pool_size=(2,2))(x)
 *   y = Conv2D(32, kernel_size=(3, 3), padding='same')(x)
 *   x = Add()([x, y])
 *   x = Flatten()(x)
 *   predictions = Dense(10, activation='softmax')(x)
 *   model = Model(inputs=inputs, outputs=predictions)
 *   model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
 *   history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=10)
 *
 * Run: node examples/chapter2/dist/shortcut.js [epochs]
 */
import { Input, Model, toCategorical } from '@layerwise/core';
import { Activation, Add, Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 10);
const limit = Number(process.env.LIMIT ?? 0) || undefined;

const { data } = await fashionMnist.loadDataWithSource({ fallbackToSample: true, verbose: false });
let [[xTrain, yTrain], [xTest, yTest]] = data;
if (limit) [xTrain, yTrain, xTest, yTest] = [xTrain.slice(0, limit), yTrain.slice(0, limit), xTest.slice(0, limit), yTest.slice(0, limit)];
xTrain = xTrain.astype('float32').div(255).reshape(-1, 28, 28, 1);
xTest = xTest.astype('float32').div(255).reshape(-1, 28, 28, 1);
const yTrainHot = toCategorical(yTrain, 10);
const yTestHot = toCategorical(yTest, 10);

const inputs = Input({ shape: [28, 28, 1] });
let x = new Conv2D(32, [3, 3]).apply(inputs);
x = new Activation('relu').apply(x);
x = new MaxPooling2D({ poolSize: [2, 2] }).apply(x);
const y = new Conv2D(32, [3, 3], { padding: 'same' }).apply(x);
x = new Add().apply([x, y]);
x = new Flatten().apply(x);
const predictions = new Dense(10, { activation: 'softmax' }).apply(x);
const model = new Model({ inputs, outputs: predictions });
model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrainHot, { validationData: [xTest, yTestHot], epochs, verbose: 2 });
const score = (await model.evaluate(xTest, yTestHot, { verbose: 0 })) as number[];
console.log('test acc : ', score[1]);
