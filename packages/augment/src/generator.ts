/**
 * Keras' ImageDataGenerator (keras/src/legacy/preprocessing/image.py) in TypeScript: the same
 * options, the same validation, random parameters drawn in the same order, the same
 * transform order (affine → channel shift → flips → brightness), standardize and fit.
 * The pieces: options.ts (argument types), random-transform.ts (get_random_transform),
 * kernels/ (apply_transform on raw arrays), statistics.ts (standardize, fit), zca.ts.
 */
import { ConfigError, Generator, checkOptions, describeValue, rng, ShapeError, Tensor } from '@layerwise/core';
import { directoryIteratorKeys, flowFromDirectory as dataFlowFromDirectory, type ClassMode, type DirectoryIterator, type DirectoryIteratorOptions } from '@layerwise/data';
import { FILL_MODES, type FillMode } from './kernels/boundary.js';
import { transformArray, type TransformConfig, type TransformParameters } from './kernels/transform.js';
import { NumpyArrayIterator, type FlowOptions } from './numpy-iterator.js';
import { fitKeys, imageDataGeneratorKeys, SHIFT_AXES, type DataFormat, type FitOptions, type ImageDataGeneratorOptions, type ShiftAxes, type ShiftRange, type TransformInput } from './options.js';
import { drawTransform, mix } from './random-transform.js';
import { fitStatistics, standardizeTensor } from './statistics.js';

export type { DataFormat, FitOptions, ImageDataGeneratorOptions, ShiftAxes, ShiftRange, TransformInput } from './options.js';
export type { TransformParameters } from './kernels/transform.js';

const W = 'ImageDataGenerator';

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function checkShift(name: string, v: unknown): void {
  if (v === undefined) return;
  if (isNum(v)) return;
  if (Array.isArray(v) && v.every(isNum)) return;
  throw new ConfigError(`${W}: \`${name}\` should be a number or a list of numbers. Received: ${JSON.stringify(v)}`);
}

export class ImageDataGenerator {
  featurewiseCenter: boolean;
  samplewiseCenter: boolean;
  featurewiseStdNormalization: boolean;
  samplewiseStdNormalization: boolean;
  zcaWhitening: boolean;
  zcaEpsilon: number;
  rotationRange: number;
  widthShiftRange: ShiftRange;
  heightShiftRange: ShiftRange;
  /** 'documented' (width = horizontal) or 'keras' (Keras' swapped shifts). */
  shiftAxes: ShiftAxes;
  brightnessRange: [number, number] | null;
  shearRange: number;
  zoomRange: [number, number];
  channelShiftRange: number;
  fillMode: FillMode;
  cval: number;
  horizontalFlip: boolean;
  verticalFlip: boolean;
  rescale: number | null;
  preprocessingFunction: ((x: Tensor) => Tensor) | null;
  dataFormat: DataFormat;
  interpolationOrder: number;
  readonly validationSplit: number;
  /** Batch axes, as Keras: channels_last → channel 3, row 1, col 2; channels_first → 1, 2, 3. */
  readonly channelAxis: number;
  readonly rowAxis: number;
  readonly colAxis: number;
  /** Featurewise statistics after fit(): per channel, shape [1, 1, c] (or [c, 1, 1]). */
  mean: Tensor | null = null;
  std: Tensor | null = null;
  zcaWhiteningMatrix: Tensor | null = null;
  private readonly log: { warn(line: string): void };

  constructor(options: ImageDataGeneratorOptions = {}) {
    const o = checkOptions('ImageDataGenerator', options, imageDataGeneratorKeys);
    this.log = o.log ?? { warn: (l) => process.stderr.write(`${l}\n`) };
    this.featurewiseCenter = o.featurewiseCenter ?? false;
    this.samplewiseCenter = o.samplewiseCenter ?? false;
    this.featurewiseStdNormalization = o.featurewiseStdNormalization ?? false;
    this.samplewiseStdNormalization = o.samplewiseStdNormalization ?? false;
    this.zcaWhitening = o.zcaWhitening ?? false;
    this.zcaEpsilon = o.zcaEpsilon ?? 1e-6;
    this.rotationRange = o.rotationRange ?? 0;
    this.widthShiftRange = o.widthShiftRange ?? 0;
    this.heightShiftRange = o.heightShiftRange ?? 0;
    this.shiftAxes = o.shiftAxes ?? 'documented';
    this.shearRange = o.shearRange ?? 0;
    this.channelShiftRange = o.channelShiftRange ?? 0;
    this.fillMode = o.fillMode ?? 'nearest';
    this.cval = o.cval ?? 0;
    this.horizontalFlip = o.horizontalFlip ?? false;
    this.verticalFlip = o.verticalFlip ?? false;
    this.rescale = o.rescale ?? null;
    this.preprocessingFunction = o.preprocessingFunction ?? null;
    this.interpolationOrder = o.interpolationOrder ?? 1;
    const dataFormat = o.dataFormat ?? 'channels_last';

    // Numbers Keras would choke on (np.random.uniform with NaN etc.) are refused up front.
    for (const [name, v] of [
      ['rotationRange', this.rotationRange],
      ['shearRange', this.shearRange],
      ['channelShiftRange', this.channelShiftRange],
      ['cval', this.cval],
      ['zcaEpsilon', this.zcaEpsilon],
    ] as const) {
      if (!isNum(v)) throw new ConfigError(`${W}: \`${name}\` should be a finite number. Received: ${String(v)}`);
    }
    if (this.rescale !== null && !isNum(this.rescale)) throw new ConfigError(`${W}: \`rescale\` should be a finite number. Received: ${String(this.rescale)}`);
    checkShift('widthShiftRange', o.widthShiftRange);
    checkShift('heightShiftRange', o.heightShiftRange);
    if (!SHIFT_AXES.includes(this.shiftAxes))
      throw new ConfigError(`${W}: \`shiftAxes\` should be "documented" (widthShiftRange shifts horizontally, as documented) or "keras" (Keras' swapped shifts, for bit-exact reproduction). Received: ${describeValue(this.shiftAxes)}`);
    if (!FILL_MODES.includes(this.fillMode)) throw new ConfigError(`${W}: \`fillMode\` should be one of ${FILL_MODES.map((m) => `"${m}"`).join(', ')}. Received: ${String(this.fillMode)}`);
    if (this.interpolationOrder !== 0 && this.interpolationOrder !== 1)
      throw new ConfigError(`${W}: \`interpolationOrder\` ${String(this.interpolationOrder)} is not implemented (0 or 1; Keras' default is 1)`);
    if (this.preprocessingFunction !== null && typeof this.preprocessingFunction !== 'function')
      throw new ConfigError(`${W}: \`preprocessingFunction\` should be a function. Received: ${typeof this.preprocessingFunction}`);

    if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first')
      throw new ConfigError(`${W}: \`dataFormat\` should be "channels_last" (channel after row and column) or "channels_first" (channel before row and column). Received: ${String(dataFormat)}`);
    this.dataFormat = dataFormat;
    if (dataFormat === 'channels_first') [this.channelAxis, this.rowAxis, this.colAxis] = [1, 2, 3];
    else [this.channelAxis, this.rowAxis, this.colAxis] = [3, 1, 2];

    const vs = o.validationSplit ?? 0;
    if (!isNum(vs) || (vs && !(vs > 0 && vs < 1))) throw new ConfigError(`${W}: \`validationSplit\` must be strictly between 0 and 1. Received: ${String(vs)}`);
    this.validationSplit = vs;

    const zr = o.zoomRange ?? 0;
    if (isNum(zr)) {
      // Stricter than Keras, which takes a negative z as [1 - z, 1 + z] reversed without a word.
      if (zr < 0) throw new ConfigError(`${W}: \`zoomRange\` should be a non-negative float (z → [1 - z, 1 + z]) or a list of two floats. Received: ${zr}`);
      this.zoomRange = [1 - zr, 1 + zr];
    }
    else if (Array.isArray(zr) && zr.length === 2 && zr.every(isNum)) this.zoomRange = [zr[0], zr[1]];
    else throw new ConfigError(`${W}: \`zoomRange\` should be a float or a tuple or list of two floats. Received: ${JSON.stringify(zr)}`);
    // Stricter than Keras (which would divide by a zero or negative zoom silently): zooms must stay positive.
    if (!(this.zoomRange[0] > 0 && this.zoomRange[1] > 0))
      throw new ConfigError(`${W}: \`zoomRange\` must give positive zoom factors; got [${this.zoomRange.join(', ')}] (a number z gives [1 - z, 1 + z], so 0 <= z < 1)`);

    if (this.zcaWhitening) {
      if (!this.featurewiseCenter) {
        this.featurewiseCenter = true;
        this.log.warn('This ImageDataGenerator specifies `zca_whitening`, which overrides setting of `featurewise_center`.');
      }
      if (this.featurewiseStdNormalization) {
        this.featurewiseStdNormalization = false;
        this.log.warn('This ImageDataGenerator specifies `zca_whitening` which overrides setting of`featurewise_std_normalization`.');
      }
    }
    if (this.featurewiseStdNormalization && !this.featurewiseCenter) {
      this.featurewiseCenter = true;
      this.log.warn('This ImageDataGenerator specifies `featurewise_std_normalization`, which overrides setting of `featurewise_center`.');
    }
    if (this.samplewiseStdNormalization && !this.samplewiseCenter) {
      this.samplewiseCenter = true;
      this.log.warn('This ImageDataGenerator specifies `samplewise_std_normalization`, which overrides setting of `samplewise_center`.');
    }
    const br = o.brightnessRange ?? null;
    if (br !== null && !(Array.isArray(br) && br.length === 2 && br.every(isNum)))
      throw new ConfigError(`${W}: \`brightnessRange\` should be tuple or list of two floats. Received: ${JSON.stringify(br)}`);
    this.brightnessRange = br === null ? null : [br[0], br[1]];
  }

  /** @internal Row, column and channel axes of one image in this data format. */
  get imgAxes(): { row: number; col: number; channel: number } {
    return { row: this.rowAxis - 1, col: this.colAxis - 1, channel: this.channelAxis - 1 };
  }

  /**
   * Keras' get_random_transform: draws, in Keras' order, theta, the height shift, the width
   * shift, shear, zx and zy, the two flip coins (always drawn), the channel shift and the
   * brightness. `tx` is the horizontal shift and `ty` the vertical one, in pixels (what
   * applyTransform reads): with shiftAxes 'documented' tx comes from widthShiftRange and ty
   * from heightShiftRange; with 'keras', as Keras, tx from heightShiftRange and ty from
   * widthShiftRange. `seed` gives a fresh seeded generator; otherwise `generator` or core's
   * shared one (setSeed).
   */
  getRandomTransform(imgShape: readonly number[], seed?: number, generator?: Generator): TransformParameters {
    return drawTransform(this, imgShape, seed !== undefined ? new Generator(seed) : (generator ?? rng()));
  }

  /**
   * Keras' apply_transform on one 3-D image: affine, channel shift, flips, brightness.
   * `tx` shifts along the columns (x, horizontal) and `ty` along the rows (y, vertical), in
   * pixels: the output at (row, col) samples the input at (row + ty, col + tx), so a positive
   * tx moves the picture left and a positive ty moves it up (as Keras: 'Shift in the x / y
   * direction').
   */
  applyTransform(x: Tensor, params: TransformInput): Tensor {
    if (x.rank !== 3) throw new ShapeError(`${W}.applyTransform: expected a single 3-D image, got shape [${x.shape.join(', ')}]`);
    const p: TransformParameters = {
      theta: params.theta ?? 0,
      tx: params.tx ?? 0,
      ty: params.ty ?? 0,
      shear: params.shear ?? 0,
      zx: params.zx ?? 1,
      zy: params.zy ?? 1,
      flipHorizontal: !!(params.flipHorizontal ?? params.flip_horizontal ?? false),
      flipVertical: !!(params.flipVertical ?? params.flip_vertical ?? false),
      channelShiftIntensity: params.channelShiftIntensity ?? params.channel_shift_intensity ?? null,
      brightness: params.brightness ?? null,
    };
    for (const k of ['theta', 'tx', 'ty', 'shear', 'zx', 'zy'] as const)
      if (!Number.isFinite(p[k])) throw new ConfigError(`applyAffineTransform: ${k} must be finite; got ${p[k]}`);
    if (p.brightness !== null) {
      if (!Number.isFinite(p.brightness)) throw new ConfigError(`applyBrightnessShift: brightness must be finite; got ${p.brightness}`);
      const c = x.shape[this.imgAxes.channel];
      if (c !== 1 && c !== 3 && c !== 4) throw new ShapeError(`applyBrightnessShift: unsupported channel number ${c} (1, 3 or 4)`);
    }
    // The same kernels as the flow workers (kernels/): affine with the flips folded in,
    // channel shift, brightness.
    const src = x.dtype === 'float32' ? (x.data as Float32Array) : Float32Array.from(x.data);
    return new Tensor(transformArray(src, x.shape, p, this.transformConfig()), x.shape, 'float32');
  }

  /** @internal What the flow workers need to run applyTransform. */
  transformConfig(): TransformConfig {
    return { ...this.imgAxes, fillMode: this.fillMode, cval: this.cval, order: this.interpolationOrder };
  }

  /** @internal Whether standardize changes anything (else it is a copy). */
  standardizes(): boolean {
    return !!(this.preprocessingFunction || this.rescale || this.samplewiseCenter || this.samplewiseStdNormalization || this.featurewiseCenter || this.featurewiseStdNormalization || this.zcaWhitening);
  }

  /** Keras' random_transform: getRandomTransform then applyTransform. */
  randomTransform(x: Tensor, seed?: number, generator?: Generator): Tensor {
    return this.applyTransform(x, this.getRandomTransform(x.shape, seed, generator));
  }

  /**
   * Keras' standardize on an image or a batch (a new float32 Tensor; Keras works in place):
   * preprocessingFunction, rescale, samplewise centre / std (over the whole input given),
   * featurewise centre / std and ZCA (after fit()).
   */
  standardize(input: Tensor): Tensor {
    return standardizeTensor(this, input, this.log);
  }

  /**
   * Keras' fit(x, augment, rounds, seed): featurewise mean / std per channel and the ZCA
   * matrix (population statistics, computed in float64), after rescale and, with augment,
   * over `rounds` random transforms of every sample.
   */
  fit(input: Tensor, options: FitOptions = {}): void {
    fitStatistics(this, input, checkOptions('ImageDataGenerator.fit', options, fitKeys), this.log);
  }

  /**
   * Keras' flow(x, y, …): an endless iterator of [x, y] batches (x only without y) of
   * randomly transformed, standardized samples; `length` batches per epoch. fit accepts it.
   */
  flow(x: Tensor, y?: Tensor | null, options: FlowOptions = {}): NumpyArrayIterator {
    return new NumpyArrayIterator(x, y ?? null, this, options);
  }

  /**
   * Keras' flow_from_directory on @layerwise/data's DirectoryIterator: each image gets
   * randomTransform then standardize (rescale included) on the main thread through the
   * iterator's imageTransform hook. With `seed`, every image's transform comes from a
   * generator seeded by (seed, file index, how many times that file was seen), so runs repeat.
   */
  flowFromDirectory<M extends ClassMode = 'categorical'>(directory: string, options: Omit<DirectoryIteratorOptions<M>, 'imageTransform' | 'rescale' | 'validationSplit' | 'dataFormat'> = {}): Promise<DirectoryIterator<M>> {
    // The generator supplies these four; the rest go to @layerwise/data's flowFromDirectory.
    const ownKeys = ['imageTransform', 'rescale', 'validationSplit', 'dataFormat'];
    checkOptions('ImageDataGenerator.flowFromDirectory', options, directoryIteratorKeys.filter((k) => !ownKeys.includes(k)));
    const base = { ...options, dataFormat: this.dataFormat, validationSplit: this.validationSplit || undefined };
    if (!this.hasRandomTransforms() && !this.preprocessingFunction && !this.samplewiseCenter && !this.samplewiseStdNormalization && !this.featurewiseCenter && !this.featurewiseStdNormalization && !this.zcaWhitening)
      // Nothing but rescale (the tutorial's test generators): done on the decoding workers, the same float32 product.
      return dataFlowFromDirectory<M>(directory, { ...base, rescale: this.rescale || undefined } as DirectoryIteratorOptions<M>);
    const seen = new Map<number, number>();
    const seed = options.seed;
    const imageTransform = (image: Tensor, fileIndex: number): Tensor => {
      let g: Generator | undefined;
      if (seed !== undefined) {
        const k = seen.get(fileIndex) ?? 0;
        seen.set(fileIndex, k + 1);
        g = new Generator(mix(seed, fileIndex, k));
      }
      return this.standardize(this.randomTransform(image, undefined, g));
    };
    return dataFlowFromDirectory<M>(directory, { ...base, imageTransform } as DirectoryIteratorOptions<M>);
  }

  /** Whether any random augmentation is configured (else getRandomTransform gives the identity). */
  hasRandomTransforms(): boolean {
    const shift = (r: ShiftRange): boolean => (typeof r === 'number' ? r !== 0 : r.length > 0);
    return (
      this.rotationRange !== 0 ||
      shift(this.widthShiftRange) ||
      shift(this.heightShiftRange) ||
      this.shearRange !== 0 ||
      !(this.zoomRange[0] === 1 && this.zoomRange[1] === 1) ||
      this.channelShiftRange !== 0 ||
      this.brightnessRange !== null ||
      this.horizontalFlip ||
      this.verticalFlip
    );
  }
}
