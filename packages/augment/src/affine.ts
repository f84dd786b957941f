/**
 * Keras' `apply_affine_transform` (keras/src/legacy/preprocessing/image.py) with the
 * resampling of `scipy.ndimage.affine_transform` (order 0 or 1, no spline prefilter),
 * reproduced step by step: the same matrix composition, the same centring, the same
 * row/column swap, and scipy's boundary handling per mode (ni_interpolation.c:
 * `map_coordinate` for the sample point, `_get_spline_boundary_mode` for its neighbours).
 */
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';
import type { AffineOptions, AffineParams } from './kernels/affine-matrix.js';
import { FILL_MODES, MODE_CODE } from './kernels/boundary.js';
import { affineArray } from './kernels/resample.js';

export { affineMatrix, transformMatrixOffsetCenter, type AffineParams, type AffineOptions } from './kernels/affine-matrix.js';
export { mapCoordinate, FILL_MODES, type FillMode } from './kernels/boundary.js';

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

  const src = x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.data);
  const out = affineArray(src, x.shape, params, rowAxis, colAxis, channelAxis, fillMode, cval, order);
  return out === null ? x : new Tensor(out, x.shape, 'float32');
}
