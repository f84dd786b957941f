import { ConfigError } from '../errors.js';
import type { Value } from '../ir/graph.js';
import { argMax, cast, equal, greater, less, mean, mul, oneHot, scalar, sum } from '../ops/index.js';
import { getLoss, type Loss } from '../losses/losses.js';

/** A metric: a per-sample value; fit reports its sample-weighted mean over the epoch, as Keras' Mean metrics do. */
export interface Metric {
  /** The key in logs and History (the name the user asked for: 'acc' stays 'acc'). */
  readonly name: string;
  perSample(yTrue: Value, yPred: Value): Value;
}

const f32 = (b: Value) => cast(b, 'float32');
export const categoricalAccuracy = (t: Value, p: Value) => f32(equal(argMax(t, -1), argMax(p, -1)));
export const sparseCategoricalAccuracy = (t: Value, p: Value) => f32(equal(cast(t, 'int32'), argMax(p, -1)));
export const binaryAccuracy = (t: Value, p: Value, threshold = 0.5) => mean(f32(equal(t, f32(greater(p, scalar(threshold))))), -1);
/** Is the true class among the k highest scores: fewer than k scores beat it. */
export const topKCategoricalAccuracy = (t: Value, p: Value, k = 5) => {
  const trueScore = sum(mul(t, p), -1, true);
  const beaten = sum(f32(greater(p, trueScore)), -1);
  return f32(less(beaten, scalar(k)));
};

const fn = (name: string, perSample: (t: Value, p: Value) => Value): Metric => ({ name, perSample });
const fromLoss = (name: string, loss: Loss): Metric => ({ name, perSample: (t, p) => loss.perSample(t, p) });

/**
 * Resolve a metric identifier the way Keras 3's compile does: 'accuracy'/'acc' follow the
 * shapes — one output unit: binary; integer labels (a sparse loss): sparse categorical;
 * otherwise categorical (even under binary_crossentropy with several units, as Keras does).
 */
export function getMetric(id: string | Metric, loss: Loss, outputLastDim: number | null): Metric {
  if (typeof id !== 'string') return id;
  switch (id) {
    case 'accuracy':
    case 'acc':
      if (outputLastDim === 1) return fn(id, binaryAccuracy);
      if (loss.name === 'sparse_categorical_crossentropy') return fn(id, sparseCategoricalAccuracy);
      return fn(id, categoricalAccuracy);
    case 'categorical_accuracy':
      return fn(id, categoricalAccuracy);
    case 'sparse_categorical_accuracy':
      return fn(id, sparseCategoricalAccuracy);
    case 'binary_accuracy':
      return fn(id, binaryAccuracy);
    case 'top_k_categorical_accuracy':
      return fn(id, (t, p) => topKCategoricalAccuracy(t, p, 5));
    case 'sparse_top_k_categorical_accuracy':
      return fn(id, (t, p) => topKCategoricalAccuracy(oneHot(cast(t, 'int32'), p.shape[p.rank - 1]!), p, 5));
    case 'mse':
    case 'mean_squared_error':
    case 'mae':
    case 'mean_absolute_error':
    case 'categorical_crossentropy':
    case 'binary_crossentropy':
    case 'sparse_categorical_crossentropy':
      return fromLoss(id, getLoss(id));
    default:
      throw new ConfigError(
        `Unknown metric '${id}'. Known: accuracy, acc, categorical_accuracy, sparse_categorical_accuracy, binary_accuracy, top_k_categorical_accuracy, mse, mae, and the loss names`,
      );
  }
}

/** A configurable top-k metric, like keras.metrics.TopKCategoricalAccuracy(k). */
export function TopKCategoricalAccuracy(k = 5, name = 'top_k_categorical_accuracy'): Metric {
  return fn(name, (t, p) => topKCategoricalAccuracy(t, p, k));
}
