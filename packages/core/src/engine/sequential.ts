import { ConfigError } from '../errors.js';
import { checkOptions, keysOf } from '../options.js';
import type { SymShape } from '../ir/graph.js';
import { Input, InputLayer, Layer, registerLayer, type SymbolicTensor } from './layer.js';
import { layerFromConfig } from '../saving/save.js';
import { Model } from './model.js';
import type { Backend } from '../backend/backend.js';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
  backend?: string | Backend;
}
const sequentialArgKeys = keysOf<SequentialArgs>()({ layers: true, name: true, backend: true });

/**
 * A linear stack of layers, as keras.Sequential: `add` layers, and the model is built as
 * soon as the input shape is known (from the first layer's inputShape/inputDim, an
 * InputLayer, or `build`), on the same layer-graph machinery as the functional API.
 */
export class Sequential extends Model {
  static override className = 'Sequential';
  private stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;

  constructor(args: SequentialArgs = {}) {
    checkOptions('Sequential', args, sequentialArgKeys);
    super();
    if (args.name) this.name = args.name;
    if (args.backend) this.setBackend(args.backend);
    for (const l of args.layers ?? []) this.add(l);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new ConfigError(`Sequential.add expects a Layer, got ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length || this.inputLayer) throw new ConfigError('An InputLayer can only be the first layer of a Sequential model');
      this.inputLayer = layer;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name))
      throw new ConfigError(`All layers added to a Sequential model should have unique names. Name '${layer.name}' is already the name of a layer in this model.`);
    this.stack.push(layer);
    if (this.stack.length === 1 && !this.inputLayer && layer.batchInputShape) this.inputLayer = new InputLayer({ batchShape: layer.batchInputShape });
    if (this.inputLayer) this.rebuild();
  }

  /** Remove the last layer. */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new ConfigError('There are no layers in the model');
    if (this.inputLayer && this.stack.length) this.rebuild();
    return l;
  }

  /** Build for a batch input shape such as [null, 784] when no layer declared one. */
  override build(batchInputShape: SymShape): void {
    this.inputLayer ??= new InputLayer({ batchShape: batchInputShape });
    this.rebuild();
  }

  private rebuild(): void {
    let t: SymbolicTensor = this.inputLayer!.output;
    const input = t;
    for (const layer of this.stack) t = layer.apply(t);
    this.initGraph(input, t);
  }

  /** Keras lists a Sequential model's layers without its InputLayer. */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  protected override ensureBuiltForCompile(): void {
    this.ensureBuilt();
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      layers: [
        ...(this.inputLayer ? [{ className: 'InputLayer', config: this.inputLayer.getConfig() }] : []),
        ...this.stack.map((l) => ({ className: l.className, config: l.getConfig() })),
      ],
    };
  }

  static override fromConfig(config: { name?: string; layers: { className: string; config: Record<string, unknown> }[] }): Sequential {
    const model = new Sequential({ name: config.name });
    for (const saved of config.layers) model.add(layerFromConfig(saved));
    return model;
  }
}
registerLayer(Sequential, '@layerwise/core');

export { Input };
