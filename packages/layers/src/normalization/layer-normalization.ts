import {
  Layer, ShapeError, argsFromConfig, getInitializer, getRegularizer, ops, registerLayer, serializeInitializer, serializeRegularizer,
  type InitializerIdentifier, type L1L2, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable,
} from '@layerwise/core';
import { fmtShape } from '../utils.js';

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
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private inits: { beta: InitializerIdentifier; gamma: InitializerIdentifier };
  private regs: { beta: L1L2 | null; gamma: L1L2 | null };
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = typeof args.axis === 'number' ? [args.axis] : [...(args.axis ?? [-1])];
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = { beta: getInitializer(args.betaInitializer ?? 'zeros'), gamma: getInitializer(args.gammaInitializer ?? 'ones') };
    this.regs = { beta: getRegularizer(args.betaRegularizer), gamma: getRegularizer(args.gammaRegularizer) };
  }
  private axes(rank: number): number[] {
    return this.axis.map((a) => (a < 0 ? a + rank : a));
  }
  protected override validateInput(shape: SymShape): void {
    for (const a of this.axes(shape.length))
      if (a < 1 || a >= shape.length || shape[a] === null)
        throw new ShapeError(`Layer '${this.name}' (LayerNormalization): axis ${JSON.stringify(this.axis)} is invalid or of unknown size for inputs ${fmtShape(shape)}`);
  }
  override build(shape: SymShape): void {
    const paramShape = this.axes(shape.length).map((a) => shape[a] as number);
    if (this.scale) this.gamma = this.addWeight('gamma', paramShape, { initializer: this.inits.gamma, regularizer: this.regs.gamma });
    if (this.center) this.beta = this.addWeight('beta', paramShape, { initializer: this.inits.beta, regularizer: this.regs.beta });
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
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(getInitializer(this.inits.beta)),
      gammaInitializer: serializeInitializer(getInitializer(this.inits.gamma)),
      betaRegularizer: serializeRegularizer(this.regs.beta),
      gammaRegularizer: serializeRegularizer(this.regs.gamma),
    };
  }
  static fromConfig(c: Record<string, any>) {
    return new LayerNormalization(argsFromConfig(c));
  }
}
registerLayer(LayerNormalization, '@layerwise/layers');
