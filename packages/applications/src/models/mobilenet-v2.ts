// MobileNetV2 (keras/src/applications/mobilenet_v2.py): inverted residual blocks (1×1 expansion,
// 3×3 depthwise convolution, linear 1×1 projection) with ReLU(6.0), scaled in width by `alpha`.
import { checkOptions, ConfigError, Input, type Model, type SymbolicTensor } from '@layerwise/core';
import { Add, BatchNormalization, Conv2D, DepthwiseConv2D, ReLU, ZeroPadding2D } from '@layerwise/layers';
import { applicationKeys, buildDeferred, finishModel, head, resolveOptions, type ApplicationOptions } from '../common.js';
import { correctPad, obtainInputShape, pyShape } from '../imagenet-utils.js';
import { MOBILENET_MESSAGES } from '../messages.js';
import { mobilenetV2WeightsFile } from '../weights.js';

export interface MobileNetV2Options extends ApplicationOptions {
  /** Width multiplier: the filters of every layer are scaled by it (1.0 = the paper's). ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4. */
  alpha?: number;
}

const IMAGENET_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];
const IMAGENET_SIZES = [96, 128, 160, 192, 224];

/** Keras' _make_divisible: round to a multiple of `divisor`, never more than 10 % down. */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let newV = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/** Python's f"{x:0.2f}" (halves of the exact binary value go to even, unlike toFixed). */
function pyFixed2(x: number): string {
  const s = x * 100;
  const fl = Math.floor(s);
  if (s - fl === 0.5) return ((fl % 2 === 0 ? fl : fl + 1) / 100).toFixed(2);
  return x.toFixed(2);
}

const bn = (name: string) => new BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });
const relu6 = (name: string) => new ReLU({ maxValue: 6, name });

/** Keras' _inverted_res_block. */
function invertedResBlock(inputs: SymbolicTensor, expansion: number, stride: number, alpha: number, filters: number, blockId: number): SymbolicTensor {
  const inChannels = inputs.shape[inputs.shape.length - 1] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = new Conv2D(expansion * inChannels, 1, { padding: 'same', useBias: false, activation: null, name: `${prefix}expand` }).apply(x);
    x = bn(`${prefix}expand_BN`).apply(x);
    x = relu6(`${prefix}expand_relu`).apply(x);
  } else prefix = 'expanded_conv_';
  if (stride === 2) x = new ZeroPadding2D(correctPad(x, 3), { name: `${prefix}pad` }).apply(x);
  x = new DepthwiseConv2D(3, { strides: stride, activation: null, useBias: false, padding: stride === 1 ? 'same' : 'valid', name: `${prefix}depthwise` }).apply(x);
  x = bn(`${prefix}depthwise_BN`).apply(x);
  x = relu6(`${prefix}depthwise_relu`).apply(x);
  x = new Conv2D(pointwiseFilters, 1, { padding: 'same', useBias: false, activation: null, name: `${prefix}project` }).apply(x);
  x = bn(`${prefix}project_BN`).apply(x);
  if (inChannels === pointwiseFilters && stride === 1) return new Add({ name: `${prefix}add` }).apply([inputs, x]);
  return x;
}

/** The 17 blocks: [filters, stride, expansion]. */
const BLOCKS: [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/** The default size Keras picks: the input's own size when it is square and one ImageNet weights exist for, else 224. */
function defaultSizeFor(rows: number | null, cols: number | null): number {
  return rows === cols && rows !== null && IMAGENET_SIZES.includes(rows) ? rows : 224;
}

/** Keras' MobileNetV2: 224×224 input by default (at least 32×32); `alpha` scales its width. */
export function MobileNetV2(options: MobileNetV2Options = {}): Promise<Model> {
  return buildDeferred(options, () => buildMobileNetV2(options));
}

async function buildMobileNetV2(options: MobileNetV2Options): Promise<Model> {
  checkOptions('MobileNetV2', options, [...applicationKeys, 'alpha']);
  const alpha = options.alpha ?? 1.0;
  // Keras names the model after alpha and the input size; resolved below once the size is known.
  const r = resolveOptions({ ...options, name: options.name ?? '' }, '', MOBILENET_MESSAGES, 'MobileNetV2', ['alpha']);
  if (r.inputShape && r.inputTensor && r.inputTensor.shape[2] !== r.inputShape[1])
    throw new ConfigError(`input_tensor.shape[2] must equal input_shape[1]; Received \`input_tensor.shape=${pyShape(r.inputTensor.shape)}\`, \`input_shape=${pyShape(r.inputShape)}\``);
  const defaultSize = r.inputShape
    ? defaultSizeFor(r.inputShape[0], r.inputShape[1])
    : r.inputTensor
      ? defaultSizeFor(r.inputTensor.shape[1], r.inputTensor.shape[2])
      : 224;
  const inputShape = obtainInputShape(r.inputShape, { defaultSize, minSize: 32, dataFormat: 'channels_last', requireFlatten: r.includeTop, weights: r.weights });
  let rows = inputShape[0];
  const cols = inputShape[1];
  if (r.weights === 'imagenet') {
    if (!IMAGENET_ALPHAS.includes(alpha))
      throw new ConfigError(`If imagenet weights are being loaded, alpha must be one of \`0.35\`, \`0.50\`, \`0.75\`, \`1.0\`, \`1.3\` or \`1.4\` only; Received \`alpha=${alpha}\``);
    if (rows !== cols || rows === null || !IMAGENET_SIZES.includes(rows)) {
      rows = 224;
      console.warn('`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the default.');
    }
  }
  const imgInput = r.inputTensor ?? Input({ shape: inputShape });

  let x = new Conv2D(makeDivisible(32 * alpha, 8), 3, { strides: [2, 2], padding: 'same', useBias: false, name: 'Conv1' }).apply(imgInput);
  x = bn('bn_Conv1').apply(x);
  x = relu6('Conv1_relu').apply(x);
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResBlock(x, expansion, stride, alpha, filters, id);
  });
  // No alpha on the last convolution unless it widens the network (as in the paper).
  const lastBlockFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = new Conv2D(lastBlockFilters, 1, { useBias: false, name: 'Conv_1' }).apply(x);
  x = bn('Conv_1_bn').apply(x);
  x = relu6('out_relu').apply(x);
  x = head(x, r);

  r.name = options.name ?? `mobilenetv2_${pyFixed2(alpha)}_${rows === null ? 'None' : rows}`;
  return finishModel(imgInput, x, r, mobilenetV2WeightsFile(alpha, rows ?? 224, r.includeTop));
}
