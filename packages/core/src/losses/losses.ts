import { ConfigError, DataError, ShapeError } from '../errors.js';
import type { SymShape, Value } from '../ir/graph.js';
import { Softmax, Sigmoid } from '../ops/index.js';
import {
  abs, add, cast, clip, div, log, logSoftmax, mean, mul, neg, oneHot, relu, scalar, softplus, square, sub, sum,
} from '../ops/index.js';
import { formatShape } from '../ir/graph.js';
import type { Tensor } from '../tensor/tensor.js';

/** Keras' backend epsilon: predictions are clipped to [EPSILON, 1 - EPSILON] before log. */
export const EPSILON = 1e-7;

/**
 * A loss: per-sample values from targets and predictions (reduced over the last axis, as
 * Keras does); the training step takes their mean over the batch.
 */
export interface Loss {
  readonly name: string;
  /** dtype/shape the target placeholder needs for this prediction shape. */
  targetSpec(predShape: SymShape): { shape: SymShape; dtype: 'float32' | 'int32' };
  /** Checked before training: does a target array of this shape fit? */
  checkTarget(targetShape: readonly number[], predShape: SymShape): void;
  /** Checked on the host before training when present: values the loss cannot take (`what` names the array in messages). */
  checkTargetValues?(target: Tensor, predShape: SymShape, what: string): void;
  perSample(yTrue: Value, yPred: Value): Value;
  getConfig(): Record<string, unknown>;
}

function sameShapeCheck(name: string) {
  return (targetShape: readonly number[], predShape: SymShape) => {
    const t = targetShape.slice(1);
    const p = predShape.slice(1);
    if (t.length !== p.length || t.some((d, i) => p[i] !== null && d !== p[i]))
      throw new ShapeError(
        `Loss '${name}': targets and outputs must have the same shape. Received: target.shape=${formatShape([null, ...t])}, output.shape=${formatShape(predShape)}` +
          (name === 'categorical_crossentropy' && t.length === 0 ? ". Integer labels? one-hot them with toCategorical(y, numClasses) or use loss 'sparse_categorical_crossentropy'" : ''),
      );
  };
}

/** The logits behind a probability tensor, when it came straight out of a softmax/sigmoid op (Keras' TF-backend shortcut). */
function logitsOf(p: Value, op: typeof Softmax | typeof Sigmoid): Value | null {
  return p.node && p.node.op === op && (op !== Softmax || p.node.attrs.axis === p.rank - 1) ? p.node.inputs[0] : null;
}

export class CategoricalCrossentropy implements Loss {
  readonly name = 'categorical_crossentropy';
  constructor(readonly fromLogits = false) {}
  targetSpec(predShape: SymShape) {
    return { shape: predShape, dtype: 'float32' as const };
  }
  checkTarget = sameShapeCheck(this.name);
  perSample(yTrue: Value, yPred: Value): Value {
    const logits = this.fromLogits ? yPred : logitsOf(yPred, Softmax);
    if (logits) return neg(sum(mul(yTrue, logSoftmax(logits)), -1));
    // Keras: renormalize the rows, clip, then -sum(y * log(p)).
    const p = clip(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
    return neg(sum(mul(yTrue, log(p)), -1));
  }
  getConfig() {
    return { name: this.name, fromLogits: this.fromLogits };
  }
}

export class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparse_categorical_crossentropy';
  constructor(readonly fromLogits = false) {}
  targetSpec(predShape: SymShape) {
    return { shape: predShape.slice(0, -1), dtype: 'int32' as const };
  }
  checkTarget(targetShape: readonly number[], predShape: SymShape): void {
    const t = targetShape.length === predShape.length && targetShape[targetShape.length - 1] === 1 ? targetShape.slice(0, -1) : targetShape;
    if (t.length !== predShape.length - 1)
      throw new ShapeError(
        `Loss '${this.name}' takes integer class labels of shape ${formatShape([null, ...predShape.slice(1, -1)])} for outputs of shape ${formatShape(predShape)}; got labels of shape ${formatShape([null, ...targetShape.slice(1)])}` +
          (targetShape.length === predShape.length ? ". One-hot targets? use loss 'categorical_crossentropy'" : ''),
      );
  }
  /** A label outside [0, classes) would one-hot to zeros and train silently on a loss of 0: refuse it (one pass over the labels). */
  checkTargetValues(target: Tensor, predShape: SymShape, what: string): void {
    const classes = predShape[predShape.length - 1];
    if (classes === null) return;
    const d = target.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v >= 0 && v < classes && Number.isInteger(v)) continue;
      const row = Math.floor(i / (target.size / target.shape[0] || 1));
      throw new DataError(
        `Loss '${this.name}': ${what} holds the label ${v} at sample ${row}, but the output has ${classes} classes; labels must be integers in [0, ${classes - 1}]` +
          (Number.isInteger(v) && v >= classes ? ` (is the last layer's number of units, ${classes}, too small?)` : ''),
      );
    }
  }
  perSample(yTrue: Value, yPred: Value): Value {
    const depth = yPred.shape[yPred.rank - 1];
    if (depth === null) throw new ShapeError(`Loss '${this.name}': the last output dimension must be known`);
    const target = oneHot(cast(yTrue, 'int32'), depth);
    const logits = this.fromLogits ? yPred : logitsOf(yPred, Softmax);
    if (logits) return neg(sum(mul(target, logSoftmax(logits)), -1));
    // Keras: clip first, then renormalize inside a log-softmax of log(p): -log(p_true / sum(p)).
    const p = clip(yPred, EPSILON, 1 - EPSILON);
    return sub(log(sum(p, -1)), sum(mul(target, log(p)), -1));
  }
  getConfig() {
    return { name: this.name, fromLogits: this.fromLogits };
  }
}

export class BinaryCrossentropy implements Loss {
  readonly name = 'binary_crossentropy';
  constructor(readonly fromLogits = false) {}
  targetSpec(predShape: SymShape) {
    return { shape: predShape, dtype: 'float32' as const };
  }
  checkTarget(targetShape: readonly number[], predShape: SymShape): void {
    // A [n] label vector for a [n, 1] output is accepted (Keras squeezes/expands it).
    if (targetShape.length === 1 && predShape.length === 2 && predShape[1] === 1) return;
    sameShapeCheck(this.name)(targetShape, predShape);
  }
  perSample(yTrue: Value, yPred: Value): Value {
    const logits = this.fromLogits ? yPred : logitsOf(yPred, Sigmoid);
    if (logits) {
      // max(x, 0) - x*y + log(1 + exp(-|x|)), TF's stable sigmoid crossentropy.
      return mean(add(sub(relu(logits), mul(logits, yTrue)), softplus(neg(abs(logits)))), -1);
    }
    const p = clip(yPred, EPSILON, 1 - EPSILON);
    const bce = add(mul(yTrue, log(p)), mul(sub(scalar(1), yTrue), log(sub(scalar(1), p))));
    return neg(mean(bce, -1));
  }
  getConfig() {
    return { name: this.name, fromLogits: this.fromLogits };
  }
}

export class MeanSquaredError implements Loss {
  readonly name = 'mean_squared_error';
  targetSpec(predShape: SymShape) {
    return { shape: predShape, dtype: 'float32' as const };
  }
  checkTarget = sameShapeCheck(this.name);
  perSample(yTrue: Value, yPred: Value): Value {
    return mean(square(sub(yPred, yTrue)), -1);
  }
  getConfig() {
    return { name: this.name };
  }
}

export class MeanAbsoluteError implements Loss {
  readonly name = 'mean_absolute_error';
  targetSpec(predShape: SymShape) {
    return { shape: predShape, dtype: 'float32' as const };
  }
  checkTarget = sameShapeCheck(this.name);
  perSample(yTrue: Value, yPred: Value): Value {
    return mean(abs(sub(yPred, yTrue)), -1);
  }
  getConfig() {
    return { name: this.name };
  }
}

const LOSSES: Record<string, () => Loss> = {
  categorical_crossentropy: () => new CategoricalCrossentropy(),
  sparse_categorical_crossentropy: () => new SparseCategoricalCrossentropy(),
  binary_crossentropy: () => new BinaryCrossentropy(),
  mean_squared_error: () => new MeanSquaredError(),
  mse: () => new MeanSquaredError(),
  mean_absolute_error: () => new MeanAbsoluteError(),
  mae: () => new MeanAbsoluteError(),
};

export function getLoss(id: string | Loss): Loss {
  if (typeof id !== 'string') return id;
  const make = LOSSES[id];
  if (!make) throw new ConfigError(`Unknown loss '${id}'. Known: ${Object.keys(LOSSES).join(', ')}`);
  return make();
}

export const losses = {
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  BinaryCrossentropy,
  MeanSquaredError,
  MeanAbsoluteError,
  get: getLoss,
};
