import { ConfigError, DataError, ShapeError } from '../errors.js';
import type { Backend, DeviceValue, Executable } from '../backend/backend.js';
import { BatchPuller, isBatchSource, splitBatch, type Batch, type BatchSource } from './batches.js';
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
  /** [xVal, yVal] arrays, or a generator of [x, y] batches. */
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]] | BatchSource;
  /** Generators: batches per epoch (fractions round up, as Keras does); default: the source's length or one pass. */
  stepsPerEpoch?: number;
  /** Generator validationData: batches per validation (default: its length or one pass). */
  validationSteps?: number;
  shuffle?: boolean;
  initialEpoch?: number;
  /** Print through this instead of process.stdout (tests, GUIs). */
  print?: (s: string) => void;
}
export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2 | 'auto';
  /** Generators: batches to evaluate (default: the source's length or one pass). */
  steps?: number;
}
export interface PredictArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2 | 'auto';
  /** Generators: batches to predict (default: the source's length or one pass). */
  steps?: number;
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

export async function runFit(model: Model, xIn: Tensor | Tensor[] | BatchSource, yIn: Tensor | Tensor[] | undefined, args: FitArgs): Promise<History> {
  if (!model.loss || !model.optimizer) throw new ConfigError('You must call compile() before fit()');
  const epochs = args.epochs ?? 1;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ConfigError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  return isBatchSource(xIn) ? fitSource(model, xIn, args) : fitArrays(model, xIn, yIn, args);
}

type Validation = { arrays: [Tensor[], Tensor[]] } | { source: BatchPuller; steps: number | undefined };

/** Everything one fit shares between the array path and the generator path. */
class FitSession {
  readonly history = new History();
  readonly callbacks: CallbackList;
  readonly batchHooks: Callback[];
  readonly state: TrainingState;
  readonly nMetrics: number;
  private lr = NaN;
  private lrValue: DeviceValue | null = null;
  means!: RunningMeans;

  constructor(
    readonly model: Model,
    readonly args: FitArgs,
    readonly layout: TrainStepLayout,
    readonly backend: Backend,
    steps: number,
    samples: number,
  ) {
    const verbose = resolveVerbose(args.verbose);
    const epochs = args.epochs ?? 1;
    // As Keras orders them: the user's callbacks, then History, then the progress bar (so both see what the user added to logs).
    const cbs: Callback[] = [...(args.callbacks ?? []), this.history, ...(verbose ? [new ProgbarLogger(verbose, args.print)] : [])];
    this.callbacks = new CallbackList(cbs);
    for (const c of cbs) {
      c.setModel(model);
      c.setParams({ epochs, steps, verbose, samples });
    }
    this.batchHooks = this.callbacks.batchCallbacks();
    model.history = this.history;
    model.stopTraining = false;
    this.state = new TrainingState(model, layout, backend);
    this.nMetrics = 1 + layout.metricNames.length;
  }

  startEpoch(): void {
    this.means = new RunningMeans(['loss', ...this.layout.metricNames]);
  }

  /** The learning rate as a device scalar, re-uploaded only when a callback changed it. */
  private learningRate(): DeviceValue {
    const lr = this.model.optimizer!.learningRate;
    if (lr !== this.lr || !this.lrValue) {
      this.lr = lr;
      this.lrValue?.dispose();
      this.lrValue = this.backend.upload(Tensor.scalar(lr));
    }
    return this.lrValue;
  }

  /** One backend call of `k` chained steps; then the steps are replayed for the running means and batch callbacks. */
  async call(exe: Executable, layout: TrainStepLayout, data: DeviceValue[], indices: Int32Array[], firstStep: number): Promise<void> {
    const sizes = indices.map((i) => i.length);
    for (const c of this.batchHooks) await c.onTrainBatchBegin(firstStep, { batch: firstStep, size: sizes[0] });
    const perCall = [
      ...indices.map((i) => this.backend.upload(new Tensor(i, [i.length], 'int32'))),
      ...randomFeeds(layout.graph.randomInputs, sizes[0], this.backend),
    ];
    const nIndices = indices.length;
    const feeds = [...data, ...perCall.slice(0, nIndices), this.learningRate(), ...this.state.values, ...perCall.slice(nIndices)];
    const outs = await exe.run(feeds);
    perCall.forEach((v) => v.dispose());
    const k = indices.length;
    const scalars = await Promise.all(outs.slice(0, k * this.nMetrics).map((o) => o.read()));
    outs.slice(0, k * this.nMetrics).forEach((o) => o.dispose());
    this.state.advance(outs.slice(k * this.nMetrics));
    for (let j = 0; j < k; j++) {
      this.means.add(
        scalars.slice(j * this.nMetrics, (j + 1) * this.nMetrics).map((t) => t.data[0]),
        sizes[j],
      );
      if (this.batchHooks.length) {
        const logs = this.means.logs();
        for (const c of this.batchHooks) {
          if (j > 0) await c.onTrainBatchBegin(firstStep + j, { batch: firstStep + j, size: sizes[j] });
          await c.onTrainBatchEnd(firstStep + j, logs);
        }
      }
    }
  }

  /** Free what this fit put on the backend besides the weights (which the model keeps as host tensors). */
  dispose(data: DeviceValue[] = []): void {
    this.lrValue?.dispose();
    this.lrValue = null;
    data.forEach((d) => d.dispose());
    this.state.values.forEach((v) => v.dispose());
  }

  async endEpoch(epoch: number, validation: Validation | null, batchSize: number): Promise<void> {
    await this.state.writeBack();
    const logs = this.means.logs();
    if (validation) {
      const val =
        'arrays' in validation
          ? await runEvaluate(this.model, validation.arrays[0], validation.arrays[1], { batchSize, verbose: 0 })
          : await evaluateSource(this.model, validation.source, validation.steps, 0);
      const vals = Array.isArray(val) ? val : [val];
      this.model.metricsNames.forEach((name, i) => name !== 'loss' && (logs[`val_${name}`] = vals[i]));
      logs.val_loss = vals[0];
    }
    await this.callbacks.epoch('onEpochEnd', epoch, logs);
  }
}

function validationFor(model: Model, args: FitArgs): Validation | null {
  const v = args.validationData;
  if (!v) return null;
  if (isBatchSource(v)) {
    const source = new BatchPuller(v, 'fit validationData');
    return { source, steps: source.steps(args.validationSteps, 'validationSteps') };
  }
  const xs = list(v[0]);
  model.checkInputs(xs);
  const ys = prepareTargets(model, list(v[1]));
  checkSameLength(xs, ys);
  return { arrays: [xs, ys] };
}

async function fitArrays(model: Model, xIn: Tensor | Tensor[], yIn: Tensor | Tensor[] | undefined, args: FitArgs): Promise<History> {
  const batchSize = args.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ConfigError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (yIn === undefined) throw new ConfigError('fit: y (targets) is required when x is an array; pass a generator of [x, y] batches to train without y');
  let xs = list(xIn);
  model.checkInputs(xs);
  let ys = prepareTargets(model, list(yIn));
  let n = checkSameLength(xs, ys);
  checkFinite(xs, 'x');
  checkFinite(ys, 'y');
  let validation = validationFor(model, args);
  if (args.validationSplit) {
    if (!(args.validationSplit > 0 && args.validationSplit < 1)) throw new ConfigError(`fit: validationSplit must be in (0, 1), got ${args.validationSplit}`);
    // Keras takes the last fraction of the data, before shuffling.
    const split = Math.floor(n * (1 - args.validationSplit));
    validation ??= { arrays: [xs.map((a) => a.slice(split)), ys.map((a) => a.slice(split))] };
    xs = xs.map((a) => a.slice(0, split));
    ys = ys.map((a) => a.slice(0, split));
    n = split;
  }

  const dtypes = { x: xs.map((a) => a.dtype), y: ys.map((a) => a.dtype) };
  const single = await model.executable<TrainStepLayout>('train', dtypes);
  // Full batches go K at a time through a K-step graph; the rest (and a short last batch) one by one.
  const fullBatches = Math.floor(n / batchSize);
  const userActsPerBatch = (args.callbacks ?? []).some((c) => c.wantsBatchHooks);
  const autoSteps = !userActsPerBatch && single.layout.graph.nodes.length <= AUTO_MAX_NODES ? AUTO_STEPS : 1;
  const perCall = Math.min(model.stepsPerExecution === 'auto' ? autoSteps : model.stepsPerExecution, fullBatches);
  const multi = perCall > 1 ? await model.executable<TrainStepLayout>('train', dtypes, perCall) : null;
  const steps = Math.ceil(n / batchSize);
  const session = new FitSession(model, args, single.layout, single.backend, steps, n);
  // The whole arrays go to the backend once (wrapped, not copied); each step sends only its row indices.
  const data = [...xs, ...ys].map((a) => single.backend.upload(a));
  const sequential = Int32Array.from({ length: n }, (_, i) => i);

  await session.callbacks.call('onTrainBegin');
  for (let epoch = args.initialEpoch ?? 0; epoch < (args.epochs ?? 1) && !model.stopTraining; epoch++) {
    await session.callbacks.epoch('onEpochBegin', epoch);
    session.startEpoch();
    const order = args.shuffle === false ? sequential : rng().permutation(n);
    const rows = (b: number) => order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
    for (let b = 0; b < steps && !model.stopTraining; ) {
      const group = multi && b + perCall <= fullBatches ? multi : single;
      const k = group.layout.steps;
      await session.call(group.exe, group.layout, data, Array.from({ length: k }, (_, j) => rows(b + j)), b);
      b += k;
    }
    await session.endEpoch(epoch, validation, batchSize);
  }
  session.dispose(data);
  await session.callbacks.call('onTrainEnd');
  return session.history;
}

/** Training from a generator: each batch is fed whole (indices 0..n-1), one step per call. */
async function fitSource(model: Model, source: BatchSource, args: FitArgs): Promise<History> {
  const puller = new BatchPuller(source, 'fit');
  const first = await puller.next(false);
  if (!first) throw new DataError('fit: the generator yielded no batches');
  const prepare = (batch: Batch) => {
    const { xs, ys } = splitBatch(batch, 'fit');
    if (!ys) throw new DataError('fit: generator batches must be [x, y] (got x only)');
    model.checkInputs(xs);
    const targets = prepareTargets(model, ys);
    checkSameLength(xs, targets);
    return [...xs, ...targets];
  };
  let firstArrays: Tensor[] | null = prepare(first);
  const nx = model.inputs.length;
  const dtypes = { x: firstArrays.slice(0, nx).map((a) => a.dtype), y: firstArrays.slice(nx).map((a) => a.dtype) };
  const expected = [...dtypes.x, ...dtypes.y];
  const { exe, layout, backend } = await model.executable<TrainStepLayout>('train', dtypes);
  const stepsPerEpoch = puller.steps(args.stepsPerEpoch, 'stepsPerEpoch');
  const session = new FitSession(model, args, layout, backend, stepsPerEpoch ?? 0, 0);
  const validation = validationFor(model, args);
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

  await session.callbacks.call('onTrainBegin');
  for (let epoch = args.initialEpoch ?? 0; epoch < (args.epochs ?? 1) && !model.stopTraining; epoch++) {
    await session.callbacks.epoch('onEpochBegin', epoch);
    session.startEpoch();
    let b = 0;
    for (; stepsPerEpoch === undefined || b < stepsPerEpoch; b++) {
      let arrays = firstArrays;
      firstArrays = null;
      if (!arrays) {
        const batch = await puller.next(stepsPerEpoch !== undefined);
        if (!batch) {
          if (stepsPerEpoch === undefined && b > 0) break; // one pass over a finite source is an epoch
          process.stderr.write(`Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least \`stepsPerEpoch * epochs\` batches (${stepsPerEpoch} * ${args.epochs ?? 1}).\n`);
          model.stopTraining = true;
          break;
        }
        arrays = prepare(batch);
      }
      if (stepsPerEpoch === undefined || b + 1 < stepsPerEpoch || epoch + 1 < (args.epochs ?? 1)) puller.prefetch();
      // The graph was compiled for the first batch's dtypes; later batches are converted to them.
      const feeds = arrays.map((a, i) => backend.upload(a.dtype === expected[i] ? a : a.astype(expected[i])));
      await session.call(exe, layout, feeds, [identity(arrays[0].shape[0])], b);
      feeds.forEach((f) => f.dispose());
      if (model.stopTraining) break;
    }
    if (b > 0) await session.endEpoch(epoch, validation, args.batchSize ?? 32);
  }
  session.dispose();
  await session.callbacks.call('onTrainEnd');
  return session.history;
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

/**
 * An inference graph ready to run batch after batch: compiled once, the weights uploaded once
 * (a generator's batches reuse them), freed by close().
 */
class InferenceRunner {
  private constructor(
    private exe: Executable,
    private layout: InferenceLayout,
    private backend: Backend,
    private weights: DeviceValue[],
  ) {}

  static async open(model: Model, kind: 'test' | 'predict'): Promise<InferenceRunner> {
    const { exe, layout, backend } = await model.executable<InferenceLayout>(kind);
    return new InferenceRunner(exe, layout, backend, layout.variables.map((v: Variable) => backend.upload(v.value)));
  }

  /** Run over `arrays` in batches; outputs go to onBatch as host tensors. */
  async run(arrays: Tensor[], batchSize: number, onBatch: (outs: Tensor[], size: number) => void, progress: ((step: number) => void) | null = null): Promise<void> {
    const dtypes = this.layout.graph.inputs.slice(0, arrays.length).map((v) => v.dtype);
    const n = arrays[0].shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const batch = batchOf(arrays, start, end, dtypes).map((t) => this.backend.upload(t));
      const outs = await this.exe.run([...batch, ...this.weights]);
      batch.forEach((v) => v.dispose());
      onBatch(await Promise.all(outs.map((o) => o.read())), end - start);
      outs.forEach((o) => o.dispose());
      progress?.(Math.ceil(end / batchSize));
    }
  }

  close(): void {
    this.weights.forEach((w) => w.dispose());
  }
}

async function inferenceBatches(
  model: Model,
  kind: 'test' | 'predict',
  arrays: Tensor[],
  batchSize: number,
  onBatch: (outs: Tensor[], size: number) => void,
  progress: ((step: number) => void) | null = null,
): Promise<void> {
  const runner = await InferenceRunner.open(model, kind);
  try {
    await runner.run(arrays, batchSize, onBatch, progress);
  } finally {
    runner.close();
  }
}

export async function runEvaluate(model: Model, xIn: Tensor | Tensor[] | BatchSource, yIn?: Tensor | Tensor[], args: EvaluateArgs = {}): Promise<number | number[]> {
  if (!model.loss) throw new ConfigError('You must call compile() before evaluate()');
  if (isBatchSource(xIn)) {
    const puller = new BatchPuller(xIn, 'evaluate');
    return evaluateSource(model, puller, puller.steps(args.steps, 'steps'), resolveVerbose(args.verbose));
  }
  if (yIn === undefined) throw new ConfigError('evaluate: y (targets) is required when x is an array');
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
  return evaluationResult(model, means);
}

function evaluationResult(model: Model, means: RunningMeans): number | number[] {
  const logs = means.logs();
  const values = model.metricsNames.map((k) => logs[k]);
  return values.length === 1 ? values[0] : values;
}

/** Evaluate over `steps` batches of a source (or one whole pass when steps is unknown). */
async function evaluateSource(model: Model, puller: BatchPuller, steps: number | undefined, verbose: number): Promise<number | number[]> {
  puller.rewind();
  const means = new RunningMeans(model.metricsNames);
  const bar = steps ? new Progbar(steps, verbose) : null;
  const runner = await InferenceRunner.open(model, 'test');
  try {
    for (let b = 0; steps === undefined || b < steps; b++) {
      const batch = await puller.next(steps !== undefined);
      if (!batch) break;
      if (steps === undefined || b + 1 < steps) puller.prefetch();
      const { xs, ys } = splitBatch(batch, 'evaluate');
      if (!ys) throw new DataError('evaluate: generator batches must be [x, y] (got x only)');
      model.checkInputs(xs);
      const targets = prepareTargets(model, ys);
      await runner.run([...xs, ...targets], xs[0].shape[0], (outs, size) => means.add(outs.map((o) => o.data[0]), size));
      bar?.update(b + 1, means.logs());
    }
  } finally {
    runner.close();
  }
  return evaluationResult(model, means);
}

export async function runPredict(model: Model, xIn: Tensor | Tensor[] | BatchSource, args: PredictArgs = {}): Promise<Tensor> {
  if (isBatchSource(xIn)) return predictSource(model, xIn, args);
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

/** Predict over a source's batches (x, or [x, y] with y ignored), concatenated in order. */
async function predictSource(model: Model, source: BatchSource, args: PredictArgs): Promise<Tensor> {
  const puller = new BatchPuller(source, 'predict');
  const steps = puller.steps(args.steps, 'steps');
  const parts: Tensor[] = [];
  const bar = steps ? new Progbar(steps, resolveVerbose(args.verbose)) : null;
  const runner = await InferenceRunner.open(model, 'predict');
  try {
    for (let b = 0; steps === undefined || b < steps; b++) {
      const batch = await puller.next(false);
      if (!batch) break;
      if (steps === undefined || b + 1 < steps) puller.prefetch();
      const { xs } = splitBatch(batch, 'predict');
      model.checkInputs(xs);
      await runner.run(xs, xs[0].shape[0], ([out]) => parts.push(out));
      bar?.update(b + 1);
    }
  } finally {
    runner.close();
  }
  if (!parts.length) throw new DataError('predict: the generator yielded no batches');
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  const out = Tensor.zeros([rows, ...parts[0].shape.slice(1)], parts[0].dtype);
  let offset = 0;
  for (const p of parts) {
    out.data.set(p.data, offset);
    offset += p.size;
  }
  return out;
}
