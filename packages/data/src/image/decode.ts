/**
 * Decoding image files into 8-bit pixels the way `keras.utils.load_img` does: decode, convert
 * to the colour mode (PIL's convert), then resize with PIL's filters. JPEG, PNG, WebP, GIF
 * (first frame), TIFF and AVIF go through sharp (libvips); BMP and PPM/PGM/PBM are decoded
 * here (sharp has no loader for them). The format is recognised by content, not by name.
 *
 * Worker-safe: this module and its imports never import @layerwise/core, so the image
 * workers of the directory iterator can load it; errors are ImageFormatErrors.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeBmp, isBmp, type RawImage } from './bmp.js';
import { convertChannels } from './convert.js';
import { ImageFormatError } from './errors.js';
import { Img, type ColorMode, type Interpolation } from './img.js';
import { getMaxImagePixels, pixelLimitMessage, sharpPixelLimit, warnLargeImage } from './limits.js';
import { headerSize, jpegTooShort, memoryReader, type ByteReader, type HeaderSize } from './size.js';
import { decodePngFast } from './png.js';
import { decodeJpegFast } from './jpeg/index.js';
import { decodePnm, isPnm } from './pnm.js';
import { aspectCropBox, nearestIndices, resizePixels } from './resample.js';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'pnm' | 'avif';

/** The image format of a file's first bytes (at least 12 are needed), or undefined. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  const b = head;
  const ascii = (o: number, s: string) => b.length >= o + s.length && [...s].every((ch, i) => b[o + i] === ch.charCodeAt(0));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if ((ascii(0, 'II') && b[2] === 42 && b[3] === 0) || (ascii(0, 'MM') && b[2] === 0 && b[3] === 42)) return 'tiff';
  if (isBmp(b)) return 'bmp';
  if (isPnm(b) && b.length > 2 && (b[2] === 0x20 || b[2] === 0x0a || b[2] === 0x0d || b[2] === 0x09 || b[2] === 0x23)) return 'pnm';
  if (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis') || ascii(8, 'heic') || ascii(8, 'mif1'))) return 'avif';
  return undefined;
}

export interface DecodeOptions {
  /** Default 'rgb'. */
  colorMode?: ColorMode;
  /** [height, width]; default: the image's own size. */
  targetSize?: readonly [number, number] | null;
  /** Default 'nearest' (Keras' default). */
  interpolation?: Interpolation;
  /** Crop the centre to the target's aspect ratio before resizing (Keras' keep_aspect_ratio). Default false. */
  keepAspectRatio?: boolean;
  /**
   * Apply the EXIF Orientation tag (rotate/flip the pixels upright). Default true. Keras
   * (PIL's Image.open) ignores the tag; pass false for Keras' exact pixels on such files.
   */
  autoOrient?: boolean;
}

const describeHead = (b: Uint8Array) =>
  [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ') || 'empty file';

/**
 * Why an image must not be decoded, from its header alone (undefined: go ahead): more
 * pixels than twice the limit (see limits.ts), or a JPEG too short for the size it claims.
 * Warns (DecompressionBombWarning) when the size is over the limit but allowed.
 */
function refuseFromHeader(size: HeaderSize | undefined, fileBytes: number, format: ImageFormat, name: string, warn: boolean): string | undefined {
  if (!size) return undefined;
  const pixels = size.width * size.height;
  const max = getMaxImagePixels();
  if (max !== null && pixels > 2 * max) return pixelLimitMessage(pixels, size.width, size.height);
  if (format === 'jpeg' && jpegTooShort(size, fileBytes))
    return `cannot decode the JPEG data (truncated: the frame is ${size.width}×${size.height}, more 8×8 blocks than ${fileBytes} bytes can hold)`;
  if (warn) warnLargeImage(pixels, name);
  return undefined;
}

/** The header check of decodeRaw / decodeForTarget: throws what refuseFromHeader refuses. Returns whether the size was known (and checked). */
function checkHeader(bytes: Uint8Array, format: ImageFormat, name: string): boolean {
  const size = headerSize(memoryReader(bytes), format);
  const refused = refuseFromHeader(size, bytes.length, format, name, true);
  if (refused) throw new ImageFormatError(`${name}: ${refused}`);
  return size !== undefined;
}

/** Decodes to the file's own pixels: 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels. */
export async function decodeRaw(bytes: Uint8Array, name: string, autoOrient = true): Promise<RawImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new ImageFormatError(`${name}: not an image file (unrecognised content; first bytes: ${describeHead(bytes)})`);
  // The pixel limit, from the header, before any decoder allocates (BMP and PNM check their
  // own headers, which they parse anyway).
  const checked = format === 'bmp' || format === 'pnm' || checkHeader(bytes, format, name);
  if (format === 'bmp') return decodeBmp(bytes, name);
  if (format === 'pnm') return decodePnm(bytes, name);
  // Fast paths for the common PNGs and JPEGs (the same pixels; a libvips pipeline costs
  // ~1 ms per call, most of a small image's decode). Anything else goes to sharp.
  if (format === 'png') {
    const fast = decodePngFast(bytes, autoOrient);
    if (fast) return fast;
  } else if (format === 'jpeg') {
    const fast = decodeJpegFast(bytes, autoOrient);
    if (fast) return fast;
  }
  return decodeWithSharp(bytes, name, format, autoOrient, checked);
}

/**
 * The formats and files the fast paths leave: sharp (libvips), which also reports the errors.
 * sharp applies the pixel limit itself (limitInputPixels: twice the limit); `checked` says
 * whether the header check already warned about a large image (else it warns here).
 */
async function decodeWithSharp(bytes: Uint8Array, name: string, format: ImageFormat, autoOrient: boolean, checked: boolean): Promise<RawImage> {
  let decoded: RawImage;
  try {
    // ignoreIcc: PIL does no colour management, so neither do we (same pixels as Keras).
    // failOn 'error' also rejects truncated data, as PIL does ("image file is truncated").
    const { data, info } = await sharp(bytes, { ignoreIcc: true, autoOrient, failOn: 'error', limitInputPixels: sharpPixelLimit() })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    decoded = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 };
  } catch (err) {
    const message = (err as Error).message.trim();
    if (/exceeds pixel limit/i.test(message)) {
      const max = getMaxImagePixels() as number;
      throw new ImageFormatError(`${name}: image size exceeds the limit of ${2 * max} pixels (twice maxImagePixels, ${max}), could be a decompression bomb; raise it with setMaxImagePixels(n), or setMaxImagePixels(null) for no limit`);
    }
    throw new ImageFormatError(`${name}: cannot decode the ${format.toUpperCase()} data (${message})`);
  }
  if (!checked) warnLargeImage(decoded.width * decoded.height, name);
  return decoded;
}

/** Decodes, converts and resizes like keras.utils.load_img. */
export async function decodeImage(bytes: Uint8Array, name: string, options: DecodeOptions = {}): Promise<Img> {
  const { colorMode = 'rgb', targetSize, interpolation = 'nearest', keepAspectRatio = false, autoOrient = true } = options;
  const { raw, resized } = await decodeForTarget(bytes, name, targetSize ?? undefined, interpolation, keepAspectRatio, autoOrient);
  return finishImage(raw, colorMode, resized ? undefined : (targetSize ?? undefined), interpolation, keepAspectRatio);
}

// The picks of the last resize: a folder's images mostly share one size.
let lastPick: { key: string; pick: { cols: Int32Array; rows: Int32Array } } | undefined;

function pickFor(w: number, h: number, tw: number, th: number, keepAspectRatio: boolean): { cols: Int32Array; rows: Int32Array } {
  const key = `${w} ${h} ${tw} ${th} ${keepAspectRatio}`;
  if (lastPick?.key !== key) lastPick = { key, pick: nearestIndices(w, h, tw, th, keepAspectRatio ? aspectCropBox(w, h, tw, th) : undefined) };
  return lastPick.pick;
}

/**
 * decodeRaw, except for a nearest-neighbour resize of a JPEG the fast path handles: then only
 * the pixels the resize reads are decoded (`resized`: already at the target size). Nearest
 * picks whole pixels, so picking before the colour conversion gives the same values.
 */
export async function decodeForTarget(
  bytes: Uint8Array,
  name: string,
  targetSize: readonly [number, number] | undefined,
  interpolation: Interpolation,
  keepAspectRatio: boolean,
  autoOrient: boolean,
): Promise<{ raw: RawImage; resized: boolean }> {
  if (targetSize && interpolation === 'nearest' && sniffImageFormat(bytes) === 'jpeg') {
    const checked = checkHeader(bytes, 'jpeg', name);
    const [th, tw] = targetSize;
    const picked = decodeJpegFast(bytes, autoOrient, (w, h) => (w === tw && h === th ? undefined : pickFor(w, h, tw, th, keepAspectRatio)));
    if (picked) return { raw: picked, resized: picked.width === tw && picked.height === th };
    return { raw: await decodeWithSharp(bytes, name, 'jpeg', autoOrient, checked), resized: false }; // the fast path declined it
  }
  return { raw: await decodeRaw(bytes, name, autoOrient), resized: false };
}

/** Colour conversion + resize of decoded pixels, in PIL's order (convert, then resize). */
export function finishImage(raw: RawImage, colorMode: ColorMode, targetSize: readonly [number, number] | undefined, interpolation: Interpolation, keepAspectRatio: boolean): Img {
  let { data, width, height } = raw;
  let c: number = raw.channels;
  if (targetSize && (targetSize[0] !== height || targetSize[1] !== width)) {
    const [th, tw] = targetSize;
    const box = keepAspectRatio ? aspectCropBox(width, height, tw, th) : undefined;
    // Nearest picks whole pixels, so it commutes with the per-pixel conversion: shrink
    // first when that is less work. Filtered resizes follow PIL's order (convert first).
    if (interpolation === 'nearest' && tw * th < width * height && c !== 2) {
      data = resizePixels(data, width, height, c, tw, th, 'nearest', box);
    } else {
      const conv = convertChannels(data, width * height, c, colorMode);
      data = resizePixels(conv.data, width, height, conv.channels, tw, th, interpolation, box);
      c = conv.channels;
    }
    width = tw;
    height = th;
  }
  const conv = convertChannels(data, width * height, c, colorMode);
  return new Img(conv.data, width, height, conv.channels);
}

/** Reads and decodes a file (see decodeImage). */
export async function decodeImageFile(path: string, options: DecodeOptions = {}): Promise<Img> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageFormatError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeImage(bytes, path, options);
}

const TAIL = 1024;

/** The first bytes read of each listed file: the signature and, mostly, the whole header. */
const HEAD = 1024;

/** A ByteReader over an open file whose first bytes are `head` (further pieces: synchronous small reads). */
function fileReader(fd: number, size: number, head: Uint8Array): ByteReader {
  return (offset, length) => {
    if (offset + length <= head.length) return head.subarray(offset, offset + length);
    const n = Math.max(0, Math.min(length, size - offset));
    const b = new Uint8Array(n);
    if (n) readSync(fd, b, 0, n, offset);
    return b;
  };
}

function lastIndexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The cheap part of checkImageFile, synchronous (a few small reads): 'ok', 'decode' (looks
 * wrong or cannot be told cheaply: decode to decide), or the reason the file is unusable —
 * including a header size over twice the pixel limit, or a JPEG too short for its size, so
 * such files never reach a decoder.
 */
export function quickCheckImageFile(path: string): 'ok' | 'decode' | { reason: string } {
  let head: Uint8Array;
  let tail: Uint8Array;
  let size: number;
  let fd: number | undefined;
  let format: ImageFormat | undefined;
  let refused: string | undefined;
  try {
    fd = openSync(path, 'r');
    size = fstatSync(fd).size;
    head = new Uint8Array(Math.min(HEAD, size));
    readSync(fd, head, 0, head.length, 0);
    tail = new Uint8Array(Math.min(TAIL, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    format = sniffImageFormat(head);
    // The pixel limit, from the header (a JPEG's frame may need a few more small reads).
    if (format) refused = refuseFromHeader(headerSize(fileReader(fd, size, head), format), size, format, path, false);
  } catch (err) {
    return { reason: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size === 0) return { reason: 'empty file' };
  if (!format) return { reason: `not an image file (unrecognised content; first bytes: ${describeHead(head)})` };
  if (refused) return { reason: refused };
  switch (format) {
    case 'jpeg':
      return lastIndexOf(tail, [0xff, 0xd9]) < 0 ? 'decode' : 'ok';
    case 'png':
      return lastIndexOf(tail, [0x49, 0x45, 0x4e, 0x44]) < 0 ? 'decode' : 'ok'; // IEND
    case 'gif':
      return lastIndexOf(tail, [0x3b]) < 0 ? 'decode' : 'ok';
    case 'webp': {
      const riff = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
      return riff + 8 > size ? 'decode' : 'ok';
    }
    case 'bmp': {
      if (head.length < 34) return { reason: 'not a readable BMP file: truncated header' };
      const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
      if (v.getUint32(14, true) < 40) return 'decode';
      const width = Math.abs(v.getInt32(18, true));
      const height = Math.abs(v.getInt32(22, true));
      const bits = v.getUint16(28, true);
      const compression = v.getUint32(30, true);
      const need = v.getUint32(10, true) + Math.floor((width * bits + 31) / 32) * 4 * height;
      return (compression === 0 || compression === 3 || compression === 6) && need > size ? 'decode' : compression === 1 || compression === 2 ? 'decode' : 'ok';
    }
    default:
      return 'decode'; // TIFF, PNM, AVIF: no cheap end check; decode
  }
}

/**
 * A cheap check that a file is a whole image: its first bytes name a known format and its
 * end looks like that format's end (JPEG's EOI marker, PNG's IEND chunk, GIF's trailer,
 * WebP's RIFF size, BMP's pixel-data size). Only when that looks wrong is the file fully
 * decoded to decide (a JPEG with bytes after EOI is still fine). `full` decodes every file.
 * Returns undefined when the file is usable, else the reason it is not.
 */
export async function checkImageFile(path: string, full = false): Promise<string | undefined> {
  const quick = quickCheckImageFile(path);
  if (typeof quick === 'object') return quick.reason;
  if (quick === 'ok' && !full) return undefined;
  try {
    const bytes = await readFile(path);
    await decodeRaw(bytes, path);
    return undefined;
  } catch (err) {
    return (err as Error).message.startsWith(`${path}: `) ? (err as Error).message.slice(path.length + 2) : (err as Error).message;
  }
}
