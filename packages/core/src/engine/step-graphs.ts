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
  /** The whole training arrays (x…, then y…), fed once per fit; each step gathers its rows in the graph. */
  data: Value[];
  /** int32 row indices of this step's batch. */
  batchIndices: Value;
  lr: Value;
  iterations: Value;
  /** Every weight the step reads, fed in this order after data, indices, lr, iterations. */
  variables: Variable[];
  /** Optimizer slots, per trainable variable, fed after the variables. */
  slotOwners: { variable: Variable; slot: number }[];
  /** Outputs: [loss, ...metrics, newIterations, ...newVariableValues, ...newSlots]. */
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
 * optimizer slots are inputs; their new values are outputs.
 */
export function buildTrainStep(model: Model, loss: Loss, metrics: Metric[], optimizer: Optimizer, dtypes: DataDtypes): TrainStepLayout {
  const ctx = new TraceContext(true);
  const batchIndices = placeholder([null], 'int32', 'batch_indices');
  const xData = model.inputs.map((t, i) => placeholder(t.shape, dtypes.x[i], `x${i}`));
  const yData = targets(model, loss).map((y, i) => placeholder(y.shape, dtypes.y[i], `y${i}`));
  const batch = (data: Value[], want: DType[]) => data.map((d, i) => cast(gather(d, batchIndices), want[i]));
  const xs = batch(xData, model.inputs.map((t) => t.dtype));
  const ys = batch(yData, targets(model, loss).map((y) => y.dtype));
  const preds = model.runGraph(xs, ctx);
  const trainableSet = new Set(model.trainableWeights);
  const read = [...ctx.variableValues.keys()];
  const trainable = read.filter((v) => trainableSet.has(v));
  const lossValue = totalLoss(ctx, loss, ys, preds, trainable);
  const metricValues = metrics.map((m) => withScope(`metric_${m.name}`, () => mean(m.perSample(ys[0], preds[0]))));

  const lr = placeholder([], 'float32', 'learning_rate');
  const iterations = placeholder([], 'float32', 'iterations');
  const grads = gradients(
    lossValue,
    trainable.map((v) => ctx.read(v)),
  );

  const slotSpecs = optimizer.slots();
  const slotOwners: { variable: Variable; slot: number }[] = [];
  const slotInputs: Value[] = [];
  const newWeights: Value[] = [];
  const newSlots: Value[] = [];
  withScope('optimizer', () => {
    const step = { lr: optimizer.stepLearningRate(lr, iterations), iterations };
    trainable.forEach((v, k) => {
      const slots = slotSpecs.map((s, j) => {
        slotOwners.push({ variable: v, slot: j });
        const p = placeholder(v.shape, 'float32', `${v.name}/${s.name}`);
        slotInputs.push(p);
        return p;
      });
      const g = grads[k] ?? scalar(0);
      const updated = optimizer.update(ctx.read(v), g, slots, step);
      newWeights.push(updated.w);
      newSlots.push(...updated.slots);
    });
  });
  const stateUpdates = [...ctx.updates.entries()].filter(([v]) => !trainableSet.has(v));
  const updatedVariables = [...trainable, ...stateUpdates.map(([v]) => v)];
  const variables = [...read, ...[...ctx.updates.keys()].filter((v) => !ctx.variableValues.has(v))];

  const outputs = [lossValue, ...metricValues, add(iterations, scalar(1)), ...newWeights, ...stateUpdates.map(([, u]) => u), ...newSlots];
  const data = [...xData, ...yData];
  const graph = new Graph([...data, batchIndices, lr, iterations, ...variables.map((v) => ctx.read(v)), ...slotInputs], outputs, 'train_step');
  return { graph, data, batchIndices, lr, iterations, variables, slotOwners, metricNames: metrics.map((m) => m.name), updatedVariables };
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
