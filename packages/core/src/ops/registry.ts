import { applyOp, formatShape, type Attrs, type Dim, type OpDef, type SymShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { Tensor, type DType } from '../tensor/tensor.js';

/** Every op by name: backends look lowerings up by these names; saved graphs resolve through it. */
export const opRegistry = new Map<string, OpDef<any>>();

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

// ---- Constant: a tensor baked into the graph ----
export const Constant = defineOp<{ value: Tensor }>({
  name: 'Constant',
  inputs: [],
  inferShape: (_, { value }) => [{ shape: [...value.shape], dtype: value.dtype }],
});
export const constant = (value: Tensor): Value => apply1(Constant, [], { value });
export const scalar = (v: number, dtype: DType = 'float32'): Value => constant(Tensor.scalar(v, dtype));

// ---- Cast ----
export const Cast = defineOp<{ to: DType }>({
  name: 'Cast',
  inputs: ['x'],
  inferShape: ([x], { to }) => [{ shape: x.shape, dtype: to }],
  grad: ({ inputs: [x], dys: [dy] }) => [x.dtype === 'float32' && dy ? dy : null],
});
export const cast = (x: Value, to: DType): Value => (x.dtype === to ? x : apply1(Cast, [x], { to }));
