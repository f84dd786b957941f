import { Graph, formatShape, placeholder, type SymShape, type Value } from '../ir/graph.js';
import { ConfigError } from '../errors.js';
import { TraceContext } from '../engine/context.js';
import { anySize } from '../engine/input-sizes.js';
import type { Model } from '../engine/model.js';
import type { Variable } from '../engine/variable.js';
import { lossAndMetrics, targetPlaceholders } from '../training/loss-graph.js';
import type { Objectives } from '../training/objectives.js';

/**
 * An inference graph's feeds and fetches, by role. Weights are inputs (uploaded once per
 * evaluate/predict call) or, where the backend asks for it, constants compiled into the graph
 * (`baked`: the graph is out of date once one of them is assigned a new value).
 */
export interface InferenceStep {
  graph: Graph;
  feeds: { x: Value[]; y: Value[]; weights: Map<Variable, Value> };
  /** predict: the model's outputs, in order; test (evaluate): the logged values by key. */
  fetches: { outputs: Value[]; logs: Map<string, Value> };
  /** The weights held as constants, and the newest of their versions when the graph was built. */
  baked: { weights: Variable[]; version: number };
}

/**
 * Forward in inference mode: the model's outputs (predict), or with objectives the test step's
 * loss and metrics (evaluate). `bake` picks the weights that become constants (none by default);
 * `shapes` are the input shapes to trace with (default: the model's own).
 */
export function buildInferenceStep(model: Model, objectives?: Objectives, bake?: (v: Variable) => boolean, shapes?: SymShape[]): InferenceStep {
  const ctx = new TraceContext(false, bake ?? false);
  const x = model.inputs.map((t, i) => placeholder(shapes?.[i] ?? t.shape, t.dtype, `x${i}`));
  const preds = model.runGraph(x, ctx);
  const y = objectives ? targetPlaceholders(objectives) : [];
  const logs = objectives ? lossAndMetrics(ctx, objectives, y, preds, trainableRead(model, ctx)) : new Map<string, Value>();
  const weights = new Map([...ctx.variableValues].filter(([v]) => !ctx.baked.has(v)));
  const outputs = objectives ? [] : preds;
  const graph = new Graph([...x, ...y, ...weights.values()], objectives ? [...logs.values()] : outputs, objectives ? 'test_step' : 'predict');
  const baked = [...ctx.baked];
  return { graph, feeds: { x, y, weights }, fetches: { outputs, logs }, baked: { weights: baked, version: newestVersion(baked) } };
}

/** The newest version among these weights: it changes whenever one of them is assigned (versions only grow). */
export function newestVersion(weights: readonly Variable[]): number {
  let newest = 0;
  for (const v of weights) newest = Math.max(newest, v.version);
  return newest;
}

function trainableRead(model: Model, ctx: TraceContext): Variable[] {
  const trainable = new Set(model.trainableWeights);
  return [...ctx.variableValues.keys()].filter((v) => trainable.has(v));
}

/** The inference graph with weights baked in as constants: what `model.export` writes. */
export function buildExportGraph(model: Model): Graph {
  if (anySize(model))
    throw new ConfigError(
      `export: model '${model.name}' was built for inputs of any size, ${model.inputs.map((t) => formatShape(t.shape)).join(', ')}; build it with the height and width to export (inputShape: [h, w, channels])`,
    );
  const ctx = new TraceContext(false, true);
  const xs = model.inputs.map((t) => placeholder(t.shape, t.dtype, t.node.layer.name));
  const outputs = model.runGraph(xs, ctx);
  // Name the outputs after their layers; an output that is an input passes through under its own name.
  outputs.forEach((o, i) => o.node && (o.name ??= model.outputs[i].node.layer.name));
  return new Graph(xs, outputs, model.name);
}
