/*
 * Section 4.2 (InceptionV3) — drawing the model (Keras original):
 *
 *   from keras.applications.inception_v3 import InceptionV3
 *   from keras.utils import plot_model
 *
 *   model = InceptionV3(weights='imagenet')
 *   plot_model(model, to_file='inceptionv3_model.png',
 *              show_shapes=True, show_layer_names=False)
 *
 * Run: node examples/chapter4/dist/inceptionv3-plot.js [file]   (default inceptionv3_model.png; env WEIGHTS=none)
 */
import { inceptionV3 } from '@layerwise/applications';
import { plotModel } from '@layerwise/plot';
import { weightsFromEnv } from './weights.js';

const { InceptionV3 } = inceptionV3;

const model = await InceptionV3({ weights: weightsFromEnv() });
await plotModel(model, { toFile: process.argv[2] ?? 'inceptionv3_model.png', showShapes: true, showLayerNames: false });
