import {
  ConfigError, Layer, layerOptions, argsFromConfig, ops, registerLayer,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';
import { getActivation, type ActivationIdentifier } from '../activations.js';

export interface DenseArgs extends LayerArgs {
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/** Keras' Dense: `activation(inputs · kernel + bias)` on the last axis. */
export class Dense extends Layer {
  static override className = 'Dense';
  static override optionKeys = layerOptions<DenseArgs>()({
    activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
  });
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly kernelOptions: WeightOptions;
  private readonly biasOptions: WeightOptions;
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) throw new ConfigError(`Dense '${this.name}': units must be a positive integer, got ${units}`);
    this.units = units;
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, `Dense '${this.name}'`);
    this.useBias = args.useBias ?? true;
    this.kernelOptions = this.weightOptions('kernel', args.kernelInitializer ?? 'glorot_uniform', args.kernelRegularizer ?? null);
    this.biasOptions = this.weightOptions('bias', args.biasInitializer ?? 'zeros', args.biasRegularizer ?? null);
    this.inputSpec = { minNdim: 2, axes: { [-1]: 'known' } };
  }

  override build(inputShape: SymShape): void {
    const inputDim = inputShape[inputShape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelOptions);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasOptions);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  call(inputs: Value, ctx: TraceContext): Value {
    const flat = inputs.rank === 2 ? inputs : ops.reshape(inputs, [-1, inputs.shape[inputs.rank - 1] as number]);
    let y = ops.matmul(flat, ctx.read(this.kernel));
    if (this.bias) y = ops.add(y, ctx.read(this.bias));
    if (inputs.rank !== 2) y = reshapeBack(y, inputs, this.units);
    return getActivation(this.activation, this.name)(y);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias };
  }

  static fromConfig(config: Record<string, any>): Dense {
    const { units, ...rest } = argsFromConfig(config);
    return new Dense(units as number, rest as DenseArgs);
  }
}
registerLayer(Dense, '@layerwise/layers');

/** [.., d] rows back to the input's leading dims with `units` last. */
function reshapeBack(y: Value, inputs: Value, units: number): Value {
  return ops.reshape(y, [...inputs.shape.slice(0, -1).map((d, i) => (d === null ? (i === 0 ? -1 : 0) : d)), units]);
}
