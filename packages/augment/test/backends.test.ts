import { describe, expect, it } from 'vitest';
import { Sequential, setSeed, Tensor } from '@layerwise/core';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { ImageDataGenerator } from '@layerwise/augment';
import { BACKENDS } from '../../../test/helpers/backends.js';

function data(n: number): [Tensor, Tensor] {
  const x = new Float32Array(n * 12 * 12);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    y[i * 2 + cls] = 1;
    for (let r = 0; r < 12; r++)
      for (let c = 0; c < 12; c++) {
        // class 0: a bright vertical bar, class 1: a bright horizontal bar, plus texture
        const bar = cls === 0 ? c >= 5 && c <= 6 : r >= 5 && r <= 6;
        x[i * 144 + r * 12 + c] = (bar ? 0.8 : 0.1) + (((i * 31 + r * 7 + c * 3) % 17) / 170);
      }
  }
  return [new Tensor(x, [n, 12, 12, 1], 'float32'), new Tensor(y, [n, 2], 'float32')];
}

async function curve(backendIndex: number): Promise<number[]> {
  const [x, y] = data(64);
  setSeed(42);
  const model = new Sequential();
  model.add(new Conv2D(4, [3, 3], { inputShape: [12, 12, 1], activation: 'relu' }));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Flatten());
  model.add(new Dense(2, { activation: 'softmax' }));
  model.setBackend(BACKENDS[backendIndex].backend);
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const datagen = new ImageDataGenerator({ rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.1, horizontalFlip: true });
  const it = datagen.flow(x, y, { batchSize: 16, seed: 7 });
  try {
    const h = await model.fitGenerator(it, { stepsPerEpoch: x.shape[0] / 16, epochs: 2, verbose: 0 });
    return h.history.loss as number[];
  } finally {
    await it.close();
  }
}

describe('flow into fitGenerator across backends', () => {
  it('a seeded generator gives the same training curve on both backends', async () => {
    const ref = await curve(0);
    expect(ref).toHaveLength(2);
    expect(ref.every(Number.isFinite)).toBe(true);
    expect(ref[1]).not.toBe(ref[0]);
    for (let b = 1; b < BACKENDS.length; b++) {
      const other = await curve(b);
      expect(other).toHaveLength(2);
      other.forEach((v, e) => {
        expect(Math.abs(v - ref[e]) / Math.abs(ref[e]), `${BACKENDS[b].name} epoch ${e}: ${v} vs ${BACKENDS[0].name} ${ref[e]}`).toBeLessThan(1e-4);
      });
    }
  });
});
