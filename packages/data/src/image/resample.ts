/**
 * Resizing exactly as Pillow does it, so `loadImg(path, { targetSize })` gives the same
 * pixels as `keras.utils.load_img` (which calls PIL's `Image.resize`).
 *
 * - 'nearest' is Pillow's ImagingScaleAffine: source positions tabulated by adding the
 *   scale step to `box0 + scale / 2` (pixel centres), truncated.
 * - The other filters are Pillow's two-pass convolution (Resample.c): per output pixel a
 *   window of source pixels weighted by the filter stretched by the scale when shrinking
 *   (antialiasing), the weights normalised, then quantised to 22-bit fixed point; one pass
 *   along rows, then one along columns, each rounded to 8 bits.
 * - RGBA is premultiplied before a filtered resize and unpremultiplied after, like PIL
 *   (convert to 'RGBa' and back).
 *
 * libvips (sharp) samples differently when enlarging and uses other kernels, so sharp's
 * resize is not used here. Worker-safe: imports nothing from core.
 */
import { horizontalPassWasm, verticalPassWasm } from './wasm/index.js';
import type { Interpolation } from './img.js';

/** A crop box in source pixels: [left, top, right, bottom] (PIL's `box`). */
export type Box = [number, number, number, number];

interface Filter {
  support: number;
  fn: (x: number) => number;
}

const sinc = (x: number): number => {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
};

const FILTERS: Record<Exclude<Interpolation, 'nearest'>, Filter> = {
  box: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    support: 1,
    fn: (x) => {
      if (x < 0) x = -x;
      return x < 1 ? 1 - x : 0;
    },
  },
  hamming: {
    support: 1,
    fn: (x) => {
      if (x < 0) x = -x;
      if (x === 0) return 1;
      if (x >= 1) return 0;
      x *= Math.PI;
      return (Math.sin(x) / x) * (0.54 + 0.46 * Math.cos(x));
    },
  },
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      if (x < 0) x = -x;
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

interface Coeffs {
  ksize: number;
  /** [xmin, count] per output pixel. */
  bounds: Int32Array;
  /** Fixed-point weights, ksize per output pixel. */
  kk: Int32Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc. */
function precomputeCoeffs(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coeffs {
  const scale = (in1 - in0) / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    let ww = 0;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    for (let x = 0; x < xmax; x++) {
      const w = filter.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      let v = x < xmax ? k[x] : 0;
      if (x < xmax && ww !== 0) v /= ww;
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

const clip8 = (v: number): number => {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
};

/** Horizontal pass over rows [yFirst, yFirst + rows). */
function resampleHorizontal(src: Uint8Array, srcWidth: number, c: number, yFirst: number, rows: number, outWidth: number, co: Coeffs): Uint8Array {
  const out = new Uint8Array(outWidth * rows * c);
  const { ksize, bounds, kk } = co;
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + yFirst) * srcWidth * c;
    let o = y * outWidth * c;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = bounds[xx * 2];
      const xmax = bounds[xx * 2 + 1];
      const kOff = xx * ksize;
      let p = rowIn + xmin * c;
      if (c === 3) {
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0; x < xmax; x++, p += 3) {
          const k = kk[kOff + x];
          s0 += src[p] * k;
          s1 += src[p + 1] * k;
          s2 += src[p + 2] * k;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      } else if (c === 1) {
        let s0 = HALF;
        for (let x = 0; x < xmax; x++) s0 += src[p + x] * kk[kOff + x];
        out[o++] = clip8(s0);
      } else {
        for (let ch = 0; ch < c; ch++) {
          let ss = HALF;
          let q = p + ch;
          for (let x = 0; x < xmax; x++, q += c) ss += src[q] * kk[kOff + x];
          out[o++] = clip8(ss);
        }
      }
    }
  }
  return out;
}

/** Vertical pass; `bounds` rows are relative to the first row of `src`. Rows are accumulated whole (sequential memory). */
function resampleVertical(src: Uint8Array, width: number, c: number, outHeight: number, co: Coeffs, yShift: number): Uint8Array {
  const out = new Uint8Array(width * outHeight * c);
  const { ksize, bounds, kk } = co;
  const stride = width * c;
  const acc = new Float64Array(stride);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2] - yShift;
    const ymax = bounds[yy * 2 + 1];
    const kOff = yy * ksize;
    acc.fill(HALF);
    for (let y = 0; y < ymax; y++) {
      const k = kk[kOff + y];
      if (k === 0) continue;
      const row = (ymin + y) * stride;
      for (let i = 0; i < stride; i++) acc[i] += src[row + i] * k;
    }
    const rowOut = yy * stride;
    for (let i = 0; i < stride; i++) out[rowOut + i] = clip8(acc[i]);
  }
  return out;
}

/** Pillow's ImagingResampleInner for 8-bit images. */
function resampleFiltered(src: Uint8Array, w: number, h: number, c: number, outW: number, outH: number, box: Box, filter: Filter): Uint8Array {
  const needH = outW !== w || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== h || box[1] !== 0 || box[3] !== outH;
  const horiz = precomputeCoeffs(w, box[0], box[2], outW, filter);
  const vert = precomputeCoeffs(h, box[1], box[3], outH, filter);
  const yFirst = vert.bounds[0];
  const yLast = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
  let data = src;
  let width = w;
  let yShift = 0;
  // WebAssembly SIMD passes (the same integers) where available; JavaScript otherwise.
  if (needH) {
    data = horizontalPassWasm(src, w, c, yFirst, yLast - yFirst, outW, horiz) ?? resampleHorizontal(src, w, c, yFirst, yLast - yFirst, outW, horiz);
    width = outW;
    yShift = yFirst;
  }
  if (needV) return verticalPassWasm(data, width, c, outH, vert, yShift) ?? resampleVertical(data, width, c, outH, vert, yShift);
  return data === src ? src.slice() : data;
}

/**
 * The source pixels Pillow's ImagingScaleAffine (NEAREST) reads: accumulated positions,
 * truncated, clamped. `cols[x]` / `rows[y]` for each output column / row.
 */
export function nearestIndices(w: number, h: number, outW: number, outH: number, box: Box = [0, 0, w, h]): { cols: Int32Array; rows: Int32Array } {
  const axis = (from: number, to: number, n: number, len: number): Int32Array => {
    const a = (to - from) / n;
    const idx = new Int32Array(n);
    let pos = from + a * 0.5;
    for (let i = 0; i < n; i++) {
      idx[i] = Math.min(Math.max(pos < 0 ? -1 : Math.trunc(pos), 0), len - 1);
      pos += a;
    }
    return idx;
  };
  return { cols: axis(box[0], box[2], outW, w), rows: axis(box[1], box[3], outH, h) };
}

/** Pillow's ImagingScaleAffine (NEAREST): the pixels nearestIndices names. */
function resampleNearest(src: Uint8Array, w: number, h: number, c: number, outW: number, outH: number, box: Box): Uint8Array {
  const { cols: xin, rows: yin } = nearestIndices(w, h, outW, outH, box);
  const out = new Uint8Array(outW * outH * c);
  for (let y = 0; y < outH; y++) {
    const rowIn = yin[y] * w * c;
    let o = y * outW * c;
    if (c === 1) {
      for (let x = 0; x < outW; x++) out[o++] = src[rowIn + xin[x]];
    } else if (c === 3) {
      for (let x = 0; x < outW; x++) {
        const p = rowIn + xin[x] * 3;
        out[o++] = src[p];
        out[o++] = src[p + 1];
        out[o++] = src[p + 2];
      }
    } else {
      for (let x = 0; x < outW; x++) {
        const p = rowIn + xin[x] * c;
        for (let ch = 0; ch < c; ch++) out[o++] = src[p + ch];
      }
    }
  }
  return out;
}

/** PIL's RGBA → RGBa (premultiplied alpha), in place on a copy. */
function premultiply(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3];
    for (let ch = 0; ch < 3; ch++) {
      const t = src[i + ch] * a + 128;
      out[i + ch] = ((t >> 8) + t) >> 8;
    }
    out[i + 3] = a;
  }
  return out;
}

/** PIL's RGBa → RGBA, in place. */
function unpremultiply(data: Uint8Array): Uint8Array {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3];
    if (a === 0 || a === 255) continue;
    for (let ch = 0; ch < 3; ch++) data[i + ch] = Math.min(255, Math.floor((255 * data[i + ch]) / a));
  }
  return data;
}

/**
 * Resizes interleaved 8-bit pixels (`c` channels; 4 means RGBA) to outW × outH like PIL's
 * `Image.resize((outW, outH), resample, box)`. `box` defaults to the whole image.
 */
export function resizePixels(
  src: Uint8Array,
  w: number,
  h: number,
  c: number,
  outW: number,
  outH: number,
  interpolation: Interpolation,
  box: Box = [0, 0, w, h],
): Uint8Array {
  if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1)
    throw new RangeError(`resize: target size must be positive integers, got ${outH}×${outW}`);
  if (outW === w && outH === h && box[0] === 0 && box[1] === 0 && box[2] === w && box[3] === h) return src.slice();
  if (interpolation === 'nearest') return resampleNearest(src, w, h, c, outW, outH, box);
  const filter = FILTERS[interpolation];
  if (!filter) throw new RangeError(`resize: unknown interpolation '${interpolation}'`);
  if (c === 4) return unpremultiply(resampleFiltered(premultiply(src), w, h, c, outW, outH, box, filter));
  return resampleFiltered(src, w, h, c, outW, outH, box, filter);
}

/**
 * Keras' keep_aspect_ratio crop (load_img): the largest centred box with the target's
 * aspect ratio, in integer pixels, exactly as keras.utils.load_img computes it.
 */
export function aspectCropBox(width: number, height: number, targetWidth: number, targetHeight: number): Box {
  let cropHeight = Math.floor((width * targetHeight) / targetWidth);
  let cropWidth = Math.floor((height * targetWidth) / targetHeight);
  cropHeight = Math.min(height, cropHeight);
  cropWidth = Math.min(width, cropWidth);
  const hStart = Math.floor((height - cropHeight) / 2);
  const wStart = Math.floor((width - cropWidth) / 2);
  return [wStart, hStart, wStart + cropWidth, hStart + cropHeight];
}
