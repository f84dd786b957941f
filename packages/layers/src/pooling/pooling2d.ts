import { Layer, argsFromConfig, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';
import { checkDataFormat, checkPadding, fromChannelsLast, imageSpec, normalizeTuple, toChannelsLast, type DataFormat, type Padding } from '../utils.js';

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  /** Default: poolSize, as Keras. */
  strides?: number | [number, number] | null;
  padding?: Padding;
  dataFormat?: DataFormat;
}

/** MaxPooling2D and AveragePooling2D: Keras' defaults (pool 2×2, strides = poolSize, 'valid'). */
abstract class Pooling2D extends Layer {
  static override optionKeys = layerOptions<Pooling2DArgs>()({ poolSize: true, strides: true, padding: true, dataFormat: true });
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  protected abstract pool: (x: Value, o: { poolSize: [number, number]; strides: [number, number]; padding: Padding }) => Value;

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, 2, 'poolSize', where) as [number, number];
    this.strides = normalizeTuple(args.strides ?? this.poolSize, 2, 'strides', where) as [number, number];
    this.padding = checkPadding(args.padding, where);
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.inputSpec = imageSpec(this.dataFormat);
  }
  call(x: Value, _ctx: TraceContext): Value {
    const y = this.pool(toChannelsLast(x, this.dataFormat), { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
    return fromChannelsLast(y, this.dataFormat);
  }
  override getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat };
  }
}

export class MaxPooling2D extends Pooling2D {
  static override className = 'MaxPooling2D';
  protected pool = (x: Value, o: { poolSize: [number, number]; strides: [number, number]; padding: Padding }) => ops.maxPool2d(x, o);
  static fromConfig(config: Record<string, any>): MaxPooling2D {
    return new MaxPooling2D(argsFromConfig(config));
  }
}
export class AveragePooling2D extends Pooling2D {
  static override className = 'AveragePooling2D';
  protected pool = (x: Value, o: { poolSize: [number, number]; strides: [number, number]; padding: Padding }) => ops.avgPool2d(x, o);
  static fromConfig(config: Record<string, any>): AveragePooling2D {
    return new AveragePooling2D(argsFromConfig(config));
  }
}
registerLayer(MaxPooling2D, '@layerwise/layers');
registerLayer(AveragePooling2D, '@layerwise/layers');

export interface GlobalPooling2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
  keepdims?: boolean;
}

/** GlobalAveragePooling2D / GlobalMaxPooling2D: reduce over height and width. */
abstract class GlobalPooling2D extends Layer {
  static override optionKeys = layerOptions<GlobalPooling2DArgs>()({ dataFormat: true, keepdims: true });
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  protected abstract reduce: (x: Value, axes: number[], keepdims: boolean) => Value;
  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat, `${this.className} '${this.name}'`);
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = imageSpec(this.dataFormat);
  }
  call(x: Value, _ctx: TraceContext): Value {
    return this.reduce(x, this.dataFormat === 'channels_last' ? [1, 2] : [2, 3], this.keepdims);
  }
  override getConfig() {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override className = 'GlobalAveragePooling2D';
  protected reduce = (x: Value, axes: number[], keepdims: boolean) => ops.mean(x, axes, keepdims);
  static fromConfig(config: Record<string, any>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(argsFromConfig(config));
  }
}
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override className = 'GlobalMaxPooling2D';
  protected reduce = (x: Value, axes: number[], keepdims: boolean) => ops.max(x, axes, keepdims);
  static fromConfig(config: Record<string, any>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(argsFromConfig(config));
  }
}
registerLayer(GlobalAveragePooling2D, '@layerwise/layers');
registerLayer(GlobalMaxPooling2D, '@layerwise/layers');
