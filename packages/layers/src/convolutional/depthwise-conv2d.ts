import {
  ConfigError, argsFromConfig, ops, registerLayer, layerOptions,
  type InitializerIdentifier, type RegularizerIdentifier, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';
import { BaseConv2D, type ConvArgs } from './base-conv.js';

export interface DepthwiseConv2DArgs extends Omit<ConvArgs, 'kernelInitializer' | 'kernelRegularizer'> {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
}

/** Keras' DepthwiseConv2D: one filter set per input channel; kernel [kh, kw, in, depthMultiplier]. */
export class DepthwiseConv2D extends BaseConv2D {
  static override className = 'DepthwiseConv2D';
  static override optionKeys = layerOptions<DepthwiseConv2DArgs>()({
    strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true,
    depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true,
  });
  readonly depthMultiplier: number;
  private readonly depthwiseOptions: WeightOptions;
  depthwiseKernel!: Variable;

  constructor(kernelSize: number | [number, number], args: DepthwiseConv2DArgs = {}) {
    super(kernelSize, args);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1)
      throw new ConfigError(`DepthwiseConv2D '${this.name}': depthMultiplier must be a positive integer, got ${this.depthMultiplier}`);
    this.depthwiseOptions = this.weightOptions('depthwise', args.depthwiseInitializer ?? 'glorot_uniform', args.depthwiseRegularizer ?? null);
  }

  protected buildKernels(c: number): void {
    // Keras 3 names this weight 'kernel' (only SeparableConv2D says depthwise_kernel).
    this.depthwiseKernel = this.addWeight('kernel', [...this.kernelSize, c, this.depthMultiplier], this.depthwiseOptions);
    this.addBias(c * this.depthMultiplier);
  }

  protected convolve(x: Value, ctx: TraceContext): Value {
    return depthwise(x, ctx.read(this.depthwiseKernel), this);
  }

  override getConfig() {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
  static fromConfig(config: Record<string, any>): DepthwiseConv2D {
    const { kernelSize, ...rest } = argsFromConfig(config);
    return new DepthwiseConv2D(kernelSize, rest);
  }
}
registerLayer(DepthwiseConv2D, '@layerwise/layers');

/** A depthwise conv as a grouped conv: Keras' [kh, kw, C, m] kernel is [kh, kw, 1, C·m] with C groups. */
export function depthwise(x: Value, kernel: Value, conv: Pick<BaseConv2D, 'strides' | 'padding' | 'dilationRate'>): Value {
  const [kh, kw, c, m] = kernel.shape as number[];
  return ops.conv2d(x, ops.reshape(kernel, [kh, kw, 1, c * m]), { strides: conv.strides, padding: conv.padding, dilations: conv.dilationRate, groups: c });
}
