/**
 * keras.utils' image functions: load_img, img_to_array, array_to_img, save_img.
 *
 *   const img = await loadImg('banana1.jpg', { targetSize: [224, 224] });
 *   const x = imgToArray(img);             // float32 Tensor [224, 224, 3], values 0–255
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { atomicWrite, ConfigError, DataError, Tensor } from '@layerwise/core';
import { encodeBmp } from './bmp.js';
import { decodeImage, type DecodeOptions } from './decode.js';
import { ImageFormatError } from './errors.js';
import { COLOR_MODES, Img, INTERPOLATIONS, type ImgChannels } from './img.js';
import { DEFAULT_MAX_IMAGE_PIXELS, getMaxImagePixels, pixelLimitMessage, storeMaxImagePixels } from './limits.js';
import { encodePnm } from './pnm.js';
import { readBytes } from '../files.js';

export type DataFormat = 'channels_last' | 'channels_first';

export { DEFAULT_MAX_IMAGE_PIXELS, getMaxImagePixels };

/**
 * The decompression-bomb limit of every image decode (Pillow's `Image.MAX_IMAGE_PIXELS = n`):
 * an image of more than `n` pixels (width × height, read from the header) decodes with a
 * DecompressionBombWarning; more than `2 * n` is a DataError before anything is decoded.
 * Default DEFAULT_MAX_IMAGE_PIXELS (89,478,485, Pillow's); `null` turns the check off.
 * Applies to loadImg, decodeImg, the directory iterators and their worker threads.
 */
export function setMaxImagePixels(n: number | null): void {
  if (n !== null && n !== Infinity && !(typeof n === 'number' && Number.isSafeInteger(n) && n > 0))
    throw new ConfigError(`setMaxImagePixels: expected a positive integer number of pixels, or null for no limit; got ${typeof n === 'number' ? n : `'${String(n)}' (a ${typeof n})`}`);
  storeMaxImagePixels(n === Infinity ? null : n);
}

export interface LoadImgOptions extends DecodeOptions {}

/** Checks Keras-style image options, throwing ConfigErrors that name the bad value. */
export function checkDecodeOptions(options: DecodeOptions, where: string): void {
  const { colorMode, interpolation, targetSize } = options;
  if (colorMode !== undefined && !COLOR_MODES.includes(colorMode))
    throw new ConfigError(`${where}: colorMode must be one of ${COLOR_MODES.map((m) => `'${m}'`).join(', ')}, got '${colorMode}'`);
  if (interpolation !== undefined && !INTERPOLATIONS.includes(interpolation))
    throw new ConfigError(`${where}: interpolation must be one of ${INTERPOLATIONS.map((m) => `'${m}'`).join(', ')}, got '${interpolation}'`);
  if (targetSize != null) {
    if (!Array.isArray(targetSize) || targetSize.length !== 2 || targetSize.some((d) => !Number.isInteger(d) || d < 1))
      throw new ConfigError(`${where}: targetSize must be [height, width] with positive integers, got ${JSON.stringify(targetSize)}`);
    // The resized image is allocated whatever the file holds: the same pixel limit applies to it.
    const max = getMaxImagePixels();
    const [height, width] = targetSize;
    if (max !== null && height * width > 2 * max)
      throw new ConfigError(`${where}: targetSize ${JSON.stringify(targetSize)}: ${pixelLimitMessage(height * width, width, height).replace('image size', 'target size')}`);
  }
}

/**
 * Loads an image file like `keras.utils.load_img(path, target_size=…, color_mode=…,
 * interpolation=…, keep_aspect_ratio=…)`: the same pixels as Keras/PIL (PIL's grayscale
 * luma and resampling filters are reproduced exactly). `targetSize` is [height, width].
 * Unlike Keras, the EXIF orientation is applied (autoOrient: false turns that off).
 * A missing, unreadable or broken file is a DataError naming it.
 */
export async function loadImg(path: string, options: LoadImgOptions = {}): Promise<Img> {
  checkDecodeOptions(options, 'loadImg');
  const bytes = readBytes(path);
  try {
    return await decodeImage(bytes, path, options);
  } catch (err) {
    if (err instanceof ImageFormatError) throw new DataError(err.message);
    throw err;
  }
}

/** Decodes image bytes already in memory (see loadImg); `name` is named in errors. */
export async function decodeImg(bytes: Uint8Array, options: LoadImgOptions & { name?: string } = {}): Promise<Img> {
  checkDecodeOptions(options, 'decodeImg');
  try {
    return await decodeImage(bytes, options.name ?? 'image data', options);
  } catch (err) {
    if (err instanceof ImageFormatError) throw new DataError(err.message);
    throw err;
  }
}

function checkDataFormat(dataFormat: string, where: string): void {
  if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first')
    throw new ConfigError(`${where}: dataFormat must be 'channels_last' or 'channels_first', got '${dataFormat}'`);
}

/**
 * `keras.utils.img_to_array`: a float32 Tensor [height, width, channels] (or [c, h, w]
 * with dataFormat 'channels_first'), values 0–255. `dtype` 'uint8' keeps the bytes (a view).
 */
export function imgToArray(img: Img, options: { dataFormat?: DataFormat; dtype?: 'float32' | 'uint8' | 'int32' } = {}): Tensor {
  const { dataFormat = 'channels_last', dtype = 'float32' } = options;
  checkDataFormat(dataFormat, 'imgToArray');
  const { width: w, height: h, channels: c, data } = img;
  if (dataFormat === 'channels_last') {
    if (dtype === 'uint8') return new Tensor(data, [h, w, c], 'uint8');
    return new Tensor(dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data), [h, w, c], dtype);
  }
  const out = dtype === 'uint8' ? new Uint8Array(data.length) : dtype === 'int32' ? new Int32Array(data.length) : new Float32Array(data.length);
  const plane = h * w;
  for (let i = 0; i < plane; i++) for (let ch = 0; ch < c; ch++) out[ch * plane + i] = data[i * c + ch];
  return new Tensor(out, [c, h, w], dtype);
}

/**
 * `keras.utils.array_to_img`: a 3-D Tensor (1, 3 or 4 channels) to an Img. With `scale`
 * (default true, as Keras) values are shifted and stretched to 0–255 (x - min, / max, * 255);
 * then cast to 8 bits like numpy's astype('uint8') (truncated), clamped to 0–255 here.
 */
export function arrayToImg(x: Tensor, options: { dataFormat?: DataFormat; scale?: boolean } = {}): Img {
  const { dataFormat = 'channels_last', scale = true } = options;
  checkDataFormat(dataFormat, 'arrayToImg');
  if (x.rank !== 3) throw new DataError(`arrayToImg: expected a rank-3 image array, got shape [${x.shape.join(', ')}]`);
  const [h, w, c] = dataFormat === 'channels_last' ? x.shape : [x.shape[1], x.shape[2], x.shape[0]];
  if (c !== 1 && c !== 3 && c !== 4) throw new DataError(`arrayToImg: unsupported channel number ${c} (shape [${x.shape.join(', ')}]); expected 1, 3 or 4`);
  const src = x.data;
  const n = src.length;
  let min = 0;
  let max = 1;
  if (scale) {
    min = Infinity;
    for (let i = 0; i < n; i++) if (src[i] < min) min = src[i];
    max = -Infinity;
    for (let i = 0; i < n; i++) if (src[i] - min > max) max = src[i] - min;
    if (n === 0) [min, max] = [0, 0];
  }
  const factor = scale ? (max !== 0 ? 255 / max : 255) : 1;
  const out = new Uint8Array(n);
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    // Keras: x = (x - min) / max * 255 in float32; computed in float64 here, then truncated.
    let v = scale ? (max !== 0 ? Math.fround(Math.fround(Math.fround(src[i] - min) / max) * 255) : (src[i] - min) * factor) : src[i];
    v = v < 0 ? 0 : v > 255 ? 255 : Math.trunc(v);
    const o = dataFormat === 'channels_last' ? i : (i % plane) * c + Math.floor(i / plane);
    out[o] = v;
  }
  return new Img(out, w, h, c as ImgChannels);
}

/** Formats saveImg writes, by file extension. */
const SAVE_FORMATS: Record<string, 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'bmp' | 'pnm'> = {
  jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tif: 'tiff', tiff: 'tiff', avif: 'avif', bmp: 'bmp', ppm: 'pnm', pgm: 'pnm', pnm: 'pnm',
};

export interface SaveImgOptions {
  /** Overrides the format the extension implies: 'png', 'jpeg' ('jpg'), 'webp', 'gif', 'tiff', 'avif', 'bmp', 'ppm'. */
  format?: string;
  dataFormat?: DataFormat;
  /** For a Tensor: stretch values to 0–255 first (Keras' default true). */
  scale?: boolean;
  /** JPEG/WebP/AVIF quality 1–100 (sharp's defaults otherwise: 80 for JPEG, as sharp). */
  quality?: number;
}

/**
 * `keras.utils.save_img`: writes a Tensor (through arrayToImg) or an Img to `path`, in the
 * format its extension names (or `format`). The file is written to a temporary name and
 * renamed into place. RGBA written as JPEG loses its alpha, as in Keras.
 */
export async function saveImg(path: string, x: Tensor | Img, options: SaveImgOptions = {}): Promise<void> {
  const img = x instanceof Img ? x : arrayToImg(x, { dataFormat: options.dataFormat, scale: options.scale });
  const requested = (options.format ?? extname(path).slice(1)).toLowerCase();
  const format = SAVE_FORMATS[requested];
  if (!format)
    throw new ConfigError(`saveImg: cannot tell the image format of '${path}'${options.format ? ` (format '${options.format}')` : ''}; use one of ${Object.keys(SAVE_FORMATS).join(', ')}`);
  atomicWrite(path, await encodeImg(img, format, options.quality));
}

/** Encodes an Img in a format ('png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'bmp', 'pnm'). */
export async function encodeImg(img: Img, format: string, quality?: number): Promise<Uint8Array> {
  const { data, width, height, channels } = img;
  if (format === 'bmp') return encodeBmp(data, width, height, channels);
  if (format === 'pnm' || format === 'ppm' || format === 'pgm') return encodePnm(data, width, height, channels);
  let pipeline = sharp(data, { raw: { width, height, channels } });
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  switch (format) {
    case 'jpeg':
    case 'jpg':
      pipeline = pipeline.jpeg({ quality });
      break;
    case 'png':
      pipeline = pipeline.png();
      break;
    case 'webp':
      pipeline = pipeline.webp({ quality });
      break;
    case 'gif':
      pipeline = pipeline.gif();
      break;
    case 'tiff':
    case 'tif':
      pipeline = pipeline.tiff({ compression: 'lzw' }); // lossless (sharp's default is JPEG inside TIFF)
      break;
    case 'avif':
      pipeline = pipeline.avif({ quality });
      break;
    default:
      throw new ConfigError(`encodeImg: unsupported format '${format}'`);
  }
  const out = await pipeline.toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
