import {
  ConfigError, argsFromConfig, getInitializer, getRegularizer, ops, registerLayer, serializeInitializer, serializeRegularizer,
  type InitializerIdentifier, type L1L2, type RegularizerIdentifier, type SymShape, type TraceContext, type Value, type Variable,
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
  readonly filters: number;
  readonly depthMultiplier: number;
  private inits: { depthwise: InitializerIdentifier; pointwise: InitializerIdentifier };
  private regs: { depthwise: L1L2 | null; pointwise: L1L2 | null };
  depthwiseKernel!: Variable;
  pointwiseKernel!: Variable;

  constructor(filters: number, kernelSize: number | [number, number], args: SeparableConv2DArgs = {}) {
    super(kernelSize, args);
    if (!Number.isInteger(filters) || filters < 1) throw new ConfigError(`SeparableConv2D '${this.name}': filters must be a positive integer, got ${filters}`);
    this.filters = filters;
    this.depthMultiplier = args.depthMultiplier ?? 1;
    this.inits = {
      depthwise: getInitializer(args.depthwiseInitializer ?? 'glorot_uniform', 'depthwiseInitializer'),
      pointwise: getInitializer(args.pointwiseInitializer ?? 'glorot_uniform', 'pointwiseInitializer'),
    };
    this.regs = { depthwise: getRegularizer(args.depthwiseRegularizer), pointwise: getRegularizer(args.pointwiseRegularizer) };
  }

  override build(shape: SymShape): void {
    const c = this.channelsOf(shape);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], { initializer: this.inits.depthwise, regularizer: this.regs.depthwise });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, c * this.depthMultiplier, this.filters], { initializer: this.inits.pointwise, regularizer: this.regs.pointwise });
    this.addBias(this.filters);
  }

  protected convolve(x: Value, ctx: TraceContext): Value {
    return ops.conv2d(depthwise(x, ctx.read(this.depthwiseKernel), this), ctx.read(this.pointwiseKernel));
  }

  override getConfig() {
    const { kernelInitializer: _k, kernelRegularizer: _r, ...base } = super.getConfig();
    return {
      ...base,
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeInitializer(getInitializer(this.inits.depthwise)),
      pointwiseInitializer: serializeInitializer(getInitializer(this.inits.pointwise)),
      depthwiseRegularizer: serializeRegularizer(this.regs.depthwise),
      pointwiseRegularizer: serializeRegularizer(this.regs.pointwise),
    };
  }
  static fromConfig(config: Record<string, any>): SeparableConv2D {
    const { filters, kernelSize, ...rest } = argsFromConfig(config);
    return new SeparableConv2D(filters, kernelSize, rest);
  }
}
registerLayer(SeparableConv2D, '@layerwise/layers');
