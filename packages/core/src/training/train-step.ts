import { gradients } from '../ir/autodiff.js';
import { Graph, placeholder, withScope, type SymShape, type Value } from '../ir/graph.js';
import { add, cast, gather, scalar } from '../ops/index.js';
import type { Optimizer } from '../optimizers/optimizers.js';
import { TraceContext } from '../engine/context.js';
import type { Model } from '../engine/model.js';
import type { Variable } from '../engine/variable.js';
import type { DataDtypes } from '../batches/streams.js';
import { lossAndMetrics, targetPlaceholders } from './loss-graph.js';
import type { Objectives } from './objectives.js';

/** What a train step reads, by role. The fit loop binds device values to these by name. */
export interface TrainStepFeeds {
  /** The whole training arrays, fed once per fit (x…); each step gathers its rows in the graph. */
  x: Value[];
  /** … and the targets (y…), one per output. */
  y: Value[];
  /** int32 row indices of each chained step's batch. */
  batchIndices: Value[];
  learningRate: Value;
  iterations: Value;
  /** Every weight the step reads. */
  weights: Map<Variable, Value>;
  /** The optimizer's slots of each trainable weight. */
  slots: Map<Variable, Value[]>;
}

/** What a train step returns, by role. */
export interface TrainStepFetches {
  /** Per chained step: its logged values by key ('loss', 'out_a_loss', 'accuracy' …). */
  logs: Map<string, Value>[];
  iterations: Value;
  /** New values of the weights that change (trainable ones, and state such as BatchNormalization's moving statistics). */
  weights: Map<Variable, Value>;
  slots: Map<Variable, Value[]>;
}

export interface TrainStep {
  graph: Graph;
  /** Training steps this graph runs per call (Keras' steps_per_execution). */
  steps: number;
  feeds: TrainStepFeeds;
  fetches: TrainStepFetches;
}

/**
 * The whole training step as one graph: forward in training mode, losses, gradients of the
 * trainable weights, the optimizer's update, and non-trainable state updates. Weights and
 * optimizer slots are inputs; their new values are outputs. With `steps` > 1 the graph chains
 * that many steps, each reading the state the previous one wrote (one backend call for all).
 */
export function buildTrainStep(model: Model, objectives: Objectives, optimizer: Optimizer, dtypes: DataDtypes, steps = 1, shapes?: SymShape[]): TrainStep {
  const x = model.inputs.map((t, i) => placeholder(shapes?.[i] ?? t.shape, dtypes.x[i], `x${i}`));
  const y = targetPlaceholders(objectives, dtypes.y);
  const wantY = objectives.outputs.map((o) => o.loss.targetSpec(o.shape).dtype);
  const learningRate = placeholder([], 'float32', 'learning_rate');
  const iterations = placeholder([], 'float32', 'iterations');
  const trainableSet = new Set(model.trainableWeights);
  const slotSpecs = optimizer.slots();

  const batchIndices: Value[] = [];
  const logs: Map<string, Value>[] = [];
  // State as it flows from step to step (initially the graph inputs).
  const current = new Map<Variable, Value>();
  const weights = new Map<Variable, Value>();
  const slots = new Map<Variable, Value[]>();
  const currentSlots = new Map<Variable, Value[]>();
  let trainable: Variable[] = [];
  let stateVariables: Variable[] = [];

  for (let k = 0; k < steps; k++) {
    const ctx = new TraceContext(true);
    for (const [v, value] of current) ctx.variableValues.set(v, value);
    const indices = placeholder([null], 'int32', `batch_indices_${k}`);
    batchIndices.push(indices);
    const xs = x.map((d, i) => cast(gather(d, indices), model.inputs[i].dtype));
    const ys = y.map((d, i) => cast(gather(d, indices), wantY[i]));
    const preds = model.runGraph(xs, ctx);
    if (k === 0) {
      // The first trace decides which weights the step reads; they become graph inputs.
      const read = [...ctx.variableValues.keys()];
      for (const v of ctx.updates.keys()) if (!read.includes(v)) read.push(v);
      for (const v of read) weights.set(v, ctx.read(v));
      trainable = read.filter((v) => trainableSet.has(v));
      stateVariables = [...ctx.updates.keys()].filter((v) => !trainableSet.has(v));
      for (const v of trainable) slots.set(v, slotSpecs.map((s) => placeholder(v.shape, 'float32', `${v.name}/${s.name}`)));
      for (const [v, s] of slots) currentSlots.set(v, s);
    }
    const stepLogs = lossAndMetrics(ctx, objectives, ys, preds, trainable);
    logs.push(stepLogs);
    const grads = gradients(
      stepLogs.get('loss')!,
      trainable.map((v) => ctx.read(v)),
    );
    withScope('optimizer', () => {
      const stepIterations = k === 0 ? iterations : add(iterations, scalar(k));
      const step = { lr: optimizer.stepLearningRate(learningRate, stepIterations), iterations: stepIterations };
      trainable.forEach((v, j) => {
        const updated = optimizer.update(ctx.read(v), grads[j] ?? scalar(0), currentSlots.get(v)!, step);
        current.set(v, updated.w);
        currentSlots.set(v, updated.slots);
      });
    });
    for (const v of stateVariables) current.set(v, ctx.updates.get(v)!);
    for (const v of weights.keys()) if (!current.has(v)) current.set(v, ctx.read(v));
  }

  const fetches: TrainStepFetches = {
    logs,
    iterations: add(iterations, scalar(steps)),
    weights: new Map([...trainable, ...stateVariables].map((v) => [v, current.get(v)!])),
    slots: new Map(trainable.map((v) => [v, currentSlots.get(v)!])),
  };
  const feeds: TrainStepFeeds = { x, y, batchIndices, learningRate, iterations, weights, slots };
  // The graph's positional order is private to it: callers bind by role (see bindFeeds).
  const inputs = [...x, ...y, ...batchIndices, learningRate, iterations, ...weights.values(), ...[...slots.values()].flat()];
  const outputs = [...logs.flatMap((l) => [...l.values()]), fetches.iterations, ...fetches.weights.values(), ...[...fetches.slots.values()].flat()];
  const graph = new Graph(inputs, outputs, steps === 1 ? 'train_step' : `train_${steps}_steps`);
  return { graph, steps, feeds, fetches };
}
