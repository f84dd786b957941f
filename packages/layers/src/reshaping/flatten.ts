import { Layer, argsFromConfig, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

/** Keras' Flatten: keeps the batch axis, merges all others (channels_last order). */
export class Flatten extends Layer {
  static override className = 'Flatten';
  static override optionKeys = layerOptions<LayerArgs & { dataFormat?: string }>()({ dataFormat: true });
  readonly dataFormat: 'channels_last' | 'channels_first';
  constructor(args: LayerArgs & { dataFormat?: 'channels_last' | 'channels_first' } = {}) {
    super(args);
    this.dataFormat = args.dataFormat ?? 'channels_last';
    this.inputSpec = { minNdim: 1 };
  }
  call(inputs: Value, _ctx: TraceContext): Value {
    if (inputs.rank === 1) return ops.reshape(inputs, [0, 1]);
    // channels_first data is flattened in channels_last order, as Keras does.
    const x = this.dataFormat === 'channels_first' && inputs.rank > 2 ? ops.transpose(inputs, [0, ...Array.from({ length: inputs.rank - 2 }, (_, i) => i + 2), 1]) : inputs;
    return ops.flatten(x);
  }
  override getConfig() {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
  static fromConfig(config: Record<string, any>): Flatten {
    return new Flatten(argsFromConfig(config));
  }
}
registerLayer(Flatten, '@layerwise/layers');
