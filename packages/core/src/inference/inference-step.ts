import { Graph, placeholder, type Value } from '../ir/graph.js';
import { TraceContext } from '../engine/context.js';
import type { Model } from '../engine/model.js';
import type { Variable } from '../engine/variable.js';
import { lossAndMetrics, targetPlaceholders } from '../training/loss-graph.js';
import type { Objectives } from '../training/objectives.js';

/** An inference graph's feeds and fetches, by role; weights are inputs (uploaded once per evaluate/predict). */
export interface InferenceStep {
  graph: Graph;
  feeds: { x: Value[]; y: Value[]; weights: Map<Variable, Value> };
  /** predict: the model's outputs, in order; test (evaluate): the logged values by key. */
  fetches: { outputs: Value[]; logs: Map<string, Value> };
}

/** Forward in inference mode: the model's outputs (predict), or with objectives the test step's loss and metrics (evaluate). */
export function buildInferenceStep(model: Model, objectives?: Objectives): InferenceStep {
  const ctx = new TraceContext(false);
  const x = model.inputs.map((t, i) => placeholder(t.shape, t.dtype, `x${i}`));
  const preds = model.runGraph(x, ctx);
  const y = objectives ? targetPlaceholders(objectives) : [];
  const logs = objectives ? lossAndMetrics(ctx, objectives, y, preds, trainableRead(model, ctx)) : new Map<string, Value>();
  const weights = new Map(ctx.variableValues);
  const outputs = objectives ? [] : preds;
  const graph = new Graph([...x, ...y, ...weights.values()], objectives ? [...logs.values()] : outputs, objectives ? 'test_step' : 'predict');
  return { graph, feeds: { x, y, weights }, fetches: { outputs, logs } };
}

function trainableRead(model: Model, ctx: TraceContext): Variable[] {
  const trainable = new Set(model.trainableWeights);
  return [...ctx.variableValues.keys()].filter((v) => trainable.has(v));
}

/** The inference graph with weights baked in as constants: what `model.export` writes. */
export function buildExportGraph(model: Model): Graph {
  const ctx = new TraceContext(false, true);
  const xs = model.inputs.map((t) => placeholder(t.shape, t.dtype, t.node.layer.name));
  const outputs = model.runGraph(xs, ctx);
  // Name the outputs after their layers; an output that is an input passes through under its own name.
  outputs.forEach((o, i) => o.node && (o.name ??= model.outputs[i].node.layer.name));
  return new Graph(xs, outputs, model.name);
}
