import {
  ConfigError, Layer, ShapeError, argsFromConfig, getRegularizer, ops, registerLayer, serializeInitializer, serializeRegularizer, getInitializer,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type L1L2,
} from '@layerwise/core';
import { getActivation, type ActivationIdentifier } from '../activations.js';

export interface DenseArgs extends LayerArgs {
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  activityRegularizer?: RegularizerIdentifier;
}

/** Keras' Dense: `activation(inputs · kernel + bias)` on the last axis. */
export class Dense extends Layer {
  static override className = 'Dense';
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private kernelInitializer: InitializerIdentifier;
  private biasInitializer: InitializerIdentifier;
  private kernelRegularizer: L1L2 | null;
  private biasRegularizer: L1L2 | null;
  private activityRegularizer: L1L2 | null;
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) throw new ConfigError(`Dense '${this.name}': units must be a positive integer, got ${units}`);
    this.units = units;
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, `Dense '${this.name}'`);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform', 'kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, 'kernelRegularizer');
    this.biasRegularizer = getRegularizer(args.biasRegularizer, 'biasRegularizer');
    this.activityRegularizer = getRegularizer(args.activityRegularizer, 'activityRegularizer');
  }

  protected override validateInput(shape: SymShape): void {
    if (shape.length < 2) throw new ShapeError(`Layer '${this.name}' (Dense) expects inputs of rank >= 2 (batch, features); got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
    const last = shape[shape.length - 1];
    if (last === null) throw new ShapeError(`Layer '${this.name}' (Dense): the last dimension of the inputs must be known; got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
    if (this.built && last !== this.kernel.shape[0])
      throw new ShapeError(`Layer '${this.name}' (Dense) expects inputs with last dimension ${this.kernel.shape[0]}, got shape (${shape.map((d) => d ?? 'None').join(', ')})`);
  }

  override build(inputShape: SymShape): void {
    const inputDim = inputShape[inputShape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  call(inputs: Value, ctx: TraceContext): Value {
    const flat = inputs.rank === 2 ? inputs : ops.reshape(inputs, [-1, inputs.shape[inputs.rank - 1] as number]);
    let y = ops.matmul(flat, ctx.read(this.kernel));
    if (this.bias) y = ops.add(y, ctx.read(this.bias));
    if (inputs.rank !== 2) y = reshapeBack(y, inputs, this.units);
    y = getActivation(this.activation, this.name)(y);
    // Keras 3 adds the activity penalty as is (Keras 2 divided it by the batch size).
    if (this.activityRegularizer) ctx.addLoss(this.activityRegularizer.penalty(y));
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(getInitializer(this.kernelInitializer)),
      biasInitializer: serializeInitializer(getInitializer(this.biasInitializer)),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: serializeRegularizer(this.activityRegularizer),
    };
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
