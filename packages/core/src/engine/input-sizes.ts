import { DataError } from '../errors.js';
import { formatShape, sampleShape, type SymShape } from '../ir/graph.js';
import type { Model } from './model.js';

/**
 * A model built for inputs of any size has an unknown non-batch input dimension (Keras'
 * `inputShape: [null, null, 3]`, the zoo's default without its top). Convolutions need the sizes
 * (a strided 'same' padding depends on them), so such a model's graphs are traced and compiled
 * for each concrete size its data comes in.
 */
export function anySize(model: Model): boolean {
  return model.inputs.some((t) => t.shape.slice(1).includes(null));
}

/** The shapes to trace the model's inputs with for these arrays (their sample dimensions, any batch), or undefined when the model's own shapes serve. */
export function traceShapes(model: Model, xs: readonly { shape: readonly number[] }[]): SymShape[] | undefined {
  return anySize(model) ? xs.map((x) => sampleShape(x.shape)) : undefined;
}

/** fit traces its step for the first batch's size: a later batch of another size is refused by name. */
export function checkSameSizes(where: string, expected: SymShape[] | undefined, xs: readonly { shape: readonly number[] }[], batch: number): void {
  if (!expected) return;
  xs.forEach((x, i) => {
    const want = expected[i];
    if (x.shape.length !== want.length || x.shape.some((d, j) => j > 0 && d !== want[j]))
      throw new DataError(
        `${where}: batch ${batch} has input ${i} of shape ${formatShape(sampleShape(x.shape))}, but the first batch's was ${formatShape(want)}; ` +
          `a model built for any input size trains on one size per fit (resize the images, or call fit once per size)`,
      );
  });
}
