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
 */
import type { RawImage } from '../bmp.js';
import { LITTLE_ENDIAN, yccToRgb } from './color.js';
import { parseHeader } from './markers.js';
import { decodeScan, type Planes } from './scan.js';

const MAX_CACHED_PLANE = 1 << 20; // (kept for the process: at most 3 planes)
const planeCache: (ArrayBuffer | undefined)[] = [];

/** An uninitialised byte array (every byte gets written), on its own ArrayBuffer. */
const newBytes = (n: number) => {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
};

export function decodeJpegFast(bytes: Uint8Array, autoOrient = true): RawImage | undefined {
  try {
    return decode(bytes, autoOrient);
  } catch {
    return undefined; // never let the fast path fail a file sharp may read
  }
}

function decode(bytes: Uint8Array, autoOrient: boolean): RawImage | undefined {
  if (!LITTLE_ENDIAN) return undefined; // the row code packs pixels into little-endian words
  const hdr = parseHeader(bytes, autoOrient);
  if (!hdr) return undefined;
  const { width, height, components: comps, maxH, maxV } = hdr;

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
    // Every block of the planes gets written, so they are reused from call to call (up to
    // a size) rather than allocated and zeroed each time.
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
  if (!decodeScan(bytes, hdr, planes)) return undefined;

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
