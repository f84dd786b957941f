import { ShapeError } from '../errors.js';
import type { L1L2 } from '../regularizers/regularizers.js';
import { Tensor, sizeOf, type DType } from '../tensor/tensor.js';

/** An initial value not drawn yet: its shape and dtype, and how to draw it. */
export interface DeferredValue {
  shape: number[];
  dtype: DType;
  make: () => Tensor;
}

/** Counts weight assignments process-wide: every assignment gets a number larger than all before it. */
let assignments = 0;

/**
 * A named weight (`dense_1/kernel`): its host value, whether training updates it, its regularizer.
 * The initial value may be deferred (see deferInitialValues): drawn on the first read of `value`,
 * or never, when a value is assigned first (weights loaded from a file).
 */
export class Variable {
  private current: Tensor | null;
  private deferred: DeferredValue | null;
  private stamp = ++assignments;

  constructor(
    readonly name: string,
    value: Tensor | DeferredValue,
    public trainable: boolean,
    readonly regularizer: L1L2 | null = null,
  ) {
    this.current = value instanceof Tensor ? value : null;
    this.deferred = value instanceof Tensor ? null : { ...value, shape: [...value.shape] };
  }
  get value(): Tensor {
    if (this.current === null) {
      this.current = this.deferred!.make();
      this.deferred = null;
    }
    return this.current;
  }
  set value(t: Tensor) {
    this.current = t;
    this.deferred = null;
    this.stamp = ++assignments;
  }
  /**
   * Changes at every assignment of `value` (setWeights, loadWeights, the end of a fit epoch …),
   * to a number larger than any version before it: a compiled graph holding this weight as a
   * constant is out of date once the version differs from the one it was built with. (Values are
   * replaced, never written in place: mutating `value.data` is not seen.)
   */
  get version(): number {
    return this.stamp;
  }
  get shape(): number[] {
    return this.current?.shape ?? this.deferred!.shape;
  }
  get dtype(): DType {
    return this.current?.dtype ?? this.deferred!.dtype;
  }
  /** Number of elements (without drawing a deferred initial value). */
  get size(): number {
    return this.current?.size ?? sizeOf(this.deferred!.shape);
  }
  assign(t: Tensor): void {
    const shape = this.shape;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new ShapeError(`Variable '${this.name}': cannot assign a value of shape [${t.shape.join(', ')}] to a weight of shape [${shape.join(', ')}]`);
    this.value = t.dtype === this.dtype ? t : t.astype(this.dtype);
  }
}

let deferring = 0;

/**
 * Build layers inside `fn` without drawing their initial weights: each weight's initializer runs
 * on its first read, or never when a value is assigned first. For models whose weights are loaded
 * right after they are built (a pretrained model: VGG16's 138 M initial values would be drawn and
 * then thrown away). Outside this, initial values are drawn at once, in creation order (seeded runs
 * repeat). Only the synchronous part of `fn` is covered: layers must be built before it awaits.
 */
export function deferInitialValues<T>(fn: () => T): T {
  deferring++;
  try {
    return fn();
  } finally {
    deferring--;
  }
}

/** True inside deferInitialValues. */
export function initialValuesDeferred(): boolean {
  return deferring > 0;
}
