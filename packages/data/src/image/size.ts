/**
 * An image's width and height from its header, without decoding: what the pixel limit is
 * checked against before any pixel is decoded or allocated. Works on bytes in memory or on
 * a file read in small pieces (a directory listing reads a few hundred bytes per file).
 * TIFF and AVIF are left to sharp's own limit (limitInputPixels). Worker-safe.
 */
import type { ImageFormat } from './decode.js';

/** Reads up to `length` bytes at `offset` (fewer at the end of the data). */
export type ByteReader = (offset: number, length: number) => Uint8Array;

export interface HeaderSize {
  width: number;
  height: number;
  /** JPEG: true when the frame is Huffman-coded DCT (baseline, extended or progressive). */
  huffmanDct?: boolean;
}

/** A reader over bytes in memory. */
export const memoryReader =
  (bytes: Uint8Array): ByteReader =>
  (offset, length) =>
    bytes.subarray(offset, offset + length);

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const ascii = (b: Uint8Array, o: number, s: string) => [...s].every((ch, i) => b[o + i] === ch.charCodeAt(0));

/** The size the header declares, or undefined when it cannot be read (damaged, or TIFF/AVIF). */
export function headerSize(read: ByteReader, format: ImageFormat): HeaderSize | undefined {
  switch (format) {
    case 'png': {
      const b = read(0, 24);
      if (b.length < 24 || !ascii(b, 12, 'IHDR')) return undefined;
      return { width: u32be(b, 16), height: u32be(b, 20) };
    }
    case 'gif': {
      const b = read(0, 10);
      return b.length < 10 ? undefined : { width: u16le(b, 6), height: u16le(b, 8) };
    }
    case 'bmp': {
      const b = read(0, 26);
      if (b.length < 26) return undefined;
      const header = b[14] | (b[15] << 8) | (b[16] << 16) | (b[17] << 24);
      if (header === 12) return { width: u16le(b, 18), height: Math.abs((u16le(b, 20) << 16) >> 16) };
      return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
    }
    case 'webp':
      return webpSize(read(0, 30));
    case 'jpeg':
      return jpegSize(read);
    case 'pnm':
      return pnmSize(read(0, 1024));
    default:
      return undefined;
  }
}

function webpSize(b: Uint8Array): HeaderSize | undefined {
  if (b.length < 30) return undefined;
  if (ascii(b, 12, 'VP8X')) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (ascii(b, 12, 'VP8L')) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8 ')) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  return undefined;
}

/** Walks the JPEG markers (a few small reads) to the first SOF. */
function jpegSize(read: ByteReader): HeaderSize | undefined {
  let p = 2;
  for (let segments = 0; segments < 1024; segments++) {
    const m = read(p, 4);
    if (m.length < 4 || m[0] !== 0xff) return undefined;
    const marker = m[1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI or a scan before any frame
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const f = read(p + 4, 6);
      if (f.length < 6) return undefined;
      return { width: u16be(f, 3), height: u16be(f, 1), huffmanDct: marker === 0xc0 || marker === 0xc1 || marker === 0xc2 };
    }
    p += 2 + u16be(m, 2);
  }
  return undefined;
}

function pnmSize(b: Uint8Array): HeaderSize | undefined {
  const text = new TextDecoder('latin1').decode(b.subarray(2)).replace(/#[^\n\r]*/g, ' ');
  const m = /^\s*(\d+)\s+(\d+)/.exec(text);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * True when a Huffman-coded JPEG of this size cannot fit in `fileBytes`: every 8×8 luma
 * block costs at least one bit of scan data (a 1-bit DC code, in the first scan of a
 * progressive file too), so a file claiming more blocks than 8 × its bytes is cut short.
 * Such files are refused before a decoder allocates the image they claim.
 */
export function jpegTooShort(size: HeaderSize, fileBytes: number): boolean {
  return !!size.huffmanDct && Math.ceil(size.width / 8) * Math.ceil(size.height / 8) > 8 * fileBytes;
}
