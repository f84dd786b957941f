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

// Scratch for one table's code lengths and codes (at most 256 symbols).
const sizes = new Uint8Array(256);
const codes = new Int32Array(256);

// A table's arrays are views of a shared slab, never reused (fresh slabs are zeroed): a
// typed array with a buffer of its own costs microseconds to allocate, several times the
// building, and files with optimised Huffman coding bring new tables with every image.
const SLAB_BYTES = 1 << 15;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;
/** `bytes` (a multiple of 4) of zeros from the slab. */
function carve(bytes: number): number {
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += bytes;
  return at;
}
const NO_AC_FAST = new Int32Array(0);

/**
 * `raw` is a DHT table body: 16 counts, then the symbols; the table keeps it (as `values`),
 * so it must not change afterwards. Returns undefined for tables libjpeg rejects (over-full
 * code space, or all-ones codes) and, stricter than libjpeg, for symbols baseline 8-bit data
 * never needs (DC sizes over 11, AC sizes over 10): they keep coefficients in the range
 * where our arithmetic is exact.
 */
export function buildHuffmanTable(raw: Uint8Array, isDC: boolean): HuffmanTable | undefined {
  const n = raw.length - 16;
  let count = 0;
  for (let l = 1; l <= 16; l++) for (let i = raw[l - 1]; i > 0 && count < 256; i--) sizes[count++] = l;
  if (count !== n) return undefined;
  const values = raw.subarray(16);
  for (let p = 0; p < n; p++) if (isDC ? values[p] > 11 : (values[p] & 15) > 10) return undefined;

  // Canonical codes (JPEG Annex C): a code may not be all ones.
  let code = 0;
  let si = sizes[0];
  for (let p = 0; p < n; ) {
    while (p < n && sizes[p] === si) codes[p++] = code++;
    if (code >= 1 << si) return undefined;
    code <<= 1;
    si++;
  }

  // One carve for maxcode, valoffset, lookup and (AC) acFast.
  const at = carve(72 + 72 + 2 * (1 << LOOKAHEAD) + (isDC ? 0 : 4 << LOOKAHEAD));
  const maxcode = new Int32Array(slab, at, 18).fill(-1);
  const valoffset = new Int32Array(slab, at + 72, 18);
  for (let l = 1, p = 0; l <= 16; l++) {
    const k = raw[l - 1];
    if (k) {
      valoffset[l] = p - codes[p];
      p += k;
      maxcode[l] = codes[p - 1];
    }
  }
  maxcode[17] = 0xfffff; // ensures the slow loop ends

  // The short codes, each filling the lookahead entries that start with it; for AC tables
  // also with each pattern of value bits that fits in the lookahead (acFast).
  const lookup = new Uint16Array(slab, at + 144, 1 << LOOKAHEAD);
  const acFast = isDC ? NO_AC_FAST : new Int32Array(slab, at + 144 + (2 << LOOKAHEAD), 1 << LOOKAHEAD);
  for (let p = 0; p < n; p++) {
    const l = sizes[p];
    if (l > LOOKAHEAD) break;
    const sym = values[p];
    const shift = LOOKAHEAD - l;
    const first = codes[p] << shift;
    const entry = (l << 8) | sym;
    for (let i = first, end = first + (1 << shift); i < end; i++) lookup[i] = entry;
    const size = sym & 15;
    if (isDC || size === 0 || l + size > LOOKAHEAD) continue;
    const rest = shift - size; // lookahead bits after the value bits
    const run = (sym & 0xf0) << 4;
    for (let bits = 0; bits < 1 << size; bits++) {
      let v = bits;
      if (v < 1 << (size - 1)) v += 1 - (1 << size); // HUFF_EXTEND
      const fast = (v << 16) | run | (l + size);
      for (let i = first | (bits << rest), end = i + (1 << rest); i < end; i++) acFast[i] = fast;
    }
  }
  return { lookup, maxcode, valoffset, values, acFast };
}
