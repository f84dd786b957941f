/*
 * Section 4.2 — drawing VGG16 (Keras original):
 *
 *   from keras.applications.vgg16 import VGG16
 *   from keras.utils import plot_model
 *
 *   model = VGG16(weights='imagenet')
 *   plot_model(model, to_file='vgg16_model.png', show_shapes=True, show_layer_names=True)
 *
 * Run: node examples/chapter4/dist/vgg16-plot.js [file]   (default vgg16_model.png; env WEIGHTS=none)
 */
import { vgg16 } from '@layerwise/applications';
import { plotModel } from '@layerwise/plot';
import { weightsFromEnv } from './weights.js';

const { VGG16 } = vgg16;

const model = await VGG16({ weights: weightsFromEnv() });
await plotModel(model, { toFile: process.argv[2] ?? 'vgg16_model.png', showShapes: true, showLayerNames: true });
