import {
  ConfigError, Layer, ops, layerOptions,
  type InitializerIdentifier, type LayerArgs, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';
import { getActivation, type ActivationIdentifier } from '../activations.js';
import { channelsLastShape, checkDataFormat, checkPadding, fromChannelsLast, imageSpec, normalizeTuple, toChannelsLast, type DataFormat, type Padding } from '../utils.js';

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
}

/**
 * What every 2-D convolution layer shares: Keras' arguments, channels_first handling, the
 * input spec, bias and activation. Subclasses create their kernels and apply them.
 */
export abstract class BaseConv2D extends Layer {
  static override optionKeys: readonly string[] = layerOptions<ConvArgs>()({
    strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true,
    kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
  });
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: [number, number];
  readonly activation: string;
  readonly useBias: boolean;
  private readonly biasOptions: WeightOptions;
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
    this.biasOptions = this.weightOptions('bias', args.biasInitializer ?? 'zeros', args.biasRegularizer ?? null);
    this.inputSpec = imageSpec(this.dataFormat, 'known');
  }

  /** Kernels for this many input channels (then `addBias`), in Keras' weight order. */
  protected abstract buildKernels(channels: number): void;

  override build(shape: SymShape): void {
    const channels = channelsLastShape(shape, this.dataFormat)[3] as number;
    this.buildKernels(channels);
    this.inputSpec = imageSpec(this.dataFormat, channels);
  }

  protected addBias(units: number): void {
    if (this.useBias) this.bias = this.addWeight('bias', [units], this.biasOptions);
  }

  /** The convolution proper, on channels_last values. */
  protected abstract convolve(x: Value, ctx: TraceContext): Value;

  call(inputs: Value, ctx: TraceContext): Value {
    let y = this.convolve(toChannelsLast(inputs, this.dataFormat), ctx);
    if (this.bias) y = ops.add(y, ctx.read(this.bias));
    return fromChannelsLast(getActivation(this.activation, this.name)(y), this.dataFormat);
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
    };
  }
}
