import { ConfigError } from '../errors.js';
import { rng } from '../random/random.js';
import { Tensor, sizeOf, type Shape } from '../tensor/tensor.js';

/** Keras' fan computation: kernels are [..receptive field.., fanIn, fanOut]. */
export function computeFans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export abstract class Initializer {
  abstract readonly className: string;
  abstract call(shape: Shape): Tensor;
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** A new float32 tensor filled by one of the generator's typed-array loops (no per-value closure). */
function fill(shape: Shape, draw: (out: Float32Array) => Float32Array): Tensor {
  const t = Tensor.zeros(shape);
  draw(t.data as Float32Array);
  return t;
}

export class Zeros extends Initializer {
  readonly className = 'Zeros';
  call(shape: Shape) {
    return Tensor.zeros(shape);
  }
}
export class Ones extends Initializer {
  readonly className = 'Ones';
  call(shape: Shape) {
    return Tensor.full(shape, 1);
  }
}
export class Constant extends Initializer {
  readonly className = 'Constant';
  constructor(readonly value = 0) {
    super();
  }
  call(shape: Shape) {
    return Tensor.full(shape, this.value);
  }
  override getConfig() {
    return { value: this.value };
  }
}
export class RandomUniform extends Initializer {
  readonly className = 'RandomUniform';
  constructor(readonly minval = -0.05, readonly maxval = 0.05, readonly seed: number | null = null) {
    super();
  }
  call(shape: Shape) {
    return fill(shape, (out) => rng().fillUniform(out, this.minval, this.maxval));
  }
  override getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}
export class RandomNormal extends Initializer {
  readonly className = 'RandomNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, readonly seed: number | null = null) {
    super();
  }
  call(shape: Shape) {
    return fill(shape, (out) => rng().fillNormal(out, this.mean, this.stddev));
  }
  override getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}
export class TruncatedNormal extends Initializer {
  readonly className = 'TruncatedNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, readonly seed: number | null = null) {
    super();
  }
  call(shape: Shape) {
    return fill(shape, (out) => rng().fillTruncatedNormal(out, this.mean, this.stddev));
  }
  override getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

type Mode = 'fan_in' | 'fan_out' | 'fan_avg';
type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/** Keras' VarianceScaling, the parent of the glorot, he and lecun families. */
export class VarianceScaling extends Initializer {
  className = 'VarianceScaling';
  constructor(
    readonly scale = 1.0,
    readonly mode: Mode = 'fan_in',
    readonly distribution: Distribution = 'truncated_normal',
    readonly seed: number | null = null,
  ) {
    super();
    if (!(scale > 0)) throw new ConfigError(`VarianceScaling: 'scale' must be positive, got ${scale}`);
  }
  call(shape: Shape): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return fill(shape, (out) => rng().fillUniform(out, -limit, limit));
    }
    if (this.distribution === 'untruncated_normal') return fill(shape, (out) => rng().fillNormal(out, 0, Math.sqrt(variance)));
    // Constant from Keras: stddev of a unit normal truncated to [-2, 2].
    const stddev = Math.sqrt(variance) / 0.8796256610342398;
    return fill(shape, (out) => rng().fillTruncatedNormal(out, 0, stddev));
  }
  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

const preset = (className: string, scale: number, mode: Mode, distribution: Distribution) =>
  class extends VarianceScaling {
    override className = className;
    constructor(seed: number | null = null) {
      super(scale, mode, distribution, seed);
    }
    override getConfig() {
      return { seed: this.seed };
    }
  };
export const GlorotUniform = preset('GlorotUniform', 1, 'fan_avg', 'uniform');
export const GlorotNormal = preset('GlorotNormal', 1, 'fan_avg', 'truncated_normal');
export const HeUniform = preset('HeUniform', 2, 'fan_in', 'uniform');
export const HeNormal = preset('HeNormal', 2, 'fan_in', 'truncated_normal');
export const LecunUniform = preset('LecunUniform', 1, 'fan_in', 'uniform');
export const LecunNormal = preset('LecunNormal', 1, 'fan_in', 'truncated_normal');

/** Keras' string identifiers. */
const BY_NAME: Record<string, () => Initializer> = {
  glorot_uniform: () => new GlorotUniform(),
  glorot_normal: () => new GlorotNormal(),
  he_uniform: () => new HeUniform(),
  he_normal: () => new HeNormal(),
  lecun_uniform: () => new LecunUniform(),
  lecun_normal: () => new LecunNormal(),
  random_uniform: () => new RandomUniform(),
  random_normal: () => new RandomNormal(),
  truncated_normal: () => new TruncatedNormal(),
  zeros: () => new Zeros(),
  ones: () => new Ones(),
  constant: () => new Constant(),
  variance_scaling: () => new VarianceScaling(),
};
const CLASSES: Record<string, (c: any) => Initializer> = {
  Zeros: () => new Zeros(),
  Ones: () => new Ones(),
  Constant: (c) => new Constant(c.value),
  RandomUniform: (c) => new RandomUniform(c.minval, c.maxval, c.seed),
  RandomNormal: (c) => new RandomNormal(c.mean, c.stddev, c.seed),
  TruncatedNormal: (c) => new TruncatedNormal(c.mean, c.stddev, c.seed),
  VarianceScaling: (c) => new VarianceScaling(c.scale, c.mode, c.distribution, c.seed),
  GlorotUniform: (c) => new GlorotUniform(c.seed),
  GlorotNormal: (c) => new GlorotNormal(c.seed),
  HeUniform: (c) => new HeUniform(c.seed),
  HeNormal: (c) => new HeNormal(c.seed),
  LecunUniform: (c) => new LecunUniform(c.seed),
  LecunNormal: (c) => new LecunNormal(c.seed),
};

export type InitializerIdentifier = string | Initializer | { className: string; config: Record<string, unknown> };

/** Resolve a Keras initializer identifier: a string name, an object, or a serialized {className, config}. */
export function getInitializer(id: InitializerIdentifier, argName = 'initializer'): Initializer {
  if (id instanceof Initializer) return id;
  if (typeof id === 'string') {
    const make = BY_NAME[id] ?? (CLASSES[id] ? () => CLASSES[id]({}) : undefined);
    if (!make) throw new ConfigError(`Unknown ${argName} '${id}'. Known: ${Object.keys(BY_NAME).join(', ')}`);
    return make();
  }
  const make = CLASSES[id.className];
  if (!make) throw new ConfigError(`Unknown ${argName} class '${id.className}'`);
  return make(id.config ?? {});
}

export function serializeInitializer(i: Initializer): { className: string; config: Record<string, unknown> } {
  return { className: i.className, config: i.getConfig() };
}
