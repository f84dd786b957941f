import {
  ConfigError, Layer, ShapeError, getInitializer, getRegularizer, ops, serializeInitializer, serializeRegularizer,
  type InitializerIdentifier, type L1L2, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable,
} from '@layerwise/core';
import { getActivation, type ActivationIdentifier } from '../activations.js';
import { channelsLastShape, checkDataFormat, checkPadding, expectRank, fmtShape, fromChannelsLast, normalizeTuple, toChannelsLast, type DataFormat, type Padding } from '../utils.js';

export interface ConvArgs extends LayerArgs {
  strides?: number | [number, number];
  padding?: Padding;
  dataFormat?: DataFormat;
  dilationRate?: number | [number, number];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  activityRegularizer?: RegularizerIdentifier;
}

/**
 * What every 2-D convolution layer shares: Keras' arguments, channels_first handling, bias,
 * activation and activity regularization. Subclasses create their kernels and apply them.
 */
export abstract class BaseConv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: [number, number];
  readonly activation: string;
  readonly useBias: boolean;
  protected kernelInitializer: InitializerIdentifier;
  protected biasInitializer: InitializerIdentifier;
  protected kernelRegularizer: L1L2 | null;
  protected biasRegularizer: L1L2 | null;
  protected activityRegularizer: L1L2 | null;
  bias: Variable | null = null;

  constructor(kernelSize: number | [number, number], args: ConvArgs) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    this.kernelSize = normalizeTuple(kernelSize, 2, 'kernelSize', where) as [number, number];
    this.strides = normalizeTuple(args.strides ?? 1, 2, 'strides', where) as [number, number];
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, 'dilationRate', where) as [number, number];
    this.padding = checkPadding(args.padding, where);
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1))
      throw new ConfigError(`${where}: strides > 1 is not compatible with dilationRate > 1 (as in Keras)`);
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, where);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform', 'kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, 'kernelRegularizer');
    this.biasRegularizer = getRegularizer(args.biasRegularizer, 'biasRegularizer');
    this.activityRegularizer = getRegularizer(args.activityRegularizer, 'activityRegularizer');
  }

  /** Input channels, from a channels_last or channels_first shape. */
  protected channelsOf(shape: SymShape): number {
    const c = channelsLastShape(shape, this.dataFormat)[3];
    if (c === null) throw new ShapeError(`${this.className} '${this.name}': the channel dimension of the inputs must be known; got ${fmtShape(shape)}`);
    return c;
  }

  protected override validateInput(shape: SymShape): void {
    expectRank(shape, 4, `Layer '${this.name}' (${this.className})`);
    this.channelsOf(shape);
  }

  protected addBias(units: number): void {
    if (this.useBias) this.bias = this.addWeight('bias', [units], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  /** The convolution proper, on channels_last values. */
  protected abstract convolve(x: Value, ctx: TraceContext): Value;

  call(inputs: Value, ctx: TraceContext): Value {
    let y = this.convolve(toChannelsLast(inputs, this.dataFormat), ctx);
    if (this.bias) y = ops.add(y, ctx.read(this.bias));
    y = getActivation(this.activation, this.name)(y);
    if (this.activityRegularizer) ctx.addLoss(this.activityRegularizer.penalty(y));
    return fromChannelsLast(y, this.dataFormat);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(getInitializer(this.kernelInitializer)),
      biasInitializer: serializeInitializer(getInitializer(this.biasInitializer)),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: serializeRegularizer(this.activityRegularizer),
    };
  }
}
