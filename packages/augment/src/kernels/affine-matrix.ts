/**
 * Keras' affine matrix for `apply_affine_transform` (keras/src/legacy/preprocessing/image.py):
 * rotation · shift · shear · zoom, then centred. (A kernel on raw float32 arrays, no
 * @layerwise/core import: the flow workers load it.)
 */
import type { FillMode } from './boundary.js';

export interface AffineParams {
  /** Rotation angle in degrees. */
  theta?: number;
  /**
   * Shift in pixels along the column axis (x, horizontal; Keras' tx, 'Shift in the x
   * direction'): the output at column c samples the input at column c + tx. It is the first
   * coordinate of the matrix below, which Keras' row/column swap turns into the column one.
   */
  tx?: number;
  /** Shift in pixels along the row axis (y, vertical; Keras' ty): row r samples row r + ty. */
  ty?: number;
  /** Shear angle in degrees. */
  shear?: number;
  /** Zoom along the column axis (x; Keras' zx): column c samples the centre + zx · (c - centre). */
  zx?: number;
  /** Zoom along the row axis (y; Keras' zy). */
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

/** A 3×3 matrix, row-major. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

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
