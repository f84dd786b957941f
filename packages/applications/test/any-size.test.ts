// Keras builds the zoo without its top, and without an inputShape, for images of any size:
// input (None, None, None, 3). So does Layerwise: each size predicts is traced and compiled on its
// own, and gives the numbers of the same network built for that size (odd sizes included, where
// MobileNetV2's and Xception's strided 'same' windows pad differently).
import { describe, expect, it } from 'vitest';
import { Tensor, type Model } from '@layerwise/core';
import { TfjsBackend } from '@layerwise/backend-tfjs';
import { BUILDERS, type ModelKey } from './helpers/fixtures.js';
import { maxAbsDiff } from '../../../test/helpers/run.js';

const images = (h: number, w: number) => new Tensor(Float32Array.from({ length: 2 * h * w * 3 }, (_, i) => Math.sin(i * 0.11)), [2, h, w, 3]);

describe('the zoo without its top, for images of any size', () => {
  it.each([
    ['vgg16', {}, [null, null, null, 512], [33, 40]],
    ['vgg19', { pooling: 'max' }, [null, 512], [32, 37]],
    ['resnet50', { pooling: 'avg' }, [null, 2048], [35, 32]],
    ['inception_v3', { pooling: 'avg' }, [null, 2048], [75, 80]],
    ['xception', { pooling: 'avg' }, [null, 2048], [71, 76]],
    ['mobilenet_v2', { pooling: 'avg', alpha: 0.35 }, [null, 1280], [33, 38]],
  ] as const)('%s %j: output %j; at %j it predicts as the network built for that size', async (key, extra, outputShape, [h, w]) => {
    const build = BUILDERS[key as ModelKey];
    const any: Model = await build({ weights: null, includeTop: false, ...extra });
    expect(any.inputs[0].shape).toEqual([null, null, null, 3]);
    expect(any.outputShape).toEqual(outputShape);
    const fixed: Model = await build({ weights: null, includeTop: false, inputShape: [h, w, 3], ...extra });
    fixed.setWeights(any.getWeights());
    const x = images(h, w);
    expect(maxAbsDiff(((await any.predict(x, { verbose: 0 })) as Tensor).data, ((await fixed.predict(x, { verbose: 0 })) as Tensor).data)).toBeLessThan(1e-4);
  });

  it('on tfjs (wasm kernels) too: MobileNetV2 at two sizes', async () => {
    const backend = new TfjsBackend({ kernels: 'wasm', report: false });
    const any = await BUILDERS.mobilenet_v2({ weights: null, includeTop: false, pooling: 'avg', alpha: 0.35 });
    any.setBackend(backend);
    for (const [h, w] of [
      [33, 38],
      [40, 32],
    ]) {
      const fixed = await BUILDERS.mobilenet_v2({ weights: null, includeTop: false, pooling: 'avg', alpha: 0.35, inputShape: [h, w, 3] });
      fixed.setBackend(backend);
      fixed.setWeights(any.getWeights());
      const x = images(h, w);
      expect(maxAbsDiff(((await any.predict(x, { verbose: 0 })) as Tensor).data, ((await fixed.predict(x, { verbose: 0 })) as Tensor).data)).toBeLessThan(1e-4);
    }
  });
});
