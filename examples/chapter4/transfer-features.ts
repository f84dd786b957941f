/*
 * Section 4.4 — VGG16 as a feature extractor (Keras original):
 *
 *   import numpy as np
 *   from keras.preprocessing.image import ImageDataGenerator
 *   from keras.applications.vgg16 import VGG16
 *
 *   model = VGG16(include_top=False, weights='imagenet')
 *
 *   train_datagen = ImageDataGenerator(rescale=1.0 / 255)
 *   train_generator = train_datagen.flow_from_directory('data240x360/train',
 *                                                       target_size=(240, 360),
 *                                                       batch_size=32,
 *                                                       class_mode=None,
 *                                                       shuffle=False)
 *   bottleneck_features_train = model.predict_generator(train_generator,
 *                                                       train_generator.samples / 32)
 *   print(bottleneck_features_train.shape)
 *   np.save(open('bottleneck_features_train.npy', 'wb'), bottleneck_features_train)
 *   (the same for data240x360/test → bottleneck_features_test.npy)
 *
 * Prints: Found 864 images belonging to 2 classes. / (864, 7, 11, 512) / Found 700 images … / (700, 7, 11, 512)
 *
 * Layerwise builds VGG16 for one image size, so the size the generator gives is passed as
 * inputShape (Keras' include_top=False model takes any size).
 * Make the data set: node scripts/make-transfer-data.mjs   (data240x360/{train,test}/{bag,sneaker})
 * Run: node examples/chapter4/dist/transfer-features.js   (env WEIGHTS=none; DATA=dir, SIZE=60x90 for the small set)
 */
import { writeNpy } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';
import { VGG16 } from '@layerwise/applications';
import { weightsFromEnv } from './weights.js';

const data = process.env.DATA ?? 'data240x360';
const [height, width] = (process.env.SIZE ?? '240x360').split('x').map(Number);

const model = await VGG16({ includeTop: false, weights: weightsFromEnv(), inputShape: [height, width, 3] });

const trainDatagen = new ImageDataGenerator({ rescale: 1.0 / 255 });
const trainGenerator = await trainDatagen.flowFromDirectory(`${data}/train`, {
  targetSize: [height, width],
  batchSize: 32,
  classMode: null,
  shuffle: false,
});
const bottleneckFeaturesTrain = await model.predictGenerator(trainGenerator, trainGenerator.samples / 32);
console.log(`(${bottleneckFeaturesTrain.shape.join(', ')})`);
writeNpy('bottleneck_features_train.npy', bottleneckFeaturesTrain);

const testDatagen = new ImageDataGenerator({ rescale: 1 / 255 });
const testGenerator = await testDatagen.flowFromDirectory(`${data}/test`, {
  targetSize: [height, width],
  batchSize: 32,
  classMode: null,
  shuffle: false,
});
const bottleneckFeaturesTest = await model.predictGenerator(testGenerator, testGenerator.samples / 32);
console.log(`(${bottleneckFeaturesTest.shape.join(', ')})`);
writeNpy('bottleneck_features_test.npy', bottleneckFeaturesTest);

await trainGenerator.close();
await testGenerator.close();
