import { ConfigError, ShapeError } from '../errors.js';
import { arrayTypeFor, sizeOf, Tensor } from './tensor.js';

/**
 * numpy's concatenate and stack on host tensors, for porting data preparation: joining
 * datasets, building a batch from samples (`stack(samples)`, numpy's np.stack / np.array(list)).
 */

function checkList(where: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ConfigError(`${where}: need a non-empty list of Tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ConfigError(`${where}: element ${i} is not a Tensor`);
    if (t.dtype !== tensors[0].dtype) throw new ConfigError(`${where}: element ${i} has dtype ${t.dtype}, element 0 has ${tensors[0].dtype}`);
  });
}

function normAxis(where: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new ShapeError(`${where}: axis ${axis} is out of bounds for ${rank} dimension(s)`);
  return a;
}

/** np.concatenate(tensors, axis): joined along an existing axis; the other dimensions must agree. */
export function concatenate(tensors: readonly Tensor[], axis = 0): Tensor {
  checkList('concatenate', tensors);
  const rank = tensors[0].rank;
  if (rank === 0) throw new ShapeError('concatenate: zero-dimensional tensors cannot be concatenated (use stack)');
  const a = normAxis('concatenate', axis, rank);
  tensors.forEach((t, i) => {
    if (t.rank !== rank || t.shape.some((d, j) => j !== a && d !== tensors[0].shape[j]))
      throw new ShapeError(`concatenate: all dimensions except axis ${a} must match; element 0 has shape [${tensors[0].shape.join(', ')}], element ${i} has [${t.shape.join(', ')}]`);
  });
  const shape = [...tensors[0].shape];
  shape[a] = tensors.reduce((n, t) => n + t.shape[a], 0);
  const out = new (arrayTypeFor(tensors[0].dtype))(sizeOf(shape));
  // Copy blocks: for each index of the axes before `a`, each tensor's contiguous slab in turn.
  const outer = sizeOf(shape.slice(0, a));
  const inner = sizeOf(shape.slice(a + 1));
  let offset = 0;
  for (let o = 0; o < outer; o++)
    for (const t of tensors) {
      const block = t.shape[a] * inner;
      out.set(t.data.subarray(o * block, (o + 1) * block), offset);
      offset += block;
    }
  return new Tensor(out, shape, tensors[0].dtype);
}

/** np.stack(tensors, axis): joined along a new axis; every shape must be the same. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkList('stack', tensors);
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.rank !== shape.length || t.shape.some((d, j) => d !== shape[j]))
      throw new ShapeError(`stack: all input arrays must have the same shape; element 0 has [${shape.join(', ')}], element ${i} has [${t.shape.join(', ')}]`);
  });
  const a = normAxis('stack', axis, shape.length + 1);
  const expanded = [...shape.slice(0, a), 1, ...shape.slice(a)];
  return concatenate(tensors.map((t) => t.reshape(expanded)), a);
}
