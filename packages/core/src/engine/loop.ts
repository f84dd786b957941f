import { ConfigError, DataError, ShapeError } from '../errors.js';
import type { Backend, DeviceValue } from '../backend/backend.js';
import { Callback, CallbackList, History, type Logs } from '../callbacks/callback.js';
import { Progbar, ProgbarLogger } from '../callbacks/progbar.js';
import type { Value } from '../ir/graph.js';
import { rng } from '../random/random.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import type { Model } from './model.js';
import type { InferenceLayout, TrainStepLayout } from './step-graphs.js';
import type { Variable } from './variable.js';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  verbose?: 0 | 1 | 2 | 'auto';
  callbacks?: Callback[];
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]];
  shuffle?: boolean;
  initialEpoch?: number;
  /** Print through this instead of process.stdout (tests, GUIs). */
  print?: (s: string) => void;
}
export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2 | 'auto';
}
export interface PredictArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2 | 'auto';
}

const list = (t: Tensor | Tensor[]) => (Array.isArray(t) ? t : [t]);

/** Rows [start, end) of every array, as views (converted only when the graph wants another dtype). */
function batchOf(arrays: Tensor[], start: number, end: number, dtypes: DType[]): Tensor[] {
  return arrays.map((a, i) => {
    const rows = a.slice(start, end);
    return rows.dtype === dtypes[i] ? rows : rows.astype(dtypes[i]);
  });
}

/** Fill the graph's random leaves for batches of this size from the seeded generator (a short last batch runs alone). */
function randomFeeds(leaves: Value[], batch: number, backend: Backend): DeviceValue[] {
  return leaves.map((v) => {
    const shape = v.shape.map((d) => d ?? batch);
    const t = Tensor.zeros(shape);
    rng().fillUniform(t.data as Float32Array);
    return backend.upload(t);
  });
}

/** Targets as the loss wants them: a [n] vector for a [n, 1] output becomes [n, 1]; labels cast on the way in. */
function prepareTargets(model: Model, ys: Tensor[]): Tensor[] {
  const loss = model.loss!;
  return ys.map((y, i) => {
    const predShape = model.outputs[i].shape;
    loss.checkTarget(y.shape, predShape);
    if (loss.targetSpec(predShape).dtype === 'float32' && y.rank === predShape.length - 1 && predShape[predShape.length - 1] === 1) return y.reshape([...y.shape, 1]);
    if (loss.targetSpec(predShape).dtype === 'int32' && y.rank === predShape.length) return y.reshape(y.shape.slice(0, -1));
    return y;
  });
}

function checkSameLength(xs: Tensor[], ys: Tensor[]): number {
  const n = xs[0].shape[0];
  for (const [what, arrs] of [['x', xs], ['y', ys]] as const)
    arrs.forEach((a, i) => {
      if (a.shape[0] !== n)
        throw new DataError(`Data cardinality is ambiguous: x has ${n} samples but ${what}[${i}] has ${a.shape[0]}. Make sure all arrays contain the same number of samples.`);
    });
  return n;
}

/** NaN or Inf in the data would silently poison training: fail before the first step instead. */
function checkFinite(arrays: Tensor[], what: string): void {
  arrays.forEach((a, k) => {
    if (a.dtype !== 'float32') return;
    const d = a.data;
    // x * 0 is 0 for finite x and NaN otherwise: one branch-free pass, then find the culprit.
    let probe = 0;
    for (let i = 0; i < d.length; i++) probe += d[i] * 0;
    if (probe === 0) return;
    const i = d.findIndex((v) => !Number.isFinite(v));
    const row = Math.floor(i / (a.size / a.shape[0] || 1));
    throw new DataError(`${what}${arrays.length > 1 ? `[${k}]` : ''} contains ${d[i]} at sample ${row} (flat index ${i}); clean or impute the data before training`);
  });
}

function resolveVerbose(v: FitArgs['verbose']): number {
  return v === undefined || v === 'auto' ? 1 : v;
}

/** stepsPerExecution 'auto': chain this many steps when one step's graph is at most AUTO_MAX_NODES nodes (per-call overhead matters there). */
const AUTO_STEPS = 8;
const AUTO_MAX_NODES = 400;

/** Sample-weighted running means of the step outputs, as Keras' Mean metrics report them. */
class RunningMeans {
  private sums: number[];
  private count = 0;
  constructor(readonly names: string[]) {
    this.sums = names.map(() => 0);
  }
  add(values: ArrayLike<number>, weight: number): void {
    for (let i = 0; i < this.sums.length; i++) this.sums[i] += values[i] * weight;
    this.count += weight;
  }
  /** Metrics first, then loss: the order Keras 3 prints them in. */
  logs(prefix = ''): Logs {
    const out: Logs = {};
    this.names.forEach((n, i) => n !== 'loss' && (out[prefix + n] = this.sums[i] / this.count));
    const loss = this.names.indexOf('loss');
    if (loss >= 0) out[prefix + 'loss'] = this.sums[loss] / this.count;
    return out;
  }
}

export async function runFit(model: Model, xIn: Tensor | Tensor[], yIn: Tensor | Tensor[], args: FitArgs): Promise<History> {
  if (!model.loss || !model.optimizer) throw new ConfigError('You must call compile() before fit()');
  const batchSize = args.batchSize ?? 32;
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ConfigError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ConfigError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  let xs = list(xIn);
  let ys = list(yIn);
  model.checkInputs(xs);
  ys = prepareTargets(model, ys);
  let n = checkSameLength(xs, ys);
  checkFinite(xs, 'x');
  checkFinite(ys, 'y');

  let validation = args.validationData ? ([list(args.validationData[0]), list(args.validationData[1])] as [Tensor[], Tensor[]]) : null;
  if (args.validationSplit) {
    if (!(args.validationSplit > 0 && args.validationSplit < 1)) throw new ConfigError(`fit: validationSplit must be in (0, 1), got ${args.validationSplit}`);
    // Keras takes the last fraction of the data, before shuffling.
    const split = Math.floor(n * (1 - args.validationSplit));
    validation ??= [xs.map((a) => a.slice(split)), ys.map((a) => a.slice(split))];
    xs = xs.map((a) => a.slice(0, split));
    ys = ys.map((a) => a.slice(0, split));
    n = split;
  }
  if (validation) {
    model.checkInputs(validation[0]);
    validation[1] = prepareTargets(model, validation[1]);
    checkSameLength(validation[0], validation[1]);
  }

  const dtypes = { x: xs.map((a) => a.dtype), y: ys.map((a) => a.dtype) };
  const { exe, layout, backend } = await model.executable<TrainStepLayout>('train', dtypes);
  // Full batches go K at a time through a K-step graph; the rest (and a short last batch) one by one.
  const userActsPerBatch = (args.callbacks ?? []).some((c) => c.wantsBatchHooks);
  const autoSteps = !userActsPerBatch && layout.graph.nodes.length <= AUTO_MAX_NODES ? AUTO_STEPS : 1;
  const perCall = Math.min(model.stepsPerExecution === 'auto' ? autoSteps : model.stepsPerExecution, Math.floor(n / batchSize));
  const multi = perCall > 1 ? await model.executable<TrainStepLayout>('train', dtypes, perCall) : null;
  const verbose = resolveVerbose(args.verbose);
  const steps = Math.ceil(n / batchSize);
  const history = new History();
  // As Keras orders them: the user's callbacks, then History, then the progress bar (so both see what the user's added to logs).
  const cbs: Callback[] = [...(args.callbacks ?? []), history, ...(verbose ? [new ProgbarLogger(verbose, args.print)] : [])];
  const callbacks = new CallbackList(cbs);
  for (const c of cbs) {
    c.setModel(model);
    c.setParams({ epochs, steps, verbose, samples: n });
  }
  const batchHooks = callbacks.batchCallbacks();
  model.history = history;
  model.stopTraining = false;

  // Device state: weights, slots, iteration count. Updated values replace inputs after each step.
  const state = new TrainingState(model, layout, backend);
  // The whole arrays go to the backend once (wrapped, not copied); each step sends only its row indices.
  const data = [...xs, ...ys].map((a) => backend.upload(a));
  const sequential = Int32Array.from({ length: n }, (_, i) => i);
  const nMetrics = 1 + layout.metricNames.length;

  await callbacks.call('onTrainBegin');
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.epoch('onEpochBegin', epoch);
    const order = args.shuffle === false ? sequential : rng().permutation(n);
    const means = new RunningMeans(['loss', ...layout.metricNames]);
    let lr = model.optimizer.learningRate;
    let lrValue = backend.upload(Tensor.scalar(lr));
    for (let b = 0; b < steps; ) {
      const group = multi && b + perCall <= Math.floor(n / batchSize) ? multi : { exe, layout };
      const k = group.layout.steps;
      const sizes = Array.from({ length: k }, (_, j) => Math.min(n, (b + j + 1) * batchSize) - (b + j) * batchSize);
      for (const c of batchHooks) await c.onTrainBatchBegin(b, { batch: b, size: sizes[0] });
      if (model.optimizer.learningRate !== lr) {
        lr = model.optimizer.learningRate;
        lrValue = backend.upload(Tensor.scalar(lr));
      }
      const indices = sizes.map((size, j) => backend.upload(new Tensor(order.subarray((b + j) * batchSize, (b + j) * batchSize + size), [size], 'int32')));
      const random = randomFeeds(group.layout.graph.randomInputs, sizes[0], backend);
      const outs = await group.exe.run([...data, ...indices, lrValue, ...state.values, ...random]);
      const scalars = await Promise.all(outs.slice(0, k * nMetrics).map((o) => o.read()));
      state.advance(outs.slice(k * nMetrics));
      // Replay the steps of this call one by one for the running means and batch callbacks.
      for (let j = 0; j < k; j++, b++) {
        means.add(
          scalars.slice(j * nMetrics, (j + 1) * nMetrics).map((s) => s.data[0]),
          sizes[j],
        );
        if (batchHooks.length) {
          const logs = means.logs();
          for (const c of batchHooks) {
            if (j > 0) await c.onTrainBatchBegin(b, { batch: b, size: sizes[j] });
            await c.onTrainBatchEnd(b, logs);
          }
        }
      }
      if (model.stopTraining) break;
    }
    await state.writeBack();
    const logs = means.logs();
    if (validation) {
      const val = await runEvaluate(model, validation[0], validation[1], { batchSize, verbose: 0 });
      const vals = Array.isArray(val) ? val : [val];
      const names = model.metricsNames;
      names.forEach((name, i) => name !== 'loss' && (logs[`val_${name}`] = vals[i]));
      logs.val_loss = vals[0];
    }
    await callbacks.epoch('onEpochEnd', epoch, logs);
  }
  await callbacks.call('onTrainEnd');
  return history;
}

/**
 * Weights, optimizer slots and the iteration count as device values between steps. Each
 * step's outputs become the next step's inputs (never written into an input's buffer).
 */
class TrainingState {
  values: DeviceValue[];
  private nVars: number;
  private updatedIndex: number[];
  constructor(
    private model: Model,
    private layout: TrainStepLayout,
    backend: Backend,
  ) {
    const os = model.optimizerState;
    const slotSpecs = model.optimizer!.slots();
    const slotValues = layout.slotOwners.map(({ variable, slot }) => {
      let slots = os.slots.get(variable);
      if (!slots) {
        slots = slotSpecs.map((s) => Tensor.full(variable.shape, s.init));
        os.slots.set(variable, slots);
      }
      return slots[slot];
    });
    this.nVars = layout.variables.length;
    this.values = [
      backend.upload(Tensor.scalar(os.iterations)),
      ...layout.variables.map((v) => backend.upload(v.value)),
      ...slotValues.map((t) => backend.upload(t)),
    ];
    this.updatedIndex = layout.updatedVariables.map((v) => 1 + layout.variables.indexOf(v));
  }

  /** outs = [iterations, ...updated variables, ...slots]. */
  advance(outs: DeviceValue[]): void {
    const old = this.values;
    const next = old.slice();
    next[0] = outs[0];
    this.updatedIndex.forEach((idx, k) => (next[idx] = outs[1 + k]));
    const slotStart = 1 + this.nVars;
    for (let k = 0; k < this.layout.slotOwners.length; k++) next[slotStart + k] = outs[1 + this.updatedIndex.length + k];
    this.values = next;
    old.forEach((v, i) => v !== next[i] && v.dispose());
  }

  /** Copy device state back into host Variables and the optimizer state. */
  async writeBack(): Promise<void> {
    const host = await Promise.all(this.values.map((v) => v.read()));
    this.model.optimizerState.iterations = host[0].data[0];
    this.layout.variables.forEach((v, i) => (v.value = host[1 + i]));
    this.layout.slotOwners.forEach(({ variable, slot }, k) => {
      this.model.optimizerState.slots.get(variable)![slot] = host[1 + this.nVars + k];
    });
  }
}

async function inferenceBatches(
  model: Model,
  kind: 'test' | 'predict',
  arrays: Tensor[],
  batchSize: number,
  onBatch: (outs: Tensor[], size: number) => void,
  progress: ((step: number, total: number) => void) | null = null,
): Promise<void> {
  const { exe, layout, backend } = await model.executable<InferenceLayout>(kind);
  const weights = layout.variables.map((v: Variable) => backend.upload(v.value));
  const dtypes = layout.graph.inputs.slice(0, arrays.length).map((v) => v.dtype);
  const n = arrays[0].shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const feeds = [...batchOf(arrays, start, end, dtypes).map((t) => backend.upload(t)), ...weights];
    const outs = await exe.run(feeds);
    onBatch(await Promise.all(outs.map((o) => o.read())), end - start);
    progress?.(Math.ceil(end / batchSize), Math.ceil(n / batchSize));
  }
}

export async function runEvaluate(model: Model, xIn: Tensor | Tensor[], yIn: Tensor | Tensor[], args: EvaluateArgs = {}): Promise<number | number[]> {
  if (!model.loss) throw new ConfigError('You must call compile() before evaluate()');
  const xs = list(xIn);
  model.checkInputs(xs);
  const ys = prepareTargets(model, list(yIn));
  checkSameLength(xs, ys);
  const means = new RunningMeans(model.metricsNames);
  const batchSize = args.batchSize ?? 32;
  const bar = new Progbar(Math.ceil(xs[0].shape[0] / batchSize), resolveVerbose(args.verbose));
  await inferenceBatches(
    model,
    'test',
    [...xs, ...ys],
    batchSize,
    (outs, size) => means.add(outs.map((o) => o.data[0]), size),
    (step) => bar.update(step, means.logs()),
  );
  const logs = means.logs();
  const values = model.metricsNames.map((k) => logs[k]);
  return values.length === 1 ? values[0] : values;
}

export async function runPredict(model: Model, xIn: Tensor | Tensor[], args: PredictArgs = {}): Promise<Tensor> {
  const xs = list(xIn);
  model.checkInputs(xs);
  const n = xs[0].shape[0];
  let result: Tensor | null = null;
  let offset = 0;
  const batchSize = args.batchSize ?? 32;
  const bar = new Progbar(Math.ceil(n / batchSize), resolveVerbose(args.verbose));
  await inferenceBatches(
    model,
    'predict',
    xs,
    batchSize,
    ([out], size) => {
      result ??= Tensor.zeros([n, ...out.shape.slice(1)], out.dtype);
      result.data.set(out.data, offset);
      offset += size * (out.size / out.shape[0]);
    },
    (step) => bar.update(step),
  );
  if (!result) throw new ShapeError('predict: x has no samples');
  return result;
}
