// Which file `weights: 'imagenet'` loads for each model: Keras' own file names, URLs and MD5
// hashes (keras/src/applications/*.py), fetched like keras.utils.get_file into Keras' cache
// (~/.keras/models, or $KERAS_HOME/models), so files Keras already downloaded are reused.
import { ConfigError, type Model } from '@layerwise/core';
import { existsSync } from 'node:fs';
import { getFile } from '@layerwise/data';

export const KERAS_APPLICATIONS_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/';

export interface WeightsFile {
  /** The file name in the cache (Keras' `fname`). */
  fname: string;
  /** Where Keras downloads it from. */
  origin: string;
  /** Keras' `file_hash` (MD5); MobileNetV2's files have none in Keras. */
  fileHash?: string;
}

/** With and without the classifier (include_top true / false). */
export interface WeightsFiles {
  top: WeightsFile;
  notop: WeightsFile;
}

const file = (folder: string, fname: string, fileHash?: string): WeightsFile => ({ fname, origin: `${KERAS_APPLICATIONS_URL}${folder}/${fname}`, ...(fileHash ? { fileHash } : {}) });
const pair = (folder: string, stem: string, topHash: string, notopHash: string): WeightsFiles => ({
  top: file(folder, `${stem}_weights_tf_dim_ordering_tf_kernels.h5`, topHash),
  notop: file(folder, `${stem}_weights_tf_dim_ordering_tf_kernels_notop.h5`, notopHash),
});

/** Keras 3.15's weight files for the zoo (MobileNetV2: see mobilenetV2WeightsFile). */
export const WEIGHTS_FILES = {
  vgg16: pair('vgg16', 'vgg16', '64373286793e3c8b2b4e3219cbf3544b', '6d6bbae143d832006294945121d1f1fc'),
  vgg19: pair('vgg19', 'vgg19', 'cbe5617147190e668d6c5d5026f83318', '253f8cb515780f3b799900260a226db6'),
  resnet50: pair('resnet', 'resnet50', '2cb95161c43110f7111970584f804107', '4d473c1dd8becc155b73f8504c6f6626'),
  inception_v3: pair('inception_v3', 'inception_v3', '9a0d58056eeedaa3f26cb7ebd46da564', 'bcbd6486424b2319ff4ef7d526e38f63'),
  xception: pair('xception', 'xception', '0a58e3b7378bc2990ea3b43d5981f1f6', 'b0042744bf5b25fce3cb969f33bebb97'),
} satisfies Record<string, WeightsFiles>;

/** Python's str(float(alpha)): 1 → "1.0", 0.35 → "0.35". */
export function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** MobileNetV2's file for a width multiplier and input size (Keras gives these no hash). */
export function mobilenetV2WeightsFile(alpha: number, rows: number, includeTop: boolean): WeightsFile {
  const fname = includeTop
    ? `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pyFloat(alpha)}_${rows}.h5`
    : `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pyFloat(alpha)}_${rows}_no_top.h5`;
  return file('mobilenet_v2', fname);
}

/** Keras' first check: weights is null, 'imagenet', or a file that exists. */
export function checkWeightsArgument(weights: string | null, message: (w: string) => string): void {
  if (weights === null || weights === 'imagenet') return;
  if (typeof weights !== 'string' || !existsSync(weights)) throw new ConfigError(message(String(weights)));
}

/** Load weights as Keras does at the end of each application: the ImageNet file, or the user's path. */
export async function loadApplicationWeights(model: Model, weights: string | null, imagenetFile: WeightsFile): Promise<void> {
  if (weights === null) return;
  let path = weights;
  if (weights === 'imagenet')
    path = await getFile(imagenetFile.fname, imagenetFile.origin, { ...(imagenetFile.fileHash ? { fileHash: imagenetFile.fileHash } : {}), cacheSubdir: 'models' });
  await model.loadWeights(path);
}
