import { ConfigError, DataError } from '../errors.js';
import { Progbar } from '../callbacks/progbar.js';
import { checkOptions, keysOf } from '../options.js';
import { checkInteger, checkSteps, checkVerbose, type Verbose } from '../batches/checks.js';
import { checkedArrays, generatorStream } from '../batches/model-data.js';
import { isBatchSource, type BatchSource } from '../batches/source.js';
import { ArrayStream, type BatchStream } from '../batches/streams.js';
import type { Model } from '../engine/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { RunningMeans } from '../training/running-means.js';
import { InferenceRunners } from './runner.js';

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: Verbose;
  /** Generators: batches to evaluate (default: the source's length or one pass). */
  steps?: number;
}

export const evaluateArgKeys = keysOf<EvaluateArgs>()({ batchSize: true, verbose: true, steps: true });

/** `evaluate`: the loss, or the values Keras returns in its order ([loss, ...] when there are metrics or several outputs). */
export async function runEvaluate(model: Model, x: Tensor | Tensor[] | BatchSource, y: Tensor | Tensor[] | undefined, args: EvaluateArgs = {}): Promise<number | number[]> {
  checkOptions('evaluate', args, evaluateArgKeys);
  if (!model.objectives) throw new ConfigError('You must call compile() before evaluate()');
  const verbose = checkVerbose('evaluate', args.verbose);
  const stream = evaluationStream(model, x, y, args, 'evaluate');
  const means = await evaluateStream(model, stream, verbose);
  if (means.empty) throw new DataError('evaluate: the generator yielded no batches');
  const values = model.objectives.evaluationOrder.map((k) => means.value(k));
  return values.length === 1 ? values[0] : values;
}

/** The batches to evaluate on: arrays in order (views), or a generator read from its start. */
export function evaluationStream(model: Model, x: unknown, y: unknown, args: EvaluateArgs, where: string): BatchStream {
  if (isBatchSource(x)) {
    if (y !== undefined && y !== null) throw new ConfigError(`${where}: y must not be given when x is a generator (its batches hold the targets)`);
    const steps = checkSteps(where, where === 'evaluate' ? 'steps' : 'validationSteps', args.steps);
    return generatorStream(model, x, where, true, { steps, rewindEachPass: true, restartWhenDry: true, passes: 1 });
  }
  const batchSize = checkInteger(where, 'batchSize', args.batchSize ?? 32, 1);
  if (y === undefined || y === null) throw new ConfigError(`${where}: y (targets) is required when x is an array`);
  const { xs, ys } = checkedArrays(model, x, y, where);
  return new ArrayStream([...xs, ...ys], xs.length, batchSize, { resident: false, shuffle: false });
}

/** One pass over a stream through the test step: the running means of every logged value. */
export async function evaluateStream(model: Model, stream: BatchStream, verbose: number): Promise<RunningMeans> {
  const runners = new InferenceRunners(model, 'test', (step) => [...step.fetches.logs.values()]);
  const bar = stream.steps ? new Progbar(stream.steps, verbose) : null;
  let means: RunningMeans | null = null;
  try {
    stream.beginPass();
    for (let b = 1, batch = await stream.next(); batch; b++, batch = await stream.next()) {
      const runner = await runners.for(batch.arrays);
      means ??= new RunningMeans([...runner.step.fetches.logs.keys()]);
      const values = await runner.run(batch.arrays);
      means.add(
        values.map((v) => v.data[0]),
        batch.size,
      );
      bar?.update(b, means.logs());
    }
  } finally {
    await runners.close();
  }
  return means ?? new RunningMeans([]);
}
