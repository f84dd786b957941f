/**
 * ImageDataGenerator's standardize and fit (Keras' `standardize` and `fit`): rescale,
 * samplewise and featurewise centring / std normalization, ZCA whitening.
 */
import { ConfigError, Generator, rng, Tensor } from '@layerwise/core';
import type { ImageDataGenerator } from './generator.js';
import type { FitOptions } from './options.js';
import { whiten, zcaMatrix } from './zca.js';

const W = 'ImageDataGenerator';

/**
 * Keras' standardize on an image or a batch (a new float32 Tensor; Keras works in place):
 * preprocessingFunction, rescale, samplewise centre / std (over the whole input given),
 * featurewise centre / std and ZCA (after fit()).
 */
export function standardizeTensor(gen: ImageDataGenerator, input: Tensor, log: { warn(line: string): void }): Tensor {
  let x = input;
  if (gen.preprocessingFunction) {
    x = gen.preprocessingFunction(x);
    if (!(x instanceof Tensor)) throw new ConfigError(`${W}: preprocessingFunction must return a Tensor`);
  }
  const d = Float32Array.from(x.data);
  if (gen.rescale) {
    const r = Math.fround(gen.rescale);
    for (let i = 0; i < d.length; i++) d[i] = d[i] * r;
  }
  if (gen.samplewiseCenter) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i];
    const m = s / d.length;
    for (let i = 0; i < d.length; i++) d[i] = d[i] - m;
  }
  if (gen.samplewiseStdNormalization) {
    let m = 0;
    for (let i = 0; i < d.length; i++) m += d[i];
    m /= d.length;
    let v = 0;
    for (let i = 0; i < d.length; i++) v += (d[i] - m) ** 2;
    const sd = Math.sqrt(v / d.length) + 1e-6;
    for (let i = 0; i < d.length; i++) d[i] = d[i] / sd;
  }
  const channelOf = channelIndexer(gen.dataFormat, x.shape);
  if (gen.featurewiseCenter) {
    if (gen.mean) {
      const mean = gen.mean.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i] - mean[channelOf(i)];
    } else log.warn("This ImageDataGenerator specifies `featurewise_center`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
  }
  if (gen.featurewiseStdNormalization) {
    if (gen.std) {
      const std = gen.std.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i] / (std[channelOf(i)] + 1e-6);
    } else log.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
  }
  if (gen.zcaWhitening) {
    if (gen.zcaWhiteningMatrix) whiten(d, x.shape, gen.zcaWhiteningMatrix);
    else log.warn("This ImageDataGenerator specifies `zca_whitening`, but it hasn't been fit on any training data. Fit it first by calling `.fit(numpy_data)`.");
  }
  return new Tensor(d, x.shape, 'float32');
}

/**
 * Keras' fit(x, augment, rounds, seed): featurewise mean / std per channel and the ZCA
 * matrix (population statistics, computed in float64), after rescale and, with augment,
 * over `rounds` random transforms of every sample. Sets the generator's mean, std and
 * zcaWhiteningMatrix.
 */
export function fitStatistics(gen: ImageDataGenerator, input: Tensor, options: FitOptions, log: { warn(line: string): void }): void {
  if (input.rank !== 4) throw new ConfigError(`${W}.fit: input to \`.fit()\` should have rank 4. Got array with shape: [${input.shape.join(', ')}]`);
  const nc = input.shape[gen.channelAxis];
  if (![1, 3, 4].includes(nc))
    log.warn(`Expected input to be images following the data format convention "${gen.dataFormat}" (channels on axis ${gen.channelAxis}), i.e. expected either 1, 3 or 4 channels on axis ${gen.channelAxis}. However, it was passed an array with shape [${input.shape.join(', ')}] (${nc} channels).`);
  const g = options.seed !== undefined ? new Generator(options.seed) : rng();
  let x = Float32Array.from(input.data);
  if (gen.rescale) {
    const r = Math.fround(gen.rescale);
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
        ax.set(gen.randomTransform(img, undefined, g).data, (i + r * n) * per);
      }
    x = ax;
    n *= rounds;
  }
  const shape = [n, ...imgShape];
  const channelOf = channelIndexer(gen.dataFormat, shape);
  const bshape = gen.dataFormat === 'channels_last' ? [1, 1, nc] : [nc, 1, 1];
  if (gen.featurewiseCenter) {
    const sum = new Float64Array(nc);
    for (let i = 0; i < x.length; i++) sum[channelOf(i)] += x[i];
    const count = x.length / nc;
    const mean = Float32Array.from(sum, (s) => s / count);
    gen.mean = new Tensor(mean, bshape, 'float32');
    for (let i = 0; i < x.length; i++) x[i] = x[i] - mean[channelOf(i)];
  }
  if (gen.featurewiseStdNormalization) {
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
    gen.std = new Tensor(std, bshape, 'float32');
    for (let i = 0; i < x.length; i++) x[i] = x[i] / (std[channelOf(i)] + 1e-6);
  }
  if (gen.zcaWhitening) gen.zcaWhiteningMatrix = zcaMatrix(x, n, per, gen.zcaEpsilon);
}

/** Channel of flat element i for an image or batch in this data format. */
function channelIndexer(dataFormat: ImageDataGenerator['dataFormat'], shape: readonly number[]): (i: number) => number {
  const r = shape.length;
  if (dataFormat === 'channels_last') {
    const c = shape[r - 1];
    return (i) => i % c;
  }
  const c = shape[r - 3];
  const inner = shape[r - 2] * shape[r - 1];
  return (i) => Math.floor(i / inner) % c;
}
