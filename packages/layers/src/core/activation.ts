import { Layer, argsFromConfig, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';
import { getActivation } from '../activations.js';

/** Keras' Activation layer: applies a named activation. */
export class Activation extends Layer {
  static override className = 'Activation';
  readonly activation: string;
  constructor(activation: string, args: LayerArgs = {}) {
    super(args);
    getActivation(activation, `Activation '${this.name}'`);
    this.activation = activation;
  }
  call(inputs: Value, _ctx: TraceContext): Value {
    return getActivation(this.activation, this.name)(inputs);
  }
  override getConfig() {
    return { ...super.getConfig(), activation: this.activation };
  }
  static fromConfig(config: Record<string, any>): Activation {
    const { activation, ...rest } = argsFromConfig(config);
    return new Activation(activation, rest);
  }
}
registerLayer(Activation, '@layerwise/layers');
