import {
  Layer, argsFromConfig, ops, registerLayer, layerOptions,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
}

/** Keras' LayerNormalization: per-sample mean/variance over `axis` (default -1), epsilon 1e-3. */
export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  static override optionKeys = layerOptions<LayerNormalizationArgs>()({
    axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  });
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly options: { beta: WeightOptions; gamma: WeightOptions };
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = typeof args.axis === 'number' ? [args.axis] : [...(args.axis ?? [-1])];
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.options = {
      beta: this.weightOptions('beta', args.betaInitializer ?? 'zeros', args.betaRegularizer ?? null),
      gamma: this.weightOptions('gamma', args.gammaInitializer ?? 'ones', args.gammaRegularizer ?? null),
    };
    this.inputSpec = { axes: Object.fromEntries(this.axis.map((a) => [a, 'known' as const])) };
  }
  private axes(rank: number): number[] {
    return this.axis.map((a) => (a < 0 ? a + rank : a));
  }
  override build(shape: SymShape): void {
    const paramShape = this.axes(shape.length).map((a) => shape[a] as number);
    if (this.scale) this.gamma = this.addWeight('gamma', paramShape, this.options.gamma);
    if (this.center) this.beta = this.addWeight('beta', paramShape, this.options.beta);
  }
  call(x: Value, ctx: TraceContext): Value {
    const axes = this.axes(x.rank);
    const { add, mul, sub, sqrt, div, mean, square, scalar, reshape } = ops;
    const mu = mean(x, axes, true);
    const variance = mean(square(sub(x, mu)), axes, true);
    let y = div(sub(x, mu), sqrt(add(variance, scalar(this.epsilon))));
    // Parameters broadcast along the normalized axes.
    const bshape = x.shape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
    const param = (v: Value) => (axes.length === 1 && axes[0] === x.rank - 1 ? v : reshape(v, bshape));
    if (this.gamma) y = mul(y, param(ctx.read(this.gamma)));
    if (this.beta) y = add(y, param(ctx.read(this.beta)));
    return y;
  }
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
  static fromConfig(c: Record<string, any>) {
    return new LayerNormalization(argsFromConfig(c));
  }
}
registerLayer(LayerNormalization, '@layerwise/layers');
