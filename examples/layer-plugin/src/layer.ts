// Steps 1–2: a layer written in IR ops, registered under its class name.
import {
  ConfigError, Layer, layerOptions, ops, registerLayer,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type WeightOptions,
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
  // Its options beyond LayerArgs (TypeScript checks the list is complete): the base constructor
  // refuses any other key, as Keras refuses unknown keyword arguments.
  static override optionKeys = layerOptions<ScaledSwishArgs>()({ axis: true, betaInitializer: true, betaRegularizer: true, fused: true });
  readonly axis: number;
  readonly fused: boolean;
  private readonly betaOptions: WeightOptions;
  beta!: Variable;

  constructor(args: ScaledSwishArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.fused = args.fused ?? false;
    if (!Number.isInteger(this.axis)) throw new ConfigError(`ScaledSwish '${this.name}': axis must be an integer, got ${args.axis}`);
    // Resolved now (a typo fails here, naming the argument); getConfig saves them.
    this.betaOptions = this.weightOptions('beta', args.betaInitializer ?? 'ones', args.betaRegularizer ?? null);
    // The base class checks every input against this: the channel axis exists and has a known size.
    this.inputSpec = { minNdim: 2, axes: { [this.axis]: 'known' } };
  }

  /** Weights are created once the input shape is known: one β per channel. */
  override build(inputShape: SymShape): void {
    const channels = inputShape.at(this.axis) as number;
    this.beta = this.addWeight('beta', [channels], this.betaOptions);
    this.inputSpec = { minNdim: 2, axes: { [this.axis]: channels } }; // from now on, this many channels
  }

  /** The computation, in IR ops. `ctx.read(weight)` is the weight as a graph value. */
  call(x: Value, ctx: TraceContext): Value {
    const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
    let beta = ctx.read(this.beta);
    // β is [C]; for a channel axis other than the last, shape it to broadcast along `axis`.
    if (axis !== x.rank - 1) beta = ops.reshape(beta, x.shape.slice(1).map((d, i) => (i + 1 === axis ? (d as number) : 1)));
    if (this.fused) return scaledSwish(x, beta);
    return ops.mul(x, ops.sigmoid(ops.mul(beta, x)));
  }

  /** Everything needed to construct the layer again (saved with the model; β's initializer and regularizer come from the base class). */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis, fused: this.fused };
  }
}

// Saved models name their layers' classes; loading finds this class through the registry and
// rebuilds it from getConfig's output (a constructor taking one args object needs no fromConfig).
// The second argument names the package in "Unknown layer class" errors.
registerLayer(ScaledSwish, '@layerwise/example-layer-plugin');
