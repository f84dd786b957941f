/**
 * Keras' flip_axis, apply_channel_shift and apply_brightness_shift on raw arrays.
 *
 * (Kernels on raw float32 arrays, no @layerwise/core import: the flow workers load them.)
 */

/** Keras' flip_axis on a raw array of `shape`: reversed along axis `ax` (a copy). */
export function flipArray<T extends Float32Array | Int32Array | Uint8Array | Float64Array>(src: T, shape: readonly number[], ax: number): T {
  const n = shape[ax];
  let inner = 1;
  for (let d = ax + 1; d < shape.length; d++) inner *= shape[d];
  const outer = src.length / (n * inner || 1);
  const out = new (src.constructor as new (n: number) => T)(src.length);
  if (inner <= 16) {
    // short runs (a pixel's channels): element by element beats a subarray per run
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let i = 0; i < n; i++) {
        const from = base + (n - 1 - i) * inner;
        const to = base + i * inner;
        for (let k = 0; k < inner; k++) out[to + k] = src[from + k];
      }
    }
    return out;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < n; i++) out.set(src.subarray(base + (n - 1 - i) * inner, base + (n - i) * inner) as ArrayLike<number>, base + i * inner);
  }
  return out;
}

/** Keras' apply_channel_shift on a raw image: every value plus `intensity`, clipped to the image's [min, max]. */
export function channelShiftArray(src: Float32Array, intensity: number): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float32Array(src.length);
  const s = Math.fround(intensity);
  for (let i = 0; i < src.length; i++) {
    const v = Math.fround(src[i] + s);
    out[i] = v < min ? min : v > max ? max : v;
  }
  return out;
}

/** Keras' apply_brightness_shift on a raw 3-D image of `shape` (see ops.ts), channel count already checked. */
export function brightnessArray(src: Float32Array, shape: readonly number[], brightness: number, scale: boolean, channelAxis: number): Float32Array {
  const c = channelAxis === 0 ? shape[0] : shape[2];
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
  const plane = channelAxis === 0 ? shape[1] * shape[2] : 1;
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
  return out;
}
