import { placeholder, withScope, type Value } from '../ir/graph.js';
import { add, mean, mul, scalar } from '../ops/index.js';
import type { TraceContext } from '../engine/context.js';
import type { Variable } from '../engine/variable.js';
import type { DType } from '../tensor/tensor.js';
import type { Objectives } from './objectives.js';

/** One target placeholder per output (`y0`, `y1`…), shaped as its loss wants; typed so too unless the data's dtypes are given. */
export function targetPlaceholders(objectives: Objectives, dtypes?: DType[]): Value[] {
  return objectives.outputs.map((o, i) => {
    const spec = o.loss.targetSpec(o.shape);
    return placeholder(spec.shape, dtypes?.[i] ?? spec.dtype, `y${i}`);
  });
}

/**
 * The loss Keras minimises and every value it logs, for one batch: `loss` = Σ weight × mean
 * per-sample loss of each output, plus every regularization penalty; `<output>_loss` (unweighted,
 * several outputs only) and each metric, under their log keys.
 */
export function lossAndMetrics(ctx: TraceContext, objectives: Objectives, ys: Value[], preds: Value[], trainable: Variable[]): Map<string, Value> {
  const multi = objectives.multiOutput;
  const perOutput = objectives.outputs.map((o, i) => withScope(multi ? `loss/${o.name}` : 'loss', () => mean(o.loss.perSample(ys[i], preds[i]))));
  let total: Value | null = null;
  objectives.outputs.forEach((o, i) => {
    const term = o.weight === 1 ? perOutput[i] : withScope('loss', () => mul(perOutput[i], scalar(o.weight)));
    total = total ? add(total, term) : term;
  });
  withScope('regularization', () => {
    for (const v of trainable) if (v.regularizer) total = add(total!, v.regularizer.penalty(ctx.read(v)));
    for (const l of ctx.losses) total = add(total!, l);
  });
  const logs = new Map<string, Value>([['loss', total!]]);
  for (const e of objectives.entries) {
    const i = objectives.outputs.indexOf(e.output);
    if (e.kind === 'loss') logs.set(e.key, perOutput[i]);
    else logs.set(e.key, withScope(`metric_${e.key}`, () => mean(e.metric!.perSample(ys[i], preds[i]))));
  }
  return logs;
}
