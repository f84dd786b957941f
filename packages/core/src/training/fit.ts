import { ConfigError } from '../errors.js';
import type { Callback, History } from '../callbacks/callback.js';
import { checkOptions, keysOf } from '../options.js';
import { checkFinite, checkInteger, checkSteps, checkVerbose, describeValue, type Verbose } from '../batches/checks.js';
import { checkedArrays, generatorStream } from '../batches/model-data.js';
import { isBatchSource, type BatchSource } from '../batches/source.js';
import { ArrayStream, type BatchStream, type StreamBatch } from '../batches/streams.js';
import type { Model } from '../engine/model.js';
import { anySize, checkSameSizes } from '../engine/input-sizes.js';
import type { Tensor } from '../tensor/tensor.js';
import { evaluateStream, evaluationStream } from '../inference/evaluate.js';
import { FitSession } from './fit-session.js';
import type { TrainStep } from './train-step.js';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  verbose?: Verbose;
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

export const fitArgKeys = keysOf<FitArgs>()({
  batchSize: true, epochs: true, verbose: true, callbacks: true, validationSplit: true, validationData: true,
  stepsPerEpoch: true, validationSteps: true, shuffle: true, initialEpoch: true, print: true,
});

/** stepsPerExecution 'auto': chain this many steps when one step's graph is at most AUTO_MAX_NODES nodes (per-call overhead matters there). */
const AUTO_STEPS = 8;
const AUTO_MAX_NODES = 400;

/** `fit` on arrays or a generator: one loop over a batch stream, either way. */
export async function runFit(model: Model, x: Tensor | Tensor[] | BatchSource, y: Tensor | Tensor[] | undefined, args: FitArgs): Promise<History> {
  checkOptions('fit', args, fitArgKeys);
  if (!model.objectives || !model.optimizer) throw new ConfigError('You must call compile() before fit()');
  const epochs = checkInteger('fit', 'epochs', args.epochs ?? 1, 0);
  const initialEpoch = checkInteger('fit', 'initialEpoch', args.initialEpoch ?? 0, 0);
  const verbose = checkVerbose('fit', args.verbose);
  const batchSize = checkInteger('fit', 'batchSize', args.batchSize ?? 32, 1);
  const { train, validation } = isBatchSource(x) ? generatorStreams(model, x, y, args, epochs - initialEpoch) : arrayStreams(model, x, y, args, batchSize);

  const dtypes = await train.dtypes();
  // A model built for any input size trains on the size of its first batch.
  const shapes = anySize(model) ? dtypes.xShapes : undefined;
  const single = await model.executable<TrainStep>('train', dtypes, 1, shapes);
  // Everything leased or made from here on is let go in the finally, whatever throws.
  let multi: typeof single | null = null;
  let session: FitSession | undefined;
  try {
    const perCall = chainLength(model, args, single.layout, train, batchSize);
    if (perCall > 1) multi = await model.executable<TrainStep>('train', dtypes, perCall, shapes);
    session = new FitSession(model, single.backend, single.layout, [...dtypes.x, ...dtypes.y], {
      epochs,
      steps: train.steps ?? 0,
      samples: train.samples ?? 0,
      verbose,
      callbacks: args.callbacks ?? [],
      print: args.print,
    });
    await session.callbacks.call('onTrainBegin');
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await session.callbacks.epoch('onEpochBegin', epoch);
      session.startEpoch();
      train.beginPass();
      let b = 0;
      while (!model.stopTraining && (train.steps === undefined || b < train.steps)) {
        const chained = multi && train.canChain(perCall) ? multi : null;
        const batches: StreamBatch[] = [];
        for (let j = 0; j < (chained ? perCall : 1); j++) {
          const batch = await train.next();
          if (batch) batches.push(batch);
        }
        batches.forEach((batch, j) => checkSameSizes('fit', shapes, batch.arrays.slice(0, model.inputs.length), b + j + 1));
        if (!batches.length) {
          if (train.steps !== undefined || b === 0) ranDry(model, train, epochs);
          break; // one pass over a finite source without a length is an epoch
        }
        await session.run(chained ?? single, batches, b);
        b += batches.length;
      }
      if (b === 0) continue;
      await session.writeBack();
      const logs = session.logs();
      if (validation) Object.assign(logs, (await evaluateStream(model, validation, 0)).logs('val_'));
      await session.callbacks.epoch('onEpochEnd', epoch, logs);
    }
  } finally {
    session?.dispose();
    single.release();
    multi?.release();
  }
  await session.callbacks.call('onTrainEnd');
  return session.history;
}

/** Keras' warning when a generator gives fewer batches than stepsPerEpoch × epochs: training stops. */
function ranDry(model: Model, train: BatchStream, epochs: number): void {
  process.stderr.write(
    `Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least \`stepsPerEpoch * epochs\` batches (${train.steps} * ${epochs}).\n`,
  );
  model.stopTraining = true;
}

/** Steps per backend call: stepsPerExecution ('auto': AUTO_STEPS for small graphs when no callback of yours acts per batch). */
function chainLength(model: Model, args: FitArgs, step: TrainStep, train: BatchStream, batchSize: number): number {
  if (!train.canChain(2)) return 1;
  const userActsPerBatch = (args.callbacks ?? []).some((c) => c.wantsBatchHooks);
  const auto = !userActsPerBatch && step.graph.nodes.length <= AUTO_MAX_NODES ? AUTO_STEPS : 1;
  const wanted = model.stepsPerExecution === 'auto' ? auto : model.stepsPerExecution;
  return Math.min(wanted, Math.floor((train.samples ?? 0) / batchSize));
}

/** Arrays: checked once, the validation split taken from the end (before shuffling, as Keras does). */
function arrayStreams(model: Model, x: unknown, y: unknown, args: FitArgs, batchSize: number): { train: BatchStream; validation: BatchStream | null } {
  if (y === undefined || y === null) throw new ConfigError('fit: y (targets) is required when x is an array; pass a generator of [x, y] batches to train without y');
  let { xs, ys, n } = checkedArrays(model, x, y, 'fit');
  checkFinite(xs, 'x');
  checkFinite(ys, 'y');
  let validation = validationStream(model, args, batchSize);
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ConfigError(`fit: validationSplit must be a number in [0, 1); got ${describeValue(split)}`);
  if (split > 0) {
    const at = Math.floor(n * (1 - split));
    if (at === 0) throw new ConfigError(`fit: validationSplit ${split} of ${n} samples leaves no samples to train on`);
    if (at === n) throw new ConfigError(`fit: validationSplit ${split} of ${n} samples leaves no samples to validate on`);
    validation ??= new ArrayStream([...xs.map((a) => a.slice(at)), ...ys.map((a) => a.slice(at))], xs.length, batchSize, { resident: false, shuffle: false });
    xs = xs.map((a) => a.slice(0, at));
    ys = ys.map((a) => a.slice(0, at));
    n = at;
  }
  const shuffle = args.shuffle ?? true;
  return { train: new ArrayStream([...xs, ...ys], xs.length, batchSize, { resident: true, shuffle: shuffle !== false }), validation };
}

/** A generator: read one batch at a time, one step per call; epochs continue its iterator. */
function generatorStreams(model: Model, source: BatchSource, y: unknown, args: FitArgs, passes: number): { train: BatchStream; validation: BatchStream | null } {
  if (y !== undefined && y !== null) throw new ConfigError('fit: y must not be given when x is a generator (its batches hold the targets)');
  if (args.validationSplit) throw new ConfigError('fit: validationSplit is only supported for arrays; give validationData for a generator');
  const steps = checkSteps('fit', 'stepsPerEpoch', args.stepsPerEpoch);
  const train = generatorStream(model, source, 'fit', true, { steps, rewindEachPass: false, restartWhenDry: true, passes });
  return { train, validation: validationStream(model, args, args.batchSize ?? 32) };
}

function validationStream(model: Model, args: FitArgs, batchSize: number): BatchStream | null {
  const v = args.validationData;
  if (v === undefined || v === null) return null;
  if (isBatchSource(v)) return evaluationStream(model, v, undefined, { steps: args.validationSteps }, 'fit validationData');
  if (!Array.isArray(v) || (v as unknown[]).length < 2) throw new ConfigError(`fit: validationData must be [xVal, yVal] or a generator; got ${describeValue(v)}`);
  return evaluationStream(model, v[0], v[1], { batchSize }, 'fit validationData');
}
