import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setSeed, toCategorical, type Tensor } from '@layerwise/core';
import { DEBIAN_FASHION_MNIST_DIR, fashionMnist } from '@layerwise/data';
import { batchnorm16, mlp11 } from '../helpers/models.js';

/**
 * The tutorial's chapter 1 on the full Fashion-MNIST (Debian's dataset-fashion-mnist, which
 * scripts/setup.sh installs): the 1.1 network lands within 2 points of Keras and PyTorch on the
 * same data (their mean test accuracy over seeds 0-3, from bench/peers, committed), and the 1.6 BatchNormalization
 * network beats it, as the tutorial says.
 */
const peers = JSON.parse(readFileSync(new URL('../../fixtures/peers/fashion-mnist-chapter1.json', import.meta.url), 'utf8'));
const haveData = existsSync(`${DEBIAN_FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`);

describe.skipIf(!haveData)('chapter 1 on the full Fashion-MNIST', () => {
  let data: { x: Tensor; y: Tensor; xt: Tensor; yt: Tensor };
  let mlpAcc = 0;
  it('1.1 MLP (sigmoid, SGD 0.01, batch 32, 10 epochs) is within 2 points of Keras and PyTorch', async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ verbose: false, download: false });
    data = {
      x: xTrain.reshape(60000, 784).astype('float32').div(255),
      xt: xTest.reshape(10000, 784).astype('float32').div(255),
      y: toCategorical(yTrain, 10),
      yt: toCategorical(yTest, 10),
    };
    setSeed(2026);
    const model = mlp11();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.y, { batchSize: 32, epochs: 10, verbose: 0 });
    mlpAcc = ((await model.evaluate(data.xt, data.yt, { verbose: 0 })) as number[])[1];
    console.log(`1.1 test acc ${mlpAcc.toFixed(4)} (keras ${peers.network_1_1.keras.test_acc.toFixed(4)}, pytorch ${peers.network_1_1.pytorch.test_acc.toFixed(4)})`);
    expect(Math.abs(mlpAcc - peers.network_1_1.keras.test_acc)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(mlpAcc - peers.network_1_1.pytorch.test_acc)).toBeLessThanOrEqual(0.02);
  });

  it('1.6 BatchNormalization network beats the 1.1 network', async () => {
    setSeed(2026);
    const model = batchnorm16();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.y, { batchSize: 32, epochs: 10, verbose: 0, validationData: [data.xt, data.yt] });
    const acc = ((await model.evaluate(data.xt, data.yt, { verbose: 0 })) as number[])[1];
    console.log(`1.6 test acc ${acc.toFixed(4)} (keras ${peers.network_1_6_batchnorm.keras.test_acc.toFixed(4)}), 1.1: ${mlpAcc.toFixed(4)}`);
    expect(acc).toBeGreaterThan(mlpAcc + 0.05);
    expect(Math.abs(acc - peers.network_1_6_batchnorm.keras.test_acc)).toBeLessThanOrEqual(0.03);
  });
});
