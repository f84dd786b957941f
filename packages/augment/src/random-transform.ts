/** Keras' get_random_transform: the random parameters of one image's transform, drawn in Keras' order. */
import type { Generator } from '@layerwise/core';
import type { ImageDataGenerator } from './generator.js';
import type { TransformParameters } from './kernels/transform.js';
import type { ShiftRange } from './options.js';

/**
 * Draws, in Keras' order, theta, the height shift, the width shift, shear, zx and zy, the
 * two flip coins (always drawn), the channel shift and the brightness.
 *
 * The shifts: applyTransform's `tx` moves the image along its columns (x, horizontal) and
 * `ty` along its rows (y, vertical). Keras' get_random_transform puts the height shift in tx
 * and the width shift in ty, so in Keras `width_shift_range` shifts vertically
 * (keras-team/keras#17398). `shiftAxes: 'documented'` (the default) gives tx the width shift
 * and ty the height shift, as the option names say; `'keras'` keeps Keras' swap. Either way
 * the draws are the same, in the same order, so the other parameters do not change.
 */
export function drawTransform(gen: ImageDataGenerator, imgShape: readonly number[], g: Generator): TransformParameters {
  const { row, col } = gen.imgAxes;
  const theta = gen.rotationRange ? g.uniform(-gen.rotationRange, gen.rotationRange) : 0;
  const heightShift = drawShift(gen.heightShiftRange, imgShape[row], g);
  const widthShift = drawShift(gen.widthShiftRange, imgShape[col], g);
  const [tx, ty] = gen.shiftAxes === 'keras' ? [heightShift, widthShift] : [widthShift, heightShift];
  const shear = gen.shearRange ? g.uniform(-gen.shearRange, gen.shearRange) : 0;
  let zx = 1;
  let zy = 1;
  if (!(gen.zoomRange[0] === 1 && gen.zoomRange[1] === 1)) {
    zx = g.uniform(gen.zoomRange[0], gen.zoomRange[1]);
    zy = g.uniform(gen.zoomRange[0], gen.zoomRange[1]);
  }
  const flipHorizontal = g.random() < 0.5 && gen.horizontalFlip;
  const flipVertical = g.random() < 0.5 && gen.verticalFlip;
  const channelShiftIntensity = gen.channelShiftRange !== 0 ? g.uniform(-gen.channelShiftRange, gen.channelShiftRange) : null;
  const brightness = gen.brightnessRange !== null ? g.uniform(gen.brightnessRange[0], gen.brightnessRange[1]) : null;
  return { theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical, channelShiftIntensity, brightness };
}

/**
 * One shift draw as Keras does: a list → a random element times a random sign; an integer
 * n ≥ 1 → np.random.choice(n) (0..n-1) times a random sign; another number → uniform(-r, r).
 * Values all below 1 are fractions of `size`. 0 / [] → no shift (nothing drawn).
 */
export function drawShift(range: ShiftRange, size: number, g: Generator): number {
  const list = typeof range === 'number' ? null : range;
  if (list ? list.length === 0 : !range) return 0;
  let t: number;
  let max: number;
  if (list) {
    t = list[g.int(list.length)] * (g.int(2) === 0 ? -1 : 1);
    max = Math.max(...list);
  } else {
    const r = range as number;
    if (Number.isInteger(r) && r > 0) t = g.int(r) * (g.int(2) === 0 ? -1 : 1);
    else t = g.uniform(-r, r);
    max = r;
  }
  return max < 1 ? t * size : t;
}

/** A 32-bit seed from three numbers (flowFromDirectory: seed, file index, times the file was seen). */
export function mix(a: number, b: number, c: number): number {
  let h = (a >>> 0) ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ Math.imul(c + 0x7f4a7c15, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}
