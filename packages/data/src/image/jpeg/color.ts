/**
 * YCbCr → RGB as libjpeg-turbo's ycc_rgb_convert (jdcolor.c build_ycc_rgb_table,
 * jdcolext.c): fixed point with SCALEBITS 16, Cr→R and Cb→B rounded on their own, the two
 * G terms summed (ONE_HALF folded in) before the shift, then range-limited to 0..255.
 * The tables are linear in Cb/Cr with exact integer entries, so computing the entries on
 * the fly gives the same numbers and saves the table loads.
 *
 * The common layouts (4:2:0 with fancy h2v2, 4:2:2 with fancy h2v1, 4:4:4) fuse the
 * upsampling into the conversion; the others upsample a row first (upsample.ts). Rows are
 * produced 4 pixels (3 little-endian words) at a time.
 */
import type { Header } from './markers.js';
import type { Planes } from './scan.js';
import { h1v2Fancy, h2Box } from './upsample.js';

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
// jdcolor.c's FIX(x): (JLONG)(x * 2^16 + 0.5)
const FIX = (x: number) => Math.floor(x * (1 << SCALEBITS) + 0.5);
const K_CR_R = FIX(1.402);
const K_CB_B = FIX(1.772);
const K_CR_G = FIX(0.71414);
const K_CB_G = FIX(0.34414);
// Cr_r_tab[cr] = (K_CR_R·(cr − 128) + ONE_HALF) >> 16, etc., with the −128 folded in.
const R_BIAS = ONE_HALF - 128 * K_CR_R;
const B_BIAS = ONE_HALF - 128 * K_CB_B;
const G_BIAS = ONE_HALF + 128 * (K_CR_G + K_CB_G);

/** One pixel, packed R | G << 8 | B << 16. */
function rgb(l: number, cb: number, cr: number): number {
  let r = l + ((K_CR_R * cr + R_BIAS) >> SCALEBITS);
  let g = l + ((G_BIAS - K_CB_G * cb - K_CR_G * cr) >> SCALEBITS);
  let b = l + ((K_CB_B * cb + B_BIAS) >> SCALEBITS);
  if ((r | g | b) & ~255) {
    r = r < 0 ? 0 : r > 255 ? 255 : r;
    g = g < 0 ? 0 : g > 255 ? 255 : g;
    b = b < 0 ? 0 : b > 255 ? 255 : b;
  }
  return r | (g << 8) | (b << 16);
}

/** 4:4:4 (or pre-upsampled) row: Y at y[yo], Cb at cb[bo], Cr at cr[ro]; `w` pixels rounded up to 4. */
function row444(y: Uint8Array, yo: number, cb: Uint8Array, bo: number, cr: Uint8Array, ro: number, w: number, out: Uint32Array, o: number): void {
  for (let x = 0; x < w; x += 4, o += 3) {
    const p0 = rgb(y[yo + x], cb[bo + x], cr[ro + x]);
    const p1 = rgb(y[yo + x + 1], cb[bo + x + 1], cr[ro + x + 1]);
    const p2 = rgb(y[yo + x + 2], cb[bo + x + 2], cr[ro + x + 2]);
    const p3 = rgb(y[yo + x + 3], cb[bo + x + 3], cr[ro + x + 3]);
    out[o] = p0 | (p1 << 24);
    out[o + 1] = (p1 >>> 8) | (p2 << 16);
    out[o + 2] = (p2 >>> 16) | (p3 << 8);
  }
}

/** A row whose chroma is 128 throughout: R = G = B = Y. `yo` is a multiple of 4. */
function grayRow(y32: Uint32Array, yo: number, w: number, out: Uint32Array, o: number): void {
  for (let i = yo >> 2, end = (yo + w + 3) >> 2; i < end; i++, o += 3) {
    const q = y32[i];
    const l0 = q & 255;
    const l1 = (q >>> 8) & 255;
    const l2 = (q >>> 16) & 255;
    const l3 = q >>> 24;
    out[o] = (l0 * 0x010101) | (l1 << 24);
    out[o + 1] = (l1 * 0x0101) | ((l2 * 0x0101) << 16);
    out[o + 2] = l2 | ((l3 * 0x010101) << 8);
  }
}

/**
 * 4:2:0 with h2v2_fancy_upsample fused in: chroma rows `o0` (nearer) and `o1` (further),
 * `dw` (> 2) chroma columns. Column sums s = 3·near + far; output pixel 2c takes
 * (3·s[c] + s[c−1] + 8) >> 4, pixel 2c+1 (3·s[c] + s[c+1] + 7) >> 4, where s[−1] = s[0] and
 * s[dw] = s[dw−1] reproduce libjpeg's first/last column cases exactly.
 */
function row420(y: Uint8Array, yo: number, cbp: Uint8Array, crp: Uint8Array, o0: number, o1: number, dw: number, w: number, out: Uint32Array, o: number): void {
  let bThis = cbp[o0] * 3 + cbp[o1];
  let rThis = crp[o0] * 3 + crp[o1];
  let bLast = bThis;
  let rLast = rThis;
  let bNext = cbp[o0 + 1] * 3 + cbp[o1 + 1];
  let rNext = crp[o0 + 1] * 3 + crp[o1 + 1];
  const lastCol = dw - 1;
  for (let c = 0, x = yo; 2 * c < w; c += 2, x += 4, o += 3) {
    const p0 = rgb(y[x], (bThis * 3 + bLast + 8) >> 4, (rThis * 3 + rLast + 8) >> 4);
    const p1 = rgb(y[x + 1], (bThis * 3 + bNext + 7) >> 4, (rThis * 3 + rNext + 7) >> 4);
    bLast = bThis;
    rLast = rThis;
    bThis = bNext;
    rThis = rNext;
    let n = c + 2 < lastCol ? c + 2 : lastCol;
    bNext = cbp[o0 + n] * 3 + cbp[o1 + n];
    rNext = crp[o0 + n] * 3 + crp[o1 + n];
    const p2 = rgb(y[x + 2], (bThis * 3 + bLast + 8) >> 4, (rThis * 3 + rLast + 8) >> 4);
    const p3 = rgb(y[x + 3], (bThis * 3 + bNext + 7) >> 4, (rThis * 3 + rNext + 7) >> 4);
    bLast = bThis;
    rLast = rThis;
    bThis = bNext;
    rThis = rNext;
    n = c + 3 < lastCol ? c + 3 : lastCol;
    bNext = cbp[o0 + n] * 3 + cbp[o1 + n];
    rNext = crp[o0 + n] * 3 + crp[o1 + n];
    out[o] = p0 | (p1 << 24);
    out[o + 1] = (p1 >>> 8) | (p2 << 16);
    out[o + 2] = (p2 >>> 16) | (p3 << 8);
  }
}

/**
 * 4:2:2 with h2v1_fancy_upsample fused in: pixel 2c takes (3·s[c] + s[c−1] + 1) >> 2,
 * pixel 2c+1 (3·s[c] + s[c+1] + 2) >> 2, with the same edge replication as above.
 */
function row422(y: Uint8Array, yo: number, cbp: Uint8Array, crp: Uint8Array, co: number, dw: number, w: number, out: Uint32Array, o: number): void {
  let bThis = cbp[co];
  let rThis = crp[co];
  let bLast = bThis;
  let rLast = rThis;
  let bNext = cbp[co + 1];
  let rNext = crp[co + 1];
  const lastCol = co + dw - 1;
  for (let c = co, x = yo; x - yo < w; c += 2, x += 4, o += 3) {
    const p0 = rgb(y[x], (bThis * 3 + bLast + 1) >> 2, (rThis * 3 + rLast + 1) >> 2);
    const p1 = rgb(y[x + 1], (bThis * 3 + bNext + 2) >> 2, (rThis * 3 + rNext + 2) >> 2);
    bLast = bThis;
    rLast = rThis;
    bThis = bNext;
    rThis = rNext;
    let n = c + 2 < lastCol ? c + 2 : lastCol;
    bNext = cbp[n];
    rNext = crp[n];
    const p2 = rgb(y[x + 2], (bThis * 3 + bLast + 1) >> 2, (rThis * 3 + rLast + 1) >> 2);
    const p3 = rgb(y[x + 3], (bThis * 3 + bNext + 2) >> 2, (rThis * 3 + rNext + 2) >> 2);
    bLast = bThis;
    rLast = rThis;
    bThis = bNext;
    rThis = rNext;
    n = c + 3 < lastCol ? c + 3 : lastCol;
    bNext = cbp[n];
    rNext = crp[n];
    out[o] = p0 | (p1 << 24);
    out[o + 1] = (p1 >>> 8) | (p2 << 16);
    out[o + 2] = (p2 >>> 16) | (p3 << 8);
  }
}

/**
 * Interleaved RGB into `out` (w·h·3 bytes, word-aligned) from the decoded planes of a
 * 3-component YCbCr image (little-endian hosts). Luma is at full size, Cb and Cr share
 * their sampling (markers.ts only accepts such files).
 */
export function yccToRgb(hdr: Header, planes: Planes, out: Uint8Array): Uint8Array {
  const { width: w, height: h, components: comps, maxH, maxV } = hdr;
  // Rows go straight into the output when they start on word boundaries, else through a
  // scratch row. Either way whole groups of 4 pixels are computed (the planes and scratch
  // rows have room), and only `w` of them are kept.
  const direct = w % 4 === 0;
  const words = Math.ceil(w / 4) * 3;
  const out32 = direct ? new Uint32Array(out.buffer, out.byteOffset, words * h) : new Uint32Array(words);
  const scratch8 = new Uint8Array(out32.buffer, 0, direct ? 0 : w * 3);

  const [yp, cbp, crp] = planes.data;
  const ys = planes.stride[0];
  const cs = planes.stride[1]; // Cb and Cr planes have the same geometry
  const y32 = planes.data32[0];
  const halfH = comps[1].h !== maxH;
  const halfV = comps[1].v !== maxV;
  const dw = Math.ceil((w * comps[1].h) / maxH); // downsampled_width
  const dh = Math.ceil((h * comps[1].v) / maxV); // downsampled_height
  const fancyH = halfH && dw > 2; // else the box filter
  const upCb = new Uint8Array(w + 16);
  const upCr = new Uint8Array(w + 16);
  const flatCb = planes.flat128[1];
  const flatCr = planes.flat128[2];

  for (let row = 0; row < h; row++) {
    const o = direct ? row * words : 0;
    const yo = row * ys;
    // Chroma rows feeding this output row: the nearer one and, for 2× vertical, the
    // further one (above for even rows, below for odd), edge rows standing in at the ends.
    const near = halfV ? row >> 1 : row;
    const far = !halfV ? row : row & 1 ? Math.min(near + 1, dh - 1) : Math.max(near - 1, 0);
    if (flatCb[near >> 3] & flatCb[far >> 3] & flatCr[near >> 3] & flatCr[far >> 3]) grayRow(y32, yo, w, out32, o);
    else if (!halfH && !halfV) row444(yp, yo, cbp, near * cs, crp, near * cs, w, out32, o);
    else if (fancyH && halfV) row420(yp, yo, cbp, crp, near * cs, far * cs, dw, w, out32, o);
    else if (fancyH) row422(yp, yo, cbp, crp, near * cs, dw, w, out32, o);
    else {
      if (halfV && !halfH) {
        h1v2Fancy(cbp, near * cs, far * cs, dw, row & 1 ? 2 : 1, upCb);
        h1v2Fancy(crp, near * cs, far * cs, dw, row & 1 ? 2 : 1, upCr);
      } else {
        // Narrow images (≤ 2 chroma columns): h2v1_upsample / h2v2_upsample replicate.
        h2Box(cbp, near * cs, w, upCb);
        h2Box(crp, near * cs, w, upCr);
      }
      row444(yp, yo, upCb, 0, upCr, 0, w, out32, o);
    }
    if (!direct) out.set(scratch8, row * w * 3);
  }
  return out;
}

/**
 * For picked image rows / columns, the chroma rows / columns they read, as yccToRgb picks
 * them: the nearer and the further one of the vertical (horizontal) filter — the same one
 * twice when that direction is not subsampled or is box-filtered. (The vertical box filter
 * of narrow 4:2:0 images reads only the nearer row; naming the further one too is harmless.)
 */
export interface ChromaTaps {
  rowNear: Int32Array;
  rowFar: Int32Array;
  colNear: Int32Array;
  colFar: Int32Array;
}

export function chromaTaps(hdr: Header, cols: Int32Array, rows: Int32Array): ChromaTaps {
  const { width: w, height: h, components: comps, maxH, maxV } = hdr;
  const halfH = comps[1].h !== maxH;
  const halfV = comps[1].v !== maxV;
  const dw = Math.ceil((w * comps[1].h) / maxH); // downsampled_width
  const dh = Math.ceil((h * comps[1].v) / maxV); // downsampled_height
  const taps = (idx: Int32Array, half: boolean, filtered: boolean, last: number): [Int32Array, Int32Array] => {
    const near = new Int32Array(idx.length);
    const far = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i];
      const n = half ? v >> 1 : v;
      near[i] = n;
      far[i] = !half || !filtered ? n : v & 1 ? Math.min(n + 1, last) : Math.max(n - 1, 0);
    }
    return [near, far];
  };
  const [rowNear, rowFar] = taps(rows, halfV, true, dh - 1);
  const [colNear, colFar] = taps(cols, halfH, dw > 2, dw - 1);
  return { rowNear, rowFar, colNear, colFar };
}

const FULL = 0;
const H2V2 = 1;
const H2V1 = 2;
const H1V2 = 3;
const REPLICATE = 4;

/**
 * yccToRgb at the picked pixels only: out[(y·W + x)·3 + k] is the full conversion's pixel
 * (rows[y], cols[x]) channel k, computed pointwise with the same upsampling filters,
 * rounding and edge rules (the fused row code above, upsample.ts), and the same gray
 * shortcut. Reads only the luma samples picked and the chroma samples `taps` names.
 */
export function yccToRgbPicked(hdr: Header, planes: Planes, cols: Int32Array, rows: Int32Array, taps: ChromaTaps, out: Uint8Array): Uint8Array {
  const { components: comps, maxH, maxV } = hdr;
  const W = cols.length;
  const H = rows.length;
  const [yp, cbp, crp] = planes.data;
  const ys = planes.stride[0];
  const cs = planes.stride[1];
  const halfH = comps[1].h !== maxH;
  const halfV = comps[1].v !== maxV;
  const dw = Math.ceil((hdr.width * comps[1].h) / maxH);
  const fancyH = halfH && dw > 2;
  const flatCb = planes.flat128[1];
  const flatCr = planes.flat128[2];
  const { colNear: cNear, colFar: cFar } = taps;
  // The chroma filter: one of the cases of the fused row code.
  const mode = !halfH && !halfV ? FULL : fancyH && halfV ? H2V2 : fancyH ? H2V1 : halfV && !halfH ? H1V2 : REPLICATE;

  let o = 0;
  for (let y = 0; y < H; y++) {
    const row = rows[y];
    if (y > 0 && row === rows[y - 1]) {
      // A repeated row (upscales): the same pixels again.
      out.copyWithin(o, o - 3 * W, o);
      o += 3 * W;
      continue;
    }
    const yo = row * ys;
    const near = taps.rowNear[y];
    const far = taps.rowFar[y];
    if (flatCb[near >> 3] & flatCb[far >> 3] & flatCr[near >> 3] & flatCr[far >> 3]) {
      for (let x = 0; x < W; x++, o += 3) out[o] = out[o + 1] = out[o + 2] = yp[yo + cols[x]];
      continue;
    }
    const no = near * cs;
    const fo = far * cs;
    const vBias = row & 1 ? 2 : 1; // h1v2: upper output row + 1, lower + 2
    for (let x = 0; x < W; x++, o += 3) {
      if (x > 0 && cols[x] === cols[x - 1]) {
        // A repeated column (upscales): the same pixel again.
        out[o] = out[o - 3];
        out[o + 1] = out[o - 2];
        out[o + 2] = out[o - 1];
        continue;
      }
      const c = halfH ? cNear[x] : cols[x]; // the chroma column (full-width chroma: the picked one)
      const n = cFar[x];
      let cb: number;
      let cr: number;
      switch (mode) {
        case FULL: // 4:4:4
          cb = cbp[no + c];
          cr = crp[no + c];
          break;
        case H2V2: {
          // column sums s = 3·near row + far row, then 3·s[c] + s[c'] + 8 (even output
          // columns) or + 7 (odd), >> 4
          const bias = 8 - (cols[x] & 1);
          cb = ((cbp[no + c] * 3 + cbp[fo + c]) * 3 + cbp[no + n] * 3 + cbp[fo + n] + bias) >> 4;
          cr = ((crp[no + c] * 3 + crp[fo + c]) * 3 + crp[no + n] * 3 + crp[fo + n] + bias) >> 4;
          break;
        }
        case H2V1: {
          // 3·s[c] + s[c'] + 1 (even) or + 2 (odd), >> 2
          const bias = 1 + (cols[x] & 1);
          cb = (cbp[no + c] * 3 + cbp[no + n] + bias) >> 2;
          cr = (crp[no + c] * 3 + crp[no + n] + bias) >> 2;
          break;
        }
        case H1V2: // 4:4:0: 3·near + far + 1 (upper output row) or + 2 (lower), >> 2
          cb = (cbp[no + c] * 3 + cbp[fo + c] + vBias) >> 2;
          cr = (crp[no + c] * 3 + crp[fo + c] + vBias) >> 2;
          break;
        default: // narrow images (≤ 2 chroma columns): h2v1_upsample / h2v2_upsample replicate
          cb = cbp[no + c];
          cr = crp[no + c];
      }
      const p = rgb(yp[yo + cols[x]], cb, cr);
      out[o] = p;
      out[o + 1] = p >> 8;
      out[o + 2] = p >> 16;
    }
  }
  return out;
}
