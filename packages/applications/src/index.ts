/**
 * @layerwise/applications: Keras' pretrained ImageNet models (keras.applications).
 *
 *   import { vgg16 } from '@layerwise/applications';
 *   const { VGG16, preprocessInput, decodePredictions } = vgg16;
 *   const model = await VGG16({ weights: 'imagenet' });
 *   const preds = await model.predict(preprocessInput(images));
 *   console.log('Predicted:', decodePredictions(preds, { top: 3 })[0]);
 */
import { decodePredictions } from './decode.js';
import { preprocessInput, type PreprocessOptions } from './preprocess.js';
import { VGG16, VGG19 } from './models/vgg.js';
import { ResNet50 } from './models/resnet.js';
import { InceptionV3 } from './models/inception-v3.js';
import { Xception } from './models/xception.js';
import { MobileNetV2 } from './models/mobilenet-v2.js';
import type { Tensor } from '@layerwise/core';

export { VGG16, VGG19, ResNet50, InceptionV3, Xception, MobileNetV2 };
export type { MobileNetV2Options } from './models/mobilenet-v2.js';
export type { ApplicationOptions } from './common.js';
export { preprocessInput, type PreprocessMode, type PreprocessOptions } from './preprocess.js';
export { decodePredictions, formatPredictions, float32Repr, imagenetClassIndex, IMAGENET_CLASS_INDEX_MD5, IMAGENET_CLASS_INDEX_URL, type Prediction } from './decode.js';
export { obtainInputShape, correctPad, validateActivation, type ImageDataFormat, type InputShape, type ObtainInputShapeArgs } from './imagenet-utils.js';
export { WEIGHTS_FILES, KERAS_APPLICATIONS_URL, mobilenetV2WeightsFile, type WeightsFile, type WeightsFiles } from './weights.js';

type DataFormatOption = Pick<PreprocessOptions, 'dataFormat'>;
const caffe = (x: Tensor, o: DataFormatOption = {}) => preprocessInput(x, { ...o, mode: 'caffe' });
const tf = (x: Tensor, o: DataFormatOption = {}) => preprocessInput(x, { ...o, mode: 'tf' });

/** The modules of keras.applications: each model with its own preprocessInput and decodePredictions. */
export const vgg16 = { VGG16, preprocessInput: caffe, decodePredictions };
export const vgg19 = { VGG19, preprocessInput: caffe, decodePredictions };
export const resnet50 = { ResNet50, preprocessInput: caffe, decodePredictions };
export const inceptionV3 = { InceptionV3, preprocessInput: tf, decodePredictions };
export const xception = { Xception, preprocessInput: tf, decodePredictions };
export const mobilenetV2 = { MobileNetV2, preprocessInput: tf, decodePredictions };
/** keras.applications.imagenet_utils. */
export const imagenetUtils = { preprocessInput, decodePredictions };
