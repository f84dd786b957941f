import { formatShape, type SymShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp } from './registry.js';
import { reshape, reshapeLike } from './shape.js';
// Broadcasting and summing are each other's gradients: reduce.ts imports this file too. The
// cycle is safe because gradients only run after both modules have loaded.
import { sum } from './reduce.js';

// Ops that repeat values (broadcast, tile) and their adjoint, `sumTo`. Binary elementwise ops
// broadcast implicitly; autodiff sums their gradients back with `sumTo`.

/** Broadcast x (already keepdims-shaped) up to ref's run-time shape. */
export const ExpandLike = defineOp({
  name: 'ExpandLike',
  inputs: ['x', 'ref'],
  inferShape: ([x, ref]) => [{ shape: ref.shape, dtype: x.dtype }],
  // The adjoint of broadcasting is summing back.
  grad: ({ inputs: [x], dys: [dy] }) => [sumTo(dy!, x), null],
});

/** Repeat x `repeats[i]` times along each axis (static repeats). */
export type TileAttrs = { repeats: number[] };
export const Tile = defineOp<TileAttrs>({
  name: 'Tile',
  inputs: ['x'],
  inferShape: ([x], { repeats }) => {
    if (repeats.length !== x.rank || repeats.some((r) => !Number.isInteger(r) || r < 1)) throw new ShapeError(`Tile: need one positive repeat count per axis of ${formatShape(x.shape)}, got [${repeats.join(', ')}]`);
    return [{ shape: x.shape.map((d, i) => (d === null ? (repeats[i] === 1 ? null : null) : d * repeats[i])), dtype: x.dtype }];
  },
  // Each input element appears once per tile: split every tiled axis into [repeat, size] and sum the repeats.
  grad: ({ inputs: [x], dys: [dy], attrs: { repeats } }) => {
    const split: number[] = [];
    const sumAxes: number[] = [];
    x.shape.forEach((d, i) => {
      if (repeats[i] === 1) split.push(d === null ? 0 : d);
      else {
        sumAxes.push(split.length);
        split.push(repeats[i], d as number);
      }
    });
    if (!sumAxes.length) return [dy!];
    // 0 (copy) only works where the axis position is unchanged; a symbolic axis is only allowed before the first split.
    return [reshapeLike(sum(reshape(dy!, split), sumAxes), x)];
  },
});

export const expandLike = (x: Value, ref: Value) => apply1(ExpandLike, [x, ref]);
export const tile = (x: Value, repeats: number[]) => apply1(Tile, [x], { repeats });

/**
 * The adjoint of broadcasting: sum dy over the axes along which `like` was broadcast,
 * then give it `like`'s shape.
 */
export function sumTo(dy: Value, like: Value): Value {
  const offset = dy.rank - like.rank;
  const leading = Array.from({ length: Math.max(0, offset) }, (_, i) => i);
  const broadcast: number[] = [];
  for (let i = offset; i < dy.rank; i++) if (like.shape[i - offset] === 1 && dy.shape[i] !== 1) broadcast.push(i);
  // Broadcast axes keep their 1; leading axes go away: the result then has like's shape.
  let out = broadcast.length ? sum(dy, broadcast, true) : dy;
  if (leading.length) out = sum(out, leading, false);
  return sameShape(out.shape, like.shape) ? out : reshapeLike(out, like);
}

/** Equal shapes, symbolic dimensions included (null matches null). */
export function sameShape(a: SymShape, b: SymShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
