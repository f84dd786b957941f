// The one walk over a graph of layer calls, as Keras' map_graph does it
// (keras/src/ops/function.py). Model runs and saves its layer calls in the order it gives,
// `model.layers` is its layer order, and model.summary() and @layerwise/plot read its depths.
//
// Only types come from the engine: the walk needs no layer machinery, and model.ts imports it.
import type { Layer, LayerNode, SymbolicTensor } from './layer.js';
import type { Model } from './model.js';

/** A graph of layer calls from some inputs to some outputs, as Keras' Functional sees it. */
export interface LayerGraph {
  /**
   * Every layer call of the graph in an order where each follows the calls it consumes
   * (a depth-first walk from the outputs); inputs no output depends on come first.
   */
  readonly order: readonly LayerNode[];
  /** Layers in Keras' `_operations` order: deepest first, ties in the order the walk from the outputs met them. */
  readonly layers: readonly Layer[];
  /** Layer calls by depth (0 = the calls producing the outputs), as Keras' `_nodes_by_depth`. */
  readonly nodesByDepth: ReadonlyMap<number, readonly LayerNode[]>;
  /** The layer calls that belong to the graph (Keras' network nodes). */
  readonly nodes: ReadonlySet<LayerNode>;
}

/**
 * Keras' map_graph: walk from the outputs back to the inputs (a model input stops the walk);
 * each layer call gets a depth one more than its deepest consumer, each layer the depth of its
 * deepest call, and layers are listed deepest first, ties in the order the walk met them.
 * Inputs no output depends on still belong to the graph, at depth 0, before the other layers
 * of that depth (as Keras lists them).
 */
export function mapGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): LayerGraph {
  const stopAt = new Set(inputs);
  const finished = new Set<LayerNode>();
  const postOrder: LayerNode[] = [];
  const walkIndex = new Map<Layer, number>();
  // Iterative depth-first walk (deep models would overflow recursion): a node is finished
  // after every node it consumes. The graph is acyclic, so a node on the stack is never met again.
  const stack: { node: LayerNode; next: number; tensor: SymbolicTensor }[] = [];
  const enter = (t: SymbolicTensor) => {
    if (finished.has(t.node)) return;
    if (!walkIndex.has(t.node.layer)) walkIndex.set(t.node.layer, walkIndex.size);
    stack.push({ node: t.node, next: 0, tensor: t });
  };
  for (const out of outputs) {
    enter(out);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const deps = stopAt.has(top.tensor) ? [] : top.node.inputs;
      if (top.next < deps.length) enter(deps[top.next++]);
      else {
        stack.pop();
        finished.add(top.node);
        postOrder.push(top.node);
      }
    }
  }

  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const node = postOrder[i];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  const unconnected: LayerNode[] = [];
  for (const t of inputs)
    if (!layerDepth.has(t.node.layer)) {
      layerDepth.set(t.node.layer, 0);
      walkIndex.set(t.node.layer, -1);
      nodeDepth.set(t.node, 0);
      unconnected.push(t.node);
    }

  const nodesByDepth = new Map<number, LayerNode[]>();
  for (const [node, depth] of nodeDepth) {
    const list = nodesByDepth.get(depth);
    if (list) list.push(node);
    else nodesByDepth.set(depth, [node]);
  }
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || walkIndex.get(a)! - walkIndex.get(b)!);
  return { order: [...unconnected, ...postOrder], layers, nodesByDepth, nodes: new Set(nodeDepth.keys()) };
}

/** A layer that is a model (Sequential or functional): it has a layer graph of its own. */
export function isModel(layer: Layer): layer is Model {
  return 'layerGraph' in layer;
}
