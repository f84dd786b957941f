import { ConfigError, argsFromConfig, ops, keysOf, registerLayer, type TraceContext, type Value, type Variable, type WeightOptions } from '@layerwise/core';
import { BaseConv2D, type ConvArgs } from './base-conv.js';

export interface Conv2DTransposeArgs extends ConvArgs {
  outputPadding?: number | [number, number] | null;
}

/**
 * Keras' Conv2DTranspose: kernel [kh, kw, filters, in]. Output lengths follow Keras' rule
 * (`ops.deconvOutputLength`): 'same' gives size·stride, 'valid' (size−1)·stride + max(k, stride);
 * an explicit outputPadding p gives (size−1)·stride + k mod 2 + p ('same') or + k + p ('valid').
 */
export class Conv2DTranspose extends BaseConv2D {
  static override className = 'Conv2DTranspose';
  static override optionKeys = [...BaseConv2D.optionKeys, ...keysOf<Omit<Conv2DTransposeArgs, keyof ConvArgs>>()({ outputPadding: true })];
  readonly filters: number;
  readonly outputPadding: [number, number] | null;
  private readonly kernelOptions: WeightOptions;
  kernel!: Variable;

  constructor(filters: number, kernelSize: number | [number, number], args: Conv2DTransposeArgs = {}) {
    super(kernelSize, args);
    if (!Number.isInteger(filters) || filters < 1) throw new ConfigError(`Conv2DTranspose '${this.name}': filters must be a positive integer, got ${filters}`);
    this.filters = filters;
    const op = args.outputPadding ?? null;
    if (op === null) this.outputPadding = null;
    else {
      const list = typeof op === 'number' ? [op, op] : op;
      if (list.some((p, i) => !Number.isInteger(p) || p < 0 || p >= this.strides[i]))
        throw new ConfigError(`Conv2DTranspose '${this.name}': outputPadding must be smaller than the strides ${JSON.stringify(this.strides)}, got ${JSON.stringify(op)}`);
      this.outputPadding = list as [number, number];
    }
    this.kernelOptions = this.weightOptions('kernel', args.kernelInitializer ?? 'glorot_uniform', args.kernelRegularizer ?? null);
  }

  protected buildKernels(c: number): void {
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, c], this.kernelOptions);
    this.addBias(this.filters);
  }

  protected convolve(x: Value, ctx: TraceContext): Value {
    return ops.conv2dTranspose(x, ctx.read(this.kernel), { strides: this.strides, padding: this.padding, dilations: this.dilationRate, outputPadding: this.outputPadding ?? undefined });
  }

  override getConfig() {
    return { ...super.getConfig(), filters: this.filters, outputPadding: this.outputPadding };
  }
  static fromConfig(config: Record<string, any>): Conv2DTranspose {
    const { filters, kernelSize, ...rest } = argsFromConfig(config);
    return new Conv2DTranspose(filters, kernelSize, rest);
  }
}
registerLayer(Conv2DTranspose, '@layerwise/layers');
