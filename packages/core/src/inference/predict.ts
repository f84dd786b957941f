import { DataError, ShapeError } from '../errors.js';
import { formatShape, sampleShape } from '../ir/graph.js';
import { Progbar } from '../callbacks/progbar.js';
import { checkOptions, keysOf } from '../options.js';
import { checkInteger, checkSteps, checkVerbose, type Verbose } from '../batches/checks.js';
import { checkedArrays, generatorStream } from '../batches/model-data.js';
import { isBatchSource, type BatchSource } from '../batches/source.js';
import { ArrayStream, type BatchStream } from '../batches/streams.js';
import type { Model } from '../engine/model.js';
import { Tensor } from '../tensor/tensor.js';
import { InferenceRunners } from './runner.js';

export interface PredictArgs {
  batchSize?: number;
  verbose?: Verbose;
  /** Generators: batches to predict (default: the source's length or one pass). */
  steps?: number;
}
export const predictArgKeys = keysOf<PredictArgs>()({ batchSize: true, verbose: true, steps: true });

/** `predict`: one array per model output, rows in input order (a single Tensor for a one-output model, as Keras returns). */
export async function runPredict(model: Model, x: Tensor | Tensor[] | BatchSource, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
  checkOptions('predict', args, predictArgKeys);
  const verbose = checkVerbose('predict', args.verbose);
  let stream: BatchStream;
  if (isBatchSource(x)) {
    // Batches are x, or [x, y] with y ignored.
    stream = generatorStream(model, x, 'predict', false, { steps: checkSteps('predict', 'steps', args.steps), rewindEachPass: true, restartWhenDry: false, passes: 1 });
  } else {
    const batchSize = checkInteger('predict', 'batchSize', args.batchSize ?? 32, 1);
    const { xs } = checkedArrays(model, x, undefined, 'predict');
    stream = new ArrayStream(xs, xs.length, batchSize, { resident: false, shuffle: false });
  }
  const runners = new InferenceRunners(model, 'predict', (step) => step.fetches.outputs);
  const outputs = new OutputCollector(model.outputs.length, stream.samples);
  const bar = stream.steps ? new Progbar(stream.steps, verbose) : null;
  try {
    stream.beginPass();
    for (let b = 1, batch = await stream.next(); batch; b++, batch = await stream.next()) {
      outputs.add(await (await runners.for(batch.arrays)).run(batch.arrays));
      bar?.update(b);
    }
  } finally {
    await runners.close();
  }
  if (outputs.empty) throw new DataError('predict: the generator yielded no batches');
  const result = outputs.result();
  return result.length === 1 ? result[0] : result;
}

/**
 * Batch outputs joined along the samples axis: written straight into the result when the
 * number of samples is known (arrays), else kept and joined once at the end (generators).
 */
class OutputCollector {
  private parts: Tensor[][];
  private results: Tensor[] | null = null;
  private offsets: number[];
  private rows = 0;

  constructor(
    count: number,
    private readonly samples: number | undefined,
  ) {
    this.parts = Array.from({ length: count }, () => []);
    this.offsets = this.parts.map(() => 0);
  }

  get empty(): boolean {
    return this.rows === 0 && this.parts.every((p) => p.length === 0);
  }

  add(outs: Tensor[]): void {
    // Batches of other sizes (a model built for any input size) may give outputs that cannot be joined.
    const first = this.results ?? this.parts.map((p) => p[0]);
    outs.forEach((o, i) => {
      const f = first[i];
      if (f && (f.rank !== o.rank || f.shape.some((d, j) => j > 0 && d !== o.shape[j])))
        throw new ShapeError(`predict: output ${i} of a batch has shape ${formatShape(sampleShape(o.shape))}, an earlier batch's ${formatShape(sampleShape(f.shape))}: they cannot be joined (give predict images of one size per call)`);
    });
    if (this.samples === undefined) {
      outs.forEach((o, i) => this.parts[i].push(o));
      return;
    }
    this.results ??= outs.map((o) => Tensor.zeros([this.samples!, ...o.shape.slice(1)], o.dtype));
    outs.forEach((o, i) => {
      this.results![i].data.set(o.data, this.offsets[i]);
      this.offsets[i] += o.size;
    });
    this.rows += outs[0].shape[0];
  }

  result(): Tensor[] {
    if (this.results) return this.results;
    return this.parts.map((parts) => {
      const out = Tensor.zeros([parts.reduce((n, p) => n + p.shape[0], 0), ...parts[0].shape.slice(1)], parts[0].dtype);
      let offset = 0;
      for (const p of parts) {
        out.data.set(p.data, offset);
        offset += p.size;
      }
      return out;
    });
  }
}
