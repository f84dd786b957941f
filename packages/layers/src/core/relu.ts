import { ConfigError, Layer, argsFromConfig, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

export interface ReLUArgs extends LayerArgs {
  /** Largest output (Keras' max_value); null = unbounded. MobileNetV2 uses 6. */
  maxValue?: number | null;
  /** Slope below the threshold (Keras' negative_slope). */
  negativeSlope?: number;
  /** Inputs at or below it give 0 (or the negative slope's line). */
  threshold?: number;
}

/**
 * Keras' ReLU layer: f(x) = maxValue for x ≥ maxValue, x for threshold < x < maxValue,
 * negativeSlope · (x − threshold) otherwise. Computed the way keras.activations.relu does
 * (relu6 when maxValue is 6 and there is no threshold; the negative part subtracted last).
 */
export class ReLU extends Layer {
  static override className = 'ReLU';
  static override optionKeys = layerOptions<ReLUArgs>()({ maxValue: true, negativeSlope: true, threshold: true });
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    const where = `ReLU '${this.name}'`;
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
    if (this.maxValue !== null && !(this.maxValue >= 0))
      throw new ConfigError(`${where}: maxValue of a ReLU layer cannot be a negative value. Received: maxValue=${this.maxValue}`);
    if (!(this.negativeSlope >= 0))
      throw new ConfigError(`${where}: negativeSlope of a ReLU layer cannot be None or a negative value. Received: negativeSlope=${args.negativeSlope}`);
    if (!(this.threshold >= 0))
      throw new ConfigError(`${where}: threshold of a ReLU layer cannot be None or a negative value. Received: threshold=${args.threshold}`);
  }

  call(inputs: Value, _ctx: TraceContext): Value {
    const { maxValue, negativeSlope: slope, threshold } = this;
    let x = inputs;
    // The part below the threshold, for the negative slope (computed from the input).
    const negativePart = slope !== 0 ? ops.relu(threshold !== 0 ? ops.add(ops.neg(x), ops.scalar(threshold)) : ops.neg(x)) : null;
    let clipMax = maxValue !== null;
    if (threshold !== 0) x = ops.where(ops.greater(x, ops.scalar(threshold)), x, ops.scalar(0));
    else if (maxValue === 6) {
      x = ops.clip(x, 0, 6);
      clipMax = false;
    } else x = ops.relu(x);
    if (clipMax) x = ops.clip(x, 0, maxValue!);
    if (negativePart) x = ops.sub(x, ops.mul(ops.scalar(slope), negativePart));
    return x;
  }

  override getConfig() {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
  static fromConfig(config: Record<string, any>): ReLU {
    return new ReLU(argsFromConfig(config));
  }
}
registerLayer(ReLU, '@layerwise/layers');
