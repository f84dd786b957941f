import { formatShape, type Dim, type SymShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp } from './registry.js';

// Ops that move values without computing: reshapes, transposes, indexing, padding, slicing,
// joining. Their gradients are shape ops too.

/**
 * Reshape with ONNX semantics: 0 copies the input's dimension at that position, -1 is inferred.
 * Flatten is `reshape(x, [0, -1])`, which keeps the batch dimension symbolic.
 */
export type ReshapeAttrs = { shape: number[] };
export const Reshape = defineOp<ReshapeAttrs>({
  name: 'Reshape',
  inputs: ['x'],
  inferShape: ([x], { shape }) => [{ shape: reshapeShape(x.shape, shape), dtype: x.dtype }],
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x)],
});

export function reshapeShape(input: SymShape, target: readonly number[]): SymShape {
  if (target.filter((d) => d === -1).length > 1) throw new ShapeError(`Reshape: at most one -1 in target shape [${target.join(', ')}]`);
  const out: Dim[] = target.map((d, i) => {
    if (d === 0) {
      if (i >= input.length) throw new ShapeError(`Reshape: 0 at position ${i} but input ${formatShape(input)} has rank ${input.length}`);
      return input[i];
    }
    return d;
  });
  // What is left of the input once copied (0) dimensions are taken out must fill the rest.
  const copied = new Set(target.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0));
  const rest = input.filter((_, i) => !copied.has(i));
  const restKnown = rest.every((d) => d !== null);
  const restSize = rest.reduce<number>((p, d) => p * (d ?? 1), 1);
  const explicit = out.filter((d, i) => d !== -1 && !copied.has(i)) as number[];
  const explicitSize = explicit.reduce((p, d) => p * d, 1);
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    if (restKnown) {
      if (restSize % explicitSize !== 0) throw new ShapeError(`Reshape: cannot reshape ${formatShape(input)} into [${target.join(', ')}]`);
      out[minus] = restSize / explicitSize;
    } else out[minus] = null;
  } else if (restKnown && restSize !== explicitSize) {
    throw new ShapeError(`Reshape: cannot reshape ${formatShape(input)} (${restSize} elements besides copied dims) into [${target.join(', ')}]`);
  }
  return out;
}

/** Reshape x to ref's run-time shape (gradients of reshapes and broadcasts). */
export const ReshapeLike = defineOp({
  name: 'ReshapeLike',
  inputs: ['x', 'ref'],
  inferShape: ([, ref]) => [{ shape: ref.shape, dtype: ref.dtype === 'float32' ? 'float32' : ref.dtype }],
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x), null],
});

export type TransposeAttrs = { perm: number[] };
export const Transpose = defineOp<TransposeAttrs>({
  name: 'Transpose',
  inputs: ['x'],
  inferShape: ([x], { perm }) => {
    if (perm.length !== x.rank || [...perm].sort().some((p, i) => p !== i))
      throw new ShapeError(`Transpose: perm [${perm.join(', ')}] is not a permutation of ${x.rank} axes`);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }];
  },
  grad: ({ dys: [dy], attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(dy!, inverse)];
  },
});

/** Insert size-1 axes at the given positions of the output (sorted). */
export type UnsqueezeAttrs = { axes: number[] };
export const Unsqueeze = defineOp<UnsqueezeAttrs>({
  name: 'Unsqueeze',
  inputs: ['x'],
  inferShape: ([x], { axes }) => {
    const out: Dim[] = [];
    const rank = x.rank + axes.length;
    for (let i = 0, j = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]);
    return [{ shape: out, dtype: x.dtype }];
  },
  grad: ({ inputs: [x], dys: [dy] }) => [reshapeLike(dy!, x)],
});

export const unsqueeze = (x: Value, axes: number[]) => apply1(Unsqueeze, [x], { axes: [...axes].sort((a, b) => a - b) });
/**
 * Rows of x picked by int32 indices along axis 0 (x[indices]). Fit uses it to cut each batch
 * out of the whole dataset inside the graph, so no batch is copied in JavaScript.
 */
export const Gather = defineOp({
  name: 'Gather',
  inputs: ['x', 'indices'],
  inferShape: ([x, i]) => {
    if (i.dtype !== 'int32') throw new ShapeError(`Gather: indices must be int32, got ${i.dtype}`);
    if (x.rank < 1) throw new ShapeError('Gather: cannot index a scalar');
    return [{ shape: [...i.shape, ...x.shape.slice(1)], dtype: x.dtype }];
  },
  // Not differentiable with respect to the data: it only ever reads inputs here.
});

export const gather = (x: Value, indices: Value) => apply1(Gather, [x, indices]);

/** Constant padding: `pads` = [begin per axis…, end per axis…] (ONNX order), non-negative. */
export type PadAttrs = { pads: number[]; value: number };
export const Pad = defineOp<PadAttrs>({
  name: 'Pad',
  inputs: ['x'],
  inferShape: ([x], { pads }) => {
    if (pads.length !== 2 * x.rank || pads.some((p) => p < 0 || !Number.isInteger(p)))
      throw new ShapeError(`Pad: pads must be ${2 * x.rank} non-negative integers for a rank-${x.rank} input, got [${pads.join(', ')}]`);
    return [{ shape: x.shape.map((d, i) => (d === null ? null : d + pads[i] + pads[i + x.rank])), dtype: x.dtype }];
  },
  grad: ({ inputs: [x], dys: [dy], attrs: { pads } }) => [
    slice(
      dy!,
      pads.slice(0, x.rank),
      x.shape.map((d, i) => (d === null ? null : pads[i] + d)),
    ),
  ],
});

/** x[starts:ends] per axis; a null end means "to the end". Static bounds. */
export type SliceAttrs = { starts: number[]; ends: (number | null)[] };
export const Slice = defineOp<SliceAttrs>({
  name: 'Slice',
  inputs: ['x'],
  inferShape: ([x], { starts, ends }) => {
    if (starts.length !== x.rank || ends.length !== x.rank) throw new ShapeError(`Slice: need a start and an end for each of ${x.rank} axes`);
    const shape = x.shape.map((d, i) => {
      const end = ends[i] ?? d;
      if (end === null) return starts[i] === 0 ? null : null;
      if (starts[i] < 0 || end < starts[i] || (d !== null && end > d))
        throw new ShapeError(`Slice: [${starts[i]}:${end}] is out of bounds for axis ${i} of size ${d ?? 'None'}`);
      return end - starts[i];
    });
    return [{ shape, dtype: x.dtype }];
  },
  grad: ({ inputs: [x], dys: [dy], attrs: { starts, ends } }) => {
    if (x.shape.some((d, i) => d === null && (starts[i] !== 0 || ends[i] !== null)))
      throw new ShapeError('Slice gradient: cannot slice a symbolic axis');
    const pads = [...starts, ...x.shape.map((d, i) => (d === null ? 0 : d - (ends[i] ?? d)))];
    return [apply1(Pad, [dy!], { pads, value: 0 })];
  },
});

/** Join along one axis (all other dimensions equal). */
export type ConcatAttrs = { axis: number };
export const Concat = defineOp<ConcatAttrs>({
  name: 'Concat',
  inputs: ['...xs'],
  inferShape: (xs, { axis }) => {
    const first = xs[0];
    for (const x of xs) {
      if (x.rank !== first.rank || x.dtype !== first.dtype) throw new ShapeError(`Concat: inputs differ in rank or dtype: ${xs.map((v) => `${formatShape(v.shape)} ${v.dtype}`).join(', ')}`);
      x.shape.forEach((d, i) => {
        if (i !== axis && d !== null && first.shape[i] !== null && d !== first.shape[i])
          throw new ShapeError(`A Concatenate layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[${xs.map((v) => formatShape(v.shape)).join(', ')}], axis=${axis}`);
      });
    }
    const sizes = xs.map((x) => x.shape[axis]);
    const out = [...first.shape];
    out[axis] = sizes.some((d) => d === null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0);
    return [{ shape: out, dtype: first.dtype }];
  },
  grad: ({ inputs, dys: [dy], attrs: { axis } }) => {
    let offset = 0;
    return inputs.map((x) => {
      const size = x.shape[axis] as number;
      const starts = x.shape.map((_, i) => (i === axis ? offset : 0));
      const ends = x.shape.map((d, i) => (i === axis ? offset + size : d === null ? null : d));
      offset += size;
      return slice(dy!, starts, ends);
    });
  },
});

export const pad = (x: Value, pads: number[], value = 0) => apply1(Pad, [x], { pads, value });
export const slice = (x: Value, starts: number[], ends: (number | null)[]): Value => apply1(Slice, [x], { starts, ends });
export const concat = (xs: Value[], axis: number) => apply1(Concat, xs, { axis: axis < 0 ? axis + xs[0].rank : axis });
export const reshape = (x: Value, shape: number[]) => apply1(Reshape, [x], { shape });
export const reshapeLike = (x: Value, ref: Value): Value => (sameStaticShape(x.shape, ref.shape) ? x : apply1(ReshapeLike, [x, ref]));
export const transpose = (x: Value, perm: number[]): Value => apply1(Transpose, [x], { perm });
/** Keras' Flatten: keep the batch dimension, merge the rest. */
export const flatten = (x: Value) => reshape(x, [0, -1]);

export function sameStaticShape(a: SymShape, b: SymShape): boolean {
  return a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}
