/**
 * NumPy's .npy and .npz files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
 * read and written (np.load, np.save, np.savez, np.savez_compressed).
 *
 * A .npy file is the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0), the header length,
 * a Python dict literal header ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), })
 * and the raw C-order data. A .npz file is a zip of .npy files, one per array.
 */
import { atomicWrite, ConfigError, DataError, Tensor, type DType, type TypedArray } from '@layerwise/core';
import { readBytes } from './files.js';
import { readZip, writeZip } from './zip.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Source = Uint8ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor
  | Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/**
 * numpy type code (kind + item size) → the array that reads it and the Tensor dtype it
 * becomes. Tensor has no 64-bit or 16-bit types: float64 narrows to float32, and integer
 * types become int32 (checked to fit, so labels saved as int64 load but 2**40 does not).
 */
const NPY_TYPES: Record<string, { source: Source; dtype: DType }> = {
  u1: { source: Uint8Array, dtype: 'uint8' },
  b1: { source: Uint8Array, dtype: 'bool' },
  i1: { source: Int8Array, dtype: 'int32' },
  i2: { source: Int16Array, dtype: 'int32' },
  u2: { source: Uint16Array, dtype: 'int32' },
  i4: { source: Int32Array, dtype: 'int32' },
  u4: { source: Uint32Array, dtype: 'int32' },
  i8: { source: BigInt64Array, dtype: 'int32' },
  u8: { source: BigUint64Array, dtype: 'int32' },
  f4: { source: Float32Array, dtype: 'float32' },
  f8: { source: Float64Array, dtype: 'float32' },
};

export interface NpyHeader {
  /** numpy dtype string, e.g. '<f4'. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the array data from the start of the file. */
  dataOffset: number;
  version: string;
}

/** Parses the header of a .npy file. `name` is named in errors. */
export function readNpyHeader(bytes: Uint8Array, name = 'npy data'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new DataError(`${name}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) throw new DataError(`${name}: unsupported .npy format version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Version 1.0 has a 2-byte header length; 2.0 and 3.0 (utf-8 header) have 4 bytes.
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new DataError(`${name}: truncated .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (bytes.length < dataOffset) throw new DataError(`${name}: truncated .npy header: needs ${dataOffset} bytes, found ${bytes.length}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataOffset));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new DataError(`${name}: unsupported .npy header ${header.trim()} (structured dtypes are not supported)`);
  // Python 2 wrote long integers with an L suffix: (60000L, 28L, 28L).
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${name}: bad shape (${shapeText}) in the .npy header`);
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset, version: `${major}.${minor}` };
}

/**
 * Reads a .npy file into a Tensor (see NPY_TYPES for the dtype each numpy type becomes).
 * uint8 and bool data are a view of `bytes` (no copy). `name` is named in errors.
 */
export function readNpy(bytes: Uint8Array, name = 'npy data'): Tensor {
  const { descr, fortranOrder, shape, dataOffset } = readNpyHeader(bytes, name);
  const order = descr[0];
  const type = NPY_TYPES[descr.slice(1)];
  if (!'<>|='.includes(order) || !type)
    throw new DataError(`${name}: unsupported dtype '${descr}'; supported: ${Object.keys(NPY_TYPES).join(', ')} (little- or big-endian)`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (fortranOrder && shape.filter((d) => d > 1).length > 1)
    throw new DataError(`${name}: Fortran-ordered arrays are not supported; save np.ascontiguousarray(a) instead`);
  const itemBytes = type.source.BYTES_PER_ELEMENT;
  const end = dataOffset + count * itemBytes;
  if (bytes.length !== end) {
    const problem = bytes.length < end ? 'truncated' : 'has trailing bytes';
    throw new DataError(`${name}: .npy data ${problem}: shape [${shape.join(', ')}] of '${descr}' needs ${end} bytes, found ${bytes.length}`);
  }

  // A plain Uint8Array view, not a Node Buffer (whose slice() does not copy).
  if (itemBytes === 1 && type.dtype !== 'int32') return new Tensor(new Uint8Array(bytes.buffer, bytes.byteOffset + dataOffset, count), shape, type.dtype);
  // A copy in a fresh, aligned buffer that the typed array can sit on. (Not bytes.slice():
  // on a Node Buffer that is a view.)
  const copy = new Uint8Array(bytes.subarray(dataOffset, end));
  const swap = order === '<' ? !HOST_LITTLE_ENDIAN : order === '>' ? HOST_LITTLE_ENDIAN : false;
  if (swap) for (let i = 0; i < copy.length; i += itemBytes) copy.subarray(i, i + itemBytes).reverse();
  const source = new type.source(copy.buffer, 0, count);
  return new Tensor(convert(source, type.dtype, name, descr), shape, type.dtype);
}

function convert(source: InstanceType<Source>, dtype: DType, name: string, descr: string): TypedArray {
  if (dtype === 'float32') return source instanceof Float32Array ? source : Float32Array.from(source as Float64Array);
  if (source instanceof Int32Array) return source;
  const out = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = Number(source[i]);
    if (v < -0x80000000 || v > 0x7fffffff)
      throw new DataError(`${name}: value ${source[i]} at flat index ${i} does not fit int32 (dtype '${descr}' is loaded as int32)`);
    out[i] = v;
  }
  return out;
}

/**
 * Reads a .npz archive: array name (the entry name without '.npy') → Tensor, like np.load.
 * Stored (np.savez) and deflated (np.savez_compressed) entries both work.
 */
export function readNpz(bytes: Uint8Array, name = 'npz data'): Record<string, Tensor> {
  const arrays: [string, Tensor][] = [];
  for (const [entry, data] of readZip(bytes, name)) {
    if (entry.endsWith('.npy')) arrays.push([entry.slice(0, -4), readNpy(data, `${name} (${entry})`)]);
  }
  return Object.fromEntries(arrays);
}

/** Reads a .npy file from disk. */
export function readNpyFile(path: string): Tensor {
  return readNpy(readBytes(path), path);
}

/** Reads a .npz file from disk. */
export function readNpzFile(path: string): Record<string, Tensor> {
  return readNpz(readBytes(path), path);
}

/** numpy's dtype strings for writing: Tensor dtype (or 'float64', widened from float32) → descr. */
const WRITE_DESCR: Record<string, string> = { float32: '<f4', float64: '<f8', int32: '<i4', uint8: '|u1', bool: '|b1' };

export interface EncodeNpyOptions {
  /**
   * The numpy dtype to write: the tensor's own (default: float32 → '<f4', int32 → '<i4',
   * uint8 → '|u1', bool → '|b1'), or 'float64' to write '<f8' (values widened).
   */
  dtype?: DType | 'float64';
}

/**
 * The header np.save writes (format 1.0): the dict with sorted keys, spare spaces for the
 * first axis to grow (numpy's GROWTH_AXIS_MAX_DIGITS = 21), padded with spaces and a
 * newline so the data starts at a multiple of 64 bytes.
 */
function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const hlen = dict.length + 1;
  const padlen = 64 - ((6 + 2 + 2 + hlen) % 64);
  let version = 1;
  let text = dict + ' '.repeat(padlen) + '\n';
  if (text.length > 0xffff) {
    // Format 2.0: a 4-byte header length (only for enormous headers).
    version = 2;
    const pad2 = 64 - ((6 + 2 + 4 + hlen) % 64);
    text = dict + ' '.repeat(pad2) + '\n';
  }
  const lengthBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length);
  out.set(MAGIC);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[8 + lengthBytes + i] = text.charCodeAt(i);
  return out;
}

/**
 * A tensor as the bytes of a .npy file, as np.save writes them (byte for byte for
 * float32, int32, uint8 and bool arrays): format 1.0, C order, little-endian.
 */
export function encodeNpy(tensor: Tensor, options: EncodeNpyOptions = {}): Uint8Array {
  const dtype = options.dtype ?? tensor.dtype;
  const descr = WRITE_DESCR[dtype];
  if (!descr) throw new ConfigError(`encodeNpy: cannot write dtype '${dtype}'; supported: ${Object.keys(WRITE_DESCR).join(', ')}`);
  const header = npyHeader(descr, tensor.shape);
  const src = tensor.data;
  let data: Uint8Array;
  if (dtype === 'float64') {
    const wide = Float64Array.from(src);
    data = new Uint8Array(wide.buffer);
  } else if (dtype !== tensor.dtype) {
    data = bytesOfArray(tensor.astype(dtype as DType).data);
  } else if (dtype === 'bool') {
    data = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = src[i] ? 1 : 0;
  } else {
    data = bytesOfArray(src);
  }
  const size = Number(descr.slice(2));
  if (!HOST_LITTLE_ENDIAN && size > 1) {
    data = data.slice();
    for (let i = 0; i < data.length; i += size) data.subarray(i, i + size).reverse();
  }
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

function bytesOfArray(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** np.save(path, tensor): writes a .npy file (temporary file + rename). */
export function writeNpy(path: string, tensor: Tensor, options: EncodeNpyOptions = {}): void {
  atomicWrite(path, encodeNpy(tensor, options));
}

export interface EncodeNpzOptions {
  /** Deflate the entries, like np.savez_compressed. Default false (np.savez: stored). */
  compress?: boolean;
  /** Per-array dtype overrides (e.g. { x: 'float64' }). */
  dtypes?: Record<string, DType | 'float64'>;
}

/** A .npz archive (a zip of .npy files named '<name>.npy') of the named tensors. */
export function encodeNpz(arrays: Record<string, Tensor>, options: EncodeNpzOptions = {}): Uint8Array {
  const entries = Object.entries(arrays).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new ConfigError(`encodeNpz: '${name}' is not a Tensor`);
    return { name: `${name}.npy`, data: encodeNpy(t, { dtype: options.dtypes?.[name] }) };
  });
  return writeZip(entries, { compress: options.compress ?? false });
}

/**
 * np.savez(path, **arrays) (or np.savez_compressed with { compress: true }): np.load reads
 * the result back as the same names. Written to a temporary file and renamed into place.
 */
export function writeNpz(path: string, arrays: Record<string, Tensor>, options: EncodeNpzOptions = {}): void {
  atomicWrite(path, encodeNpz(arrays, options));
}
