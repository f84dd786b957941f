/*
 * Section 4.2 (ResNet50) — drawing the model (Keras original):
 *
 *   from keras.applications.resnet50 import ResNet50
 *   from keras.utils import plot_model
 *
 *   model = ResNet50(weights='imagenet')
 *   plot_model(model, to_file='resnet50_model.png',
 *              show_shapes=True, show_layer_names=False)
 *
 * Run: node examples/chapter4/dist/resnet50-plot.js [file]   (default resnet50_model.png; env WEIGHTS=none)
 */
import { resnet50 } from '@layerwise/applications';
import { plotModel } from '@layerwise/plot';
import { weightsFromEnv } from './weights.js';

const { ResNet50 } = resnet50;

const model = await ResNet50({ weights: weightsFromEnv() });
await plotModel(model, { toFile: process.argv[2] ?? 'resnet50_model.png', showShapes: true, showLayerNames: false });
