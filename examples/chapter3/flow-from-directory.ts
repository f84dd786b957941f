/*
 * Section 3.3 (3) — flow_from_directory (Keras original):
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
 *   train_datagen = ImageDataGenerator(rescale=1.0/255, width_shift_range=0.3, rotation_range=30,
 *                                      zoom_range=0.3, horizontal_flip=True, vertical_flip=True)
 *   train_generator = train_datagen.flow_from_directory('data60x90/train', target_size=(60, 90),
 *                                                       batch_size=32, class_mode='binary')
 *   test_datagen = ImageDataGenerator(rescale=1.0/255)
 *   test_generator = test_datagen.flow_from_directory('data60x90/test', target_size=(60, 90),
 *                                                     batch_size=32, class_mode='binary')
 *
 *   history = model.fit_generator(train_generator,
 *                                 validation_data=test_generator,
 *                                 steps_per_epoch=train_generator.samples / 32,
 *                                 validation_steps=test_generator.samples / 32,
 *                                 epochs=100)
 *
 * Layerwise twin: data60x90 is written first from Fashion-MNIST (sneakers vs bags, upscaled
 * to 60×90 RGB JPEGs) into a temp folder, or DATA_DIR when set.
 *
 * Run: node examples/chapter3/dist/flow-from-directory.js [epochs]
 *      (env EPOCHS, LIMIT = train images per class (default 500; test gets LIMIT / 2), DATA_DIR)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adadelta, Sequential } from '@layerwise/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@layerwise/layers';
import { makeFashionImageSet } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 100);
const perClass = Number(process.env.LIMIT ?? 0) || 500;
const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'data60x90-'));
await makeFashionImageSet(dataDir, { classes: ['sneaker', 'bag'], perClass: { train: perClass, test: Math.max(1, Math.floor(perClass / 2)) }, size: [60, 90] });

const model = new Sequential();
model.add(new Conv2D(128, [3, 3], { inputShape: [60, 90, 3], activation: 'relu' }));
model.add(new Conv2D(64, [3, 3], { activation: 'relu' }));
model.add(new MaxPooling2D({ poolSize: [2, 2] }));
model.add(new Dropout(0.25));
model.add(new Flatten());
model.add(new Dense(128, { activation: 'relu' }));
model.add(new Dropout(0.5));
model.add(new Dense(1, { activation: 'sigmoid' }));
// keras.optimizers.Adadelta() of the tutorial's Keras 2 had lr=1.0 (Keras 3's default is 0.001)
model.compile({ loss: 'binary_crossentropy', optimizer: new Adadelta({ learningRate: 1.0 }), metrics: ['accuracy'] });

const trainDatagen = new ImageDataGenerator({ rescale: 1.0 / 255, widthShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true });
const trainGenerator = await trainDatagen.flowFromDirectory(join(dataDir, 'train'), { targetSize: [60, 90], batchSize: 32, classMode: 'binary' });

const testDatagen = new ImageDataGenerator({ rescale: 1.0 / 255 });
const testGenerator = await testDatagen.flowFromDirectory(join(dataDir, 'test'), { targetSize: [60, 90], batchSize: 32, classMode: 'binary' });

try {
  const history = await model.fitGenerator(trainGenerator, {
    validationData: testGenerator,
    stepsPerEpoch: trainGenerator.samples / 32,
    validationSteps: testGenerator.samples / 32,
    epochs,
    verbose: 2,
  });
  const acc = history.history.accuracy as number[];
  const valAcc = history.history.val_accuracy as number[];
  console.log('final acc : ', acc[acc.length - 1], ' val acc : ', valAcc[valAcc.length - 1]);
} finally {
  await trainGenerator.close();
  await testGenerator.close();
  if (!process.env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
}
