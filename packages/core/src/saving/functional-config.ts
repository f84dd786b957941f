/**
 * A functional model's layer graph as data and back (Model.getConfig / Model.fromConfig): the
 * layers' configs, then every layer call with the tensors it consumed, each tensor named
 * `[layer, call, output index]`. Rebuilding makes the layers from the registry and calls them
 * again in the saved order; nothing in the config is run as code.
 */
import { InputLayer, type Layer, type LayerNode, type SymbolicTensor } from '../engine/layer.js';
import type { Model } from '../engine/model.js';
import { layerFromConfig } from './save.js';
import type { SavedLayer } from './validate.js';

/** `[layer name, call index of that layer, output index of that call]`. */
export type TensorRef = [string, number, number];

export type FunctionalConfig = {
  name: string;
  trainable?: boolean;
  layers: SavedLayer[];
  nodes: { layer: string; inputs: TensorRef[] }[];
  inputs: TensorRef[];
  outputs: TensorRef[];
};

export function functionalConfig(model: Model): FunctionalConfig {
  const callIndex = new Map<LayerNode, number>();
  const perLayer = new Map<Layer, number>();
  for (const n of model.layerNodes) {
    callIndex.set(n, perLayer.get(n.layer) ?? 0);
    perLayer.set(n.layer, callIndex.get(n)! + 1);
  }
  const ref = (t: SymbolicTensor): TensorRef => [t.node.layer.name, callIndex.get(t.node)!, t.index];
  return {
    name: model.name,
    trainable: model.trainable,
    layers: model.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    nodes: model.layerNodes.map((n) => ({ layer: n.layer.name, inputs: n.inputs.map(ref) })),
    inputs: model.inputs.map(ref),
    outputs: model.outputs.map(ref),
  };
}

/** The saved layers, called again in the saved order: the model's input and output tensors (for `new Model`). */
export function rebuildFunctionalGraph(config: FunctionalConfig): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const layers = new Map<string, Layer>(config.layers.map((l) => [l.config.name as string, layerFromConfig(l)]));
  const produced = new Map<string, SymbolicTensor[][]>();
  const lookup = ([name, call, index]: TensorRef) => produced.get(name)![call][index];
  for (const node of config.nodes) {
    const layer = layers.get(node.layer)!;
    let outputs: SymbolicTensor[];
    if (layer instanceof InputLayer) outputs = [layer.output];
    else {
      const inputs = node.inputs.map(lookup);
      const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs);
      outputs = Array.isArray(out) ? out : [out];
    }
    produced.set(node.layer, [...(produced.get(node.layer) ?? []), outputs]);
  }
  return { inputs: config.inputs.map(lookup), outputs: config.outputs.map(lookup) };
}
