/**
 * Keras' `apply_affine_transform` (keras/src/legacy/preprocessing/image.py) with the
 * resampling of `scipy.ndimage.affine_transform` (order 0 or 1, no spline prefilter),
 * reproduced step by step: the same matrix composition, the same centring, the same
 * row/column swap, and scipy's boundary handling per mode (ni_interpolation.c:
 * `map_coordinate` for the sample point, `_get_spline_boundary_mode` for its neighbours).
 */
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';

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
const MODE_CODE: Record<FillMode, number> = { nearest: NEAREST, constant: CONSTANT, reflect: REFLECT, wrap: WRAP, mirror: MIRROR };

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
 * Keras' `apply_affine_transform(x, theta, tx, ty, shear, zx, zy, row_axis, col_axis,
 * channel_axis, fill_mode, cval, order)` on a 3-D float32 image. Returns `x` itself when
 * the transform is the identity (as Keras), else a new float32 Tensor of the same shape.
 */
export function applyAffineTransform(x: Tensor, params: AffineParams, options: AffineOptions = {}): Tensor {
  const rowAxis = options.rowAxis ?? 0;
  const colAxis = options.colAxis ?? 1;
  const channelAxis = options.channelAxis ?? 2;
  const fillMode = options.fillMode ?? 'nearest';
  const cval = options.cval ?? 0;
  const order = options.order ?? 1;
  const axes = new Set([rowAxis, colAxis, channelAxis]);
  if (axes.size !== 3) throw new ConfigError(`applyAffineTransform: 'rowAxis', 'colAxis', and 'channelAxis' must be distinct`);
  if (![0, 1, 2].every((a) => axes.has(a))) throw new ConfigError(`applyAffineTransform: invalid axis indices ${[rowAxis, colAxis, channelAxis].join(', ')}`);
  if (x.rank !== 3) throw new ShapeError(`applyAffineTransform: input arrays must be multi-channel 2D images (rank 3); got shape [${x.shape.join(', ')}]`);
  if (channelAxis !== 0 && channelAxis !== 2) throw new ConfigError('applyAffineTransform: channels are allowed only as the first or last dimension');
  if (!(fillMode in MODE_CODE)) throw new ConfigError(`applyAffineTransform: fillMode must be one of ${FILL_MODES.join(', ')}; got ${String(fillMode)}`);
  if (order !== 0 && order !== 1) throw new ConfigError(`applyAffineTransform: interpolation order ${order} is not implemented (0 or 1; Keras' default is 1)`);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && typeof v === 'number' && !Number.isFinite(v)) throw new ConfigError(`applyAffineTransform: ${k} must be finite; got ${v}`);
  }

  let m = affineMatrix(params);
  if (m === null) return x;
  const h = x.shape[rowAxis];
  const w = x.shape[colAxis];
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
  const n0 = x.shape[spatial[0]];
  const n1 = x.shape[spatial[1]];
  const c = x.shape[channelAxis];
  const strides = [x.shape[1] * x.shape[2], x.shape[2], 1];
  const s0 = strides[spatial[0]];
  const s1 = strides[spatial[1]];
  const sc = strides[channelAxis];

  const src = x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.data);
  const out = new Float32Array(x.size);
  const mode = MODE_CODE[fillMode];
  const splineMode = mode === CONSTANT || mode === WRAP ? MIRROR : mode;
  const taps = new Float64Array(8);
  const fcval = Math.fround(cval);

  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const o = i * s0 + j * s1;
      const c0 = off0 + i * a00 + j * a01;
      const c1 = off1 + i * a10 + j * a11;
      if (!axisTaps(c0, n0, mode, splineMode, order, taps, 0) || !axisTaps(c1, n1, mode, splineMode, order, taps, 4)) {
        for (let k = 0; k < c; k++) out[o + k * sc] = fcval;
        continue;
      }
      const r0 = taps[0] * s0, r1 = taps[1] * s0, wr0 = taps[2], wr1 = taps[3];
      const q0 = taps[4] * s1, q1 = taps[5] * s1, wq0 = taps[6], wq1 = taps[7];
      // scipy's filter order: (r0,q0), (r0,q1), (r1,q0), (r1,q1), weights multiplied per axis.
      const w00 = wr0 * wq0, w01 = wr0 * wq1, w10 = wr1 * wq0, w11 = wr1 * wq1;
      for (let k = 0; k < c; k++) {
        const b = k * sc;
        out[o + b] = src[b + r0 + q0] * w00 + src[b + r0 + q1] * w01 + src[b + r1 + q0] * w10 + src[b + r1 + q1] * w11;
      }
    }
  }
  return new Tensor(out, x.shape, 'float32');
}
