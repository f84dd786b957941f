/*
 * Section 4.2 (ResNet50) — recognising a photo (Keras original):
 *
 *   import numpy as np
 *   from keras.applications.resnet50 import ResNet50, preprocess_input
 *   from keras.applications.resnet50 import decode_predictions
 *   from keras.preprocessing.image import load_img, img_to_array
 *
 *   model = ResNet50(weights='imagenet')
 *
 *   file = 'banana1.jpg'
 *   image = img_to_array(load_img(file, target_size=(224, 224)))
 *   images = np.array([image])
 *   images = preprocess_input(images)
 *
 *   preds = model.predict(images)
 *   print('Predicted:', decode_predictions(preds, top=3)[0])
 *
 * Run: node examples/chapter4/dist/resnet50-predict.js [photo]   (default banana1.jpg; env WEIGHTS=none)
 */
import { resnet50, formatPredictions } from '@layerwise/applications';
import { imgToArray, loadImg } from '@layerwise/data';
import { weightsFromEnv } from './weights.js';

const { ResNet50, preprocessInput, decodePredictions } = resnet50;

const model = await ResNet50({ weights: weightsFromEnv() });

const file = process.argv[2] ?? 'banana1.jpg';
const image = imgToArray(await loadImg(file, { targetSize: [224, 224] }));
let images = image.reshape(1, 224, 224, 3); // np.array([image])
images = preprocessInput(images);

const preds = await model.predict(images, { verbose: 0 });
console.log('Predicted:', formatPredictions(decodePredictions(preds, { top: 3 })[0]));
