/**
 * The decoded-image value that `loadImg` returns (Keras returns a PIL image): 8-bit pixels,
 * interleaved, row-major, `channels` per pixel. Worker-safe: imports nothing from core.
 */

/** Keras' color_mode: 'rgb' (3 channels), 'grayscale' (1, PIL mode 'L') or 'rgba' (4). */
export type ColorMode = 'rgb' | 'grayscale' | 'rgba';

/**
 * Keras' interpolation names (PIL's resampling filters). Every one is computed exactly as
 * Pillow computes it (see resample.ts), so results match `keras.utils.load_img` pixel for pixel.
 */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

export const COLOR_MODES: readonly ColorMode[] = ['rgb', 'grayscale', 'rgba'];
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming'];

export type ImgChannels = 1 | 3 | 4;

/** PIL's mode names for the three channel counts. */
export type ImgMode = 'L' | 'RGB' | 'RGBA';

/** A decoded image: `height × width × channels` uint8 values, interleaved (HWC). */
export class Img {
  constructor(
    readonly data: Uint8Array,
    readonly width: number,
    readonly height: number,
    readonly channels: ImgChannels,
  ) {
    if (data.length !== width * height * channels)
      throw new RangeError(`Img: ${data.length} bytes do not hold ${height}×${width}×${channels} pixels`);
  }

  /** PIL's `img.size`: (width, height). */
  get size(): [width: number, height: number] {
    return [this.width, this.height];
  }

  /** PIL's `img.mode`: 'L', 'RGB' or 'RGBA'. */
  get mode(): ImgMode {
    return this.channels === 1 ? 'L' : this.channels === 3 ? 'RGB' : 'RGBA';
  }

  toString(): string {
    return `Img(mode=${this.mode}, size=${this.width}x${this.height})`;
  }
}

export function channelsOf(colorMode: ColorMode): ImgChannels {
  return colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : 4;
}
