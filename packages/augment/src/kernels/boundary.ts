/**
 * scipy.ndimage's boundary handling, as Keras' apply_affine_transform uses it through
 * `scipy.ndimage.affine_transform` (ni_interpolation.c: `map_coordinate` for the sample point,
 * `_get_spline_boundary_mode` for its neighbours).
 * (Kernels on raw float32 arrays, no @layerwise/core import: the flow workers load them.)
 */

/** scipy.ndimage modes Keras passes through. Keras documents the first four. */
export type FillMode = 'nearest' | 'constant' | 'reflect' | 'wrap' | 'mirror';
export const FILL_MODES: readonly FillMode[] = ['nearest', 'constant', 'reflect', 'wrap', 'mirror'];

// scipy NI_ExtendMode numbering is irrelevant here; small ints for the switch.
export const NEAREST = 0;
export const CONSTANT = 1;
export const REFLECT = 2;
export const WRAP = 3;
export const MIRROR = 4;
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
export function axisTaps(c: number, len: number, mode: number, splineMode: number, order: number, out: Float64Array, base: number): boolean {
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
