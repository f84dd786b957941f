import { ConfigError, argsFromConfig, ops, keysOf, registerLayer, type TraceContext, type Value, type Variable, type WeightOptions } from '@layerwise/core';
import { BaseConv2D, type ConvArgs } from './base-conv.js';

export interface Conv2DArgs extends ConvArgs {
  groups?: number;
}

/** Keras' Conv2D: `filters` kernels of `kernelSize`, kernel [kh, kw, in / groups, filters]. */
export class Conv2D extends BaseConv2D {
  static override className = 'Conv2D';
  static override optionKeys = [...BaseConv2D.optionKeys, ...keysOf<Omit<Conv2DArgs, keyof ConvArgs>>()({ groups: true })];
  readonly filters: number;
  readonly groups: number;
  private readonly kernelOptions: WeightOptions;
  kernel!: Variable;

  constructor(filters: number, kernelSize: number | [number, number], args: Conv2DArgs = {}) {
    super(kernelSize, args);
    if (!Number.isInteger(filters) || filters < 1) throw new ConfigError(`Conv2D '${this.name}': filters must be a positive integer, got ${filters}`);
    this.filters = filters;
    this.groups = args.groups ?? 1;
    if (filters % this.groups) throw new ConfigError(`Conv2D '${this.name}': filters (${filters}) must be divisible by groups (${this.groups})`);
    this.kernelOptions = this.weightOptions('kernel', args.kernelInitializer ?? 'glorot_uniform', args.kernelRegularizer ?? null);
  }

  protected buildKernels(c: number): void {
    if (c % this.groups) throw new ConfigError(`Conv2D '${this.name}': input channels (${c}) must be divisible by groups (${this.groups})`);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, c / this.groups, this.filters], this.kernelOptions);
    this.addBias(this.filters);
  }

  protected convolve(x: Value, ctx: TraceContext): Value {
    return ops.conv2d(x, ctx.read(this.kernel), { strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups });
  }

  override getConfig() {
    return { ...super.getConfig(), filters: this.filters, groups: this.groups };
  }
  static fromConfig(config: Record<string, any>): Conv2D {
    const { filters, kernelSize, ...rest } = argsFromConfig(config);
    return new Conv2D(filters, kernelSize, rest);
  }
}
registerLayer(Conv2D, '@layerwise/layers');
