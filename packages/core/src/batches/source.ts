import { DataError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** One batch from a generator: `[x, y]` (x and y each a Tensor or, for several inputs/outputs, a list), or just x for predict. */
export type Batch = Tensor | Tensor[] | [Tensor | Tensor[], (Tensor | Tensor[])?, unknown?];

/**
 * What fit/evaluate/predict accept besides arrays (Keras' generators and PyDataset): any
 * iterable or async iterable of batches. `length`, when present, is the number of batches in
 * one pass (used when stepsPerEpoch / steps is not given).
 */
export type BatchSource = (Iterable<Batch> | AsyncIterable<Batch>) & { length?: number };

export function isBatchSource(v: unknown): v is BatchSource {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Tensor) &&
    !Array.isArray(v) &&
    (Symbol.asyncIterator in v || Symbol.iterator in v)
  );
}

/** A batch's parts: x (always a list), y (a list, or null when the source gives x only). */
export function splitBatch(batch: Batch, where: string): { xs: Tensor[]; ys: Tensor[] | null } {
  if (batch instanceof Tensor) return { xs: [batch], ys: null };
  if (!Array.isArray(batch) || batch.length === 0) throw new DataError(`${where}: a batch must be x, [x] or [x, y]; got ${describe(batch)}`);
  const [x, y] = batch as [Tensor | Tensor[], (Tensor | Tensor[])?];
  const xs = Array.isArray(x) ? x : [x];
  if (!xs.every((t) => t instanceof Tensor)) throw new DataError(`${where}: batch x must be a Tensor or a list of Tensors; got ${describe(x)}`);
  if (y === undefined || y === null) return { xs, ys: null };
  const ys = Array.isArray(y) ? y : [y];
  if (!ys.every((t) => t instanceof Tensor)) throw new DataError(`${where}: batch y must be a Tensor or a list of Tensors; got ${describe(y)}`);
  return { xs, ys };
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return v.toString();
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

/** fit/evaluate's arguments: (x, y, options), (generator, options) or Keras' (generator, null, options). */
export function splitGeneratorArgs<A extends object>(x: unknown, yOrArgs: Tensor | Tensor[] | A | null | undefined, args: A): [Tensor | Tensor[] | undefined, A] {
  if (!isBatchSource(x)) return [(yOrArgs ?? undefined) as Tensor | Tensor[] | undefined, args];
  if (yOrArgs === undefined || yOrArgs === null) return [undefined, args];
  if (yOrArgs instanceof Tensor || Array.isArray(yOrArgs)) return [yOrArgs, args]; // y with a generator: refused by fit/evaluate, with a message
  return [undefined, yOrArgs as A];
}
