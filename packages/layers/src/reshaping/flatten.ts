import { Layer, ShapeError, argsFromConfig, ops, registerLayer, type SymShape, type TraceContext, type Value } from '@layerwise/core';

/** Keras' Flatten: keeps the batch axis, merges all others (channels_last order). */
export class Flatten extends Layer {
  static override className = 'Flatten';
  protected override validateInput(shape: SymShape): void {
    if (shape.length < 1) throw new ShapeError(`Layer '${this.name}' (Flatten) needs inputs with a batch axis; got a scalar`);
  }
  call(inputs: Value, _ctx: TraceContext): Value {
    return inputs.rank === 1 ? ops.reshape(inputs, [0, 1]) : ops.flatten(inputs);
  }
  static fromConfig(config: Record<string, any>): Flatten {
    return new Flatten(argsFromConfig(config));
  }
}
registerLayer(Flatten, '@layerwise/layers');
