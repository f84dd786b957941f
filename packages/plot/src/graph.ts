// The model graph as Keras walks it (keras/src/models/functional.py map_graph): layers in
// `model._operations` order and the layer calls that belong to the model. Only types come
// from core, so this package adds no runtime coupling to it.
import type { Layer, LayerNode, Model, SymbolicTensor } from '@layerwise/core';

export function isSequential(layer: Layer): boolean {
  return layer.className === 'Sequential';
}
/** A Sequential or functional model (anything with inputs, outputs and layers). */
export function isModel(layer: Layer): layer is Model {
  const m = layer as Model;
  return Array.isArray(m.inputs) && Array.isArray(m.outputs) && 'layers' in m;
}

/** The model's layer calls (core's public `layerNodes` when present, else its protected `nodes`). */
export function modelNodes(model: Model): LayerNode[] {
  const m = model as unknown as { layerNodes?: LayerNode[]; nodes?: LayerNode[] };
  return m.layerNodes ?? m.nodes ?? [];
}

export interface ModelGraph {
  /** Layers in Keras' order: Sequential without its InputLayer; functional by depth from the outputs, deepest first. */
  layers: Layer[];
  /** The layer calls that belong to the model. */
  nodes: Set<LayerNode>;
}

export function modelGraph(model: Model): ModelGraph {
  if (isSequential(model) || model.inputs.length === 0) return { layers: model.layers, nodes: new Set(modelNodes(model)) };
  const inputs = new Set<SymbolicTensor>(model.inputs);
  const finished = new Set<LayerNode>();
  const decreasingDepth: LayerNode[] = [];
  const opIndex = new Map<Layer, number>();
  const visit = (t: SymbolicTensor) => {
    const node = t.node;
    if (finished.has(node)) return;
    if (!opIndex.has(node.layer)) opIndex.set(node.layer, opIndex.size);
    finished.add(node);
    if (node.inputs.length > 0 && !inputs.has(t)) node.inputs.forEach(visit);
    decreasingDepth.push(node);
  };
  model.outputs.forEach(visit);
  const nodeDepth = new Map<LayerNode, number>();
  const opDepth = new Map<Layer, number>();
  for (let i = decreasingDepth.length - 1; i >= 0; i--) {
    const node = decreasingDepth[i];
    const depth = Math.max(nodeDepth.get(node) ?? 0, opDepth.get(node.layer) ?? 0);
    opDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  for (const t of model.inputs)
    if (!opDepth.has(t.node.layer)) {
      opDepth.set(t.node.layer, 0);
      opIndex.set(t.node.layer, -1);
      nodeDepth.set(t.node, 0);
    }
  const layers = [...opDepth.keys()].sort((a, b) => opDepth.get(b)! - opDepth.get(a)! || opIndex.get(a)! - opIndex.get(b)!);
  return { layers, nodes: new Set(nodeDepth.keys()) };
}
