/**
 * Keras' `apply_affine_transform` with the resampling of `scipy.ndimage.affine_transform`
 * (order 0 or 1, no spline prefilter), reproduced step by step: the same matrix composition,
 * the same centring, the same row/column swap, scipy's sample points and boundary handling.
 *
 * (Kernels on raw float32 arrays, no @layerwise/core import: the flow workers load them.)
 */
import { affineMatrix, transformMatrixOffsetCenter, type AffineParams, type Mat3 } from './affine-matrix.js';
import { axisTaps, CONSTANT, MIRROR, MODE_CODE, NEAREST, WRAP, type FillMode } from './boundary.js';

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
