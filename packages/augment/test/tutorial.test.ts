// The chapter-3 programs of the Keras tutorial (reference/keras-tutorial-ja.md), on a real photo.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@layerwise/core';
import { arrayToImg, imgToArray, loadImg, saveImg } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';

const photo = fileURLToPath(new URL('../../data/test/fixtures/images/chelsea.png', import.meta.url));

describe('tutorial 3.1: ImageDataGenerator on sample.jpg', () => {
  it('width shift, rotation, zoom, channel shift: one augmented image per next()', async () => {
    const img = imgToArray(await loadImg(photo));
    const samples = img.reshape([1, ...img.shape]);
    for (const options of [{ widthShiftRange: 0.3 }, { rotationRange: 30 }, { zoomRange: 0.3 }, { channelShiftRange: 30 }]) {
      const datagen = new ImageDataGenerator(options);
      const it = datagen.flow(samples, null, { seed: 3 });
      const batch = it.next() as Tensor;
      expect(batch.shape).toEqual(samples.shape);
      let lo = Infinity;
      let hi = -Infinity;
      let changed = 0;
      for (let i = 0; i < batch.size; i++) {
        lo = Math.min(lo, batch.data[i]);
        hi = Math.max(hi, batch.data[i]);
        if (Math.abs(batch.data[i] - samples.data[i]) > 1e-3) changed++;
      }
      expect(lo).toBeGreaterThanOrEqual(-1e-3);
      expect(hi).toBeLessThanOrEqual(255 + 1e-3);
      expect(changed).toBeGreaterThan(batch.size / 10);
    }
  });
  it('writes pic_01 … pic_05 with every option and fill_mode "reflect"', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'augment-tutorial-'));
    try {
      const samples = ((t: Tensor) => t.reshape([1, ...t.shape]))(imgToArray(await loadImg(photo)));
      const datagen = new ImageDataGenerator({ widthShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, channelShiftRange: 50, horizontalFlip: true, verticalFlip: true, fillMode: 'reflect' });
      for (let i = 1; i <= 5; i++) {
        const it = datagen.flow(samples);
        const x = (it.next() as Tensor).slice(0, 1);
        await saveImg(join(dest, `pic_${String(i).padStart(2, '0')}.jpg`), arrayToImg(x.reshape(x.shape.slice(1))));
      }
      expect(readdirSync(dest).sort()).toEqual(['pic_01.jpg', 'pic_02.jpg', 'pic_03.jpg', 'pic_04.jpg', 'pic_05.jpg']);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
