import { ConfigError, Layer, ShapeError, argsFromConfig, formatShape, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';
import { checkDataFormat, fromChannelsLast, imageSpec, normalizeTuple, toChannelsLast, type DataFormat } from '../utils.js';

type PairSpec = number | [number, number] | [[number, number], [number, number]];

/** Keras' ((top, bottom), (left, right)) from an int, a symmetric pair, or the full form. */
function normalizePairs(v: PairSpec, arg: string, where: string): [[number, number], [number, number]] {
  if (typeof v === 'number') return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [[v[0], v[0]], [v[1] as number, v[1] as number]];
  if (Array.isArray(v) && v.length === 2 && Array.isArray(v[0]) && Array.isArray(v[1])) return [[...v[0]], [...v[1]]] as [[number, number], [number, number]];
  throw new ConfigError(`${where}: '${arg}' must be an int, a pair of ints or a pair of pairs, got ${JSON.stringify(v)}`);
}

export interface ZeroPadding2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
}
/** Keras' ZeroPadding2D: rows of zeros at top/bottom, columns at left/right. */
export class ZeroPadding2D extends Layer {
  static override className = 'ZeroPadding2D';
  static override optionKeys = layerOptions<ZeroPadding2DArgs>()({ dataFormat: true });
  readonly padding: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;
  constructor(padding: PairSpec = 1, args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = normalizePairs(padding, 'padding', `ZeroPadding2D '${this.name}'`);
    this.dataFormat = checkDataFormat(args.dataFormat, `ZeroPadding2D '${this.name}'`);
    this.inputSpec = imageSpec(this.dataFormat);
  }
  call(x: Value, _ctx: TraceContext): Value {
    const [[t, b], [l, r]] = this.padding;
    return fromChannelsLast(ops.pad(toChannelsLast(x, this.dataFormat), [0, t, l, 0, 0, b, r, 0]), this.dataFormat);
  }
  override getConfig() {
    return { ...super.getConfig(), padding: this.padding, dataFormat: this.dataFormat };
  }
  static fromConfig(config: Record<string, any>): ZeroPadding2D {
    const { padding, ...rest } = argsFromConfig(config);
    return new ZeroPadding2D(padding, rest);
  }
}
registerLayer(ZeroPadding2D, '@layerwise/layers');

/** Keras' Cropping2D: ((top, bottom), (left, right)) rows/columns removed. */
export class Cropping2D extends Layer {
  static override className = 'Cropping2D';
  static override optionKeys = layerOptions<ZeroPadding2DArgs>()({ dataFormat: true });
  readonly cropping: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;
  constructor(cropping: PairSpec = 0, args: ZeroPadding2DArgs = {}) {
    super(args);
    this.cropping = normalizePairs(cropping, 'cropping', `Cropping2D '${this.name}'`);
    this.dataFormat = checkDataFormat(args.dataFormat, `Cropping2D '${this.name}'`);
    this.inputSpec = imageSpec(this.dataFormat);
  }
  call(x: Value, _ctx: TraceContext): Value {
    const v = toChannelsLast(x, this.dataFormat);
    const [, h, w] = v.shape as number[];
    const [[t, b], [l, r]] = this.cropping;
    if ((h !== null && t + b >= h) || (w !== null && l + r >= w))
      throw new ShapeError(`Layer '${this.name}' (Cropping2D): cropping ${JSON.stringify(this.cropping)} leaves nothing of the input ${formatShape(x.shape)}`);
    return fromChannelsLast(ops.slice(v, [0, t, l, 0], [null, h - b, w - r, null]), this.dataFormat);
  }
  override getConfig() {
    return { ...super.getConfig(), cropping: this.cropping, dataFormat: this.dataFormat };
  }
  static fromConfig(config: Record<string, any>): Cropping2D {
    const { cropping, ...rest } = argsFromConfig(config);
    return new Cropping2D(cropping, rest);
  }
}
registerLayer(Cropping2D, '@layerwise/layers');

export interface UpSampling2DArgs extends LayerArgs {
  size?: number | [number, number];
  dataFormat?: DataFormat;
  interpolation?: 'nearest';
}
/** Keras' UpSampling2D with nearest interpolation: each pixel repeated size[0] × size[1] times. */
export class UpSampling2D extends Layer {
  static override className = 'UpSampling2D';
  static override optionKeys = layerOptions<UpSampling2DArgs>()({ size: true, dataFormat: true, interpolation: true });
  readonly size: [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: 'nearest';
  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const where = `UpSampling2D '${this.name}'`;
    this.size = normalizeTuple(args.size ?? 2, 2, 'size', where) as [number, number];
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    if ((args.interpolation ?? 'nearest') !== 'nearest') throw new ConfigError(`${where}: only interpolation 'nearest' is supported, got '${args.interpolation}'`);
    this.interpolation = 'nearest';
    this.inputSpec = imageSpec(this.dataFormat);
  }
  call(x: Value, _ctx: TraceContext): Value {
    const v = toChannelsLast(x, this.dataFormat);
    const [, h, w, c] = v.shape as number[];
    const [sh, sw] = this.size;
    const spread = ops.tile(ops.reshape(v, [0, h, 1, w, 1, c]), [1, 1, sh, 1, sw, 1]);
    return fromChannelsLast(ops.reshape(spread, [0, h * sh, w * sw, c]), this.dataFormat);
  }
  override getConfig() {
    return { ...super.getConfig(), size: this.size, dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
  static fromConfig(config: Record<string, any>): UpSampling2D {
    return new UpSampling2D(argsFromConfig(config));
  }
}
registerLayer(UpSampling2D, '@layerwise/layers');
