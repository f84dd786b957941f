import {
  ConfigError, Layer, ShapeError, argsFromConfig, ops, registerLayer, layerOptions,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
}

/**
 * Keras' BatchNormalization. Training: normalize with the batch's mean and (biased) variance,
 * and move the moving statistics toward them (the train-step graph outputs their new values).
 * Inference, or a frozen layer (trainable = false): normalize with the moving statistics.
 */
export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  static override optionKeys = layerOptions<BatchNormalizationArgs>()({
    axis: true, momentum: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
    movingMeanInitializer: true, movingVarianceInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  });
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly options: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', WeightOptions>;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean!: Variable;
  movingVariance!: Variable;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (!(this.epsilon > 0)) throw new ConfigError(`BatchNormalization '${this.name}': epsilon must be > 0, got ${this.epsilon}`);
    this.options = {
      beta: this.weightOptions('beta', args.betaInitializer ?? 'zeros', args.betaRegularizer ?? null),
      gamma: this.weightOptions('gamma', args.gammaInitializer ?? 'ones', args.gammaRegularizer ?? null),
      movingMean: this.weightOptions('movingMean', args.movingMeanInitializer ?? 'zeros'),
      movingVariance: this.weightOptions('movingVariance', args.movingVarianceInitializer ?? 'ones'),
    };
    this.inputSpec = { axes: { [this.axis]: 'known' } };
  }

  private channelAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new ShapeError(`Layer '${this.name}' (BatchNormalization): axis ${this.axis} is invalid for inputs of rank ${rank}`);
    return a;
  }

  override build(inputShape: SymShape): void {
    const dim = inputShape[this.channelAxis(inputShape.length)] as number;
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], this.options.gamma);
    if (this.center) this.beta = this.addWeight('beta', [dim], this.options.beta);
    this.movingMean = this.addWeight('moving_mean', [dim], { ...this.options.movingMean, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], { ...this.options.movingVariance, trainable: false });
    this.inputSpec = { ndim: inputShape.length, axes: { [this.axis]: dim } };
  }

  call(x: Value, ctx: TraceContext): Value {
    const axis = this.channelAxis(x.rank);
    const reduceAxes = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis);
    // Parameters are [C]; broadcast them along `axis` (a no-op reshape for channels-last).
    const dim = x.shape[axis] as number;
    const bshape = x.shape.map((_, i) => (i === axis ? dim : 1));
    const param = (v: Value) => (axis === x.rank - 1 ? v : ops.reshape(v, bshape));
    const { add, mul, sub, neg, scalar, sqrt, div, mean, square } = ops;

    let mu: Value;
    let variance: Value;
    if (ctx.training && this.trainable) {
      mu = mean(x, reduceAxes);
      variance = mean(square(sub(x, param(mu))), reduceAxes);
      const m = scalar(this.momentum);
      const oneMinus = scalar(1 - this.momentum);
      ctx.addUpdate(this.movingMean, add(mul(ctx.read(this.movingMean), m), mul(mu, oneMinus)));
      ctx.addUpdate(this.movingVariance, add(mul(ctx.read(this.movingVariance), m), mul(variance, oneMinus)));
    } else {
      mu = ctx.read(this.movingMean);
      variance = ctx.read(this.movingVariance);
    }
    // Keras' (tf.nn.batch_normalization's) form: x·inv + (beta − mean·inv). At inference the scale
    // and shift are constants beside a convolution, which ONNX Runtime folds into its filter and
    // bias; (x − mean)·inv would leave three elementwise passes over every activation.
    let inv = div(scalar(1), sqrt(add(variance, scalar(this.epsilon))));
    if (this.gamma) inv = mul(inv, ctx.read(this.gamma));
    const shift = this.beta ? sub(ctx.read(this.beta), mul(mu, inv)) : neg(mul(mu, inv));
    return add(mul(x, param(inv)), param(shift));
  }

  override getConfig() {
    return { ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
  static fromConfig(config: Record<string, any>): BatchNormalization {
    return new BatchNormalization(argsFromConfig(config));
  }
}
registerLayer(BatchNormalization, '@layerwise/layers');
