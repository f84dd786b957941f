/** Keras' flip_axis, apply_channel_shift and apply_brightness_shift on 3-D images. */
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';

function asFloat32(x: Tensor): Float32Array {
  return x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.data);
}

/** Keras' flip_axis(x, axis): x reversed along `axis` (a copy), any rank. */
export function flipAxis(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax < 0 || ax >= x.rank) throw new ShapeError(`flipAxis: axis ${axis} out of range for rank ${x.rank}`);
  const n = x.shape[ax];
  let inner = 1;
  for (let d = ax + 1; d < x.rank; d++) inner *= x.shape[d];
  const outer = x.size / (n * inner || 1);
  const src = x.data;
  const out = new (src.constructor as Float32ArrayConstructor)(src.length);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < n; i++) out.set(src.subarray(base + (n - 1 - i) * inner, base + (n - i) * inner), base + i * inner);
  }
  return new Tensor(out, x.shape, x.dtype);
}

/**
 * Keras' apply_channel_shift(x, intensity, channel_axis): every channel plus `intensity`,
 * clipped to the image's own [min, max] (over all channels).
 */
export function applyChannelShift(x: Tensor, intensity: number, channelAxis = 2): Tensor {
  if (x.rank !== 3) throw new ShapeError(`applyChannelShift: expected a 3-D image, got shape [${x.shape.join(', ')}]`);
  const src = asFloat32(x);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  void channelAxis; // the same shift goes to every channel, so the layout does not matter
  const out = new Float32Array(src.length);
  const s = Math.fround(intensity);
  for (let i = 0; i < src.length; i++) {
    const v = Math.fround(src[i] + s);
    out[i] = v < min ? min : v > max ? max : v;
  }
  return new Tensor(out, x.shape, 'float32');
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
  const src = asFloat32(x);
  const c = channelAxis === 0 ? x.shape[0] : x.shape[2];
  if (c !== 1 && c !== 3 && c !== 4) throw new ShapeError(`applyBrightnessShift: unsupported channel number ${c} (1, 3 or 4)`);
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v < xMin) xMin = v;
    if (v > xMax) xMax = v;
  }
  const localScale = xMin < 0 || xMax > 255;
  const doScale = localScale || scale;
  const alpha = Math.fround(brightness);
  const out = new Float32Array(src.length);
  const range = Math.fround(xMax - xMin);
  const plane = channelAxis === 0 ? x.shape[1] * x.shape[2] : 1;
  for (let i = 0; i < src.length; i++) {
    let v = src[i];
    if (doScale) {
      v = Math.fround(v - xMin);
      if (range !== 0) v = Math.fround(v / range);
      v = Math.fround(v * 255);
    }
    // astype('uint8'): C cast of a float in range truncates toward zero.
    const u = Math.trunc(v) & 0xff;
    let b: number;
    if (c === 4 && (channelAxis === 0 ? Math.floor(i / plane) === 3 : i % 4 === 3)) b = u; // PIL keeps the alpha band
    else {
      const t = Math.fround(alpha * u);
      b = t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
    }
    if (!scale && localScale) b = Math.fround(Math.fround(Math.fround(b / 255) * range) + xMin);
    out[i] = b;
  }
  return new Tensor(out, x.shape, 'float32');
}
