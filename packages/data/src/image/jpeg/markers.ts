/**
 * JPEG marker parsing up to the (single) scan, with libjpeg-turbo's rules (jdmarker.c,
 * jdapimin.c default_decompress_parms). Anything libjpeg would reject, only warn about, or
 * that the fast path does not do returns undefined: the caller then hands the file to sharp.
 */
import { buildHuffmanTable, type HuffmanTable } from './huffman.js';

export interface Component {
  id: number;
  h: number;
  v: number;
  /** Quantization table slot (Tq). */
  tq: number;
}

export interface ScanComponent {
  /** Index into Header.components (frame order, which is the colour order; also the scan's). */
  index: number;
  dc: HuffmanTable;
  ac: HuffmanTable;
  /** Quantization values in zigzag (file) order, latched at SOS as libjpeg does. */
  quant: Int32Array;
}

export interface Header {
  width: number;
  height: number;
  components: Component[];
  maxH: number;
  maxV: number;
  restartInterval: number;
  /** Scan components in SOS order (the MCU block order). */
  scan: ScanComponent[];
  /** Offset of the first entropy-coded byte. */
  dataStart: number;
}

/** libjpeg's zigzag → natural order map (jpeg_natural_order). */
export const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

// sharp's default limitInputPixels (0x3FFF²): bigger images are sharp's to refuse.
const MAX_PIXELS = 0x3fff * 0x3fff;

const ascii = (b: Uint8Array, o: number, s: string) => {
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
};

/**
 * Parses SOI … SOS. Returns undefined for anything outside the fast path (see index.ts).
 * With autoOrient, an EXIF orientation other than 1 (or EXIF we cannot read) also
 * returns undefined, as sharp would rotate.
 */
export function parseHeader(bytes: Uint8Array, autoOrient: boolean): Header | undefined {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const quant: (Int32Array | undefined)[] = [undefined, undefined, undefined, undefined];
  // Where each slot's DHT contents (16 counts, then the symbols) are in `bytes` (-1: none);
  // tables are built (or found in the cache) for those a scan uses.
  const dcAt = [-1, -1, -1, -1];
  const acAt = [-1, -1, -1, -1];
  let components: Component[] | undefined;
  let width = 0;
  let height = 0;
  let restartInterval = 0;
  let jfif = false;
  let adobe = false;
  let adobeTransform = -1;
  let exifSeen = false;
  let p = 2;
  for (;;) {
    // next_marker: the byte after a segment must be 0xFF (anything else is "extraneous
    // data", a libjpeg warning); fill 0xFFs may follow.
    if (p >= n || bytes[p] !== 0xff) return undefined;
    while (p < n && bytes[p] === 0xff) p++;
    if (p >= n) return undefined;
    const marker = bytes[p++];
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) return undefined;
    if (p + 2 > n) return undefined;
    const length = (bytes[p] << 8) | bytes[p + 1];
    if (length < 2 || p + length > n) return undefined;
    const s = p + 2; // segment data
    const end = p + length;
    p = end;
    switch (marker) {
      case 0xc0: // SOF0 baseline
      case 0xc1: {
        // SOF1 extended sequential, Huffman
        if (components) return undefined; // duplicate SOF: libjpeg error
        if (length < 8) return undefined;
        const precision = bytes[s];
        height = (bytes[s + 1] << 8) | bytes[s + 2];
        width = (bytes[s + 3] << 8) | bytes[s + 4];
        const nc = bytes[s + 5];
        if (precision !== 8 || width === 0 || height === 0 || (nc !== 1 && nc !== 3)) return undefined;
        if (length !== 8 + 3 * nc) return undefined;
        if (width > 65500 || height > 65500 || width * height > MAX_PIXELS) return undefined;
        components = [];
        for (let i = 0; i < nc; i++) {
          const o = s + 6 + 3 * i;
          const c: Component = { id: bytes[o], h: bytes[o + 1] >> 4, v: bytes[o + 1] & 15, tq: bytes[o + 2] };
          if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3) return undefined;
          if (components.some((d) => d.id === c.id)) return undefined;
          components.push(c);
        }
        break;
      }
      case 0xc4: {
        // DHT: one or more tables; the segment must be used up exactly.
        let q = s;
        while (q < end) {
          if (q + 17 > end) return undefined;
          const index = bytes[q];
          const slot = index & 0x0f;
          if ((index & 0xe0) !== 0 || slot > 3) return undefined;
          let count = 0;
          for (let i = 1; i <= 16; i++) count += bytes[q + i];
          if (count > 256 || q + 17 + count > end) return undefined;
          if (index & 0x10) acAt[slot] = q + 1;
          else dcAt[slot] = q + 1;
          q += 17 + count;
        }
        break;
      }
      case 0xdb: {
        // DQT: 8- or 16-bit tables, stored in zigzag order.
        let q = s;
        while (q < end) {
          const pq = bytes[q] >> 4;
          const slot = bytes[q] & 15;
          if (pq > 1 || slot > 3) return undefined;
          const size = pq ? 128 : 64;
          if (q + 1 + size > end) return undefined;
          const t = quantCache.get(bytes, q + 1, size, pq, quantTable);
          if (!t) return undefined;
          quant[slot] = t;
          q += 1 + size;
        }
        break;
      }
      case 0xdd: // DRI
        if (length !== 4) return undefined;
        restartInterval = (bytes[s] << 8) | bytes[s + 1];
        break;
      case 0xe0: // APP0: JFIF (libjpeg looks at the first 14 bytes only)
        if (length - 2 >= 14 && ascii(bytes, s, 'JFIF\0')) {
          if (bytes[s + 5] !== 1) return undefined; // other major versions: a warning (or odd)
          jfif = true;
        }
        break;
      case 0xe1: // APP1: EXIF orientation, which sharp applies when autoOrient is on
        if (autoOrient && length - 2 >= 6 && ascii(bytes, s, 'Exif\0\0')) {
          if (exifSeen) return undefined; // which one would libvips use? let sharp decide
          exifSeen = true;
          if (!exifUpright(bytes, s + 6, end)) return undefined;
        }
        break;
      case 0xee: // APP14: Adobe colour transform
        if (length - 2 >= 12 && ascii(bytes, s, 'Adobe')) {
          adobe = true;
          adobeTransform = bytes[s + 11];
        }
        break;
      case 0xda: {
        // SOS
        if (!components) return undefined;
        const ns = bytes[s];
        if (length !== 6 + 2 * ns || ns < 1 || ns > 4) return undefined;
        // One interleaved scan with every component in frame order, as the standard wants
        // (multi-scan sequential files go to sharp).
        if (ns !== components.length) return undefined;
        const ss = bytes[s + 1 + 2 * ns];
        const se = bytes[s + 2 + 2 * ns];
        const a = bytes[s + 3 + 2 * ns];
        if (ss !== 0 || se !== 63 || a !== 0) return undefined;
        const scan: ScanComponent[] = [];
        for (let i = 0; i < ns; i++) {
          const td = bytes[s + 2 + 2 * i] >> 4;
          const ta = bytes[s + 2 + 2 * i] & 15;
          if (bytes[s + 1 + 2 * i] !== components[i].id || td > 3 || ta > 3) return undefined;
          // A missing table: libjpeg-turbo would substitute the standard ones (rare).
          const dc = dcAt[td] >= 0 ? huffmanCache.get(bytes, dcAt[td], dhtLength(bytes, dcAt[td]), 1, huffmanTable) : undefined;
          const ac = acAt[ta] >= 0 ? huffmanCache.get(bytes, acAt[ta], dhtLength(bytes, acAt[ta]), 0, huffmanTable) : undefined;
          const q = quant[components[i].tq];
          if (!dc || !ac || !q) return undefined;
          scan.push({ index: i, dc, ac, quant: q });
        }
        if (!colourOk(components, jfif, adobe, adobeTransform)) return undefined;
        if (!samplingOk(components)) return undefined;
        let maxH = 1;
        let maxV = 1;
        for (const c of components) {
          maxH = Math.max(maxH, c.h);
          maxV = Math.max(maxV, c.v);
        }
        return { width, height, components, maxH, maxV, restartInterval, scan, dataStart: end };
      }
      case 0xfe: // COM
        break;
      default:
        // Other APPn: skipped. Everything else before the scan (SOF2 progressive, SOF3
        // lossless, arithmetic SOF9+ and DAC, DNL, hierarchical, JPGn, …) is not ours.
        if (marker >= 0xe2 && marker <= 0xef) break;
        return undefined;
    }
  }
}

/**
 * Values made from byte strings (table segments), found again by their bytes: files of one
 * source usually share their quantization tables and some Huffman tables (optimised coding
 * gives most images luma tables of their own), and hashing the bytes costs less than
 * building. Least recently used entries go first. The values must not change.
 */
class ContentCache<T> {
  private readonly entries = new Map<number, { raw: Uint8Array; tag: number; value: T }>();
  constructor(private readonly max: number) {}

  /** The value for bytes[off, off + len) and `tag`: cached, or make(a copy of the bytes, tag). */
  get(bytes: Uint8Array, off: number, len: number, tag: number, make: (raw: Uint8Array, tag: number) => T): T {
    // FNV-1a, kept to 30 bits (a small-integer key).
    let h = 0x811c9dc5 ^ tag;
    for (let i = off, end = off + len; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h &= 0x3fffffff;
    const hit = this.entries.get(h);
    if (hit !== undefined) {
      this.entries.delete(h);
      let same = hit.tag === tag && hit.raw.length === len;
      for (let i = 0; same && i < len; i++) same = hit.raw[i] === bytes[off + i];
      if (same) {
        this.entries.set(h, hit); // now the most recent
        return hit.value;
      }
    } else if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    const raw = new Uint8Array(bytes.subarray(off, off + len)); // a copy (a Buffer's slice is a view)
    const value = make(raw, tag);
    this.entries.set(h, { raw, tag, value });
    return value;
  }
}

const huffmanCache = new ContentCache<HuffmanTable | undefined>(64);
const huffmanTable = (raw: Uint8Array, isDC: number) => buildHuffmanTable(raw, isDC === 1);
/** Length of the DHT table body at `at`: 16 counts and their symbols. */
function dhtLength(bytes: Uint8Array, at: number): number {
  let n = 16;
  for (let i = 0; i < 16; i++) n += bytes[at + i];
  return n;
}

const quantCache = new ContentCache<Int32Array | undefined>(16);
/** A DQT table body (tag: Pq, 16-bit entries), or undefined when libjpeg-turbo would misuse it. */
function quantTable(raw: Uint8Array, pq: number): Int32Array | undefined {
  const t = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    const v = pq ? (raw[2 * i] << 8) | raw[2 * i + 1] : raw[i];
    // 0 is nonsense; above 32767 libjpeg-turbo's 16-bit multiplier type wraps.
    if (v === 0 || v > 32767) return undefined;
    t[i] = v;
  }
  return t;
}

/** Only YCbCr (→ RGB) or grayscale, as libjpeg-turbo decides it (default_decompress_parms). */
function colourOk(components: Component[], jfif: boolean, adobe: boolean, transform: number): boolean {
  if (components.length === 1) return true;
  if (jfif) return true;
  // Adobe transform 0 = RGB; anything but 0/1 is a libjpeg warning.
  if (adobe) return transform === 1;
  const [a, b, c] = components.map((x) => x.id);
  return !(a === 0x52 && b === 0x47 && c === 0x42); // 'R','G','B': libjpeg reads RGB
}

/**
 * Grayscale: any factors (a single-component scan ignores them). Colour: luma at the
 * maximum factors, both chroma components alike at full or half resolution per direction —
 * 4:4:4, 4:2:2, 4:4:0, 4:2:0 — which libjpeg upsamples with the fancy (or, for tiny
 * widths, box) filters reproduced in color.ts / upsample.ts.
 */
function samplingOk(components: Component[]): boolean {
  if (components.length === 1) return true;
  const [y, cb, cr] = components;
  if (cb.h !== cr.h || cb.v !== cr.v) return false;
  if (cb.h !== y.h && cb.h * 2 !== y.h) return false;
  if (cb.v !== y.v && cb.v * 2 !== y.v) return false;
  // libjpeg allows at most 10 blocks per MCU (JERR_BAD_MCU_SIZE).
  return y.h <= 2 && y.v <= 2 && y.h * y.v + 2 * cb.h * cb.v <= 10;
}

/**
 * True when the EXIF block (TIFF header at `t`) says the image is upright: no Orientation
 * tag (0x0112), or value 1. libexif (used by libvips) looks the tag up in IFD0, then the
 * Exif, GPS, Interoperability IFDs and IFD1; we require every Orientation tag we find in
 * IFD0, the Exif IFD and IFD1 to be 1. Unreadable EXIF → false (sharp decides).
 */
function exifUpright(b: Uint8Array, t: number, end: number): boolean {
  if (t + 8 > end) return false;
  let le: boolean;
  if (b[t] === 0x49 && b[t + 1] === 0x49) le = true;
  else if (b[t] === 0x4d && b[t + 1] === 0x4d) le = false;
  else return false;
  const u16 = (o: number) => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const u32 = (o: number) => (le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000 : ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) + b[o] * 0x1000000);
  if (u16(t + 2) !== 42) return false;
  const len = end - t;
  const seen = new Set<number>();
  // Returns [ok, next IFD offset, exif sub-IFD offset]
  const ifd = (off: number): [boolean, number, number] => {
    if (off < 8 || off + 2 > len || seen.has(off)) return [false, 0, 0];
    seen.add(off);
    const count = u16(t + off);
    if (off + 2 + 12 * count + 4 > len) return [false, 0, 0];
    let sub = 0;
    for (let i = 0; i < count; i++) {
      const e = t + off + 2 + 12 * i;
      const tag = u16(e);
      if (tag === 0x0112) {
        const type = u16(e + 2);
        if (type !== 3 || u32(e + 4) !== 1 || u16(e + 8) !== 1) return [false, 0, 0];
      } else if (tag === 0x8769) sub = u32(e + 8);
    }
    return [true, u32(t + off + 2 + 12 * count), sub];
  };
  const [ok0, next, sub] = ifd(u32(t + 4));
  if (!ok0) return false;
  if (sub && !ifd(sub)[0]) return false;
  if (next && !ifd(next)[0]) return false;
  return true;
}
