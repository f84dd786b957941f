/**
 * BMP decoding and encoding. sharp (libvips) has no BMP loader, and Keras lists 'bmp' among
 * the image extensions, so the format is handled here, following Pillow's BmpImagePlugin:
 *
 * - headers: OS/2 core (12 bytes), BITMAPINFOHEADER (40), V2/V3 (52/56), V4 (108), V5 (124);
 * - 1, 4 and 8 bits with a palette (→ RGB), 16 bits (5-5-5 or bit fields), 24 bits (BGR),
 *   32 bits (BGRX → RGB, as Pillow; bit fields with an alpha mask → RGBA);
 * - BI_RGB, BI_RLE8, BI_RLE4, BI_BITFIELDS and BI_ALPHABITFIELDS; bottom-up and top-down rows.
 *
 * Worker-safe: imports nothing from core; errors are ImageFormatErrors.
 */
import { ImageFormatError } from './errors.js';
import { checkImagePixels } from './limits.js';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
/** Beyond what the typed arrays here can hold (4 channels), whatever the pixel limit. */
const MAX_PIXELS = 2 ** 30 - 1;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

/** Decodes a .bmp file's bytes; `name` is named in errors. */
export function decodeBmp(bytes: Uint8Array, name = 'BMP data'): RawImage {
  const fail = (why: string): never => {
    throw new ImageFormatError(`${name}: not a readable BMP file: ${why}`);
  };
  if (!isBmp(bytes)) fail('no "BM" signature');
  if (bytes.length < 26) fail(`truncated header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (14 + headerSize > bytes.length) fail(`truncated header (${bytes.length} bytes)`);

  let width: number;
  let height: number;
  let bits: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  let paletteEntryBytes = 4;
  let masks: [number, number, number, number] | undefined;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bits = view.getUint16(24, true);
    paletteEntryBytes = 3;
  } else if (headerSize >= 40) {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bits = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
    if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
      // Masks follow a 40-byte header, or are part of a V2+ header.
      const m = 14 + 40;
      const withAlpha = compression === BI_ALPHABITFIELDS || headerSize >= 56;
      if (m + 12 > bytes.length) fail('truncated bit-field masks');
      masks = [view.getUint32(m, true), view.getUint32(m + 4, true), view.getUint32(m + 8, true), withAlpha && m + 16 <= bytes.length ? view.getUint32(m + 12, true) : 0];
    }
  } else {
    return fail(`unsupported header size ${headerSize}`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) fail(`bad size ${width}×${height}`);
  // The pixel limit before anything is allocated (an RLE file of 1 KB can claim 16383×16383).
  checkImagePixels(width, height, name);
  if (width * height > MAX_PIXELS) fail(`image too large to decode here (${width}×${height})`);

  // Palette.
  let palette: Uint8Array | undefined;
  if (bits <= 8) {
    const count = colorsUsed || 1 << bits;
    const start = 14 + headerSize + (headerSize >= 40 && compression === BI_BITFIELDS ? 12 : 0);
    if (start + count * paletteEntryBytes > bytes.length) fail('truncated palette');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < Math.min(count, 256); i++) {
      const p = start + i * paletteEntryBytes;
      palette[i * 3] = bytes[p + 2];
      palette[i * 3 + 1] = bytes[p + 1];
      palette[i * 3 + 2] = bytes[p];
    }
  }

  if (dataOffset >= bytes.length) fail('no pixel data (truncated file?)');
  const pixels = bytes.subarray(dataOffset);

  // Row r of the file holds image row (topDown ? r : height - 1 - r).
  const rowOf = (r: number) => (topDown ? r : height - 1 - r);

  if (compression === BI_RLE8 || compression === BI_RLE4) {
    if (!palette) return fail(`RLE compression needs a palette (bits ${bits})`);
    const indices = decodeRle(pixels, width, height, compression === BI_RLE4, name);
    const out = new Uint8Array(width * height * 3);
    for (let r = 0; r < height; r++) {
      const y = rowOf(r);
      for (let x = 0; x < width; x++) {
        const i = indices[r * width + x] * 3;
        const o = (y * width + x) * 3;
        out[o] = palette[i];
        out[o + 1] = palette[i + 1];
        out[o + 2] = palette[i + 2];
      }
    }
    return { data: out, width, height, channels: 3 };
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS)
    fail(`unsupported compression ${compression} (JPEG/PNG inside BMP are not supported)`);

  const stride = Math.floor((width * bits + 31) / 32) * 4;
  if (pixels.length < stride * height) fail(`pixel data truncated: needs ${stride * height} bytes, found ${pixels.length}`);

  if (bits <= 8) {
    const pal = palette as Uint8Array;
    const out = new Uint8Array(width * height * 3);
    const perByte = 8 / bits;
    const mask = (1 << bits) - 1;
    for (let r = 0; r < height; r++) {
      const row = r * stride;
      const y = rowOf(r);
      for (let x = 0; x < width; x++) {
        const byte = pixels[row + Math.floor(x / perByte)];
        const shift = 8 - bits * ((x % perByte) + 1);
        const i = ((byte >> shift) & mask) * 3;
        const o = (y * width + x) * 3;
        out[o] = pal[i];
        out[o + 1] = pal[i + 1];
        out[o + 2] = pal[i + 2];
      }
    }
    return { data: out, width, height, channels: 3 };
  }

  if (bits === 24) {
    const out = new Uint8Array(width * height * 3);
    for (let r = 0; r < height; r++) {
      let p = r * stride;
      let o = rowOf(r) * width * 3;
      for (let x = 0; x < width; x++, p += 3) {
        out[o++] = pixels[p + 2];
        out[o++] = pixels[p + 1];
        out[o++] = pixels[p];
      }
    }
    return { data: out, width, height, channels: 3 };
  }

  if (bits === 16 || bits === 32) {
    if (!masks) masks = bits === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0xff00, 0xff, 0];
    const alpha = masks[3] !== 0;
    const c = alpha ? 4 : 3;
    const fields = masks.slice(0, c).map((m) => {
      let shift = 0;
      if (m === 0) return { m, shift, max: 1 };
      while (((m >>> shift) & 1) === 0) shift++;
      return { m, shift, max: m >>> shift };
    });
    const out = new Uint8Array(width * height * c);
    for (let r = 0; r < height; r++) {
      let p = r * stride;
      let o = rowOf(r) * width * c;
      for (let x = 0; x < width; x++) {
        const v = bits === 16 ? pixels[p] | (pixels[p + 1] << 8) : (pixels[p] | (pixels[p + 1] << 8) | (pixels[p + 2] << 16) | (pixels[p + 3] << 24)) >>> 0;
        p += bits / 8;
        for (const f of fields) out[o++] = f.max === 255 ? (v & f.m) >>> f.shift : Math.floor((((v & f.m) >>> f.shift) * 255) / f.max);
      }
    }
    return { data: out, width, height, channels: c };
  }
  return fail(`unsupported bit depth ${bits}`);
}

/** RLE8 / RLE4 → one palette index per pixel, in file row order (row 0 = first stored row). */
function decodeRle(src: Uint8Array, width: number, height: number, four: boolean, name: string): Uint8Array {
  const out = new Uint8Array(width * height);
  let x = 0;
  let y = 0;
  let p = 0;
  const put = (v: number) => {
    if (x < width && y < height) out[y * width + x] = v;
    x++;
  };
  while (p + 1 < src.length) {
    const count = src[p];
    const value = src[p + 1];
    p += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
    } else if (value === 0) {
      x = 0;
      y++;
    } else if (value === 1) {
      return out;
    } else if (value === 2) {
      if (p + 1 >= src.length) break;
      x += src[p];
      y += src[p + 1];
      p += 2;
    } else {
      const n = value;
      const bytes = four ? Math.ceil(n / 2) : n;
      if (p + bytes > src.length) break;
      for (let i = 0; i < n; i++) put(four ? (i % 2 === 0 ? src[p + (i >> 1)] >> 4 : src[p + (i >> 1)] & 15) : src[p + i]);
      p += bytes + (bytes % 2); // runs are padded to 16 bits
    }
  }
  // Pillow accepts RLE data that ends without the end-of-bitmap marker when rows are complete.
  if (y < height - 1) throw new ImageFormatError(`${name}: not a readable BMP file: RLE data truncated at row ${y} of ${height}`);
  return out;
}

/**
 * Encodes pixels as a BMP file like Pillow saves them: gray as 8 bits with a gray palette,
 * RGB as 24 bits, RGBA as 32 bits (a V4 header with bit fields, so the alpha is kept).
 */
export function encodeBmp(data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  const bits = channels === 1 ? 8 : channels === 3 ? 24 : 32;
  const headerSize = channels === 4 ? 108 : 40;
  const paletteBytes = channels === 1 ? 256 * 4 : 0;
  const stride = Math.floor((width * bits + 31) / 32) * 4;
  const offset = 14 + headerSize + paletteBytes;
  const size = offset + stride * height;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, headerSize, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bits, true);
  view.setUint32(30, channels === 4 ? BI_BITFIELDS : BI_RGB, true);
  view.setUint32(34, stride * height, true);
  view.setInt32(38, 2835, true); // 72 dpi
  view.setInt32(42, 2835, true);
  if (channels === 1) view.setUint32(46, 256, true);
  if (channels === 4) {
    view.setUint32(54, 0x00ff0000, true);
    view.setUint32(58, 0x0000ff00, true);
    view.setUint32(62, 0x000000ff, true);
    view.setUint32(66, 0xff000000, true);
    view.setUint32(70, 0x73524742, true); // 'sRGB'
  }
  if (channels === 1) for (let i = 0; i < 256; i++) out.set([i, i, i, 0], 14 + headerSize + i * 4);
  for (let y = 0; y < height; y++) {
    let o = offset + (height - 1 - y) * stride;
    let p = y * width * channels;
    for (let x = 0; x < width; x++, p += channels) {
      if (channels === 1) out[o++] = data[p];
      else {
        out[o++] = data[p + 2];
        out[o++] = data[p + 1];
        out[o++] = data[p];
        if (channels === 4) out[o++] = data[p + 3];
      }
    }
  }
  return out;
}
