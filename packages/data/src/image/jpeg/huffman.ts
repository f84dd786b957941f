/**
 * Huffman decoding tables, built as libjpeg's jpeg_make_d_derived_tbl (jdhuff.c) does:
 * a 9-bit lookahead table for the short (common) codes, maxcode/valoffset per length for
 * the rest.
 */

export const LOOKAHEAD = 9;

export interface HuffmanTable {
  /** Indexed by the next 9 bits: (code length << 8) | symbol, or 0 when the code is longer. */
  lookup: Uint16Array;
  /** Largest code of each length 1..16 (-1: none); [17] is a sentinel. */
  maxcode: Int32Array;
  /** symbol = values[code + valoffset[length]]. */
  valoffset: Int32Array;
  values: Uint8Array;
  /**
   * AC tables: indexed by the next 9 bits when they hold a whole code plus its value bits
   * (stb_image's trick): value << 16 | run << 8 | bits used; 0 otherwise (or for EOB/ZRL).
   */
  acFast: Int32Array;
}

/**
 * `raw` is a DHT table body: 16 counts, then the symbols. Returns undefined for tables
 * libjpeg rejects (over-full code space, or all-ones codes) and, stricter than libjpeg, for
 * symbols baseline 8-bit data never needs (DC sizes over 11, AC sizes over 10): they keep
 * coefficients in the range where our arithmetic is exact.
 */
export function buildHuffmanTable(raw: Uint8Array, isDC: boolean): HuffmanTable | undefined {
  const counts = raw.subarray(0, 16);
  const values = raw.slice(16);
  const sizes: number[] = [];
  for (let l = 1; l <= 16; l++) for (let i = 0; i < counts[l - 1]; i++) sizes.push(l);
  if (sizes.length !== values.length) return undefined;
  for (const sym of values) if (isDC ? sym > 11 : (sym & 15) > 10) return undefined;

  // Canonical codes (JPEG Annex C): a code may not be all ones.
  const codes = new Int32Array(sizes.length);
  let code = 0;
  let si = sizes[0];
  for (let p = 0; p < sizes.length; ) {
    while (p < sizes.length && sizes[p] === si) codes[p++] = code++;
    if (code >= 1 << si) return undefined;
    code <<= 1;
    si++;
  }

  const maxcode = new Int32Array(18).fill(-1);
  const valoffset = new Int32Array(18);
  for (let l = 1, p = 0; l <= 16; l++) {
    const n = counts[l - 1];
    if (n) {
      valoffset[l] = p - codes[p];
      p += n;
      maxcode[l] = codes[p - 1];
    }
  }
  maxcode[17] = 0xfffff; // ensures the slow loop ends

  const lookup = new Uint16Array(1 << LOOKAHEAD);
  for (let p = 0; p < sizes.length; p++) {
    const l = sizes[p];
    if (l > LOOKAHEAD) break;
    const shift = LOOKAHEAD - l;
    const first = codes[p] << shift;
    lookup.fill((l << 8) | values[p], first, first + (1 << shift));
  }
  const acFast = new Int32Array(isDC ? 0 : 1 << LOOKAHEAD);
  if (!isDC)
    for (let peek = 0; peek < 1 << LOOKAHEAD; peek++) {
      const look = lookup[peek];
      if (look === 0) continue;
      const l = look >> 8;
      const size = look & 15;
      if (size === 0 || l + size > LOOKAHEAD) continue;
      let v = (peek >> (LOOKAHEAD - l - size)) & ((1 << size) - 1);
      if (v < 1 << (size - 1)) v += 1 - (1 << size); // HUFF_EXTEND
      acFast[peek] = (v << 16) | ((look & 0xf0) << 4) | (l + size);
    }
  return { lookup, maxcode, valoffset, values, acFast };
}
