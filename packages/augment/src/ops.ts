/** Keras' flip_axis, apply_channel_shift and apply_brightness_shift on 3-D images (the kernels are in kernels/pixel.ts). */
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';
import { brightnessArray, channelShiftArray, flipArray } from './kernels/pixel.js';

function asFloat32(x: Tensor): Float32Array {
  return x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.data);
}

/** Keras' flip_axis(x, axis): x reversed along `axis` (a copy), any rank. */
export function flipAxis(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax < 0 || ax >= x.rank) throw new ShapeError(`flipAxis: axis ${axis} out of range for rank ${x.rank}`);
  return new Tensor(flipArray(x.data as Float32Array, x.shape, ax), x.shape, x.dtype);
}

/**
 * Keras' apply_channel_shift(x, intensity, channel_axis): every channel plus `intensity`,
 * clipped to the image's own [min, max] (over all channels).
 */
export function applyChannelShift(x: Tensor, intensity: number, channelAxis = 2): Tensor {
  if (x.rank !== 3) throw new ShapeError(`applyChannelShift: expected a 3-D image, got shape [${x.shape.join(', ')}]`);
  void channelAxis; // the same shift goes to every channel, so the layout does not matter
  return new Tensor(channelShiftArray(asFloat32(x), intensity), x.shape, 'float32');
}

/**
 * Keras' apply_brightness_shift(x, brightness, scale): the image goes through an 8-bit PIL
 * image (truncating, as `astype('uint8')`), PIL's ImageEnhance.Brightness (a blend with
 * black: `trunc(float32(brightness) * v)`, clipped to 0..255; an alpha band is kept, as PIL
 * does), and back to float32. Values
 * outside [0, 255] (or scale=true) are first scaled to 0..255 and, when scale=false,
 * scaled back to the original [min, max] afterwards. `channelAxis` 0 (channels_first) is
 * transposed through (Keras itself assumes channels_last here).
 */
export function applyBrightnessShift(x: Tensor, brightness: number, scale = true, channelAxis = 2): Tensor {
  if (x.rank !== 3) throw new ShapeError(`applyBrightnessShift: expected a 3-D image, got shape [${x.shape.join(', ')}]`);
  if (!Number.isFinite(brightness)) throw new ConfigError(`applyBrightnessShift: brightness must be finite; got ${brightness}`);
  const c = channelAxis === 0 ? x.shape[0] : x.shape[2];
  if (c !== 1 && c !== 3 && c !== 4) throw new ShapeError(`applyBrightnessShift: unsupported channel number ${c} (1, 3 or 4)`);
  return new Tensor(brightnessArray(asFloat32(x), x.shape, brightness, scale, channelAxis), x.shape, 'float32');
}
