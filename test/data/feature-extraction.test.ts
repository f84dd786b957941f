import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sequential, setSeed } from '@layerwise/core';
import { Conv2D, Dense, Flatten, GlobalAveragePooling2D, MaxPooling2D } from '@layerwise/layers';
import { flowFromDirectory, makeFashionImageSet, readNpyFile, writeNpy } from '@layerwise/data';

/**
 * Section 4.4's bottleneck features: predict over a shuffle=false directory iterator, save the
 * features with np.save's format, load them back, and they are the same arrays; and a model
 * fits on a directory iterator (generators into fit).
 */
describe('feature extraction and training from a directory of images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-features-'));

  it('predict over flowFromDirectory (shuffle false) → .npy → load: identical; fit on the iterator', async () => {
    await makeFashionImageSet(dir, { classes: ['sneaker', 'bag'], perClass: { train: 24, validation: 8 }, size: [32, 48] });
    setSeed(1);
    const extractor = new Sequential();
    extractor.add(new Conv2D(8, 3, { inputShape: [32, 48, 3], activation: 'relu' }));
    extractor.add(new MaxPooling2D());
    extractor.add(new GlobalAveragePooling2D());
    const flow = await flowFromDirectory(join(dir, 'train'), { targetSize: [32, 48], batchSize: 10, classMode: null, shuffle: false, rescale: 1 / 255, verbose: false } as any);
    try {
      const features = await extractor.predictGenerator(flow, { steps: flow.length, verbose: 0 });
      expect(features.shape).toEqual([48, 8]);
      const path = join(dir, 'bottleneck_features_train.npy');
      writeNpy(path, features);
      const loaded = readNpyFile(path);
      expect(loaded.shape).toEqual(features.shape);
      expect(Array.from(loaded.data)).toEqual(Array.from(features.data));
      // The same images twice give the same features (the iterator restarts in order).
      const again = await extractor.predict(flow as any, { steps: flow.length, verbose: 0 });
      expect(Array.from(again.data)).toEqual(Array.from(features.data));
    } finally {
      await flow.close();
    }

    const model = new Sequential();
    model.add(new Conv2D(4, 3, { inputShape: [32, 48, 3], activation: 'relu' }));
    model.add(new Flatten());
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const train = await flowFromDirectory(join(dir, 'train'), { targetSize: [32, 48], batchSize: 16, classMode: 'binary', rescale: 1 / 255, seed: 3, verbose: false } as any);
    const val = await flowFromDirectory(join(dir, 'validation'), { targetSize: [32, 48], batchSize: 8, classMode: 'binary', rescale: 1 / 255, shuffle: false, verbose: false } as any);
    try {
      // The tutorial passes samples / batch size (a fraction): Keras rounds it up.
      const h = await model.fitGenerator(train, { stepsPerEpoch: train.samples / 16 - 0.5, epochs: 2, validationData: val, validationSteps: val.length, verbose: 0 });
      expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      expect(h.history.loss.every(Number.isFinite)).toBe(true);
      const score = (await model.evaluateGenerator(val, { steps: val.length, verbose: 0 })) as number[];
      expect(score[1]).toBeGreaterThanOrEqual(0);
    } finally {
      await train.close();
      await val.close();
    }
  });
});
