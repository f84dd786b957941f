/*
 * Section 4.2 — recognising a photo with VGG16 (Keras original):
 *
 *   import numpy as np
 *   from keras.applications.vgg16 import VGG16, preprocess_input, decode_predictions
 *   from keras.preprocessing.image import load_img, img_to_array
 *
 *   model = VGG16(weights='imagenet')
 *
 *   file = 'banana1.jpg'
 *   image = img_to_array(load_img(file, target_size=(224, 224)))
 *   images = np.array([image])
 *   images = preprocess_input(images)
 *
 *   preds = model.predict(images)
 *   print('Predicted:', decode_predictions(preds, top=3)[0])
 *
 * Prints e.g. Predicted: [('n07753592', 'banana', 0.85371387), ('n07720875', 'bell_pepper', 0.025211591), ...]
 *
 * Run: node examples/chapter4/dist/vgg16-predict.js [photo]   (default banana1.jpg; env WEIGHTS=none)
 */
import { vgg16, formatPredictions } from '@layerwise/applications';
import { imgToArray, loadImg } from '@layerwise/data';
import { weightsFromEnv } from './weights.js';

const { VGG16, preprocessInput, decodePredictions } = vgg16;

const model = await VGG16({ weights: weightsFromEnv() });

const file = process.argv[2] ?? 'banana1.jpg';
const image = imgToArray(await loadImg(file, { targetSize: [224, 224] }));
let images = image.reshape(1, 224, 224, 3); // np.array([image]): a batch of one
images = preprocessInput(images);

const preds = await model.predict(images, { verbose: 0 });
console.log('Predicted:', formatPredictions(decodePredictions(preds, { top: 3 })[0]));
