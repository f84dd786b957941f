import { gradients } from '../ir/autodiff.js';
import { Graph, placeholder, withScope, type Value } from '../ir/graph.js';
import { add, cast, gather, mean, scalar } from '../ops/index.js';
import type { DType } from '../tensor/tensor.js';
import type { Loss } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import type { Optimizer } from '../optimizers/optimizers.js';
import { TraceContext } from './context.js';
import type { Model } from './model.js';
import type { Variable } from './variable.js';

/** Where each piece of training state sits among a train-step graph's inputs and outputs. */
export interface TrainStepLayout {
  graph: Graph;
  /** Training steps this graph runs per call (Keras' steps_per_execution). */
  steps: number;
  /** The whole training arrays (x…, then y…), fed once per fit; each step gathers its rows in the graph. */
  data: Value[];
  /** int32 row indices of each step's batch, one input per step. */
  batchIndices: Value[];
  lr: Value;
  iterations: Value;
  /** Every weight the step reads, fed in this order after data, indices, lr, iterations. */
  variables: Variable[];
  /** Optimizer slots, per trainable variable, fed after the variables. */
  slotOwners: { variable: Variable; slot: number }[];
  /** Outputs: per step [loss, ...metrics]; then newIterations, ...updated variables, ...new slots. */
  metricNames: string[];
  /** Which variables come out updated (trainable ones and those with state updates), in output order. */
  updatedVariables: Variable[];
}

/** Loss over a batch as Keras computes it: mean per-sample loss plus every regularization penalty. */
function totalLoss(ctx: TraceContext, loss: Loss, ys: Value[], preds: Value[], trainable: Variable[]): Value {
  let total: Value = withScope('loss', () => mean(loss.perSample(ys[0], preds[0])));
  for (let i = 1; i < preds.length; i++) total = add(total, mean(loss.perSample(ys[i], preds[i])));
  withScope('regularization', () => {
    for (const v of trainable) if (v.regularizer) total = add(total, v.regularizer.penalty(ctx.read(v)));
    for (const l of ctx.losses) total = add(total, l);
  });
  return total;
}

function targets(model: Model, loss: Loss): Value[] {
  return model.outputs.map((o, i) => {
    const spec = loss.targetSpec(o.shape);
    return placeholder(spec.shape, spec.dtype, `y${i}`);
  });
}

/** dtypes of the arrays given to fit (they are cast in the graph, after the batch is gathered). */
export interface DataDtypes {
  x: DType[];
  y: DType[];
}

/**
 * The whole training step as one graph: forward in training mode, loss, gradients of the
 * trainable weights, the optimizer's update, and non-trainable state updates. Weights and
 * optimizer slots are inputs; their new values are outputs. With `steps` > 1 the graph chains
 * that many steps, each reading the state the previous one wrote (one backend call for all).
 */
export function buildTrainStep(model: Model, loss: Loss, metrics: Metric[], optimizer: Optimizer, dtypes: DataDtypes, steps = 1): TrainStepLayout {
  const targetSpecs = targets(model, loss);
  const xData = model.inputs.map((t, i) => placeholder(t.shape, dtypes.x[i], `x${i}`));
  const yData = targetSpecs.map((y, i) => placeholder(y.shape, dtypes.y[i], `y${i}`));
  const lr = placeholder([], 'float32', 'learning_rate');
  const iterations = placeholder([], 'float32', 'iterations');
  const trainableSet = new Set(model.trainableWeights);
  const slotSpecs = optimizer.slots();

  const batchIndices: Value[] = [];
  const stepOutputs: Value[] = [];
  // State as it flows from step to step: weights and slots (initially the graph inputs).
  const current = new Map<Variable, Value>();
  const currentSlots = new Map<Variable, Value[]>();
  let variables: Variable[] = [];
  let trainable: Variable[] = [];
  let stateVariables: Variable[] = [];
  const slotOwners: { variable: Variable; slot: number }[] = [];
  const slotInputs: Value[] = [];
  const variableInputs = new Map<Variable, Value>();

  for (let k = 0; k < steps; k++) {
    const ctx = new TraceContext(true);
    for (const [v, value] of current) ctx.variableValues.set(v, value);
    const indices = placeholder([null], 'int32', `batch_indices_${k}`);
    batchIndices.push(indices);
    const batch = (data: Value[], want: DType[]) => data.map((d, i) => cast(gather(d, indices), want[i]));
    const xs = batch(xData, model.inputs.map((t) => t.dtype));
    const ys = batch(yData, targetSpecs.map((y) => y.dtype));
    const preds = model.runGraph(xs, ctx);
    if (k === 0) {
      // The first trace decides which weights the step reads; they become graph inputs.
      variables = [...ctx.variableValues.keys()];
      for (const v of ctx.updates.keys()) if (!variables.includes(v)) variables.push(v);
      for (const v of variables) variableInputs.set(v, ctx.read(v));
      trainable = variables.filter((v) => trainableSet.has(v));
      stateVariables = [...ctx.updates.keys()].filter((v) => !trainableSet.has(v));
      for (const v of trainable)
        currentSlots.set(
          v,
          slotSpecs.map((s, j) => {
            slotOwners.push({ variable: v, slot: j });
            const p = placeholder(v.shape, 'float32', `${v.name}/${s.name}`);
            slotInputs.push(p);
            return p;
          }),
        );
    }
    const lossValue = totalLoss(ctx, loss, ys, preds, trainable);
    stepOutputs.push(lossValue, ...metrics.map((m) => withScope(`metric_${m.name}`, () => mean(m.perSample(ys[0], preds[0])))));
    const grads = gradients(
      lossValue,
      trainable.map((v) => ctx.read(v)),
    );
    withScope('optimizer', () => {
      const stepIterations = k === 0 ? iterations : add(iterations, scalar(k));
      const step = { lr: optimizer.stepLearningRate(lr, stepIterations), iterations: stepIterations };
      trainable.forEach((v, j) => {
        const updated = optimizer.update(ctx.read(v), grads[j] ?? scalar(0), currentSlots.get(v)!, step);
        current.set(v, updated.w);
        currentSlots.set(v, updated.slots);
      });
    });
    for (const v of stateVariables) current.set(v, ctx.updates.get(v)!);
    for (const v of variables) if (!current.has(v)) current.set(v, ctx.read(v));
  }

  const updatedVariables = [...trainable, ...stateVariables];
  const outputs = [
    ...stepOutputs,
    add(iterations, scalar(steps)),
    ...updatedVariables.map((v) => current.get(v)!),
    ...trainable.flatMap((v) => currentSlots.get(v)!),
  ];
  const data = [...xData, ...yData];
  const inputs = [...data, ...batchIndices, lr, iterations, ...variables.map((v) => variableInputs.get(v)!), ...slotInputs];
  const graph = new Graph(inputs, outputs, steps === 1 ? 'train_step' : `train_${steps}_steps`);
  return { graph, steps, data, batchIndices, lr, iterations, variables, slotOwners, metricNames: metrics.map((m) => m.name), updatedVariables };
}

export interface InferenceLayout {
  graph: Graph;
  variables: Variable[];
  /** For test steps: names of [loss, ...metrics]. */
  metricNames: string[];
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

/** Forward in inference mode: predictions, or (with a loss) the test step's loss and metrics. */
export function buildInference(model: Model, loss?: Loss, metrics: Metric[] = []): InferenceLayout {
  const ctx = new TraceContext(false);
  const xs = model.inputs.map((t, i) => placeholder(t.shape, t.dtype, `x${i}`));
  const preds = model.runGraph(xs, ctx);
  if (!loss) {
    const variables = [...ctx.variableValues.keys()];
    return { graph: new Graph([...xs, ...variables.map((v) => ctx.read(v))], preds, 'predict'), variables, metricNames: [] };
  }
  const ys = targets(model, loss);
  const trainableSet = new Set(model.trainableWeights);
  const trainable = [...ctx.variableValues.keys()].filter((v) => trainableSet.has(v));
  const lossValue = totalLoss(ctx, loss, ys, preds, trainable);
  const metricValues = metrics.map((m) => withScope(`metric_${m.name}`, () => mean(m.perSample(ys[0], preds[0]))));
  const variables = [...ctx.variableValues.keys()];
  return {
    graph: new Graph([...xs, ...ys, ...variables.map((v) => ctx.read(v))], [lossValue, ...metricValues], 'test_step'),
    variables,
    metricNames: ['loss', ...metrics.map((m) => m.name)],
  };
}
