/**
 * Reading and writing numeric datasets in pieces of a few MiB, so a 400 MB kernel never sits
 * in WebAssembly memory whole: each piece goes from HDF5 into a small reused WebAssembly
 * buffer and from there straight into the typed array the weight will use (one copy).
 */
import { WeightsError } from '../../errors.js';
import type { DType, TypedArray } from '../../tensor/tensor.js';
import type { H5File } from './file.js';

/** Elements per piece: 1 Mi (4 MiB of float32). */
export const PIECE_ELEMENTS = 1 << 20;

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

export interface DatasetInfo {
  shape: number[];
  /** 'float32', 'float64', 'int8', 'uint16', …: what the file stores. */
  storedAs: string;
}

interface Metadata {
  shape: number[] | null;
  type: number;
  size: number;
  signed: boolean;
}

function storedAs(m: Metadata): string {
  if (m.type === H5T_FLOAT && [2, 4, 8].includes(m.size)) return `float${m.size * 8}`;
  if (m.type === H5T_INTEGER && [1, 2, 4, 8].includes(m.size)) return `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
  return `an unsupported HDF5 type (class ${m.type}, ${m.size} bytes)`;
}

function metadata(f: H5File, path: string): Metadata {
  return f.call(`read dataset '${path}'`, () => f.Module.get_dataset_metadata(f.fileId, path) as Metadata);
}

export function datasetInfo(f: H5File, path: string): DatasetInfo {
  const m = metadata(f, path);
  return { shape: m.shape ?? [], storedAs: storedAs(m) };
}

/** One hyperslab: where it sits in the dataset, and which flat range of the C-ordered array it covers. */
export interface Piece {
  offset: number[];
  count: number[];
  start: number;
  length: number;
}

/**
 * Hyperslabs covering an array of `shape` in C order, each at most `maxElements` elements
 * (or one element row of the innermost axis that still fits): slices along the outermost
 * axis whose trailing block fits, one index at a time on the axes before it.
 */
export function* pieces(shape: number[], maxElements = PIECE_ELEMENTS): Generator<Piece> {
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  if (shape.length === 0) {
    yield { offset: [], count: [], start: 0, length: 1 };
    return;
  }
  const suffix = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const axis = suffix.findIndex((s) => s <= maxElements);
  const block = Math.max(1, Math.floor(maxElements / suffix[axis]));
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    // The outer index o as coordinates on the axes before `axis`.
    const coords: number[] = [];
    for (let k = axis - 1, rest = o; k >= 0; k--) {
      coords[k] = rest % shape[k];
      rest = Math.floor(rest / shape[k]);
    }
    for (let s = 0; s < shape[axis]; s += block) {
      const n = Math.min(block, shape[axis] - s);
      yield {
        offset: [...coords, s, ...shape.slice(axis + 1).map(() => 0)],
        count: [...coords.map(() => 1), n, ...shape.slice(axis + 1)],
        start: (o * shape[axis] + s) * suffix[axis],
        length: n * suffix[axis],
      };
    }
  }
}

const big = (xs: number[]) => xs.map(BigInt);

/** IEEE half → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Copy `n` stored values at `ptr` (WebAssembly memory) into target[start…], converting to the target's type. */
function copyOut(heap: ArrayBuffer, ptr: number, n: number, m: Metadata, target: TypedArray, start: number): void {
  const kind = storedAs(m);
  const views: Record<string, () => ArrayLike<number>> = {
    float32: () => new Float32Array(heap, ptr, n),
    float64: () => new Float64Array(heap, ptr, n),
    int8: () => new Int8Array(heap, ptr, n),
    uint8: () => new Uint8Array(heap, ptr, n),
    int16: () => new Int16Array(heap, ptr, n),
    uint16: () => new Uint16Array(heap, ptr, n),
    int32: () => new Int32Array(heap, ptr, n),
    uint32: () => new Uint32Array(heap, ptr, n),
  };
  if (views[kind]) {
    target.set(views[kind](), start);
  } else if (kind === 'float16') {
    const src = new Uint16Array(heap, ptr, n);
    for (let i = 0; i < n; i++) target[start + i] = halfToFloat(src[i]);
  } else if (kind === 'int64' || kind === 'uint64') {
    const src = kind === 'int64' ? new BigInt64Array(heap, ptr, n) : new BigUint64Array(heap, ptr, n);
    for (let i = 0; i < n; i++) target[start + i] = Number(src[i]);
  } else throw new Error(`it holds ${kind}`);
}

/**
 * Read the whole dataset at `path` into `target` (whose length must be the dataset's size),
 * piece by piece through one small WebAssembly buffer.
 */
export function readInto(f: H5File, path: string, target: TypedArray, pieceElements = PIECE_ELEMENTS): void {
  const m = metadata(f, path);
  const shape = m.shape ?? [];
  const total = shape.reduce((a, b) => a * b, 1);
  if (target.length !== total) throw new WeightsError(`Cannot read '${path}' of '${f.path}' (${total} values) into an array of ${target.length}`);
  const plan = [...pieces(shape, pieceElements)];
  const largest = Math.max(0, ...plan.map((p) => p.length));
  if (largest === 0) return;
  const ptr = f.Module._malloc(largest * m.size);
  if (ptr === 0) throw new WeightsError(`Cannot read '${path}' from '${f.path}': out of WebAssembly memory for a ${largest * m.size}-byte buffer`);
  try {
    for (const p of plan) {
      f.call(`read dataset '${path}'`, () =>
        shape.length === 0
          ? f.Module.get_dataset_data(f.fileId, path, null, null, null, BigInt(ptr))
          : f.Module.get_dataset_data(f.fileId, path, big(p.count), big(p.offset), big(p.count.map(() => 1)), BigInt(ptr)),
      );
      try {
        copyOut(f.Module.HEAPU8.buffer as ArrayBuffer, ptr, p.length, m, target, p.start);
      } catch (err) {
        throw new WeightsError(`Cannot read dataset '${path}' of '${f.path}': ${(err as Error).message}`);
      }
    }
  } finally {
    f.Module._free(ptr);
  }
}

const WRITE_TYPES: Partial<Record<DType, { type: number; size: number; signed: boolean }>> = {
  float32: { type: H5T_FLOAT, size: 4, signed: false },
  int32: { type: H5T_INTEGER, size: 4, signed: true },
  uint8: { type: H5T_INTEGER, size: 1, signed: false },
  bool: { type: H5T_INTEGER, size: 1, signed: false },
};

/**
 * Write `data` (C order, `shape`) as a new dataset at `path`. Arrays up to one piece are
 * written whole (contiguous layout, as h5py does); larger ones are created empty with a
 * chunked layout whose chunks are the pieces, then filled piece by piece.
 */
export function writeDataset(f: H5File, path: string, data: TypedArray, shape: number[], dtype: DType, pieceElements = PIECE_ELEMENTS): void {
  const t = WRITE_TYPES[dtype];
  if (!t) throw new WeightsError(`Cannot write '${path}' to '${f.path}': dtype ${dtype} has no HDF5 mapping`);
  const plan = [...pieces(shape, pieceElements)];
  const whole = plan.length <= 1;
  const base = { ...t, vlen: false, littleEndian: true, compression: 0, compression_opts: [], track_order: false };
  const meta = whole
    ? { ...base, total_size: data.length, shape: big(shape), maxshape: big(shape), chunks: null }
    : { ...base, total_size: 0, shape: big([0, ...shape.slice(1)]), maxshape: big(shape), chunks: big(plan[0].count) };
  const bytes = Math.max(1, ...plan.map((p) => p.length)) * t.size;
  const ptr = f.Module._malloc(bytes);
  if (ptr === 0) throw new WeightsError(`Cannot write '${path}' to '${f.path}': out of WebAssembly memory for a ${bytes}-byte buffer`);
  const stage = (p: Piece) => {
    const src = data.subarray(p.start, p.start + p.length);
    new Uint8Array(f.Module.HEAPU8.buffer, ptr, p.length * t.size).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  };
  try {
    if (whole) {
      if (plan.length) stage(plan[0]);
      f.call(`write dataset '${path}'`, () => f.Module.create_dataset(f.fileId, path, BigInt(ptr), meta as never));
      return;
    }
    f.call(`create dataset '${path}'`, () => {
      f.Module.create_dataset(f.fileId, path, BigInt(ptr), meta as never);
      f.Module.resize_dataset(f.fileId, path, big(shape));
    });
    for (const p of plan) {
      stage(p);
      f.call(`write dataset '${path}'`, () => f.Module.set_dataset_data(f.fileId, path, big(p.count), big(p.offset), big(p.count.map(() => 1)), BigInt(ptr)));
    }
  } finally {
    f.Module._free(ptr);
  }
}
