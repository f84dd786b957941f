/**
 * Channel conversions as PIL's `Image.convert` does them (Convert.c), for the three modes
 * Keras asks for. Worker-safe: imports nothing from core.
 */
import type { ColorMode, ImgChannels } from './img.js';

/** PIL's L24: ITU-R 601-2 luma in 16-bit fixed point, rounded: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16. */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/**
 * Converts interleaved pixels with `c` channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) to
 * `mode`, like PIL: 'grayscale' ('L') keeps gray, takes gray from gray+alpha, and uses L24
 * on colour (alpha ignored); 'rgb' drops alpha and repeats gray; 'rgba' adds alpha 255.
 * Returns the input itself when nothing changes.
 */
export function convertChannels(src: Uint8Array, pixels: number, c: number, mode: ColorMode): { data: Uint8Array; channels: ImgChannels } {
  if (mode === 'grayscale') {
    if (c === 1) return { data: src, channels: 1 };
    const out = new Uint8Array(pixels);
    if (c === 2) for (let i = 0; i < pixels; i++) out[i] = src[2 * i];
    else for (let i = 0, p = 0; i < pixels; i++, p += c) out[i] = (src[p] * 19595 + src[p + 1] * 38470 + src[p + 2] * 7471 + 0x8000) >> 16;
    return { data: out, channels: 1 };
  }
  if (mode === 'rgb') {
    if (c === 3) return { data: src, channels: 3 };
    const out = new Uint8Array(pixels * 3);
    if (c === 1 || c === 2)
      for (let i = 0, o = 0; i < pixels; i++) {
        const v = src[i * c];
        out[o++] = v;
        out[o++] = v;
        out[o++] = v;
      }
    else
      for (let i = 0, o = 0, p = 0; i < pixels; i++, p += c) {
        out[o++] = src[p];
        out[o++] = src[p + 1];
        out[o++] = src[p + 2];
      }
    return { data: out, channels: 3 };
  }
  if (c === 4) return { data: src, channels: 4 };
  const out = new Uint8Array(pixels * 4);
  for (let i = 0, o = 0, p = 0; i < pixels; i++, p += c) {
    if (c === 1 || c === 2) {
      out[o++] = src[p];
      out[o++] = src[p];
      out[o++] = src[p];
      out[o++] = c === 2 ? src[p + 1] : 255;
    } else {
      out[o++] = src[p];
      out[o++] = src[p + 1];
      out[o++] = src[p + 2];
      out[o++] = 255;
    }
  }
  return { data: out, channels: 4 };
}
