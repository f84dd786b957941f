import { ShapeError } from '../errors.js';
import type { L1L2 } from '../regularizers/regularizers.js';
import { Tensor } from '../tensor/tensor.js';

/** A named weight (`dense_1/kernel`): its host value, whether training updates it, its regularizer. */
export class Variable {
  constructor(
    readonly name: string,
    public value: Tensor,
    public trainable: boolean,
    readonly regularizer: L1L2 | null = null,
  ) {}
  get shape(): number[] {
    return this.value.shape;
  }
  assign(t: Tensor): void {
    if (t.shape.length !== this.value.shape.length || t.shape.some((d, i) => d !== this.value.shape[i]))
      throw new ShapeError(`Variable '${this.name}': cannot assign a value of shape [${t.shape.join(', ')}] to a weight of shape [${this.value.shape.join(', ')}]`);
    this.value = t.dtype === this.value.dtype ? t : t.astype(this.value.dtype);
  }
}
