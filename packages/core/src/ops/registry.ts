import { applyOp, formatShape, type Attrs, type Dim, type OpDef, type SymShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';

/** Every op by name (names are unique): saved graphs resolve through it, tests check backends cover it. */
export const opRegistry = new Map<string, OpDef>();

export function defineOp<A extends Attrs = Attrs>(def: OpDef<A>): OpDef<A> {
  if (opRegistry.has(def.name)) throw new Error(`Op '${def.name}' is defined twice`);
  opRegistry.set(def.name, def);
  return def;
}

/** Apply a single-output op. */
export function apply1<A extends Attrs>(op: OpDef<A>, inputs: Value[], attrs?: A): Value {
  return applyOp(op, inputs, attrs)[0];
}

/** numpy broadcasting on symbolic shapes; null meets n>1 as n, 1 as null. */
export function broadcastShapes(a: SymShape, b: SymShape, what = 'operands'): SymShape {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null) out.push(y);
    else if (y === null) out.push(x);
    else if (x === y) out.push(x);
    else throw new ShapeError(`${what} could not be broadcast together with shapes ${formatShape(a)} ${formatShape(b)}`);
  }
  return out;
}

/** Axes normalized to 0..rank-1, sorted, checked. */
export function normalizeAxes(axes: number | readonly number[] | undefined | null, rank: number, op: string): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank) throw new ShapeError(`${op}: axis ${a} is out of bounds for a tensor of rank ${rank}`);
    return n;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}
