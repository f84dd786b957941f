/**
 * Netpbm decoding (.ppm, .pgm, .pbm: P1–P6) and encoding (P5/P6). Keras lists 'ppm' among
 * the image extensions and sharp's prebuilt libvips has no PPM loader. Values with a
 * maxval other than 255 are scaled to 0–255 (rounded). Worker-safe.
 */
import { ImageFormatError } from './errors.js';
import { checkImagePixels } from './limits.js';
import type { RawImage } from './bmp.js';

export function isPnm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36; // P1..P6
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

export function decodePnm(bytes: Uint8Array, name = 'PNM data'): RawImage {
  const fail = (why: string): never => {
    throw new ImageFormatError(`${name}: not a readable PPM/PGM/PBM file: ${why}`);
  };
  if (!isPnm(bytes)) fail('no P1–P6 signature');
  const kind = bytes[1] - 0x30;
  let p = 2;
  const token = (): number => {
    for (;;) {
      while (p < bytes.length && isSpace(bytes[p])) p++;
      if (bytes[p] === 0x23) {
        while (p < bytes.length && bytes[p] !== 0x0a && bytes[p] !== 0x0d) p++;
        continue;
      }
      break;
    }
    const start = p;
    while (p < bytes.length && bytes[p] >= 0x30 && bytes[p] <= 0x39) p++;
    if (p === start) fail(`bad header near byte ${start}`);
    return Number(new TextDecoder().decode(bytes.subarray(start, p)));
  };
  const width = token();
  const height = token();
  const bitmap = kind === 1 || kind === 4;
  const maxval = bitmap ? 1 : token();
  if (width < 1 || height < 1) fail(`bad size ${width}×${height}`);
  checkImagePixels(width, height, name);
  if (width * height > 2 ** 30 - 1) fail(`image too large to decode here (${width}×${height})`);
  if (maxval < 1 || maxval > 65535) fail(`bad maxval ${maxval}`);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const count = width * height * channels;
  // Every value takes at least a byte in the text formats (P4 packs 8 per byte), so a file
  // too short for its size is refused before the image is allocated.
  const minBytes = kind === 4 ? Math.ceil(width / 8) * height : kind === 1 ? count : kind >= 5 ? count * (maxval > 255 ? 2 : 1) : 2 * count - 1;
  if (bytes.length - p < minBytes) fail(`pixel data truncated: ${width}×${height} needs at least ${minBytes} bytes, found ${bytes.length - p}`);
  const out = new Uint8Array(count);
  const scale = (v: number) => (maxval === 255 ? v : Math.min(255, Math.round((v * 255) / maxval)));

  if (kind >= 4) {
    p++; // the single whitespace byte after the header
    if (kind === 4) {
      const stride = Math.ceil(width / 8);
      if (p + stride * height > bytes.length) fail(`pixel data truncated: needs ${stride * height} bytes, found ${bytes.length - p}`);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) out[y * width + x] = (bytes[p + y * stride + (x >> 3)] >> (7 - (x & 7))) & 1 ? 0 : 255;
    } else {
      const wide = maxval > 255;
      const need = count * (wide ? 2 : 1);
      if (p + need > bytes.length) fail(`pixel data truncated: needs ${need} bytes, found ${bytes.length - p}`);
      for (let i = 0; i < count; i++) out[i] = scale(wide ? (bytes[p + 2 * i] << 8) | bytes[p + 2 * i + 1] : bytes[p + i]);
    }
  } else {
    for (let i = 0; i < count; i++) {
      if (kind === 1) {
        while (p < bytes.length && (isSpace(bytes[p]) || bytes[p] === 0x23)) {
          if (bytes[p] === 0x23) while (p < bytes.length && bytes[p] !== 0x0a) p++;
          else p++;
        }
        if (p >= bytes.length) fail(`pixel data truncated at value ${i} of ${count}`);
        out[i] = bytes[p++] === 0x31 ? 0 : 255;
      } else {
        if (p >= bytes.length) fail(`pixel data truncated at value ${i} of ${count}`);
        out[i] = scale(token());
      }
    }
  }
  return { data: out, width, height, channels };
}

/** Encodes gray (P5) or RGB (P6) 8-bit pixels; RGBA is written as RGB. */
export function encodePnm(data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  const c = channels === 1 ? 1 : 3;
  const header = new TextEncoder().encode(`P${c === 1 ? 5 : 6}\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height * c);
  out.set(header);
  if (channels !== 4) out.set(data.subarray(0, width * height * c), header.length);
  else for (let i = 0, o = header.length; i < width * height; i++) for (let ch = 0; ch < 3; ch++) out[o++] = data[i * 4 + ch];
  return out;
}
