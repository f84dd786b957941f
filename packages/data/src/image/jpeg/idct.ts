/**
 * libjpeg-turbo's accurate integer IDCT (jidctint.c jpeg_idct_islow, 8-bit: CONST_BITS 13,
 * PASS1_BITS 2), including its all-zero-AC shortcuts, which give the same numbers as the
 * full computation. The coefficients arrive already dequantized (coef × quant, as the
 * C code's DEQUANTIZE).
 *
 * The C code and the SIMD versions that libjpeg-turbo actually runs (jidctint-avx2.asm,
 * -sse2, -neon) agree only while the intermediates stay in range: SIMD dequantizes and
 * forms the sums in0 ± in4, in7 + in3, in5 + in1 of each pass in 16-bit lanes and
 * saturates its outputs, where C keeps 32 bits and wraps its range-limit index
 * (value & 1023). Genuine 8-bit images stay far inside, and so must we:
 *  - idctBlock takes blocks with DC within ±1024 and AC within ±256: then pass 1 stays
 *    within ±(4096 + 256 · 53021 / 2048) = ±10724, so every such sum fits 16 bits;
 *  - others go through idctBlockChecked: coefficients within ±8191, pass 1 within ±16383;
 *  - every output value must lie in [-512, 511], where C's wrapped table and SIMD's
 *    saturation agree.
 * Otherwise the caller gives the file to sharp.
 */

// FIX(x) = round(x · 2^13)
const F_0_298631336 = 2446;
const F_0_390180644 = 3196;
const F_0_541196100 = 4433;
const F_0_765366865 = 6270;
const F_0_899976223 = 7373;
const F_1_175875602 = 9633;
const F_1_501321110 = 12299;
const F_1_847759065 = 15137;
const F_1_961570560 = 16069;
const F_2_053119869 = 16819;
const F_2_562915447 = 20995;
const F_3_072711026 = 25172;

const ws = new Int32Array(64);

/*
 * Every step is exact integer arithmetic until the final shifts, so the 1-D transform is
 * exactly a linear map with integer weights: sparse inputs may skip their zero terms and
 * still give the very same sums. The weights of inputs 1..3 on outputs 0..7, expanded from
 * the constants above (e.g. input 1 on output 0: 12299 - 7373 - 3196 + 9633 = 11363):
 *   input 1, odd part t3 t2 t1 t0:  11363  9633   6437   2260
 *   input 2, even part (t10 / t11): 10703  4433
 *   input 3, odd part t3 t2 t1 t0:   9633 -2259 -11362  -6436
 */
// (Kept positive, with the signs in the code: a zero times a negative constant is -0 in
// JS, which would push V8 off its integer fast path.)
const W1_3 = F_1_501321110 - F_0_899976223 - F_0_390180644 + F_1_175875602; // 11363
const W1_1 = F_1_175875602; // 9633
const W1_2 = F_1_175875602 - F_0_390180644; // 6437
const W1_0 = F_1_175875602 - F_0_899976223; // 2260
const W2_0 = F_0_541196100 + F_0_765366865; // 10703
const W2_1 = F_0_541196100; // 4433
const W3_3 = F_1_175875602; // 9633
const W3_2 = -(F_3_072711026 - F_2_562915447 - F_1_961570560 + F_1_175875602); // −(−2259)
const W3_1 = F_2_562915447 - F_1_175875602; // −(−11362)
const W3_0 = F_1_961570560 - F_1_175875602; // −(−6436)

/**
 * Column pass (pass 1) of `blk` (natural order, dequantized) into the workspace, for the
 * first `cols` columns; rows past `rowMax` are known to be zero.
 */
function pass1(blk: Int32Array, cols: number, rowMax: number): void {
  for (let c = 0; c < cols; c++) {
    const d0 = blk[c];
    const d1 = blk[8 + c];
    const d2 = blk[16 + c];
    const d3 = blk[24 + c];
    let t10: number, t11: number, t12: number, t13: number, t0: number, t1: number, t2: number, t3: number;
    if (rowMax <= 3) {
      if ((d1 | d2 | d3) === 0) {
        const dc = d0 * 4; // AC terms all zero: the column is its DC, scaled by PASS1_BITS
        ws[c] = dc;
        ws[8 + c] = dc;
        ws[16 + c] = dc;
        ws[24 + c] = dc;
        ws[32 + c] = dc;
        ws[40 + c] = dc;
        ws[48 + c] = dc;
        ws[56 + c] = dc;
        continue;
      }
      const e = d0 * 8192;
      t10 = e + d2 * W2_0;
      t13 = e - d2 * W2_0;
      t11 = e + d2 * W2_1;
      t12 = e - d2 * W2_1;
      t3 = d1 * W1_3 + d3 * W3_3;
      t2 = d1 * W1_1 - d3 * W3_2;
      t1 = d1 * W1_2 - d3 * W3_1;
      t0 = d1 * W1_0 - d3 * W3_0;
    } else {
      const d4 = blk[32 + c];
      const d5 = blk[40 + c];
      const d6 = blk[48 + c];
      const d7 = blk[56 + c];
      if ((d1 | d2 | d3 | d4 | d5 | d6 | d7) === 0) {
        const dc = d0 * 4;
        ws[c] = dc;
        ws[8 + c] = dc;
        ws[16 + c] = dc;
        ws[24 + c] = dc;
        ws[32 + c] = dc;
        ws[40 + c] = dc;
        ws[48 + c] = dc;
        ws[56 + c] = dc;
        continue;
      }
      // Even part.
      const z1 = (d2 + d6) * F_0_541196100;
      const e2 = z1 - d6 * F_1_847759065;
      const e3 = z1 + d2 * F_0_765366865;
      const e0 = (d0 + d4) * 8192;
      const e1 = (d0 - d4) * 8192;
      t10 = e0 + e3;
      t13 = e0 - e3;
      t11 = e1 + e2;
      t12 = e1 - e2;
      // Odd part.
      const z5 = (d7 + d3 + d5 + d1) * F_1_175875602;
      const o3 = z5 - (d7 + d3) * F_1_961570560;
      const o4 = z5 - (d5 + d1) * F_0_390180644;
      const m1 = (d7 + d1) * F_0_899976223;
      const m2 = (d5 + d3) * F_2_562915447;
      t0 = d7 * F_0_298631336 - m1 + o3;
      t1 = d5 * F_2_053119869 - m2 + o4;
      t2 = d3 * F_3_072711026 - m2 + o3;
      t3 = d1 * F_1_501321110 - m1 + o4;
    }
    // DESCALE by CONST_BITS - PASS1_BITS = 11.
    ws[c] = (t10 + t3 + 1024) >> 11;
    ws[56 + c] = (t10 - t3 + 1024) >> 11;
    ws[8 + c] = (t11 + t2 + 1024) >> 11;
    ws[48 + c] = (t11 - t2 + 1024) >> 11;
    ws[16 + c] = (t12 + t1 + 1024) >> 11;
    ws[40 + c] = (t12 - t1 + 1024) >> 11;
    ws[24 + c] = (t13 + t0 + 1024) >> 11;
    ws[32 + c] = (t13 - t0 + 1024) >> 11;
  }
}

// Rounding for DESCALE by 18 (CONST_BITS + PASS1_BITS + 3), plus the +128 level shift.
const ROUND2 = (1 << 17) + (128 << 18);
// The same for the DC-only row shortcut, DESCALE by 5 (PASS1_BITS + 3).
const ROUND2_DC = 16 + (128 << 5);

/**
 * Range limit for samples u = value + 128 outside 0..255, indexed by u + 384: valid for
 * values in [-512, 511], where libjpeg's table (indexed value & 1023) and SIMD's
 * saturation agree; the caller checks that range (bits above 1023 of u + 384).
 */
const LIMIT = new Uint8Array(1024);
for (let i = 0; i < 1024; i++) LIMIT[i] = Math.min(255, Math.max(0, i - 384));

/**
 * Row pass (pass 2) from the workspace into 8×8 samples at byte offset `off` (a multiple
 * of 4) of the plane viewed as words, rows `stride` bytes apart; workspace columns past
 * `colMax` are known to be zero (and are not read when colMax < 4). Only the rows whose
 * bit is set in `rows` are computed (and written). Returns the range check: bits above
 * 1023 set when some value was outside [-512, 511].
 */
function pass2(out: Uint32Array, off: number, stride: number, colMax: number, rows: number): number {
  let check = 0;
  const step = stride >> 2;
  for (let r = 0, o = off >> 2; r < 64; r += 8, o += step) {
    if (((rows >> (r >> 3)) & 1) === 0) continue;
    const w0 = ws[r];
    const w1 = colMax > 0 ? ws[r + 1] : 0;
    const w2 = colMax > 1 ? ws[r + 2] : 0;
    const w3 = colMax > 2 ? ws[r + 3] : 0;
    let t10: number, t11: number, t12: number, t13: number, t0: number, t1: number, t2: number, t3: number;
    if (colMax <= 3 || (w1 | w2 | w3 | ws[r + 4] | ws[r + 5] | ws[r + 6] | ws[r + 7]) === 0) {
      if ((w1 | w2 | w3) === 0) {
        // AC terms all zero: one value for the row.
        let u = (w0 + ROUND2_DC) >> 5;
        if (u & ~255) {
          check |= u + 384;
          u = LIMIT[(u + 384) & 1023];
        }
        out[o] = out[o + 1] = u | (u << 8) | (u << 16) | (u << 24);
        continue;
      }
      const e = w0 * 8192 + ROUND2;
      t10 = e + w2 * W2_0;
      t13 = e - w2 * W2_0;
      t11 = e + w2 * W2_1;
      t12 = e - w2 * W2_1;
      t3 = w1 * W1_3 + w3 * W3_3;
      t2 = w1 * W1_1 - w3 * W3_2;
      t1 = w1 * W1_2 - w3 * W3_1;
      t0 = w1 * W1_0 - w3 * W3_0;
    } else {
      const w4 = ws[r + 4];
      const w5 = ws[r + 5];
      const w6 = ws[r + 6];
      const w7 = ws[r + 7];
      const z1 = (w2 + w6) * F_0_541196100;
      const e2 = z1 - w6 * F_1_847759065;
      const e3 = z1 + w2 * F_0_765366865;
      const e0 = (w0 + w4) * 8192 + ROUND2;
      const e1 = (w0 - w4) * 8192 + ROUND2;
      t10 = e0 + e3;
      t13 = e0 - e3;
      t11 = e1 + e2;
      t12 = e1 - e2;
      const z5 = (w7 + w3 + w5 + w1) * F_1_175875602;
      const o3 = z5 - (w7 + w3) * F_1_961570560;
      const o4 = z5 - (w5 + w1) * F_0_390180644;
      const m1 = (w7 + w1) * F_0_899976223;
      const m2 = (w5 + w3) * F_2_562915447;
      t0 = w7 * F_0_298631336 - m1 + o3;
      t1 = w5 * F_2_053119869 - m2 + o4;
      t2 = w3 * F_3_072711026 - m2 + o3;
      t3 = w1 * F_1_501321110 - m1 + o4;
    }
    let u0 = (t10 + t3) >> 18;
    let u7 = (t10 - t3) >> 18;
    let u1 = (t11 + t2) >> 18;
    let u6 = (t11 - t2) >> 18;
    let u2 = (t12 + t1) >> 18;
    let u5 = (t12 - t1) >> 18;
    let u3 = (t13 + t0) >> 18;
    let u4 = (t13 - t0) >> 18;
    if ((u0 | u1 | u2 | u3 | u4 | u5 | u6 | u7) & ~255) {
      u0 += 384;
      u1 += 384;
      u2 += 384;
      u3 += 384;
      u4 += 384;
      u5 += 384;
      u6 += 384;
      u7 += 384;
      check |= u0 | u1 | u2 | u3 | u4 | u5 | u6 | u7;
      u0 = LIMIT[u0 & 1023];
      u1 = LIMIT[u1 & 1023];
      u2 = LIMIT[u2 & 1023];
      u3 = LIMIT[u3 & 1023];
      u4 = LIMIT[u4 & 1023];
      u5 = LIMIT[u5 & 1023];
      u6 = LIMIT[u6 & 1023];
      u7 = LIMIT[u7 & 1023];
    }
    out[o] = u0 | (u1 << 8) | (u2 << 16) | (u3 << 24);
    out[o + 1] = u4 | (u5 << 8) | (u6 << 16) | (u7 << 24);
  }
  return check;
}

/**
 * IDCT of a block whose DC is within ±1024 and AC within ±256 (see the top), nonzero only
 * in rows ≤ rowMax and columns ≤ colMax, into the plane `out` (as words) at byte offset
 * `off`. Returns false when the result is not certain (an output out of range).
 */
export function idctBlock(blk: Int32Array, out: Uint32Array, off: number, stride: number, rowMax: number, colMax: number): boolean {
  pass1(blk, colMax > 3 ? 8 : colMax + 1, rowMax);
  return (pass2(out, off, stride, colMax, 255) & ~1023) === 0;
}

/**
 * idctBlock for only some output rows (bit r of `rows`: row r; 255 for all), for a block
 * whose coefficients are small enough that no check can fail (see SUM_ABS_CERTAIN): then
 * the sparse IDCT is exact whatever the block's DC and AC. The other rows of the plane are
 * not written.
 */
export function idctBlockRows(blk: Int32Array, out: Uint32Array, off: number, stride: number, rowMax: number, colMax: number, rows: number): boolean {
  pass1(blk, colMax > 3 ? 8 : colMax + 1, rowMax);
  return (pass2(out, off, stride, colMax, rows) & ~1023) === 0;
}

/*
 * When may rows nobody reads go uncomputed? Their checks must still pass, else the full
 * decode would have declined the file. Both passes are linear maps with integer weights of
 * magnitude at most M = 11363 (input 1 on output 0, input 7 on output 0, …; the DC weight
 * is 8192), followed by a rounding shift. With S the sum of the block's |dequantized
 * coefficients| (column c's share S_c):
 *   pass 1: |ws[r][c]| ≤ M·S_c / 2^11 + 1/2,  so  Σ_c |ws[r][c]| ≤ M·S / 2^11 + 4;
 *   pass 2: |value| ≤ M·Σ_c |ws[r][c]| / 2^18 + 1/2.
 * So every value is within ±511 (inside [-512, 511]) when M·(M·S/2^11 + 4) ≤ 510.5·2^18,
 * i.e. S ≤ 2121; then also every coefficient is within ±8191 and pass 1 within ±11768, so
 * such a block passes idctBlockChecked's checks too, and the 16-bit SIMD sums cannot
 * overflow: the block is certain, normal or not, in every row.
 */
const M = W1_3;
export const SUM_ABS_CERTAIN = Math.floor((((510.5 * 2 ** 18) / M - 4) * 2 ** 11) / M);

/**
 * The same for blocks with bigger coefficients: only when every coefficient is within
 * ±8191 and pass 1 stays within ±16383 (so that the 16-bit sums of both passes cannot
 * overflow) is the result certain.
 */
export function idctBlockChecked(blk: Int32Array, out: Uint32Array, off: number, stride: number): boolean {
  for (let i = 0; i < 64; i++) if (blk[i] > 8191 || blk[i] < -8191) return false;
  pass1(blk, 8, 7);
  for (let i = 0; i < 64; i++) if (ws[i] > 16383 || ws[i] < -16383) return false;
  return (pass2(out, off, stride, 7, 255) & ~1023) === 0;
}
