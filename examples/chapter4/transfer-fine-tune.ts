/*
 * Section 4.5 — fine-tuning VGG16 (Keras original):
 *
 *   base_model = VGG16(weights='imagenet',
 *                      include_top=False,
 *                      input_tensor=Input(shape=(240, 360, 3)))
 *
 *   for layer in base_model.layers[:15]:
 *       layer.trainable = False
 *
 *   x = base_model.output
 *   x = Flatten()(x)
 *   x = Dense(256, activation='relu')(x)
 *   x = Dropout(0.5)(x)
 *   outputs = Dense(1, activation='sigmoid')(x)
 *
 *   model = Model(inputs=base_model.input, outputs=outputs)
 *   model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['acc'])
 *
 *   train_datagen = ImageDataGenerator(rescale=1.0/255,
 *                                      width_shift_range=0.3,
 *                                      rotation_range=30,
 *                                      zoom_range=0.3,
 *                                      horizontal_flip=True,
 *                                      vertical_flip=True)
 *   train_generator = train_datagen.flow_from_directory('data240x360/train',
 *                                                       target_size=(240, 360),
 *                                                       batch_size=32,
 *                                                       class_mode='binary')
 *   test_datagen = ImageDataGenerator(rescale=1.0/255)
 *   test_generator = test_datagen.flow_from_directory('data240x360/test',
 *                                                     target_size=(240, 360),
 *                                                     batch_size=32,
 *                                                     class_mode='binary')
 *
 *   history = model.fit_generator(train_generator,
 *                                 validation_data=test_generator,
 *                                 steps_per_epoch=train_generator.samples / 32,
 *                                 validation_steps=test_generator.samples / 32,
 *                                 epochs=10)
 *
 * Prints Found 864 … / Found 700 … and Keras' progress lines (… - loss: 0.9696 - acc: 0.5255 -
 * val_loss: 0.6775 - val_acc: 0.6171 …); draws the History (history_fine_tune.png).
 * Only block5's convolutions and the head train: the training step has no backward pass
 * through blocks 1–4 at all, which is what makes this affordable on a CPU.
 * Run: node examples/chapter4/dist/transfer-fine-tune.js   (env WEIGHTS=none; DATA=dir, SIZE=60x90, EPOCHS=n)
 */
import { Input, Model } from '@layerwise/core';
import { Dense, Dropout, Flatten } from '@layerwise/layers';
import { ImageDataGenerator } from '@layerwise/augment';
import { VGG16 } from '@layerwise/applications';
import { plotHistory } from '@layerwise/plot';
import { weightsFromEnv } from './weights.js';

const data = process.env.DATA ?? 'data240x360';
const [height, width] = (process.env.SIZE ?? '240x360').split('x').map(Number);

const baseModel = await VGG16({ weights: weightsFromEnv(), includeTop: false, inputTensor: Input({ shape: [height, width, 3] }) });

for (const layer of baseModel.layers.slice(0, 15)) layer.trainable = false;

let x = baseModel.output;
x = new Flatten().apply(x);
x = new Dense(256, { activation: 'relu' }).apply(x);
x = new Dropout(0.5).apply(x);
const outputs = new Dense(1, { activation: 'sigmoid' }).apply(x);

const model = new Model({ inputs: baseModel.input, outputs });
model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['acc'] });

const trainDatagen = new ImageDataGenerator({
  rescale: 1.0 / 255,
  widthShiftRange: 0.3,
  rotationRange: 30,
  zoomRange: 0.3,
  horizontalFlip: true,
  verticalFlip: true,
});
const trainGenerator = await trainDatagen.flowFromDirectory(`${data}/train`, { targetSize: [height, width], batchSize: 32, classMode: 'binary' });

const testDatagen = new ImageDataGenerator({ rescale: 1.0 / 255 });
const testGenerator = await testDatagen.flowFromDirectory(`${data}/test`, { targetSize: [height, width], batchSize: 32, classMode: 'binary' });

const history = await model.fitGenerator(trainGenerator, {
  validationData: testGenerator,
  stepsPerEpoch: trainGenerator.samples / 32,
  validationSteps: testGenerator.samples / 32,
  epochs: Number(process.env.EPOCHS ?? 10),
});
await plotHistory(history, { toFile: 'history_fine_tune.png' });

await trainGenerator.close();
await testGenerator.close();
