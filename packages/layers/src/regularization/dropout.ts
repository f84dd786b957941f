import { ConfigError, Layer, argsFromConfig, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

export interface DropoutArgs extends LayerArgs {
  /** Dimensions of the mask (null = the input's), as Keras' noise_shape. */
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

/**
 * Keras' Dropout: in training, zero a fraction `rate` of the inputs and scale the rest by
 * 1 / (1 - rate) (inverted dropout); at inference, the identity. The mask comes from core's
 * seeded generator, so a seeded run drops the same units on every backend.
 */
export class Dropout extends Layer {
  static override className = 'Dropout';
  static override optionKeys = layerOptions<DropoutArgs>()({ noiseShape: true, seed: true });
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    if (!(rate >= 0 && rate <= 1)) throw new ConfigError(`Dropout '${this.name}': rate must be in [0, 1], got ${rate}`);
    this.rate = rate;
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
  }
  call(inputs: Value, ctx: TraceContext): Value {
    if (!ctx.training || this.rate === 0) return inputs;
    const maskShape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? inputs.shape[i]) : inputs.shape;
    const keep = ops.cast(ops.greaterEqual(ctx.randomUniform(maskShape, `${this.name}/mask`), ops.scalar(this.rate)), 'float32');
    return ops.mul(inputs, ops.mul(keep, ops.scalar(1 / (1 - this.rate))));
  }
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
  static fromConfig(config: Record<string, any>): Dropout {
    const { rate, ...rest } = argsFromConfig(config);
    return new Dropout(rate, rest);
  }
}
registerLayer(Dropout, '@layerwise/layers');
