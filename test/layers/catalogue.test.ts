import { describe, it } from 'vitest';
import { regularizers } from '@layerwise/core';
import { Activation, BatchNormalization, Dense, Dropout, Flatten } from '@layerwise/layers';
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
];

describe('layer catalogue', () => {
  it.each(CASES)('$title', (spec) => runLayerTest(spec));
});
