/**
 * Keras' ImageDataGenerator (keras/src/legacy/preprocessing/image.py) in TypeScript: the same
 * options, the same validation, random parameters drawn in the same order, the same
 * transform order (affine → channel shift → flips → brightness), standardize and fit.
 */
import { ConfigError, Generator, rng, ShapeError, Tensor } from '@layerwise/core';
import { flowFromDirectory as dataFlowFromDirectory, type ClassMode, type DirectoryIterator, type DirectoryIteratorOptions } from '@layerwise/data';
import { FILL_MODES, type FillMode } from './affine.js';
import { transformArray, type RawTransform, type TransformConfig } from './kernels.js';
import { NumpyArrayIterator, type FlowOptions } from './numpy-iterator.js';
import { symmetricEigen } from './linalg.js';

export type DataFormat = 'channels_last' | 'channels_first';

/** A shift range as Keras reads it: a fraction (< 1) or pixels (≥ 1), an integer n (choices 0..n-1, random sign), or a list of choices. */
export type ShiftRange = number | readonly number[];

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
  widthShiftRange?: ShiftRange;
  heightShiftRange?: ShiftRange;
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

/** The parameters of one random transform (Keras' transform_parameters dictionary). */
export interface TransformParameters {
  theta: number;
  tx: number;
  ty: number;
  shear: number;
  zx: number;
  zy: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  channelShiftIntensity: number | null;
  brightness: number | null;
}

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
    const o = options;
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

  /** Axes within a single image (batch axes minus one). */
  /** @internal Row, column and channel axes of one image in this data format. */
  get imgAxes(): { row: number; col: number; channel: number } {
    return { row: this.rowAxis - 1, col: this.colAxis - 1, channel: this.channelAxis - 1 };
  }

  /**
   * Keras' get_random_transform: draws, in Keras' order, theta, tx (height shift), ty
   * (width shift), shear, zx and zy, the two flip coins (always drawn), the channel shift
   * and the brightness. `seed` gives a fresh seeded generator; otherwise `generator` or
   * core's shared one (setSeed).
   */
  getRandomTransform(imgShape: readonly number[], seed?: number, generator?: Generator): TransformParameters {
    const g = seed !== undefined ? new Generator(seed) : (generator ?? rng());
    const { row, col } = this.imgAxes;
    const theta = this.rotationRange ? g.uniform(-this.rotationRange, this.rotationRange) : 0;
    const tx = drawShift(this.heightShiftRange, imgShape[row], g);
    const ty = drawShift(this.widthShiftRange, imgShape[col], g);
    const shear = this.shearRange ? g.uniform(-this.shearRange, this.shearRange) : 0;
    let zx = 1;
    let zy = 1;
    if (!(this.zoomRange[0] === 1 && this.zoomRange[1] === 1)) {
      zx = g.uniform(this.zoomRange[0], this.zoomRange[1]);
      zy = g.uniform(this.zoomRange[0], this.zoomRange[1]);
    }
    const flipHorizontal = g.random() < 0.5 && this.horizontalFlip;
    const flipVertical = g.random() < 0.5 && this.verticalFlip;
    const channelShiftIntensity = this.channelShiftRange !== 0 ? g.uniform(-this.channelShiftRange, this.channelShiftRange) : null;
    const brightness = this.brightnessRange !== null ? g.uniform(this.brightnessRange[0], this.brightnessRange[1]) : null;
    return { theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical, channelShiftIntensity, brightness };
  }

  /** Keras' apply_transform on one 3-D image: affine, channel shift, flips, brightness. */
  applyTransform(x: Tensor, params: TransformInput): Tensor {
    if (x.rank !== 3) throw new ShapeError(`${W}.applyTransform: expected a single 3-D image, got shape [${x.shape.join(', ')}]`);
    const p: RawTransform = {
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
    // The same kernels as the flow workers (kernels.ts): affine with the flips folded in,
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
    let x = input;
    if (this.preprocessingFunction) {
      x = this.preprocessingFunction(x);
      if (!(x instanceof Tensor)) throw new ConfigError(`${W}: preprocessingFunction must return a Tensor`);
    }
    const d = Float32Array.from(x.data);
    if (this.rescale) {
      const r = Math.fround(this.rescale);
      for (let i = 0; i < d.length; i++) d[i] = d[i] * r;
    }
    if (this.samplewiseCenter) {
      let s = 0;
      for (let i = 0; i < d.length; i++) s += d[i];
      const m = s / d.length;
      for (let i = 0; i < d.length; i++) d[i] = d[i] - m;
    }
    if (this.samplewiseStdNormalization) {
      let m = 0;
      for (let i = 0; i < d.length; i++) m += d[i];
      m /= d.length;
      let v = 0;
      for (let i = 0; i < d.length; i++) v += (d[i] - m) ** 2;
      const sd = Math.sqrt(v / d.length) + 1e-6;
      for (let i = 0; i < d.length; i++) d[i] = d[i] / sd;
    }
    const channelOf = this.channelIndexer(x.shape);
    if (this.featurewiseCenter) {
      if (this.mean) {
        const mean = this.mean.data;
        for (let i = 0; i < d.length; i++) d[i] = d[i] - mean[channelOf(i)];
      } else this.log.warn("This ImageDataGenerator specifies `featurewise_center`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
    }
    if (this.featurewiseStdNormalization) {
      if (this.std) {
        const std = this.std.data;
        for (let i = 0; i < d.length; i++) d[i] = d[i] / (std[channelOf(i)] + 1e-6);
      } else this.log.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
    }
    if (this.zcaWhitening) {
      if (this.zcaWhiteningMatrix) {
        const dim = this.zcaWhiteningMatrix.shape[0];
        if (d.length % dim !== 0) throw new ShapeError(`${W}.standardize: input of shape [${x.shape.join(', ')}] does not match the ZCA matrix fitted on images of ${dim} values`);
        const wm = this.zcaWhiteningMatrix.data;
        const row = new Float64Array(dim);
        for (let r = 0; r < d.length / dim; r++) {
          row.fill(0);
          for (let k = 0; k < dim; k++) {
            const a = d[r * dim + k];
            if (a === 0) continue;
            const off = k * dim;
            for (let j = 0; j < dim; j++) row[j] += a * wm[off + j];
          }
          for (let j = 0; j < dim; j++) d[r * dim + j] = row[j];
        }
      } else this.log.warn("This ImageDataGenerator specifies `zca_whitening`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
    }
    return new Tensor(d, x.shape, 'float32');
  }

  /** Channel of flat element i for an image or batch in this generator's data format. */
  private channelIndexer(shape: readonly number[]): (i: number) => number {
    const r = shape.length;
    if (this.dataFormat === 'channels_last') {
      const c = shape[r - 1];
      return (i) => i % c;
    }
    const c = shape[r - 3];
    const inner = shape[r - 2] * shape[r - 1];
    return (i) => Math.floor(i / inner) % c;
  }

  /**
   * Keras' fit(x, augment, rounds, seed): featurewise mean / std per channel and the ZCA
   * matrix (population statistics, computed in float64), after rescale and, with augment,
   * over `rounds` random transforms of every sample.
   */
  fit(input: Tensor, options: FitOptions = {}): void {
    if (input.rank !== 4) throw new ConfigError(`${W}.fit: input to \`.fit()\` should have rank 4. Got array with shape: [${input.shape.join(', ')}]`);
    const nc = input.shape[this.channelAxis];
    if (![1, 3, 4].includes(nc))
      this.log.warn(`Expected input to be images following the data format convention "${this.dataFormat}" (channels on axis ${this.channelAxis}), i.e. expected either 1, 3 or 4 channels on axis ${this.channelAxis}. However, it was passed an array with shape [${input.shape.join(', ')}] (${nc} channels).`);
    const g = options.seed !== undefined ? new Generator(options.seed) : rng();
    let x = Float32Array.from(input.data);
    if (this.rescale) {
      const r = Math.fround(this.rescale);
      for (let i = 0; i < x.length; i++) x[i] = x[i] * r;
    }
    let n = input.shape[0];
    const per = x.length / (n || 1);
    const imgShape = input.shape.slice(1);
    if (options.augment) {
      const rounds = options.rounds ?? 1;
      if (!Number.isInteger(rounds) || rounds < 1) throw new ConfigError(`${W}.fit: \`rounds\` should be a positive integer. Received: ${rounds}`);
      const ax = new Float32Array(rounds * x.length);
      for (let r = 0; r < rounds; r++)
        for (let i = 0; i < n; i++) {
          const img = new Tensor(x.subarray(i * per, (i + 1) * per), imgShape, 'float32');
          ax.set(this.randomTransform(img, undefined, g).data, (i + r * n) * per);
        }
      x = ax;
      n *= rounds;
    }
    const shape = [n, ...imgShape];
    const channelOf = this.channelIndexer(shape);
    const bshape = this.dataFormat === 'channels_last' ? [1, 1, nc] : [nc, 1, 1];
    if (this.featurewiseCenter) {
      const sum = new Float64Array(nc);
      for (let i = 0; i < x.length; i++) sum[channelOf(i)] += x[i];
      const count = x.length / nc;
      const mean = Float32Array.from(sum, (s) => s / count);
      this.mean = new Tensor(mean, bshape, 'float32');
      for (let i = 0; i < x.length; i++) x[i] = x[i] - mean[channelOf(i)];
    }
    if (this.featurewiseStdNormalization) {
      const sum = new Float64Array(nc);
      const sq = new Float64Array(nc);
      for (let i = 0; i < x.length; i++) {
        sum[channelOf(i)] += x[i];
      }
      const count = x.length / nc;
      for (let i = 0; i < x.length; i++) {
        const c = channelOf(i);
        sq[c] += (x[i] - sum[c] / count) ** 2;
      }
      const std = Float32Array.from(sq, (s) => Math.sqrt(s / count));
      this.std = new Tensor(std, bshape, 'float32');
      for (let i = 0; i < x.length; i++) x[i] = x[i] / (std[channelOf(i)] + 1e-6);
    }
    if (this.zcaWhitening) this.zcaWhiteningMatrix = zcaMatrix(x, n, per, this.zcaEpsilon);
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

function mix(a: number, b: number, c: number): number {
  let h = (a >>> 0) ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ Math.imul(c + 0x7f4a7c15, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One shift draw as Keras does: a list → a random element times a random sign; an integer
 * n ≥ 1 → np.random.choice(n) (0..n-1) times a random sign; another number → uniform(-r, r).
 * Values all below 1 are fractions of `size`. 0 / [] → no shift (nothing drawn).
 */
function drawShift(range: ShiftRange, size: number, g: Generator): number {
  const list = typeof range === 'number' ? null : range;
  if (list ? list.length === 0 : !range) return 0;
  let t: number;
  let max: number;
  if (list) {
    t = list[g.int(list.length)] * (g.int(2) === 0 ? -1 : 1);
    max = Math.max(...list);
  } else {
    const r = range as number;
    if (Number.isInteger(r) && r > 0) t = g.int(r) * (g.int(2) === 0 ? -1 : 1);
    else t = g.uniform(-r, r);
    max = r;
  }
  return max < 1 ? t * size : t;
}

/** Keras' ZCA matrix: u · diag(sqrt(n) / (s + eps)) · uᵀ from the SVD of xᵀ (k = min(n, d) components). */
function zcaMatrix(x: Float32Array, n: number, d: number, eps: number): Tensor {
  const k = Math.min(n, d);
  const u = new Float64Array(d * k); // column j = j-th left singular vector of xᵀ
  const s = new Float64Array(k);
  if (d <= n) {
    const cov = new Float64Array(d * d);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < d; i++) {
        const a = x[r * d + i];
        if (a === 0) continue;
        for (let j = i; j < d; j++) cov[i * d + j] += a * x[r * d + j];
      }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
    const { values, vectors } = symmetricEigen(cov, d);
    for (let j = 0; j < k; j++) {
      s[j] = Math.sqrt(Math.max(0, values[j]));
      for (let i = 0; i < d; i++) u[i * k + j] = vectors[i * d + j];
    }
  } else {
    // Gram matrix x xᵀ (n × n) = V S² Vᵀ; u_j = xᵀ v_j / s_j.
    const gram = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) {
        let t = 0;
        for (let i = 0; i < d; i++) t += x[a * d + i] * x[b * d + i];
        gram[a * n + b] = t;
        gram[b * n + a] = t;
      }
    const { values, vectors } = symmetricEigen(gram, n);
    for (let j = 0; j < k; j++) {
      s[j] = Math.sqrt(Math.max(0, values[j]));
      if (s[j] === 0) continue;
      for (let i = 0; i < d; i++) {
        let t = 0;
        for (let a = 0; a < n; a++) t += x[a * d + i] * vectors[a * n + j];
        u[i * k + j] = t / s[j];
      }
    }
  }
  const sInv = Float64Array.from(s, (v) => Math.sqrt(n) / (v + eps));
  const w = new Float32Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += u[i * k + c] * sInv[c] * u[j * k + c];
      w[i * d + j] = t;
      w[j * d + i] = t;
    }
  return new Tensor(w, [d, d], 'float32');
}
