import { Layer, ops, type TraceContext, type Value } from '@layerwise/core';
import * as layersModule from '@layerwise/layers';

/**
 * Merge layers for graph-shaped test models. The catalogue's Add/Concatenate are used when
 * @layerwise/layers has them; until then, minimal stand-ins with the same class names (the
 * summary and the plots only see names, shapes and parameter counts).
 */
class TestAdd extends Layer {
  static override className = 'Add';
  call(inputs: Value | Value[], _ctx: TraceContext): Value {
    const xs = inputs as Value[];
    return xs.slice(1).reduce((a, b) => ops.add(a, b), xs[0]);
  }
}
class TestConcatenate extends Layer {
  static override className = 'Concatenate';
  readonly axis: number;
  constructor(args: { axis?: number; name?: string } = {}) {
    super({ name: args.name });
    this.axis = args.axis ?? -1;
  }
  call(inputs: Value | Value[], _ctx: TraceContext): Value {
    return ops.concat(inputs as Value[], this.axis);
  }
}

const catalogue = layersModule as Record<string, any>;
export const Add: new () => Layer = catalogue.Add ?? TestAdd;
export const Concatenate: new (...args: any[]) => Layer = catalogue.Concatenate ?? TestConcatenate;

/** A layer from @layerwise/layers by Keras class name, or undefined while it does not exist yet. */
export function catalogueLayer(name: string): (new (...args: any[]) => Layer) | undefined {
  return catalogue[name];
}
