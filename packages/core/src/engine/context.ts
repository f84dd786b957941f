import { placeholder, randomUniformLeaf, type SymShape, type Value } from '../ir/graph.js';
import { constant } from '../ops/constant.js';
import type { Variable } from './variable.js';

/**
 * What a layer's `call` sees while a model is traced into a graph: the mode, its weights as
 * graph values, and places to put state updates (BatchNormalization's moving statistics),
 * extra losses (activity regularizers) and random draws (Dropout masks).
 */
export class TraceContext {
  readonly variableValues = new Map<Variable, Value>();
  /** The weights read as constants (a subset of variableValues' keys). */
  readonly baked = new Set<Variable>();
  readonly updates = new Map<Variable, Value>();
  readonly losses: Value[] = [];

  /**
   * `bakeWeights`: which weights become constants in the graph — all (exported inference
   * models), none (training), or those a test accepts (predict on a backend that folds constants).
   */
  constructor(
    readonly training: boolean,
    readonly bakeWeights: boolean | ((v: Variable) => boolean) = false,
  ) {}

  /** The graph value of a weight (one graph input per weight, or a constant when baked). */
  read(v: Variable): Value {
    let value = this.variableValues.get(v);
    if (!value) {
      const bake = typeof this.bakeWeights === 'function' ? this.bakeWeights(v) : this.bakeWeights;
      value = bake ? constant(v.value) : placeholder(v.shape, v.dtype, v.name);
      if (bake) this.baked.add(v);
      this.variableValues.set(v, value);
    }
    return value;
  }

  /** A new value for a non-trainable weight, taken after the step (only kept when training). */
  addUpdate(v: Variable, newValue: Value): void {
    if (this.training) this.updates.set(v, newValue);
  }

  addLoss(loss: Value): void {
    this.losses.push(loss);
  }

  /** Uniform [0, 1) numbers of this shape, drawn from core's seeded generator for each run. */
  randomUniform(shape: SymShape, name?: string): Value {
    return randomUniformLeaf(shape, name);
  }
}
