// keras.applications.imagenet_utils.preprocess_input on host tensors: the same float32
// arithmetic as Keras' NumPy path, so the results are bit-identical.
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';
import { pyShape, type ImageDataFormat } from './imagenet-utils.js';

export type PreprocessMode = 'caffe' | 'tf' | 'torch';

export interface PreprocessOptions {
  /** 'caffe' (default): RGB→BGR and ImageNet means subtracted; 'tf': scaled to [-1, 1]; 'torch': to [0, 1], then ImageNet means and deviations. */
  mode?: PreprocessMode;
  /** Layout of the images (Keras' data_format). Default 'channels_last'. */
  dataFormat?: ImageDataFormat;
}

const f32 = Math.fround;
const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68].map(f32);
const TORCH_MEAN = [0.485, 0.456, 0.406].map(f32);
const TORCH_STD = [0.229, 0.224, 0.225].map(f32);

/**
 * Keras' preprocess_input for a batch of images (or one image) with values in [0, 255]. Returns
 * a new float32 tensor; unlike Keras' NumPy path it never writes over the input.
 */
export function preprocessInput(x: Tensor, options: PreprocessOptions = {}): Tensor {
  const mode = options.mode ?? 'caffe';
  const dataFormat = options.dataFormat ?? 'channels_last';
  if (mode !== 'caffe' && mode !== 'tf' && mode !== 'torch') throw new ConfigError(`Expected mode to be one of \`caffe\`, \`tf\` or \`torch\`. Received: mode=${mode}`);
  if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first')
    throw new ConfigError(`Expected data_format to be one of \`channels_first\` or \`channels_last\`. Received: data_format=${dataFormat}`);
  if (!(x instanceof Tensor)) throw new ConfigError(`preprocessInput expects a Tensor of images, got ${String(x)}`);
  const src = x.data;
  const out = new Float32Array(x.size);
  if (mode === 'tf') {
    for (let i = 0; i < out.length; i++) out[i] = f32(f32(src[i] / 127.5) - 1);
    return new Tensor(out, x.shape, 'float32');
  }
  // The channel axis and how far apart its entries are in memory.
  const channelAxis = dataFormat === 'channels_last' ? x.rank - 1 : x.rank === 3 ? 0 : 1;
  if (dataFormat === 'channels_first' && x.rank !== 3 && x.rank !== 4) throw new ShapeError(`preprocessInput: channels_first images must be 3-D or 4-D, got shape ${pyShape(x.shape)}`);
  if (x.rank < 1 || x.shape[channelAxis] !== 3) throw new ShapeError(`preprocessInput: expected 3 colour channels on axis ${channelAxis}, got shape ${pyShape(x.shape)}`);
  const inner = x.shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const outer = x.size / (3 * inner);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < 3; c++) {
      const dst = (o * 3 + c) * inner;
      if (mode === 'caffe') {
        const from = (o * 3 + (2 - c)) * inner; // RGB → BGR
        for (let i = 0; i < inner; i++) out[dst + i] = f32(src[from + i] - CAFFE_MEAN_BGR[c]);
      } else
        for (let i = 0; i < inner; i++) out[dst + i] = f32(f32(f32(src[dst + i] / 255) - TORCH_MEAN[c]) / TORCH_STD[c]);
    }
  return new Tensor(out, x.shape, 'float32');
}
