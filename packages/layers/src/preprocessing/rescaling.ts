import { Layer, argsFromConfig, ops, layerOptions, registerLayer, type LayerArgs, type TraceContext, type Value } from '@layerwise/core';

/** Keras' Rescaling: x * scale + offset (e.g. scale 1/255 for images). */
export class Rescaling extends Layer {
  static override className = 'Rescaling';
  static override optionKeys = layerOptions<LayerArgs & { offset?: number }>()({ offset: true });
  readonly scale: number;
  readonly offset: number;
  constructor(scale: number, args: LayerArgs & { offset?: number } = {}) {
    super(args);
    this.scale = scale;
    this.offset = args.offset ?? 0;
  }
  call(x: Value, _ctx: TraceContext): Value {
    const scaled = ops.mul(ops.cast(x, 'float32'), ops.scalar(this.scale));
    return this.offset ? ops.add(scaled, ops.scalar(this.offset)) : scaled;
  }
  override getConfig() {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
  static fromConfig(c: Record<string, any>) {
    const { scale, ...rest } = argsFromConfig(c);
    return new Rescaling(scale, rest);
  }
}
registerLayer(Rescaling, '@layerwise/layers');
