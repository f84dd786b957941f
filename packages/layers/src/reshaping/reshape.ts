import { ConfigError, Layer, ShapeError, argsFromConfig, formatShape, ops, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

/** Keras' Reshape: a new shape for each sample (one dimension may be -1). */
export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];
  constructor(targetShape: number[], args: LayerArgs = {}) {
    super(args);
    if (!Array.isArray(targetShape) || targetShape.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) || targetShape.filter((d) => d === -1).length > 1)
      throw new ConfigError(`Reshape '${this.name}': targetShape must be positive integers with at most one -1, got ${JSON.stringify(targetShape)}`);
    this.targetShape = [...targetShape];
  }
  call(x: Value, _ctx: TraceContext): Value {
    const size = x.shape.slice(1).reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    if (size !== null && (this.targetShape.includes(-1) ? size % known !== 0 : size !== known))
      throw new ShapeError(
        `Layer '${this.name}' (Reshape): total size of the new array must be unchanged, input_shape = ${formatShape(x.shape.slice(1))}, output_shape = ${formatShape(this.targetShape)}`,
      );
    return ops.reshape(x, [0, ...this.targetShape]);
  }
  override getConfig() {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
  static fromConfig(config: Record<string, any>): Reshape {
    const { targetShape, ...rest } = argsFromConfig(config);
    return new Reshape(targetShape, rest);
  }
}
registerLayer(Reshape, '@layerwise/layers');

/** Keras' Permute: reorder the non-batch axes; dims are 1-based, as in Keras. */
export class Permute extends Layer {
  static override className = 'Permute';
  readonly dims: number[];
  constructor(dims: number[], args: LayerArgs = {}) {
    super(args);
    const sorted = [...dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1)) throw new ConfigError(`Permute '${this.name}': dims must be a permutation of 1..${dims.length}, got ${JSON.stringify(dims)}`);
    this.dims = [...dims];
    this.inputSpec = { ndim: dims.length + 1 };
  }
  call(x: Value, _ctx: TraceContext): Value {
    return ops.transpose(x, [0, ...this.dims]);
  }
  override getConfig() {
    return { ...super.getConfig(), dims: this.dims };
  }
  static fromConfig(config: Record<string, any>): Permute {
    const { dims, ...rest } = argsFromConfig(config);
    return new Permute(dims, rest);
  }
}
registerLayer(Permute, '@layerwise/layers');

/** Keras' RepeatVector: [batch, features] → [batch, n, features]. */
export class RepeatVector extends Layer {
  static override className = 'RepeatVector';
  readonly n: number;
  constructor(n: number, args: LayerArgs = {}) {
    super(args);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(`RepeatVector '${this.name}': n must be a positive integer, got ${n}`);
    this.n = n;
    this.inputSpec = { ndim: 2 };
  }
  call(x: Value, _ctx: TraceContext): Value {
    return ops.tile(ops.unsqueeze(x, [1]), [1, this.n, 1]);
  }
  override getConfig() {
    return { ...super.getConfig(), n: this.n };
  }
  static fromConfig(config: Record<string, any>): RepeatVector {
    const { n, ...rest } = argsFromConfig(config);
    return new RepeatVector(n, rest);
  }
}
registerLayer(RepeatVector, '@layerwise/layers');
