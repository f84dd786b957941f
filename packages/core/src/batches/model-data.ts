import { DataError, ShapeError } from '../errors.js';
import type { Model } from '../engine/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkSameLength, prepareTargets, tensorList } from './checks.js';
import { BatchPuller } from './puller.js';
import { splitBatch, type BatchSource } from './source.js';
import { GeneratorStream, type GeneratorStreamOptions } from './streams.js';

/** What the model says about data: its inputs and, once compiled, each output's loss. */
function targetsOf(model: Model) {
  if (!model.objectives) throw new Error('internal: targets checked before compile()');
  return model.objectives.outputs;
}

/** As many x arrays as the model has inputs (named, with how to give several), then each checked against its input. */
function checkInputCount(model: Model, xs: Tensor[], where: string, generator: boolean): void {
  const n = model.inputs.length;
  if (xs.length === n) return;
  const names = model.inputs.map((t) => t.node.layer.name).join(', ');
  const how = generator ? `a batch is x, [x] or [x, y], where x is a list of ${n} Tensors for ${n} inputs: yield [[x0, x1…], y]` : `give a list of ${n} Tensors, one per input`;
  throw new ShapeError(`${where}: model '${model.name}' has ${n} input(s) (${names}) but x holds ${xs.length} array(s); ${n > 1 ? how : 'give one Tensor'}`);
}

/** x (and y) as lists of Tensors checked against the model: input shapes, targets per output, one sample count. */
export function checkedArrays(model: Model, x: unknown, y: unknown, where: string): { xs: Tensor[]; ys: Tensor[]; n: number } {
  const xs = tensorList(x, where, 'x');
  checkInputCount(model, xs, where, false);
  model.checkInputs(xs);
  const ys = y === undefined ? [] : prepareTargets(targetsOf(model), tensorList(y, where, 'y'), where);
  return { xs, ys, n: checkSameLength(xs, ys, where) };
}

/** A generator's batches as a stream of checked arrays (x…, then y… when `withY`). */
export function generatorStream(
  model: Model,
  source: BatchSource,
  where: string,
  withY: boolean,
  options: Omit<GeneratorStreamOptions, 'prepare' | 'nx' | 'where' | 'steps'> & { steps: number | undefined },
): GeneratorStream {
  const puller = new BatchPuller(source, where);
  const prepare = (batch: Parameters<typeof splitBatch>[0]) => {
    const { xs, ys } = splitBatch(batch, where);
    checkInputCount(model, xs, where, true);
    model.checkInputs(xs);
    if (!withY) return xs;
    if (!ys) throw new DataError(`${where}: generator batches must be [x, y] (got x only)`);
    const targets = prepareTargets(targetsOf(model), ys, where);
    checkSameLength(xs, targets, where);
    return [...xs, ...targets];
  };
  return new GeneratorStream(puller, { ...options, steps: options.steps ?? puller.length, prepare, nx: model.inputs.length, where });
}
