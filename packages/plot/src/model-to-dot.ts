// keras.utils.model_to_dot (keras/src/utils/model_visualization.py), in Graphviz DOT: one box
// per layer — an HTML-like table, black title row "name (ClassName)", and with showShapes a
// row of input and output shapes — and an edge from each inbound layer.
import { checkOptions, formatShape, isModel, keysOf, type Layer, type LayerNode, type Model, type SymbolicTensor } from '@layerwise/core';

/** Keras draws a Sequential model without its InputLayer. */
const isSequential = (layer: Layer) => layer.className === 'Sequential';

export interface ModelToDotOptions {
  /** Show each layer's input and output shapes. Default false. */
  showShapes?: boolean;
  /** Show each layer's output dtype. Default false. */
  showDtype?: boolean;
  /** Show layer names ("dense (Dense)") rather than class names alone. Default true. */
  showLayerNames?: boolean;
  /** Graphviz rankdir: 'TB' (vertical) or 'LR' (horizontal). Default 'TB'. */
  rankdir?: 'TB' | 'LR' | 'BT' | 'RL';
  /** Draw the layers of nested models inside dashed clusters. Default false. */
  expandNested?: boolean;
  /** Image resolution (Graphviz dpi). Default 200. */
  dpi?: number;
  /** Show the activation of layers that have one (Dense, Activation, Conv2D …). Default false. */
  showLayerActivations?: boolean;
  /** Mark layers with weights "Trainable" (green) or "Non-trainable" (red). Default false. */
  showTrainable?: boolean;
  /** Graphviz splines: 'ortho' (right angles, Keras' default), 'polyline', 'spline', 'curved', 'line'. */
  splines?: string;
}
export const modelToDotKeys = keysOf<ModelToDotOptions>()({
  showShapes: true, showDtype: true, showLayerNames: true, rankdir: true, expandNested: true, dpi: true,
  showLayerActivations: true, showTrainable: true, splines: true,
});

type LabelOptions = Required<Pick<ModelToDotOptions, 'showShapes' | 'showDtype' | 'showLayerNames' | 'showLayerActivations' | 'showTrainable'>>;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function formatTensors(ts: SymbolicTensor[] | null, what: (t: SymbolicTensor) => string): string {
  if (!ts) return '?';
  return ts.length === 1 ? what(ts[0]) : `[${ts.map(what).join(', ')}]`;
}

/** The layer call whose shapes a box shows: the first call that belongs to the model. */
function nodeFor(layer: Layer, ownNodes: ReadonlySet<LayerNode>): LayerNode | null {
  return layer.inboundNodes.find((n) => ownNodes.has(n)) ?? layer.inboundNodes[0] ?? null;
}

function activationName(layer: Layer): string | null {
  const a = (layer as unknown as { activation?: unknown }).activation;
  if (a === undefined || a === null) return null;
  if (typeof a === 'string') return a;
  if (typeof a === 'function') return a.name || 'function';
  return String((a as { name?: string }).name ?? a);
}

function makeLabel(layer: Layer, node: LayerNode | null, o: LabelOptions): string {
  const className = layer.className;
  let table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">';
  const colspan = Math.max(1, Number(o.showDtype) + Number(o.showTrainable) + (o.showShapes ? 2 : 0));
  table += o.showLayerNames
    ? `<tr><td colspan="${colspan}" bgcolor="black"><font point-size="16" color="white"><b>${esc(layer.name)}</b> (${esc(className)})</font></td></tr>`
    : `<tr><td colspan="${colspan}" bgcolor="black"><font point-size="16" color="white"><b>${esc(className)}</b></font></td></tr>`;
  const activation = o.showLayerActivations ? activationName(layer) : null;
  if (activation !== null)
    table += `<tr><td bgcolor="white" colspan="${colspan}"><font point-size="14">Activation: <b>${esc(activation)}</b></font></td></tr>`;
  const cols: string[] = [];
  if (o.showShapes) {
    if (className !== 'InputLayer')
      cols.push(`<td bgcolor="white"><font point-size="14">Input shape: <b>${esc(formatTensors(node ? node.inputs : null, (t) => formatShape(t.shape)))}</b></font></td>`);
    cols.push(`<td bgcolor="white"><font point-size="14">Output shape: <b>${esc(formatTensors(node ? node.outputs : null, (t) => formatShape(t.shape)))}</b></font></td>`);
  }
  if (o.showDtype) {
    const dtype = node ? (node.outputs.length === 1 ? node.outputs[0].dtype : `[${node.outputs.map((t) => `'${t.dtype}'`).join(', ')}]`) : '?';
    cols.push(`<td bgcolor="white"><font point-size="14">Output dtype: <b>${esc(dtype)}</b></font></td>`);
  }
  if (o.showTrainable && layer.weights.length > 0)
    cols.push(
      layer.trainable
        ? '<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td>'
        : '<td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td>',
    );
  if (cols.length) table += `<tr>${cols.join('')}</tr>`;
  return table + '</table>>';
}

/** A graph as Keras' model_to_dot builds it (a pydot graph, as data). */
export interface DotGraph {
  /** Cluster name (cluster_<model name>) for a nested model; 'G' for the top graph. */
  name: string;
  /** Graph attributes in the order Keras sets them. */
  attrs: [string, string][];
  nodes: { id: string; layer: Layer; label: string }[];
  edges: [string, string][];
  subgraphs: DotGraph[];
}

/** Node ids per layer (its name; made unique if two layers share one). */
class Ids {
  private ids = new Map<Layer, string>();
  private taken = new Set<string>();
  of(layer: Layer): string {
    let id = this.ids.get(layer);
    if (!id) {
      id = layer.name;
      for (let k = 2; this.taken.has(id); k++) id = `${layer.name}#${k}`;
      this.taken.add(id);
      this.ids.set(layer, id);
    }
    return id;
  }
}

function addEdge(g: DotGraph, ids: Ids, src: Layer, dst: Layer): void {
  const edge: [string, string] = [ids.of(src), ids.of(dst)];
  if (!g.edges.some(([a, b]) => a === edge[0] && b === edge[1])) g.edges.push(edge);
}

/** The layer (inside nested models) that produces output `index` of `layer`. */
function resolveSource(layer: Layer, index: number): Layer {
  while (isModel(layer) && layer.outputs.length) {
    const t = layer.outputs[index];
    layer = t.node.layer;
    index = t.index;
  }
  return layer;
}
/** The layer (inside nested models) that receives input `index` of `layer`. */
function resolveDestination(layer: Layer, index: number): Layer {
  while (isModel(layer)) {
    if (isSequential(layer)) {
      const first = layer.layers[0];
      if (!first) break;
      layer = first;
    } else if (layer.inputs.length) layer = layer.inputs[index].node.layer;
    else break;
  }
  return layer;
}

function buildGraph(model: Model, ids: Ids, o: LabelOptions, expandNested: boolean, g: DotGraph): DotGraph {
  // Layers in Keras' order (a Sequential's without its InputLayer) and the layer calls that belong to the model.
  const layers = model.layers;
  const own = model.layerGraph.nodes;
  for (const layer of layers) {
    if (expandNested && isModel(layer)) {
      const sub: DotGraph = { name: `cluster_${layer.name}`, attrs: [['style', 'dashed'], ['label', layer.name], ['labeljust', 'l']], nodes: [], edges: [], subgraphs: [] };
      g.subgraphs.push(buildGraph(layer, ids, o, expandNested, sub));
    } else g.nodes.push({ id: ids.of(layer), layer, label: makeLabel(layer, nodeFor(layer, own), o) });
  }
  if (isSequential(model)) {
    // Keras draws no InputLayer for a Sequential model: consecutive layers are joined.
    for (let i = 0; i + 1 < layers.length; i++)
      addEdge(g, ids, expandNested ? resolveSource(layers[i], 0) : layers[i], expandNested ? resolveDestination(layers[i + 1], 0) : layers[i + 1]);
    return g;
  }
  for (const layer of layers)
    for (const node of layer.inboundNodes) {
      if (!own.has(node)) continue;
      node.inputs.forEach((t, inputIndex) => {
        if (!expandNested) addEdge(g, ids, t.node.layer, layer);
        else addEdge(g, ids, resolveSource(t.node.layer, t.index), resolveDestination(layer, inputIndex));
      });
    }
  return g;
}

/** The graph Keras' model_to_dot builds for `model`, as data (nodes with their HTML labels, edges, clusters). */
export function modelToDotGraph(model: Model, options: ModelToDotOptions = {}): DotGraph {
  checkOptions('modelToDot', options, modelToDotKeys);
  if (!model.built || !isModel(model) || (model.inputs.length === 0 && isSequential(model)))
    throw new Error(`This model has not yet been built. Build the model first by calling build() or by giving the first layer an inputShape (model '${model.name}').`);
  const o: LabelOptions = {
    showShapes: options.showShapes ?? false,
    showDtype: options.showDtype ?? false,
    showLayerNames: options.showLayerNames ?? true,
    showLayerActivations: options.showLayerActivations ?? false,
    showTrainable: options.showTrainable ?? false,
  };
  const top: DotGraph = {
    name: 'G',
    attrs: [['rankdir', options.rankdir ?? 'TB'], ['concentrate', 'True'], ['dpi', String(options.dpi ?? 200)], ['splines', options.splines ?? 'ortho']],
    nodes: [],
    edges: [],
    subgraphs: [],
  };
  return buildGraph(model, new Ids(), o, options.expandNested ?? false, top);
}

/** DOT text of a graph (pydot's layout: attributes, node defaults, nodes, edges, clusters). */
export function dotText(g: DotGraph, top = true): string[] {
  const lines = [top ? 'digraph G {' : `subgraph ${quote(g.name)} {`];
  for (const [k, v] of g.attrs) lines.push(`${k}=${/^[A-Za-z0-9_.]+$/.test(v) ? v : quote(v)};`);
  if (top) lines.push('node [shape=record];');
  for (const n of g.nodes) lines.push(`${quote(n.id)} [label=${n.label}, fontname=Helvetica, border=0, margin=0];`);
  for (const sub of g.subgraphs) lines.push(...dotText(sub, false));
  for (const [a, b] of g.edges) lines.push(`${quote(a)} -> ${quote(b)} [penwidth=2];`);
  lines.push('}');
  return lines;
}

/** The DOT source Keras' model_to_dot builds for `model`. */
export function modelToDot(model: Model, options: ModelToDotOptions = {}): string {
  return dotText(modelToDotGraph(model, options)).join('\n') + '\n';
}
