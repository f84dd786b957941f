import { ConfigError, Layer, ShapeError, argsFromConfig, formatShape, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

/** Keras' elementwise merge layers: a list of same-shaped tensors in, one out. */
abstract class Merge extends Layer {
  protected abstract combine(inputs: Value[]): Value;

  constructor(args: LayerArgs = {}) {
    super(args);
    this.inputSpec = { count: { min: 2 } };
  }

  call(inputs: Value[], _ctx: TraceContext): Value {
    const [first, ...rest] = inputs.map((x) => x.shape);
    for (const s of rest)
      if (s.length !== first.length || s.some((d, i) => i > 0 && d !== null && first[i] !== null && d !== first[i] && d !== 1 && first[i] !== 1))
        throw new ShapeError(`Layer '${this.name}' (${this.className}): inputs must have the same shape; received shapes ${inputs.map((x) => formatShape(x.shape)).join(', ')}`);
    return this.combine(inputs);
  }
  /** Merge layers have no arguments of their own: any subclass is rebuilt from the common ones. */
  static fromConfig<T>(this: new (args: LayerArgs) => T, config: Record<string, any>): T {
    return new this(argsFromConfig(config));
  }
}

const fold = (f: (a: Value, b: Value) => Value) => (xs: Value[]) => xs.slice(1).reduce(f, xs[0]);

export class Add extends Merge {
  static override className = 'Add';
  protected combine = fold(ops.add);
}
export class Subtract extends Merge {
  static override className = 'Subtract';
  constructor(args: LayerArgs = {}) {
    super(args);
    this.inputSpec = { count: 2 };
  }
  protected combine = ([a, b]: Value[]) => ops.sub(a, b);
}
export class Multiply extends Merge {
  static override className = 'Multiply';
  protected combine = fold(ops.mul);
}
export class Average extends Merge {
  static override className = 'Average';
  protected combine = (xs: Value[]) => ops.mul(fold(ops.add)(xs), ops.scalar(1 / xs.length));
}
export class Maximum extends Merge {
  static override className = 'Maximum';
  protected combine = fold(ops.maximum);
}
export class Minimum extends Merge {
  static override className = 'Minimum';
  protected combine = fold(ops.minimum);
}

export interface ConcatenateArgs extends LayerArgs {
  axis?: number;
}
/** Keras' Concatenate: join along `axis` (default -1); axis 1 of an NHWC tensor joins rows, as the tutorial's inception block does. */
export class Concatenate extends Layer {
  static override className = 'Concatenate';
  static override optionKeys = layerOptions<ConcatenateArgs>()({ axis: true });
  readonly axis: number;
  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ConfigError(`Concatenate '${this.name}': axis must be an integer, got ${args.axis}`);
    this.inputSpec = { count: { min: 2 } };
  }
  call(inputs: Value[], _ctx: TraceContext): Value {
    const list = inputs.map((x) => x.shape);
    const rank = list[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) throw new ShapeError(`Layer '${this.name}' (Concatenate): axis ${this.axis} is out of range for inputs of rank ${rank}`);
    for (const s of list)
      if (s.length !== rank || s.some((d, i) => i !== axis && i > 0 && d !== null && list[0][i] !== null && d !== list[0][i]))
        throw new ShapeError(
          `Layer '${this.name}' (Concatenate) requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[${list.map(formatShape).join(', ')}], axis=${this.axis}`,
        );
    return ops.concat(inputs, this.axis);
  }
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
  static fromConfig(c: Record<string, any>) {
    return new Concatenate(argsFromConfig(c));
  }
}

for (const cls of [Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate]) registerLayer(cls, '@layerwise/layers');
