import {
  ConfigError, argsFromConfig, ops, registerLayer, layerOptions,
  type InitializerIdentifier, type RegularizerIdentifier, type TraceContext, type Value, type Variable, type WeightOptions,
} from '@layerwise/core';
import { BaseConv2D, type ConvArgs } from './base-conv.js';
import { depthwise } from './depthwise-conv2d.js';

export interface SeparableConv2DArgs extends Omit<ConvArgs, 'kernelInitializer' | 'kernelRegularizer'> {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerIdentifier;
  pointwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
}

/** Keras' SeparableConv2D: a depthwise conv, then a 1×1 pointwise conv to `filters`, then bias and activation. */
export class SeparableConv2D extends BaseConv2D {
  static override className = 'SeparableConv2D';
  static override optionKeys = layerOptions<SeparableConv2DArgs>()({
    strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true,
    depthMultiplier: true, depthwiseInitializer: true, pointwiseInitializer: true, depthwiseRegularizer: true, pointwiseRegularizer: true,
  });
  readonly filters: number;
  readonly depthMultiplier: number;
  private readonly depthwiseOptions: WeightOptions;
  private readonly pointwiseOptions: WeightOptions;
  depthwiseKernel!: Variable;
  pointwiseKernel!: Variable;

  constructor(filters: number, kernelSize: number | [number, number], args: SeparableConv2DArgs = {}) {
    super(kernelSize, args);
    if (!Number.isInteger(filters) || filters < 1) throw new ConfigError(`SeparableConv2D '${this.name}': filters must be a positive integer, got ${filters}`);
    this.filters = filters;
    this.depthMultiplier = args.depthMultiplier ?? 1;
    this.depthwiseOptions = this.weightOptions('depthwise', args.depthwiseInitializer ?? 'glorot_uniform', args.depthwiseRegularizer ?? null);
    this.pointwiseOptions = this.weightOptions('pointwise', args.pointwiseInitializer ?? 'glorot_uniform', args.pointwiseRegularizer ?? null);
  }

  protected buildKernels(c: number): void {
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], this.depthwiseOptions);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, c * this.depthMultiplier, this.filters], this.pointwiseOptions);
    this.addBias(this.filters);
  }

  protected convolve(x: Value, ctx: TraceContext): Value {
    return ops.conv2d(depthwise(x, ctx.read(this.depthwiseKernel), this), ctx.read(this.pointwiseKernel));
  }

  override getConfig() {
    return { ...super.getConfig(), filters: this.filters, depthMultiplier: this.depthMultiplier };
  }
  static fromConfig(config: Record<string, any>): SeparableConv2D {
    const { filters, kernelSize, ...rest } = argsFromConfig(config);
    return new SeparableConv2D(filters, kernelSize, rest);
  }
}
registerLayer(SeparableConv2D, '@layerwise/layers');
