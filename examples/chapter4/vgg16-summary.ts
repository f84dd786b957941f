/*
 * Section 4.2 — VGG16's summary (Keras original):
 *
 *   from keras.applications.vgg16 import VGG16
 *
 *   model = VGG16(weights='imagenet')
 *   print(model.summary())
 *
 * The first run downloads the weights into ~/.keras/models (Keras' own cache: a file Keras
 * already downloaded is reused).
 *
 * Run: node examples/chapter4/dist/vgg16-summary.js        (env WEIGHTS=none: no download)
 */
import { vgg16 } from '@layerwise/applications';
import { weightsFromEnv } from './weights.js';

const { VGG16 } = vgg16;

const model = await VGG16({ weights: weightsFromEnv() });
model.summary(); // prints the table; Python's print() then adds "None"
