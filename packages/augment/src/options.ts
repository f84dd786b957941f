/** ImageDataGenerator's options and argument types (Keras' names, camelCased). */
import { keysOf, type Tensor } from '@layerwise/core';
import type { FillMode } from './kernels/boundary.js';
import type { TransformParameters } from './kernels/transform.js';

export type DataFormat = 'channels_last' | 'channels_first';

/** A shift range as Keras reads it: a fraction (< 1) or pixels (≥ 1), an integer n (choices 0..n-1, random sign), or a list of choices. */
export type ShiftRange = number | readonly number[];

/**
 * Which way the shift ranges move the image. 'documented' (the default): `widthShiftRange`
 * shifts horizontally (along the columns) and `heightShiftRange` vertically, as their names,
 * Keras' docs and the tutorial say. 'keras': Keras' actual behaviour, the other way round
 * (its get_random_transform swaps them: keras-team/keras#17398), for bit-exact reproduction
 * of a Keras run.
 */
export type ShiftAxes = 'documented' | 'keras';
export const SHIFT_AXES: readonly ShiftAxes[] = ['documented', 'keras'];

export interface ImageDataGeneratorOptions {
  featurewiseCenter?: boolean;
  samplewiseCenter?: boolean;
  featurewiseStdNormalization?: boolean;
  samplewiseStdNormalization?: boolean;
  zcaWhitening?: boolean;
  /** Default 1e-6. */
  zcaEpsilon?: number;
  /** Degrees; angles are drawn from uniform(-r, r). */
  rotationRange?: number;
  /** Horizontal shift (along the columns): a fraction of the width, or pixels. See shiftAxes. */
  widthShiftRange?: ShiftRange;
  /** Vertical shift (along the rows): a fraction of the height, or pixels. See shiftAxes. */
  heightShiftRange?: ShiftRange;
  /** Default 'documented' (width = horizontal); 'keras' reproduces Keras' swapped shifts. */
  shiftAxes?: ShiftAxes;
  /** [lo, hi] brightness factors. */
  brightnessRange?: readonly [number, number] | null;
  /** Shear angle in degrees (counter-clockwise). */
  shearRange?: number;
  /** z → [1 - z, 1 + z], or [lo, hi]. */
  zoomRange?: number | readonly [number, number];
  channelShiftRange?: number;
  /** Default 'nearest'. */
  fillMode?: FillMode;
  cval?: number;
  horizontalFlip?: boolean;
  verticalFlip?: boolean;
  /** Multiply the data by this after the other transforms (e.g. 1 / 255); 0 / null = none. */
  rescale?: number | null;
  /** Run on each image after augmentation and before the rest of standardize (a 3-D Tensor in, same shape out). */
  preprocessingFunction?: ((x: Tensor) => Tensor) | null;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
  /** Fraction of the data reserved for validation (strictly between 0 and 1). */
  validationSplit?: number;
  /** Spline order for the affine resampling: 1 (bilinear, default) or 0. */
  interpolationOrder?: number;
  /** Where Keras' warnings go; default stderr. */
  log?: { warn(line: string): void };
}

export const imageDataGeneratorKeys = keysOf<ImageDataGeneratorOptions>()({
  featurewiseCenter: true, samplewiseCenter: true, featurewiseStdNormalization: true, samplewiseStdNormalization: true,
  zcaWhitening: true, zcaEpsilon: true, rotationRange: true, widthShiftRange: true, heightShiftRange: true, shiftAxes: true, brightnessRange: true,
  shearRange: true, zoomRange: true, channelShiftRange: true, fillMode: true, cval: true, horizontalFlip: true, verticalFlip: true,
  rescale: true, preprocessingFunction: true, dataFormat: true, validationSplit: true, interpolationOrder: true, log: true,
});

/** What applyTransform accepts: any subset, in camelCase or Keras' snake_case names. */
export type TransformInput = Partial<TransformParameters> & {
  flip_horizontal?: boolean;
  flip_vertical?: boolean;
  channel_shift_intensity?: number | null;
};

export interface FitOptions {
  /** Fit on randomly augmented copies. Default false. */
  augment?: boolean;
  /** Augmentation passes with augment. Default 1. */
  rounds?: number;
  seed?: number;
}
export const fitKeys = keysOf<FitOptions>()({ augment: true, rounds: true, seed: true });
