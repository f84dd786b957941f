import { Tensor, UnsupportedOpError, type Graph, type Value } from '@layerwise/core';
import type { Lowering } from '../lower/table.js';
import { OnnxGraphBuilder } from './builder.js';
import { encodeModel, ONNX_DTYPE, rawBytes, type ValueInfoSpec } from './model.js';

export const DEFAULT_OPSET = 17;

/** An initializer kept out of the model bytes: onnxruntime reads it from this memory ("file" `path`) and copies it. */
export interface ExternalTensor {
  path: string;
  data: Uint8Array;
}

export interface LoweredGraph {
  bytes: Uint8Array;
  inputNames: string[];
  outputNames: string[];
  /** The initializers stored as external data (see `externalFrom`). */
  externalData: ExternalTensor[];
}

export interface LowerOptions {
  /** Name inputs and outputs after their values (exported files). */
  readableNames?: boolean;
  /**
   * Initializers of at least this many bytes stay out of the model bytes, as external data read
   * from their own memory (baked weights: no copy into the serialized model, nor the protobuf
   * copy onnxruntime would parse it into). Default: none (a self-contained model, as exported).
   */
  externalFrom?: number;
}

const sanitize = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** An IR shape for a graph input or output: a leading null is the symbolic 'batch'; any other null gets a name of its own. */
const dimsOf = (name: string, shape: readonly (number | null)[]) => shape.map((d, i) => (d !== null ? d : i === 0 ? 'batch' : `${name}_dim${i}`));

/** Lower an IR graph to a serialized ONNX model: feeds become graph inputs in `graph.feeds` order. */
export function lowerGraph(graph: Graph, lowerings: ReadonlyMap<string, Lowering>, opset = DEFAULT_OPSET, options: LowerOptions = {}): LoweredGraph {
  const g = new OnnxGraphBuilder(opset);
  const names = new Map<Value, string>();
  const used = new Set<string>();
  const ioName = (v: Value, fallback: string) => {
    let name = options.readableNames && v.name ? sanitize(v.name) : fallback;
    while (used.has(name)) name += '_';
    used.add(name);
    return name;
  };
  const inputs: ValueInfoSpec[] = graph.feeds.map((v, i) => {
    const name = ioName(v, `in${i}${v.name ? `_${sanitize(v.name)}` : ''}`);
    names.set(v, name);
    return { name, elemType: ONNX_DTYPE[v.dtype], shape: dimsOf(name, v.shape) };
  });

  for (const node of graph.nodes) {
    const lower = lowerings.get(node.op.name);
    if (!lower)
      throw new UnsupportedOpError(`The ONNX backend cannot run op '${node.op.name}'${node.scope ? ` (from layer '${node.scope.split('/')[0]}')` : ''}: no lowering is registered for it`);
    const out = lower({ node, attrs: node.attrs, in: (i) => names.get(node.inputs[i])! }, g);
    const outNames = Array.isArray(out) ? out : [out];
    node.outputs.forEach((v, i) => names.set(v, outNames[i]));
  }

  // Graph outputs get their own names: an output may be an input passed through, or appear twice.
  const outputs: ValueInfoSpec[] = graph.outputs.map((v, i) => {
    const name = ioName(v, `out${i}`);
    g.nodes.push({ opType: 'Identity', inputs: [names.get(v)!], outputs: [name], attrs: {}, name: `n_out${i}` });
    return { name, elemType: ONNX_DTYPE[v.dtype], shape: dimsOf(name, v.shape) };
  });

  const externalData: ExternalTensor[] = [];
  const from = options.externalFrom ?? Infinity;
  for (const init of g.initializers)
    if (init.tensor instanceof Tensor && init.tensor.data.byteLength >= from) {
      init.external = true;
      externalData.push({ path: init.name, data: rawBytes(init.tensor) });
    }
  const bytes = encodeModel({ opset, graphName: graph.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs, producerVersion: '0.1.0' });
  return { bytes, inputNames: inputs.map((i) => i.name), outputNames: outputs.map((o) => o.name), externalData };
}
