// Steps 1–2: a layer written in IR ops, registered under its class name.
import {
  ConfigError, Layer, ShapeError, argsFromConfig, getInitializer, getRegularizer, ops, registerLayer, serializeInitializer, serializeRegularizer,
  type InitializerIdentifier, type L1L2, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable,
} from '@layerwise/core';
import { scaledSwish } from './op.js';

export interface ScaledSwishArgs extends LayerArgs {
  /** The channel axis that gets its own β (default -1, channels last). */
  axis?: number;
  /** Initial β (default 'ones': plain swish / SiLU at the start). */
  betaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  /**
   * Run as one custom op ('layerwise-example/ScaledSwish') instead of three core ops. The
   * backend needs the op's lowering: `import '@layerwise/example-layer-plugin/onnx'` (or /tfjs).
   */
  fused?: boolean;
}

/**
 * ScaledSwish (Swish-β, Ramachandran et al. 2017): y = x · sigmoid(β · x) with a trainable β per
 * channel. β = 1 is swish/SiLU, β → ∞ tends to ReLU, β = 0 gives x / 2. Not in Keras' catalogue.
 */
export class ScaledSwish extends Layer {
  // The class name is what saved models store and what `registerLayer` files the class under.
  static override className = 'ScaledSwish';
  readonly axis: number;
  readonly fused: boolean;
  private betaInitializer: InitializerIdentifier;
  private betaRegularizer: L1L2 | null;
  beta!: Variable;

  constructor(args: ScaledSwishArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.fused = args.fused ?? false;
    if (!Number.isInteger(this.axis)) throw new ConfigError(`ScaledSwish '${this.name}': axis must be an integer, got ${args.axis}`);
    // Resolve identifiers now, so a typo fails at construction with the argument's name.
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'ones', 'betaInitializer');
    this.betaRegularizer = getRegularizer(args.betaRegularizer, 'betaRegularizer');
  }

  private channelAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new ConfigError(`ScaledSwish '${this.name}': axis ${this.axis} is invalid for inputs of rank ${rank}`);
    return a;
  }

  /** Check shapes before building or calling: errors name the layer, expected and actual shapes. */
  protected override validateInput(shape: SymShape): void {
    const dim = shape[this.channelAxis(shape.length)];
    if (dim === null) throw new ShapeError(`ScaledSwish '${this.name}': the channel axis ${this.axis} must have a known size; got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
    if (this.built && dim !== this.beta.shape[0])
      throw new ShapeError(`ScaledSwish '${this.name}' was built for ${this.beta.shape[0]} channels, got inputs of shape (${shape.map((d) => d ?? 'None').join(', ')})`);
  }

  /** Weights are created once the input shape is known: one β per channel. */
  override build(inputShape: SymShape): void {
    const channels = inputShape[this.channelAxis(inputShape.length)] as number;
    this.beta = this.addWeight('beta', [channels], { initializer: this.betaInitializer, regularizer: this.betaRegularizer });
  }

  /** The computation, in IR ops. `ctx.read(weight)` is the weight as a graph value. */
  call(x: Value, ctx: TraceContext): Value {
    const axis = this.channelAxis(x.rank);
    let beta = ctx.read(this.beta);
    // β is [C]; for a channel axis other than the last, shape it to broadcast along `axis`.
    if (axis !== x.rank - 1) beta = ops.reshape(beta, x.shape.slice(1).map((d, i) => (i + 1 === axis ? (d as number) : 1)));
    if (this.fused) return scaledSwish(x, beta);
    return ops.mul(x, ops.sigmoid(ops.mul(beta, x)));
  }

  /** Everything needed to construct the layer again (saved with the model). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      fused: this.fused,
      betaInitializer: serializeInitializer(getInitializer(this.betaInitializer)),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
    };
  }
  static fromConfig(config: Record<string, any>): ScaledSwish {
    return new ScaledSwish(argsFromConfig(config) as ScaledSwishArgs);
  }
}

// Saved models name their layers' classes; loading finds this class through the registry. The
// second argument names the package in "Unknown layer class" errors.
registerLayer(ScaledSwish, '@layerwise/example-layer-plugin');
