/**
 * A fast path for the common JPEGs: baseline / extended sequential Huffman, 8-bit,
 * grayscale or YCbCr with 4:4:4, 4:2:2, 4:4:0 or 4:2:0 sampling, one interleaved scan,
 * restart markers allowed. The pixels are exactly libjpeg-turbo's with its default
 * decompression settings — what sharp (libvips + mozjpeg) and PIL give: the accurate
 * integer IDCT, fancy upsampling, its YCbCr→RGB tables. Plain JS costs a fraction of a
 * libvips pipeline for small images.
 *
 * Anything else returns undefined and goes to sharp, which also reports the errors:
 * progressive, arithmetic, lossless, 12-bit, CMYK/YCCK, RGB-coded (Adobe transform 0,
 * 'R','G','B' ids), other sampling factors, multi-scan sequential files, missing tables,
 * truncated or corrupt data (including what libjpeg only warns about), images over sharp's
 * pixel limit, and — when autoOrient is on — an EXIF orientation other than 1.
 * Worker-safe.
 *
 * A picked decode (for nearest-neighbour resizes, which read one source pixel per output
 * pixel) gives only the pixels at given rows × columns, exactly as the full decode has them,
 * for less work: every block is still Huffman-decoded and gets its IDCT column pass, but the
 * row pass runs only for rows some pick reads (of blocks in columns some pick reads), and
 * upsampling and colour conversion only at the picked pixels.
 */
import type { RawImage } from '../bmp.js';
import { type ChromaTaps, chromaTaps, LITTLE_ENDIAN, yccToRgb, yccToRgbPicked } from './color.js';
import { parseHeader } from './markers.js';
import { decodeScan, type Needed, type Planes } from './scan.js';

/**
 * Source pixels to decode: column and row indices (0 ≤ v < width / height), in any order,
 * repeats allowed. Output pixel (x, y) is source pixel (cols[x], rows[y]).
 */
export interface JpegPick {
  cols: Int32Array;
  rows: Int32Array;
}

const MAX_CACHED_PLANE = 1 << 20; // (kept for the process: at most 3 planes)
const planeCache: (ArrayBuffer | undefined)[] = [];

/** An uninitialised byte array (every byte gets written), on its own ArrayBuffer. */
const newBytes = (n: number) => {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
};

/** Wraps what the caller's `pick` threw (or its bad indices): rethrown, not swallowed. */
class CallerError {
  constructor(readonly error: unknown) {}
}

/**
 * Decodes `bytes`, or returns undefined when the file is not one the fast path does exactly
 * (see the top). With `pick`: called once the header is read, with the image's size; when
 * it returns { cols, rows }, the result is { width: cols.length, height: rows.length } with
 * pixel (x, y) = the full decode's pixel (cols[x], rows[y]) — byte for byte; when it returns
 * undefined, the full image. Whether the file is declined does not depend on `pick`.
 * Mistakes are the caller's and throw: an index out of range (RangeError), arrays other
 * than Int32Array (TypeError), and whatever `pick` itself throws.
 */
export function decodeJpegFast(bytes: Uint8Array, autoOrient = true, pick?: (width: number, height: number) => JpegPick | undefined): RawImage | undefined {
  try {
    return decode(bytes, autoOrient, pick);
  } catch (e) {
    if (e instanceof CallerError) throw e.error;
    return undefined; // never let the fast path fail a file sharp may read
  }
}

function callPick(pick: (width: number, height: number) => JpegPick | undefined, width: number, height: number): JpegPick | undefined {
  let p: JpegPick | undefined;
  try {
    p = pick(width, height);
  } catch (e) {
    throw new CallerError(e);
  }
  if (!p) return undefined;
  const check = (a: Int32Array, n: number, what: string) => {
    if (!(a instanceof Int32Array)) throw new CallerError(new TypeError(`decodeJpegFast: pick ${what} must be an Int32Array`));
    for (let i = 0; i < a.length; i++)
      if (a[i] < 0 || a[i] >= n) throw new CallerError(new RangeError(`decodeJpegFast: pick ${what}[${i}] = ${a[i]} is outside 0..${n - 1}`));
  };
  check(p.cols, width, 'cols');
  check(p.rows, height, 'rows');
  return p;
}

/**
 * The plane samples a picked decode reads: per component, row masks per block row and
 * column masks per block column (Cb and Cr share theirs).
 */
function neededSamples(planes: Planes, { cols, rows }: JpegPick, taps: ChromaTaps | undefined): Needed {
  const mask = (idx: Int32Array[], blocks: number) => {
    const m = new Uint8Array(blocks);
    for (const a of idx) for (let i = 0; i < a.length; i++) m[a[i] >> 3] |= 1 << (a[i] & 7);
    return m;
  };
  const blockRows = (ci: number) => planes.data[ci].length / planes.stride[ci] / 8;
  const needed: Needed = { rows: [mask([rows], blockRows(0))], cols: [mask([cols], planes.stride[0] / 8)] };
  if (taps) {
    const r = mask([taps.rowNear, taps.rowFar], blockRows(1));
    const c = mask([taps.colNear, taps.colFar], planes.stride[1] / 8);
    needed.rows.push(r, r);
    needed.cols.push(c, c);
  }
  return needed;
}

function decode(bytes: Uint8Array, autoOrient: boolean, pickFn?: (width: number, height: number) => JpegPick | undefined): RawImage | undefined {
  if (!LITTLE_ENDIAN) return undefined; // the row code packs pixels into little-endian words
  const hdr = parseHeader(bytes, autoOrient);
  if (!hdr) return undefined;
  const { width, height, components: comps, maxH, maxV } = hdr;
  const pick = pickFn && callPick(pickFn, width, height);

  // Planes cover whole blocks: the MCU grid for an interleaved scan, the component's own
  // block grid for a single-component one.
  const planes: Planes = { data: [], data32: [], stride: [], flat128: [] };
  for (let ci = 0; ci < comps.length; ci++) {
    const c = comps[ci];
    let bw: number;
    let bh: number;
    if (comps.length === 1) {
      bw = Math.ceil(width / 8);
      bh = Math.ceil(height / 8);
    } else {
      bw = Math.ceil(width / (8 * maxH)) * c.h;
      bh = Math.ceil(height / (8 * maxV)) * c.v;
    }
    const size = bw * 8 * bh * 8;
    // Every block of the planes gets written (a picked decode: every sample it reads), so
    // they are reused from call to call (up to a size) rather than allocated and zeroed.
    let buffer = planeCache[ci];
    if (!buffer || buffer.byteLength < size) {
      buffer = new ArrayBuffer(size);
      if (size <= MAX_CACHED_PLANE) planeCache[ci] = buffer;
    }
    planes.data.push(new Uint8Array(buffer, 0, size));
    planes.data32.push(new Uint32Array(buffer, 0, size >> 2));
    planes.stride.push(bw * 8);
    planes.flat128.push(new Uint8Array(bh).fill(1));
  }
  const taps = pick && comps.length === 3 ? chromaTaps(hdr, pick.cols, pick.rows) : undefined;
  if (!decodeScan(bytes, hdr, planes, pick && neededSamples(planes, pick, taps))) return undefined;

  if (pick) {
    const { cols, rows } = pick;
    const W = cols.length;
    const H = rows.length;
    if (taps) return { data: yccToRgbPicked(hdr, planes, cols, rows, taps, newBytes(W * H * 3)), width: W, height: H, channels: 3 };
    const plane = planes.data[0];
    const stride = planes.stride[0];
    const out = newBytes(W * H);
    for (let y = 0, o = 0; y < H; y++) {
      if (y > 0 && rows[y] === rows[y - 1]) {
        out.copyWithin(o, o - W, o); // a repeated row (upscales)
        o += W;
        continue;
      }
      const ro = rows[y] * stride;
      for (let x = 0; x < W; x++) out[o++] = plane[ro + cols[x]];
    }
    return { data: out, width: W, height: H, channels: 1 };
  }

  if (comps.length === 1) {
    const stride = planes.stride[0];
    const plane = planes.data[0];
    if (stride === width) return { data: plane.slice(0, width * height), width, height, channels: 1 };
    const out = newBytes(width * height);
    for (let y = 0; y < height; y++) out.set(plane.subarray(y * stride, y * stride + width), y * width);
    return { data: out, width, height, channels: 1 };
  }

  return { data: yccToRgb(hdr, planes, newBytes(width * height * 3)), width, height, channels: 3 };
}
