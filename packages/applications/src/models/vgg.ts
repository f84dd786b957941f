// VGG16 and VGG19 (keras/src/applications/vgg16.py, vgg19.py): five blocks of 3×3 convolutions
// and 2×2 max pooling, then Flatten and two 4096-unit Dense layers.
import type { Model, SymbolicTensor } from '@layerwise/core';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { buildDeferred, finishModel, head, imageInput, resolveOptions, type ApplicationOptions } from '../common.js';
import { VGG_MESSAGES } from '../messages.js';
import { WEIGHTS_FILES, type WeightsFiles } from '../weights.js';

const FILTERS = [64, 128, 256, 512, 512];

async function vgg(convsPerBlock: number[], defaultName: string, files: WeightsFiles, options: ApplicationOptions): Promise<Model> {
  const r = resolveOptions(options, defaultName, VGG_MESSAGES, defaultName.toUpperCase());
  const imgInput = imageInput(r, 224, 32);
  let x: SymbolicTensor = imgInput;
  convsPerBlock.forEach((convs, b) => {
    for (let i = 1; i <= convs; i++)
      x = new Conv2D(FILTERS[b], [3, 3], { activation: 'relu', padding: 'same', name: `block${b + 1}_conv${i}` }).apply(x);
    x = new MaxPooling2D({ poolSize: [2, 2], strides: [2, 2], name: `block${b + 1}_pool` }).apply(x);
  });
  x = head(x, r, {
    classifier: (features) => {
      let y = new Flatten({ name: 'flatten' }).apply(features);
      y = new Dense(4096, { activation: 'relu', name: 'fc1' }).apply(y);
      return new Dense(4096, { activation: 'relu', name: 'fc2' }).apply(y);
    },
  });
  return finishModel(imgInput, x, r, r.includeTop ? files.top : files.notop);
}

/** Keras' VGG16: 13 convolutions and 3 Dense layers; 224×224 input by default (at least 32×32). */
export function VGG16(options: ApplicationOptions = {}): Promise<Model> {
  return buildDeferred(options, () => vgg([2, 2, 3, 3, 3], 'vgg16', WEIGHTS_FILES.vgg16, options));
}

/** Keras' VGG19: 16 convolutions and 3 Dense layers; 224×224 input by default (at least 32×32). */
export function VGG19(options: ApplicationOptions = {}): Promise<Model> {
  return buildDeferred(options, () => vgg([2, 2, 4, 4, 4], 'vgg19', WEIGHTS_FILES.vgg19, options));
}
