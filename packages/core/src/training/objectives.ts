import { ConfigError } from '../errors.js';
import type { SymShape } from '../ir/graph.js';
import { keysOf } from '../options.js';
import { getLoss, type Loss } from '../losses/losses.js';
import { getMetric, type Metric } from '../metrics/metrics.js';
import type { Optimizer } from '../optimizers/optimizers.js';
import { describeValue } from '../batches/checks.js';

export type LossId = string | Loss;
export type MetricId = string | Metric;
/** compile's `loss`: one loss for every output, a list (one per output) or a dict keyed by output name. */
export type LossArg = LossId | LossId[] | Record<string, LossId>;
/** compile's `lossWeights`: a number (one output), a list (one per output) or a dict keyed by output name. */
export type LossWeightsArg = number | number[] | Record<string, number>;
/**
 * compile's `metrics`. One output: a list of metrics. Several outputs, as Keras 3 reads them: a
 * dict keyed by output name, or a list with one entry (a metric, a list, or null) per output; a
 * flat list of another length applies to every output (tf.keras' rule; Keras 3 refuses it).
 */
export type MetricsArg = (MetricId | MetricId[] | null)[] | Record<string, MetricId | MetricId[]>;

export interface CompileArgs {
  optimizer?: string | Optimizer;
  /** One loss for every output, or per output: a list, or a dict keyed by output (layer) name. */
  loss: LossArg;
  /** Several outputs: the weight of each output's loss in the total (a list, or a dict by output name); default 1 each. */
  lossWeights?: LossWeightsArg;
  /**
   * Metrics. One output: a list. Several outputs (as Keras 3): a dict keyed by output name, or a
   * list with one entry (a metric or a list of them) per output; a flat list of another length
   * applies to every output. Logged as `accuracy` (one output) or `<output>_accuracy`.
   */
  metrics?: MetricsArg;
  /**
   * Training steps per backend call (Keras' steps_per_execution): the train graph chains this
   * many steps, so per-call overhead is paid once for all of them. Losses, metrics and batch
   * callbacks still see every step (replayed after the call); the numbers are the same as one
   * step per call. 'auto' (the default) chains 8 steps for small graphs when no callback of
   * yours acts per batch (a per-batch callback could stop training or change the learning rate
   * mid-call), else 1.
   */
  stepsPerExecution?: number | 'auto';
}
export const compileArgKeys = keysOf<CompileArgs>()({ optimizer: true, loss: true, lossWeights: true, metrics: true, stepsPerExecution: true });

/** What compile() resolved for one model output. */
export interface OutputObjective {
  /** The output's name: the name of the layer that produces it (Keras' output_names). */
  name: string;
  shape: SymShape;
  loss: Loss;
  /** Its loss is multiplied by this in the total the optimizer minimises. */
  weight: number;
  metrics: Metric[];
}

/** A value in logs and History: its key and what computes it. */
export interface LogEntry {
  key: string;
  output: OutputObjective;
  kind: 'loss' | 'metric';
  metric?: Metric;
}

/**
 * The losses, loss weights and metrics of every output of a compiled model (Keras'
 * CompileLoss and CompileMetrics), and the names they are logged under. One output: `loss` and
 * each metric by its name (`accuracy`). Several: `loss` (the weighted total), `<output>_loss`
 * per output, `<output>_<metric>` per metric.
 */
export class Objectives {
  private constructor(readonly outputs: OutputObjective[]) {}

  static resolve(outputs: { name: string; shape: SymShape }[], loss: LossArg, lossWeights?: LossWeightsArg, metrics?: MetricsArg): Objectives {
    const names = outputs.map((o) => o.name);
    const losses = perOutput(names, 'loss', loss, (v) => typeof v === 'string' || isLoss(v)).map((id, i) => {
      if (id === undefined || id === null) throw new ConfigError(`compile: no loss for output '${names[i]}'`);
      return getLoss(id as LossId);
    });
    const weights = lossWeights === undefined ? names.map(() => 1) : perOutput(names, 'lossWeights', lossWeights, (v) => typeof v === 'number');
    weights.forEach((w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new ConfigError(`compile: lossWeights for output '${names[i]}' must be a finite number; got ${describeValue(w)}`);
    });
    const metricLists = resolveMetrics(names, metrics);
    return new Objectives(
      outputs.map((o, i) => ({
        name: o.name,
        shape: o.shape,
        loss: losses[i],
        weight: weights[i] as number,
        metrics: metricLists[i].map((m) => getMetric(m, losses[i], o.shape[o.shape.length - 1] ?? null)),
      })),
    );
  }

  get multiOutput(): boolean {
    return this.outputs.length > 1;
  }

  /** Every per-output value the step graphs compute, with its log key (the total 'loss' comes first, outside this list). */
  get entries(): LogEntry[] {
    const multi = this.multiOutput;
    return this.outputs.flatMap((output) => [
      ...(multi ? [{ key: `${output.name}_loss`, output, kind: 'loss' as const }] : []),
      ...output.metrics.map((metric) => ({ key: multi ? `${output.name}_${metric.name}` : metric.name, output, kind: 'metric' as const, metric })),
    ]);
  }

  /**
   * The order evaluate() returns values in (Keras' _flatten_metrics_in_order): 'loss', then the
   * names of the compiled metrics that are log keys themselves (one output: all of them, in
   * compile order), then each output's loss, then every other key sorted.
   */
  get evaluationOrder(): string[] {
    const keys = ['loss', ...this.entries.map((e) => e.key)];
    const first = ['loss', ...this.outputs.flatMap((o) => o.metrics.map((m) => m.name)), ...this.outputs.map((o) => `${o.name}_loss`)].filter((k) => keys.includes(k));
    const ordered = [...new Set(first)];
    return [...ordered, ...keys.filter((k) => !ordered.includes(k)).sort()];
  }

  /** The compile arguments as saved with a model (names; the same form compile() takes back). */
  toConfig(): { loss: string | string[]; lossWeights?: number[]; metrics: string[] | string[][] } {
    if (!this.multiOutput) return { loss: this.outputs[0].loss.name, metrics: this.outputs[0].metrics.map((m) => m.name) };
    return {
      loss: this.outputs.map((o) => o.loss.name),
      lossWeights: this.outputs.map((o) => o.weight),
      metrics: this.outputs.map((o) => o.metrics.map((m) => m.name)),
    };
  }
}

function isLoss(v: unknown): v is Loss {
  return typeof v === 'object' && v !== null && typeof (v as Loss).perSample === 'function';
}
function isMetricId(v: unknown): v is MetricId {
  return typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Metric).perSample === 'function');
}
function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** One value for every output from a single value, a list (one per output) or a dict keyed by output name (all names present). */
function perOutput<T>(names: string[], arg: string, v: unknown, isLeaf: (v: unknown) => boolean): T[] {
  if (Array.isArray(v)) {
    if (v.length !== names.length) throw new ConfigError(`compile: ${arg} is a list of ${v.length} but the model has ${names.length} output(s) (${names.join(', ')})`);
    return v as T[];
  }
  if (isDict(v) && !isLeaf(v)) {
    const keys = Object.keys(v);
    const unknown = keys.filter((k) => !names.includes(k));
    const missing = names.filter((n) => !keys.includes(n));
    if (unknown.length || missing.length)
      throw new ConfigError(`compile: expected keys ${fmtNames(names)} in ${arg} dict, but found ${fmtNames(keys)}${unknown.length ? ` (no output is named ${fmtNames(unknown)})` : ''}`);
    return names.map((n) => v[n] as T);
  }
  if (!isLeaf(v)) throw new ConfigError(`compile: ${arg} must be ${arg === 'loss' ? 'a loss name or object' : 'a number'}, a list or a dict keyed by output name; got ${describeValue(v)}`);
  return names.map(() => v as T);
}

function resolveMetrics(names: string[], metrics: MetricsArg | undefined): MetricId[][] {
  const flat = (v: unknown, where: string): MetricId[] => {
    const list = v === null || v === undefined ? [] : Array.isArray(v) ? v.flat() : [v];
    for (const m of list) if (!isMetricId(m)) throw new ConfigError(`compile: ${where} must hold metric names or objects; got ${describeValue(m)}`);
    return list as MetricId[];
  };
  if (metrics === undefined || metrics === null) return names.map(() => []);
  if (isDict(metrics)) {
    const unknown = Object.keys(metrics).filter((k) => !names.includes(k));
    if (unknown.length) throw new ConfigError(`compile: metrics dict keys must be output names ${fmtNames(names)}; no output is named ${fmtNames(unknown)}`);
    return names.map((n) => flat(metrics[n], `metrics['${n}']`));
  }
  if (!Array.isArray(metrics)) throw new ConfigError(`compile: metrics must be a list or a dict keyed by output name; got ${describeValue(metrics)}`);
  if (names.length === 1) return [flat(metrics, 'metrics')];
  if (metrics.length === names.length) return metrics.map((m, i) => flat(m, `metrics[${i}] (output '${names[i]}')`));
  if (metrics.every(isMetricId)) return names.map(() => metrics as MetricId[]);
  throw new ConfigError(
    `compile: metrics is a list of ${metrics.length} with nested lists but the model has ${names.length} outputs (${names.join(', ')}); give one entry per output, or a dict keyed by output name`,
  );
}

const fmtNames = (ns: string[]) => `[${ns.map((n) => `'${n}'`).join(', ')}]`;
