/**
 * (Kernels on raw float32 arrays, no @layerwise/core import: the flow workers load this file.)
 * Keras' `apply_affine_transform` (keras/src/legacy/preprocessing/image.py) with the
 * resampling of `scipy.ndimage.affine_transform` (order 0 or 1, no spline prefilter),
 * reproduced step by step: the same matrix composition, the same centring, the same
 * row/column swap, and scipy's boundary handling per mode (ni_interpolation.c:
 * `map_coordinate` for the sample point, `_get_spline_boundary_mode` for its neighbours).
 */

/** scipy.ndimage modes Keras passes through. Keras documents the first four. */
export type FillMode = 'nearest' | 'constant' | 'reflect' | 'wrap' | 'mirror';
export const FILL_MODES: readonly FillMode[] = ['nearest', 'constant', 'reflect', 'wrap', 'mirror'];

export interface AffineParams {
  /** Rotation angle in degrees. */
  theta?: number;
  /** Shift along the row axis (Keras' tx: pixels, the first matrix coordinate). */
  tx?: number;
  /** Shift along the column axis (Keras' ty). */
  ty?: number;
  /** Shear angle in degrees. */
  shear?: number;
  /** Zoom along the row axis (Keras' zx). */
  zx?: number;
  /** Zoom along the column axis (Keras' zy). */
  zy?: number;
}

export interface AffineOptions {
  /** Axis indices within the 3-D image, as Keras: default row 0, col 1, channel 2 (channels_last). */
  rowAxis?: number;
  colAxis?: number;
  channelAxis?: number;
  fillMode?: FillMode;
  cval?: number;
  /** Spline order: 0 (nearest sample) or 1 (bilinear, default). Higher orders are not implemented. */
  order?: number;
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function matmul(a: Mat3, b: Mat3): Mat3 {
  const o = new Array<number>(9) as Mat3;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) o[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return o;
}

const deg2rad = (d: number): number => (d * Math.PI) / 180;

/**
 * The 3×3 matrix Keras builds (before centring): rotation · shift · shear · zoom, each
 * factor only when it is not the identity. `null` when every parameter is neutral.
 */
export function affineMatrix(p: AffineParams): Mat3 | null {
  const { theta = 0, tx = 0, ty = 0, shear = 0, zx = 1, zy = 1 } = p;
  let m: Mat3 | null = null;
  const push = (f: Mat3): void => {
    m = m === null ? f : matmul(m, f);
  };
  if (theta !== 0) {
    const t = deg2rad(theta);
    push([Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1]);
  }
  if (tx !== 0 || ty !== 0) push([1, 0, tx, 0, 1, ty, 0, 0, 1]);
  if (shear !== 0) {
    const s = deg2rad(shear);
    push([1, -Math.sin(s), 0, 0, Math.cos(s), 0, 0, 0, 1]);
  }
  if (zx !== 1 || zy !== 1) push([zx, 0, 0, 0, zy, 0, 0, 0, 1]);
  return m;
}

/** Keras' transform_matrix_offset_center(matrix, x, y). */
export function transformMatrixOffsetCenter(matrix: Mat3, x: number, y: number): Mat3 {
  const ox = x / 2 - 0.5;
  const oy = y / 2 - 0.5;
  return matmul(matmul([1, 0, ox, 0, 1, oy, 0, 0, 1], matrix), [1, 0, -ox, 0, 1, -oy, 0, 0, 1]);
}

// scipy NI_ExtendMode numbering is irrelevant here; small ints for the switch.
const NEAREST = 0;
const CONSTANT = 1;
const REFLECT = 2;
const WRAP = 3;
const MIRROR = 4;
export const MODE_CODE: Record<FillMode, number> = { nearest: NEAREST, constant: CONSTANT, reflect: REFLECT, wrap: WRAP, mirror: MIRROR };

/** scipy ni_interpolation.c `map_coordinate` (CONSTANT returns -1 = "outside"). */
export function mapCoordinate(v: number, len: number, mode: number): number {
  let x = v;
  if (x < 0) {
    switch (mode) {
      case MIRROR:
        if (len <= 1) x = 0;
        else {
          const sz2 = 2 * len - 2;
          x = sz2 * Math.trunc(-x / sz2) + x;
          x = x <= 1 - len ? x + sz2 : -x;
        }
        break;
      case REFLECT:
        if (len <= 1) x = 0;
        else {
          const sz2 = 2 * len;
          if (x < -sz2) x = sz2 * Math.trunc(-x / sz2) + x;
          x = x < -len ? x + sz2 : (x > -1e-15 ? 1e-15 : -x) - 1;
        }
        break;
      case WRAP:
        if (len <= 1) x = 0;
        else {
          const sz = len - 1;
          x += sz * (Math.trunc(-x / sz) + 1);
        }
        break;
      case NEAREST:
        x = 0;
        break;
      case CONSTANT:
        x = -1;
        break;
    }
  } else if (x > len - 1) {
    switch (mode) {
      case MIRROR:
        if (len <= 1) x = 0;
        else {
          const sz2 = 2 * len - 2;
          x -= sz2 * Math.trunc(x / sz2);
          if (x >= len) x = sz2 - x;
        }
        break;
      case REFLECT:
        if (len <= 1) x = 0;
        else {
          const sz2 = 2 * len;
          x -= sz2 * Math.trunc(x / sz2);
          if (x >= len) x = sz2 - x - 1;
        }
        break;
      case WRAP:
        if (len <= 1) x = 0;
        else {
          const sz = len - 1;
          x -= sz * Math.trunc(x / sz);
        }
        break;
      case NEAREST:
        x = len - 1;
        break;
      case CONSTANT:
        x = -1;
        break;
    }
  }
  return x;
}

/**
 * One axis of scipy's sampling: for the input coordinate `c` along an axis of length `len`,
 * writes the two source indices and weights (order 1) or one index (order 0) into `out`.
 * Returns false when the point takes the constant value.
 */
function axisTaps(c: number, len: number, mode: number, splineMode: number, order: number, out: Float64Array, base: number): boolean {
  const cc = mode !== NEAREST ? mapCoordinate(c, len, mode) : c;
  if (!(cc > -1) && mode !== NEAREST) return false;
  if (order === 0) {
    let i0 = Math.floor(cc + 0.5);
    if (i0 < 0 || i0 >= len) i0 = Math.trunc(mapCoordinate(i0, len, splineMode));
    out[base] = i0;
    out[base + 1] = i0;
    out[base + 2] = 1;
    out[base + 3] = 0;
    return true;
  }
  const start = Math.floor(cc);
  let i0 = start;
  let i1 = start + 1;
  if (start < 0 || start + 1 >= len) {
    i0 = Math.trunc(mapCoordinate(i0, len, splineMode));
    i1 = Math.trunc(mapCoordinate(i1, len, splineMode));
  }
  const f = cc - Math.floor(cc);
  const w0 = 1 - f;
  out[base] = i0;
  out[base + 1] = i1;
  out[base + 2] = w0;
  out[base + 3] = 1 - w0;
  return true;
}

/**
 * The resampling of applyAffineTransform on a raw float32 image of `shape` (3-D), options
 * already validated. Returns null for the identity transform. `flip0` / `flip1` reverse the
 * output along the first / second spatial axis (rows / columns) as it is written: the same
 * values as flipping afterwards, without the extra pass. Writes into `into` when given.
 */
export function affineArray(src: Float32Array, shape: readonly number[], params: AffineParams, rowAxis: number, colAxis: number, channelAxis: number, fillMode: FillMode, cval: number, order: number, flip0 = false, flip1 = false, into?: Float32Array): Float32Array | null {
  let m = affineMatrix(params);
  if (m === null) return null;
  const h = shape[rowAxis];
  const w = shape[colAxis];
  m = transformMatrixOffsetCenter(m, h, w);
  if (colAxis > rowAxis) {
    // transform_matrix[:, [0, 1]] = transform_matrix[:, [1, 0]]; transform_matrix[[0, 1]] = transform_matrix[[1, 0]]
    const s: Mat3 = [m[1], m[0], m[2], m[4], m[3], m[5], m[7], m[6], m[8]];
    m = [s[3], s[4], s[5], s[0], s[1], s[2], s[6], s[7], s[8]];
  }
  // scipy maps output (i along the channel image's axis 0, j along axis 1) to input A·(i, j) + offset.
  const a00 = m[0], a01 = m[1], off0 = m[2], a10 = m[3], a11 = m[4], off1 = m[5];

  // The channel image is x rolled so channels come first: its axes are the remaining two, in order.
  const spatial = [0, 1, 2].filter((a) => a !== channelAxis);
  const n0 = shape[spatial[0]];
  const n1 = shape[spatial[1]];
  const c = shape[channelAxis];
  const strides = [shape[1] * shape[2], shape[2], 1];
  const s0 = strides[spatial[0]];
  const s1 = strides[spatial[1]];
  const sc = strides[channelAxis];

  const out = into ?? new Float32Array(src.length);
  const mode = MODE_CODE[fillMode];
  const splineMode = mode === CONSTANT || mode === WRAP ? MIRROR : mode;
  const taps = new Float64Array(8);
  const fcval = Math.fround(cval);

  const last0 = n0 - 1;
  const last1 = n1 - 1;
  const nearest1 = mode === NEAREST && order === 1;
  // Output column j goes to oStart + j·oStep (the flips folded in).
  const oStep = flip1 ? -s1 : s1;
  const rgbLast = c === 3 && sc === 1 && order === 1;
  for (let i = 0; i < n0; i++) {
    let o = (flip0 ? last0 - i : i) * s0 + (flip1 ? last1 * s1 : 0);
    const b0 = off0 + i * a00; // (off0 + i·a00) + j·a01 is how the sum was always evaluated
    const b1 = off1 + i * a10;
    // The columns whose sample point lies inside the image (both taps in range) form one run
    // [lo, hi): the coordinates are monotonic in j. Interleaved RGB runs through a tight loop
    // with the same arithmetic as below; everything else takes the general path.
    let lo = 0;
    let hi = 0;
    if (rgbLast) {
      [lo, hi] = insideRun(b0, a01, last0, b1, a11, last1, n1);
      if (hi > lo) interiorRgb(src, out, b0, a01, b1, a11, s0, s1, lo, hi, o + lo * oStep, oStep);
      if (nearest1) {
        // the rest of the row clamps to the edge: the same arithmetic as the general path's 'nearest' branch
        if (hi <= lo) hi = lo = 0;
        clampedRgb(src, out, b0, a01, b1, a11, s0, s1, last0, last1, 0, lo, o, oStep);
        clampedRgb(src, out, b0, a01, b1, a11, s0, s1, last0, last1, hi, n1, o + hi * oStep, oStep);
        continue;
      }
    }
    for (let j = 0; j < n1; j++, o += oStep) {
      if (j === lo && hi > lo) {
        o += (hi - lo - 1) * oStep;
        j = hi - 1;
        continue;
      }
      const c0 = b0 + j * a01;
      const c1 = b1 + j * a11;
      let r0: number, r1: number, wr0: number, wr1: number, q0: number, q1: number, wq0: number, wq1: number;
      if (order === 1 && c0 >= 0 && c0 < last0 && c1 >= 0 && c1 < last1) {
        // Inside the image: map_coordinate leaves the point as is and both taps are in range
        // (axisTaps' result, without the calls; | 0 is floor for these non-negative values).
        const f0 = c0 | 0;
        const f1 = c1 | 0;
        r0 = f0 * s0;
        r1 = r0 + s0;
        wr0 = 1 - (c0 - f0);
        wr1 = 1 - wr0;
        q0 = f1 * s1;
        q1 = q0 + s1;
        wq0 = 1 - (c1 - f1);
        wq1 = 1 - wq0;
      } else if (nearest1) {
        // 'nearest' outside: axisTaps with map_coordinate's clamping inlined.
        const f0 = Math.floor(c0);
        const f1 = Math.floor(c1);
        r0 = (f0 < 0 ? 0 : f0 > last0 ? last0 : f0) * s0;
        r1 = (f0 + 1 < 0 ? 0 : f0 + 1 > last0 ? last0 : f0 + 1) * s0;
        wr0 = 1 - (c0 - f0);
        wr1 = 1 - wr0;
        q0 = (f1 < 0 ? 0 : f1 > last1 ? last1 : f1) * s1;
        q1 = (f1 + 1 < 0 ? 0 : f1 + 1 > last1 ? last1 : f1 + 1) * s1;
        wq0 = 1 - (c1 - f1);
        wq1 = 1 - wq0;
      } else {
        if (!axisTaps(c0, n0, mode, splineMode, order, taps, 0) || !axisTaps(c1, n1, mode, splineMode, order, taps, 4)) {
          for (let k = 0; k < c; k++) out[o + k * sc] = fcval;
          continue;
        }
        r0 = taps[0] * s0; r1 = taps[1] * s0; wr0 = taps[2]; wr1 = taps[3];
        q0 = taps[4] * s1; q1 = taps[5] * s1; wq0 = taps[6]; wq1 = taps[7];
      }
      // scipy's filter order: (r0,q0), (r0,q1), (r1,q0), (r1,q1), weights multiplied per axis.
      const w00 = wr0 * wq0, w01 = wr0 * wq1, w10 = wr1 * wq0, w11 = wr1 * wq1;
      const a = r0 + q0, b = r0 + q1, d = r1 + q0, e = r1 + q1;
      if (sc === 1) {
        for (let k = 0; k < c; k++) out[o + k] = src[k + a] * w00 + src[k + b] * w01 + src[k + d] * w10 + src[k + e] * w11;
      } else {
        for (let k = 0; k < c; k++) {
          const bb = k * sc;
          out[o + bb] = src[bb + a] * w00 + src[bb + b] * w01 + src[bb + d] * w10 + src[bb + e] * w11;
        }
      }
    }
  }
  return out;
}

/** Whether output column j of a row samples inside the image: `c = b + j·a` with 0 ≤ c < last on both axes. */
function insideAt(j: number, b0: number, a01: number, last0: number, b1: number, a11: number, last1: number): boolean {
  const c0 = b0 + j * a01;
  const c1 = b1 + j * a11;
  return c0 >= 0 && c0 < last0 && c1 >= 0 && c1 < last1;
}

/**
 * [lo, hi): a run of columns that are all inside (see insideAt), from the solved bounds,
 * then shrunk until both ends pass the exact test — monotonic coordinates make every column
 * between them inside too. Columns it misses go through the general path, which gives
 * them the same values, so an estimate that is short by a rounding changes nothing.
 */
function insideRun(b0: number, a01: number, last0: number, b1: number, a11: number, last1: number, n1: number): [number, number] {
  let lo = 0;
  let hi = n1;
  const bound = (b: number, a: number, last: number): void => {
    if (a === 0) {
      if (!(b >= 0 && b < last)) hi = lo = 0;
      return;
    }
    const j0 = (0 - b) / a; // c = 0
    const j1 = (last - b) / a; // c = last
    const from = Math.ceil(Math.min(j0, j1));
    const to = Math.floor(Math.max(j0, j1)) + 1;
    if (from > lo) lo = from;
    if (to < hi) hi = to;
  };
  bound(b0, a01, last0);
  bound(b1, a11, last1);
  if (lo < 0) lo = 0;
  if (hi > n1) hi = n1;
  while (lo < hi && !insideAt(lo, b0, a01, last0, b1, a11, last1)) lo++;
  while (hi > lo && !insideAt(hi - 1, b0, a01, last0, b1, a11, last1)) hi--;
  return [lo, hi];
}

/** The inside run of one output row for interleaved 3-channel images (order 1): scipy's bilinear, unrolled. */
function interiorRgb(src: Float32Array, out: Float32Array, b0: number, a01: number, b1: number, a11: number, s0: number, s1: number, lo: number, hi: number, o: number, oStep: number): void {
  for (let j = lo; j < hi; j++, o += oStep) {
    const c0 = b0 + j * a01;
    const c1 = b1 + j * a11;
    const f0 = c0 | 0;
    const f1 = c1 | 0;
    const wr0 = 1 - (c0 - f0);
    const wr1 = 1 - wr0;
    const wq0 = 1 - (c1 - f1);
    const wq1 = 1 - wq0;
    const w00 = wr0 * wq0, w01 = wr0 * wq1, w10 = wr1 * wq0, w11 = wr1 * wq1;
    const a = f0 * s0 + f1 * s1;
    const b = a + s1;
    const d = a + s0;
    const e = d + s1;
    out[o] = src[a] * w00 + src[b] * w01 + src[d] * w10 + src[e] * w11;
    out[o + 1] = src[a + 1] * w00 + src[b + 1] * w01 + src[d + 1] * w10 + src[e + 1] * w11;
    out[o + 2] = src[a + 2] * w00 + src[b + 2] * w01 + src[d + 2] * w10 + src[e + 2] * w11;
  }
}

/** Columns [from, to) of one output row, 'nearest' fill, interleaved 3 channels, order 1: taps clamped to the edge. */
function clampedRgb(src: Float32Array, out: Float32Array, b0: number, a01: number, b1: number, a11: number, s0: number, s1: number, last0: number, last1: number, from: number, to: number, o: number, oStep: number): void {
  for (let j = from; j < to; j++, o += oStep) {
    const c0 = b0 + j * a01;
    const c1 = b1 + j * a11;
    const f0 = Math.floor(c0);
    const f1 = Math.floor(c1);
    const r0 = (f0 < 0 ? 0 : f0 > last0 ? last0 : f0) * s0;
    const r1 = (f0 + 1 < 0 ? 0 : f0 + 1 > last0 ? last0 : f0 + 1) * s0;
    const q0 = (f1 < 0 ? 0 : f1 > last1 ? last1 : f1) * s1;
    const q1 = (f1 + 1 < 0 ? 0 : f1 + 1 > last1 ? last1 : f1 + 1) * s1;
    const wr0 = 1 - (c0 - f0);
    const wr1 = 1 - wr0;
    const wq0 = 1 - (c1 - f1);
    const wq1 = 1 - wq0;
    const w00 = wr0 * wq0, w01 = wr0 * wq1, w10 = wr1 * wq0, w11 = wr1 * wq1;
    const a = r0 + q0, b = r0 + q1, d = r1 + q0, e = r1 + q1;
    out[o] = src[a] * w00 + src[b] * w01 + src[d] * w10 + src[e] * w11;
    out[o + 1] = src[a + 1] * w00 + src[b + 1] * w01 + src[d + 1] * w10 + src[e + 1] * w11;
    out[o + 2] = src[a + 2] * w00 + src[b + 2] * w01 + src[d + 2] * w10 + src[e + 2] * w11;
  }
}

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

/** What a flow worker needs of the generator to run apply_transform. */
export interface TransformConfig {
  row: number;
  col: number;
  channel: number;
  fillMode: FillMode;
  cval: number;
  order: number;
}

/** The parameters of one image's transform (TransformParameters without the optional nulls' variants). */
export interface RawTransform {
  theta: number;
  tx: number;
  ty: number;
  shear: number;
  zx: number;
  zy: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  channelShiftIntensity: number | null;
  brightness: number | null;
}

/**
 * ImageDataGenerator.applyTransform on a raw image (the same steps, the same kernels):
 * affine, channel shift, horizontal flip, vertical flip, brightness. Always a new array.
 */
export function transformArray(src: Float32Array, shape: readonly number[], p: RawTransform, cfg: TransformConfig, into?: Float32Array): Float32Array {
  if (src.length >= STAGE_MIN) {
    // Large images: resample between two cache-warm scratch buffers. The gathers of a rotation
    // stride across rows, which misses the cache on an image just pulled from a large data set;
    // one sequential copy in and one out cost less (1.7 → 1.2 ms on a 240×360×3 image).
    if (stageIn.length < src.length) {
      stageIn = new Float32Array(src.length);
      stageOut = new Float32Array(src.length);
    }
    const a = stageIn.subarray(0, src.length);
    a.set(src);
    const result = transformUnstaged(a, shape, p, cfg, stageOut.subarray(0, src.length));
    if (!into) return result.slice();
    into.set(result);
    return into;
  }
  return transformUnstaged(src, shape, p, cfg, into);
}

const STAGE_MIN = 1 << 16;
let stageIn = new Float32Array(0);
let stageOut = new Float32Array(0);

function transformUnstaged(src: Float32Array, shape: readonly number[], p: RawTransform, cfg: TransformConfig, into?: Float32Array): Float32Array {
  // The flips are folded into the affine pass (rows are the first spatial axis, columns the
  // second, in both data formats); the channel shift and brightness act per value (per
  // channel), so doing the flips before them changes nothing.
  let out = affineArray(src, shape, { theta: p.theta, tx: p.tx, ty: p.ty, shear: p.shear, zx: p.zx, zy: p.zy }, cfg.row, cfg.col, cfg.channel, cfg.fillMode, cfg.cval, cfg.order, p.flipVertical, p.flipHorizontal, into);
  if (out === null) {
    out = src;
    if (p.flipHorizontal) out = flipArray(out, shape, cfg.col);
    if (p.flipVertical) out = flipArray(out, shape, cfg.row);
  }
  if (p.channelShiftIntensity !== null) out = channelShiftArray(out, p.channelShiftIntensity);
  if (p.brightness !== null) out = brightnessArray(out, shape, p.brightness, false, cfg.channel);
  if (into) {
    if (out !== into) into.set(out);
    return into;
  }
  return out === src ? Float32Array.from(src) : out;
}
