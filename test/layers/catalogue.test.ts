import { describe, it } from 'vitest';
import { regularizers } from '@layerwise/core';
import {
  Activation, AveragePooling2D, BatchNormalization, Conv2D, Conv2DTranspose, Cropping2D, Dense, DepthwiseConv2D, Dropout, Flatten, GlobalAveragePooling2D,
  GlobalMaxPooling2D, LayerNormalization, MaxPooling2D, Permute, ReLU, RepeatVector, Rescaling, Reshape, SeparableConv2D, UpSampling2D, ZeroPadding2D,
} from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { runLayerTest, type LayerTestSpec } from '../helpers/layer-test.js';

const w = (name: string, shape: number[], trainable = true) => ({ name, shape, trainable });

/** Layers × configs: each row runs the shared layer test. */
const CASES: (LayerTestSpec & { title: string })[] = [
  { title: 'Dense', make: () => new Dense(5), inputShape: [3], expectedOutputShape: [null, 5], expectedWeights: [w('kernel', [3, 5]), w('bias', [5])] },
  {
    title: 'Dense no bias, relu, l2, he_normal',
    make: () => new Dense(4, { useBias: false, activation: 'relu', kernelRegularizer: regularizers.l2(0.03), kernelInitializer: 'he_normal' }),
    inputShape: [6],
    expectedOutputShape: [null, 4],
    expectedWeights: [w('kernel', [6, 4])],
  },
  { title: 'Dense on rank 3', make: () => new Dense(2, { activation: 'tanh' }), inputShape: [3, 4], expectedOutputShape: [null, 3, 2], expectedWeights: [w('kernel', [4, 2]), w('bias', [2])] },
  ...['linear', 'sigmoid', 'tanh', 'relu', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hard_sigmoid', 'swish'].map((a) => ({
    title: `Activation ${a}`,
    make: () => new Activation(a),
    inputShape: [5],
    expectedOutputShape: [null, 5],
    expectedWeights: [],
  })),
  { title: 'ReLU', make: () => new ReLU(), inputShape: [5], expectedOutputShape: [null, 5], expectedWeights: [] },
  { title: 'ReLU(6.0) (MobileNetV2)', make: () => new ReLU({ maxValue: 6 }), inputShape: [2, 3, 4], expectedOutputShape: [null, 2, 3, 4], expectedWeights: [] },
  { title: 'ReLU maxValue 0.5, negativeSlope 0.2, threshold 0.1', make: () => new ReLU({ maxValue: 0.5, negativeSlope: 0.2, threshold: 0.1 }), inputShape: [6], expectedOutputShape: [null, 6], expectedWeights: [] },
  { title: 'Dropout', make: () => new Dropout(0.3), inputShape: [5], expectedOutputShape: [null, 5], expectedWeights: [] },
  { title: 'Flatten', make: () => new Flatten(), inputShape: [2, 3, 4], expectedOutputShape: [null, 24], expectedWeights: [] },
  {
    title: 'BatchNormalization',
    make: () => new BatchNormalization(),
    inputShape: [6],
    expectedOutputShape: [null, 6],
    expectedWeights: [w('gamma', [6]), w('beta', [6]), w('moving_mean', [6], false), w('moving_variance', [6], false)],
  },
  {
    title: 'BatchNormalization axis 1, no scale',
    make: () => new BatchNormalization({ axis: 1, scale: false, momentum: 0.9 }),
    inputShape: [3, 4],
    expectedOutputShape: [null, 3, 4],
    expectedWeights: [w('beta', [3]), w('moving_mean', [3], false), w('moving_variance', [3], false)],
  },
  { title: 'Conv2D valid', make: () => new Conv2D(4, 3), inputShape: [5, 6, 3], expectedOutputShape: [null, 3, 4, 4], expectedWeights: [w('kernel', [3, 3, 3, 4]), w('bias', [4])] },
  { title: 'Conv2D same stride 2 relu', make: () => new Conv2D(2, [3, 2], { strides: 2, padding: 'same', activation: 'relu' }), inputShape: [5, 6, 3], expectedOutputShape: [null, 3, 3, 2], expectedWeights: [w('kernel', [3, 2, 3, 2]), w('bias', [2])] },
  { title: 'Conv2D dilation 2, no bias', make: () => new Conv2D(2, 3, { dilationRate: 2, useBias: false }), inputShape: [7, 7, 2], expectedOutputShape: [null, 3, 3, 2], expectedWeights: [w('kernel', [3, 3, 2, 2])] },
  { title: 'Conv2D channels_first', make: () => new Conv2D(4, 3, { dataFormat: 'channels_first', padding: 'same' }), inputShape: [3, 5, 6], expectedOutputShape: [null, 4, 5, 6], expectedWeights: [w('kernel', [3, 3, 3, 4]), w('bias', [4])] },
  { title: 'DepthwiseConv2D ×2', make: () => new DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same' }), inputShape: [5, 6, 3], expectedOutputShape: [null, 5, 6, 6], expectedWeights: [w('kernel', [3, 3, 3, 2]), w('bias', [6])] },
  { title: 'SeparableConv2D', make: () => new SeparableConv2D(4, 3, { padding: 'same' }), inputShape: [5, 6, 3], expectedOutputShape: [null, 5, 6, 4], expectedWeights: [w('depthwise_kernel', [3, 3, 3, 1]), w('pointwise_kernel', [1, 1, 3, 4]), w('bias', [4])] },
  { title: 'Conv2DTranspose same stride 2', make: () => new Conv2DTranspose(3, 3, { strides: 2, padding: 'same' }), inputShape: [3, 4, 2], expectedOutputShape: [null, 6, 8, 3], expectedWeights: [w('kernel', [3, 3, 3, 2]), w('bias', [3])] },
  { title: 'MaxPooling2D', make: () => new MaxPooling2D(), inputShape: [4, 6, 3], expectedOutputShape: [null, 2, 3, 3], expectedWeights: [] },
  { title: 'MaxPooling2D 3×3 stride 1 same', make: () => new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same' }), inputShape: [4, 5, 2], expectedOutputShape: [null, 4, 5, 2], expectedWeights: [] },
  { title: 'AveragePooling2D 3×3 stride 2 same', make: () => new AveragePooling2D({ poolSize: [3, 3], strides: [2, 2], padding: 'same' }), inputShape: [5, 6, 2], expectedOutputShape: [null, 3, 3, 2], expectedWeights: [] },
  { title: 'GlobalAveragePooling2D', make: () => new GlobalAveragePooling2D(), inputShape: [4, 5, 3], expectedOutputShape: [null, 3], expectedWeights: [] },
  { title: 'GlobalMaxPooling2D keepdims', make: () => new GlobalMaxPooling2D({ keepdims: true }), inputShape: [4, 5, 3], expectedOutputShape: [null, 1, 1, 3], expectedWeights: [] },
  { title: 'ZeroPadding2D', make: () => new ZeroPadding2D([[1, 2], [0, 3]]), inputShape: [4, 5, 2], expectedOutputShape: [null, 7, 8, 2], expectedWeights: [] },
  { title: 'Cropping2D', make: () => new Cropping2D([[1, 0], [2, 1]]), inputShape: [4, 5, 2], expectedOutputShape: [null, 3, 2, 2], expectedWeights: [] },
  { title: 'UpSampling2D (2, 3)', make: () => new UpSampling2D({ size: [2, 3] }), inputShape: [3, 2, 2], expectedOutputShape: [null, 6, 6, 2], expectedWeights: [] },
  { title: 'Reshape', make: () => new Reshape([3, -1]), inputShape: [2, 3, 2], expectedOutputShape: [null, 3, 4], expectedWeights: [] },
  { title: 'Permute', make: () => new Permute([2, 1, 3]), inputShape: [2, 3, 4], expectedOutputShape: [null, 3, 2, 4], expectedWeights: [] },
  { title: 'RepeatVector', make: () => new RepeatVector(3), inputShape: [4], expectedOutputShape: [null, 3, 4], expectedWeights: [] },
  { title: 'Rescaling', make: () => new Rescaling(1 / 255, { offset: 0.5 }), inputShape: [4], expectedOutputShape: [null, 4], expectedWeights: [] },
  { title: 'LayerNormalization', make: () => new LayerNormalization(), inputShape: [3, 5], expectedOutputShape: [null, 3, 5], expectedWeights: [w('gamma', [5]), w('beta', [5])] },
  {
    title: 'BatchNormalization on conv inputs',
    make: () => new BatchNormalization(),
    inputShape: [4, 5, 3],
    expectedOutputShape: [null, 4, 5, 3],
    expectedWeights: [w('gamma', [3]), w('beta', [3]), w('moving_mean', [3], false), w('moving_variance', [3], false)],
  },
];

describe.each(BACKENDS)('layer catalogue on $name', ({ backend }) => {
  it.each(CASES)('$title', (spec) => runLayerTest(spec, backend));
});
