import { ConfigError, ShapeError } from '../errors.js';

export type DType = 'float32' | 'int32' | 'uint8' | 'bool';
export type TypedArray = Float32Array | Int32Array | Uint8Array;
/** A static shape: every dimension known. */
export type Shape = readonly number[];

const ARRAY_TYPES = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array } as const;

export function arrayTypeFor(dtype: DType): Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor {
  const ctor = ARRAY_TYPES[dtype];
  if (!ctor) throw new ConfigError(`Unknown dtype '${dtype}'; expected one of ${Object.keys(ARRAY_TYPES).join(', ')}`);
  return ctor;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

type Nested = number | boolean | Nested[];

function flattenNested(value: Nested, shape: number[], out: number[], depth = 0): void {
  if (Array.isArray(value)) {
    if (shape.length === depth) shape.push(value.length);
    else if (shape[depth] !== value.length) throw new ShapeError(`Ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${value.length}`);
    for (const v of value) flattenNested(v, shape, out, depth + 1);
  } else {
    out.push(Number(value));
  }
}

/**
 * A host tensor: a shape, a dtype and a typed array in C order. This is what data
 * preparation works with (numpy's role); backends keep their own device values.
 */
export class Tensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: TypedArray;

  constructor(data: TypedArray, shape: Shape, dtype: DType = dtypeOf(data)) {
    const n = sizeOf(shape);
    if (data.length !== n) throw new ShapeError(`Tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${n}`);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`Invalid tensor shape [${shape.join(', ')}]`);
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
  }

  get size(): number {
    return this.data.length;
  }
  get rank(): number {
    return this.shape.length;
  }

  static zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    return new Tensor(new (arrayTypeFor(dtype))(sizeOf(shape)), shape, dtype);
  }
  static full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(shape, dtype);
    t.data.fill(value);
    return t;
  }
  static scalar(value: number, dtype: DType = 'float32'): Tensor {
    return Tensor.full([], value, dtype);
  }
  /** From a (nested) JS array, like np.array. */
  static from(values: Nested, dtype: DType = 'float32'): Tensor {
    const shape: number[] = [];
    const flat: number[] = [];
    flattenNested(values, shape, flat);
    return new Tensor(arrayTypeFor(dtype).from(flat), shape, dtype);
  }

  /** A view with a new shape (no copy). One dimension may be -1. */
  reshape(...dims: number[] | [number[]]): Tensor {
    const shape = (Array.isArray(dims[0]) ? dims[0] : dims) as number[];
    const known = shape.filter((d) => d !== -1);
    const unknown = shape.length - known.length;
    if (unknown > 1) throw new ShapeError(`reshape: only one dimension can be -1, got [${shape.join(', ')}]`);
    const knownSize = sizeOf(known);
    const resolved = shape.map((d) => (d === -1 ? this.size / knownSize : d));
    if (sizeOf(resolved) !== this.size || resolved.some((d) => !Number.isInteger(d)))
      throw new ShapeError(`cannot reshape array of size ${this.size} (shape [${this.shape.join(', ')}]) into shape [${shape.join(', ')}]`);
    return new Tensor(this.data, resolved, this.dtype);
  }

  /** A converted copy, like ndarray.astype. */
  astype(dtype: DType): Tensor {
    const out = new (arrayTypeFor(dtype))(this.size);
    if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = this.data[i] ? 1 : 0;
    else out.set(this.data);
    return new Tensor(out, this.shape, dtype);
  }

  /** Rows start..end along the first axis, as a view (no copy), like x[start:end]. */
  slice(start: number, end: number = this.shape[0]): Tensor {
    if (this.rank === 0) throw new ShapeError('slice: cannot slice a scalar');
    const n = this.shape[0];
    const s = Math.max(0, Math.min(n, start < 0 ? n + start : start));
    const e = Math.max(s, Math.min(n, end < 0 ? n + end : end));
    const row = this.size / (n || 1);
    return new Tensor(this.data.subarray(s * row, e * row), [e - s, ...this.shape.slice(1)], this.dtype);
  }

  /** One sample: row i along the first axis without that axis, as a view, like Python's x[i] (negative i counts from the end). */
  at(i: number): Tensor {
    if (this.rank === 0) throw new ShapeError('at: cannot index a scalar');
    const n = this.shape[0];
    if (!Number.isInteger(i) || i < -n || i >= n) throw new ShapeError(`at: index ${i} is out of bounds for axis 0 with size ${n}`);
    const r = i < 0 ? n + i : i;
    const row = this.size / n;
    return new Tensor(this.data.subarray(r * row, (r + 1) * row), this.shape.slice(1), this.dtype);
  }

  /** Rows picked by index along the first axis (a copy), like x[indices]. */
  take(indices: ArrayLike<number>): Tensor {
    const row = this.shape[0] ? this.size / this.shape[0] : 0;
    const out = new (arrayTypeFor(this.dtype))(indices.length * row);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      if (r < 0 || r >= this.shape[0]) throw new ShapeError(`take: index ${r} out of range for axis 0 of size ${this.shape[0]}`);
      out.set(this.data.subarray(r * row, (r + 1) * row), i * row);
    }
    return new Tensor(out, [indices.length, ...this.shape.slice(1)], this.dtype);
  }

  /** Element at a full index, like x[i, j]. */
  get(...index: number[]): number {
    if (index.length !== this.rank) throw new ShapeError(`get: expected ${this.rank} indices, got ${index.length}`);
    let flat = 0;
    for (let i = 0; i < index.length; i++) flat = flat * this.shape[i] + index[i];
    return this.data[flat];
  }

  private map(fn: (v: number) => number, dtype: DType = 'float32'): Tensor {
    const out = new (arrayTypeFor(dtype))(this.size);
    for (let i = 0; i < out.length; i++) out[i] = fn(this.data[i]);
    return new Tensor(out, this.shape, dtype);
  }
  /** Scalar arithmetic (float32 result), like x / 255. */
  div(s: number): Tensor {
    return this.map((v) => v / s);
  }
  mul(s: number): Tensor {
    return this.map((v) => v * s);
  }
  add(s: number): Tensor {
    return this.map((v) => v + s);
  }
  sub(s: number): Tensor {
    return this.map((v) => v - s);
  }

  /** Index of the largest value along the last axis (int32), like np.argmax(x, -1). */
  argMax(): Tensor {
    const k = this.shape[this.rank - 1];
    const rows = this.size / k;
    const out = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (this.data[r * k + j] > this.data[r * k + best]) best = j;
      out[r] = best;
    }
    return new Tensor(out, this.shape.slice(0, -1), 'int32');
  }

  /** A nested JS array, like ndarray.tolist(). */
  toArray(): Nested {
    const build = (dim: number, offset: number): Nested => {
      if (dim === this.rank) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype})`;
  }
}

/** np.array-like constructor: `tensor([[1, 2], [3, 4]])` or `tensor(float32Array, [2, 2])`. */
export function tensor(values: Nested | TypedArray, shape?: Shape, dtype?: DType): Tensor {
  if (ArrayBuffer.isView(values)) return new Tensor(values as TypedArray, shape ?? [values.length], dtype);
  const t = Tensor.from(values, dtype ?? 'float32');
  return shape ? t.reshape([...shape]) : t;
}

/** Class vector to one-hot matrix, like keras.utils.to_categorical. */
export function toCategorical(y: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  const labels = y instanceof Tensor ? y.data : y;
  const lead = y instanceof Tensor ? (y.rank > 1 && y.shape[y.rank - 1] === 1 ? y.shape.slice(0, -1) : y.shape) : [labels.length];
  let n = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) n = Math.max(n, labels[i] + 1);
  const out = new Float32Array(labels.length * n);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= n) throw new ConfigError(`toCategorical: label ${c} at index ${i} is outside [0, ${n - 1}] (numClasses=${n})`);
    out[i * n + c] = 1;
  }
  return new Tensor(out, [...lead, n], 'float32');
}
