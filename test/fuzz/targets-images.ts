/**
 * The image formats for the fuzz suite: every decoder path (the PNG and JPEG fast paths,
 * BMP incl. RLE, Netpbm, GIF / WebP / TIFF through sharp), each file loaded whole, resized
 * (a nearest resize takes the JPEG picked-decode path) and checked the way a directory
 * listing checks it. A result that loads must be well-formed pixels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, DataError } from '@layerwise/core';
import { loadImg, type Img } from '@layerwise/data';
import { checkImageFile, quickCheckImageFile } from '../../packages/data/src/image/decode.js';
import { crc32 } from 'node:zlib';
import { Malformed, type FuzzTarget, type Input } from './targets.js';
import { mutate, pick, type Random } from './mutate.js';

const IMAGES = fileURLToPath(new URL('../../packages/data/test/fixtures/images/', import.meta.url));
const JPEGS = fileURLToPath(new URL('../../packages/data/test/fixtures/jpeg/', import.meta.url));

function checkImg(img: Img, path: string): void {
  const { width, height, channels, data } = img;
  if (!(width >= 1 && height >= 1 && [1, 3, 4].includes(channels))) throw new Malformed(`${path}: ${width}×${height}×${channels}`);
  if (data.length !== width * height * channels) throw new Malformed(`${path}: ${data.length} bytes for ${width}×${height}×${channels}`);
}

/** A tiny RLE8 BMP (8×4, palette of grays): runs, an absolute run, end of lines, end of bitmap. */
function rleBmp(): Uint8Array {
  const rows = [
    [4, 10, 4, 200, 0, 0],
    [0, 4, 1, 2, 3, 4, 4, 50, 0, 0],
    [8, 90, 0, 0],
    [2, 7, 6, 30, 0, 1],
  ].flat();
  const palette = new Uint8Array(256 * 4).map((_, i) => (i % 4 === 3 ? 0 : i >> 2));
  const offset = 14 + 40 + palette.length;
  const out = new Uint8Array(offset + rows.length);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 8, true);
  v.setInt32(22, 4, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  v.setUint32(30, 1, true);
  v.setUint32(34, rows.length, true);
  v.setUint32(46, 256, true);
  out.set(palette, 54);
  out.set(rows, offset);
  return out;
}

const FILES: Record<string, string[]> = {
  png: ['small.png', 'small-gray.png', 'small-1bit.png', 'small-2bit-palette.png', 'small-palette-trns.png', 'small-rgba.png'],
  jpeg: ['small.jpg', 'exif-orientation-6.jpg', `${JPEGS}pil-420-restart3-61x91.jpg`, `${JPEGS}enc-420-3scans-17x33.jpg`],
  bmp: ['small.bmp', 'small-1bit.bmp', 'small-palette.bmp', 'small-gray.bmp'],
  gif: ['small.gif'],
  webp: ['small.webp', 'small-lossy.webp'],
  tiff: ['small.tif'],
  pnm: ['small.ppm', 'small-gray.pgm'],
};

const SIZES = [0, 1, 7, 255, 1000, 1999, 2001, 4000, 16383, 16384, 65535];

/**
 * The header lies about the image's size, and everything else is intact (a PNG's IHDR CRC is
 * recomputed, so only the size is wrong): the decoders must not trust it further than the
 * data behind it.
 */
function lieAboutSize(format: string, bytes: Uint8Array, r: Random): Uint8Array | undefined {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  const w = pick(r, SIZES);
  const h = pick(r, SIZES);
  switch (format) {
    case 'png':
      v.setUint32(16, w);
      v.setUint32(20, h);
      v.setUint32(29, crc32(out.subarray(12, 29)) >>> 0);
      return out;
    case 'jpeg':
      for (let p = 2; p + 9 < out.length; ) {
        if (out[p] !== 0xff) return undefined;
        const m = out[p + 1];
        if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
          v.setUint16(p + 5, h & 0xffff);
          v.setUint16(p + 7, w & 0xffff);
          return out;
        }
        p += 2 + v.getUint16(p + 2);
      }
      return undefined;
    case 'bmp':
      v.setInt32(18, w, true);
      v.setInt32(22, r() < 0.5 ? h : -h, true);
      return out;
    case 'gif':
      v.setUint16(6, w & 0xffff, true);
      v.setUint16(8, h & 0xffff, true);
      return out;
    case 'pnm': {
      const text = new TextDecoder('latin1').decode(out).replace(/^(P\d\s+)\d+\s+\d+/, `$1${w} ${h}`);
      return Uint8Array.from(text, (c) => c.charCodeAt(0));
    }
    default:
      return undefined;
  }
}

function imageTarget(format: string): FuzzTarget {
  return {
    name: format,
    ext: `.${format}`,
    async corpus() {
      const files: Input[] = FILES[format].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f.startsWith('/') ? f : join(IMAGES, f))) }));
      if (format === 'bmp') files.push({ name: 'rle8', bytes: rleBmp() });
      return files;
    },
    variant(r: Random, base: Input) {
      if (r() < 0.3) {
        const lie = lieAboutSize(format, base.bytes, r);
        if (lie && r() < 0.5) return { bytes: lie, how: 'header lies about the size' };
        if (lie) {
          const m = mutate(r, lie);
          return { bytes: m.bytes, how: `header lies about the size + ${m.how}` };
        }
      }
      return mutate(r, base.bytes);
    },
    async load(path) {
      // The listing's checks never throw; they return a reason or nothing.
      const quick = quickCheckImageFile(path);
      if (!(quick === 'ok' || quick === 'decode' || typeof quick.reason === 'string')) throw new Malformed(`${path}: quick check gave ${String(quick)}`);
      const full = await checkImageFile(path, true);
      if (full !== undefined && typeof full !== 'string') throw new Malformed(`${path}: check gave ${String(full)}`);
      checkImg(await loadImg(path, { colorMode: 'rgb' }), path);
      checkImg(await loadImg(path, { targetSize: [5, 7], colorMode: 'grayscale' }), path);
      checkImg(await loadImg(path, { targetSize: [9, 4], interpolation: 'bilinear', colorMode: 'rgba' }), path);
    },
    named: (e) => e instanceof DataError || e instanceof ConfigError,
  };
}

export const IMAGE_TARGETS: FuzzTarget[] = Object.keys(FILES).map(imageTarget);
