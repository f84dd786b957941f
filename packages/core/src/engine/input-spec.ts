import { ShapeError } from '../errors.js';
import { formatShape, type SymShape } from '../ir/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SymbolicTensor } from './layer.js';

/**
 * What a layer accepts, declared once and checked by the base class before `build` and
 * `call` (Keras' InputSpec). Ranks count the batch axis; a negative axis counts from the end.
 */
export interface InputSpec {
  /** How many input tensors: a number (default 1), or a range such as `{ min: 2 }` (merge layers). */
  count?: number | { min?: number; max?: number };
  /** Exact rank of each input, batch axis included (Keras' ndim). */
  ndim?: number;
  minNdim?: number;
  maxNdim?: number;
  /** Sizes some axes must have: a number, or 'known' (any size, but not None). */
  axes?: Record<number, number | 'known'>;
  /** The axes' meaning, shown after the rank in messages: '(batch, height, width, channels)'. */
  layout?: string;
}

const plural = (n: number) => `${n} input${n === 1 ? '' : 's'}`;

/**
 * Throws a ShapeError naming the layer, what it expects and the shape it got. `shapes` is
 * one shape, or one per input when the layer was called on a list.
 */
export function checkInputSpec(spec: InputSpec, shapes: SymShape | SymShape[], layer: string): void {
  const many = isShapeList(shapes);
  const list = many ? shapes : [shapes];
  const count = spec.count ?? 1;
  const [min, max] = typeof count === 'number' ? [count, count] : [count.min ?? 1, count.max ?? Infinity];
  if (list.length < min || list.length > max) {
    const expected = min === max ? `exactly ${plural(min)}` : max === Infinity ? `at least ${plural(min)}` : `between ${min} and ${max} inputs`;
    throw new ShapeError(`Layer ${layer} should be called on ${expected}; received ${plural(list.length)}${many ? `: ${list.map(formatShape).join(', ')}` : ''}`);
  }
  for (const shape of list) checkShape(spec, shape, layer);
}

function checkShape(spec: InputSpec, shape: SymShape, layer: string): void {
  const rank = shape.length;
  const got = `got shape ${formatShape(shape)}`;
  const layout = spec.layout ? ` ${spec.layout}` : '';
  if (spec.ndim !== undefined && rank !== spec.ndim) throw new ShapeError(`Layer ${layer} expects inputs of rank ${spec.ndim}${layout}; ${got}`);
  if (spec.minNdim !== undefined && rank < spec.minNdim) throw new ShapeError(`Layer ${layer} expects inputs of rank >= ${spec.minNdim}${layout}; ${got}`);
  if (spec.maxNdim !== undefined && rank > spec.maxNdim) throw new ShapeError(`Layer ${layer} expects inputs of rank <= ${spec.maxNdim}${layout}; ${got}`);
  for (const [key, want] of Object.entries(spec.axes ?? {})) {
    const axis = Number(key);
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) throw new ShapeError(`Layer ${layer}: axis ${axis} is invalid for inputs of rank ${rank}; ${got}`);
    if (shape[a] === null) throw new ShapeError(`Layer ${layer}: axis ${axis} of the inputs must have a known size; ${got}`);
    if (want !== 'known' && shape[a] !== want) throw new ShapeError(`Layer ${layer} expects axis ${axis} of the inputs to have size ${want}; ${got}`);
  }
}

/** A list of shapes (a call on several inputs) rather than one shape. */
export function isShapeList(shapes: SymShape | SymShape[]): shapes is SymShape[] {
  return shapes.length > 0 && Array.isArray(shapes[0]);
}

/** Arrays given to model `model` against its input tensors: their count, ranks and sizes (the batch axis is free). */
export function checkModelInputs(model: string, inputs: SymbolicTensor[], xs: Tensor[]): void {
  if (xs.length !== inputs.length) throw new ShapeError(`Model '${model}' expects ${inputs.length} input array(s), got ${xs.length}`);
  xs.forEach((x, i) => {
    const expected = inputs[i].shape;
    const ok = x.rank === expected.length && expected.every((d, j) => j === 0 || d === null || d === x.shape[j]);
    if (!ok)
      throw new ShapeError(
        `Input ${i} of model '${model}' is incompatible with the layer '${inputs[i].node.layer.name}': expected shape=${formatShape(expected)}, found shape=${formatShape(x.shape)}`,
      );
  });
}
