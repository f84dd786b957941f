/*
 * Section 4.2 (InceptionV3) — recognising a photo (Keras original):
 *
 *   import numpy as np
 *   from keras.applications.inception_v3 import InceptionV3, preprocess_input
 *   from keras.applications.inception_v3 import decode_predictions
 *   from keras.preprocessing.image import load_img, img_to_array
 *
 *   model = InceptionV3(weights='imagenet')
 *
 *   file = 'banana1.jpg'
 *   image = img_to_array(load_img(file, target_size=(299, 299)))
 *   images = np.array([image])
 *   images = preprocess_input(images)
 *
 *   preds = model.predict(images)
 *   print('Predicted:', decode_predictions(preds, top=3)[0])
 *
 * Run: node examples/chapter4/dist/inceptionv3-predict.js [photo]   (default banana1.jpg; env WEIGHTS=none)
 */
import { inceptionV3, formatPredictions } from '@layerwise/applications';
import { imgToArray, loadImg } from '@layerwise/data';
import { weightsFromEnv } from './weights.js';

const { InceptionV3, preprocessInput, decodePredictions } = inceptionV3;

const model = await InceptionV3({ weights: weightsFromEnv() });

const file = process.argv[2] ?? 'banana1.jpg';
const image = imgToArray(await loadImg(file, { targetSize: [299, 299] }));
let images = image.reshape(1, 299, 299, 3); // np.array([image])
images = preprocessInput(images);

const preds = await model.predict(images, { verbose: 0 });
console.log('Predicted:', formatPredictions(decodePredictions(preds, { top: 3 })[0]));
