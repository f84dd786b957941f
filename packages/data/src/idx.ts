/**
 * IDX files, the format MNIST and its relatives ship in (http://yann.lecun.com/exdb/mnist/):
 * a 4-byte magic number (0, 0, element type, number of dimensions), one big-endian uint32
 * per dimension, then the elements in C order, big-endian.
 */
import { DataError, Tensor, type DType } from '@layerwise/core';
import { gunzipHead, InflateLimitError, isGzip, maybeGunzip } from './gzip.js';
import { readBytes } from './files.js';

/** Magic of an IDX file of unsigned bytes with 3 dimensions: images [n, rows, cols]. */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic of an IDX file of unsigned bytes with 1 dimension: labels [n]. */
export const IDX_LABELS_MAGIC = 0x00000801;

interface IdxType {
  name: string;
  bytes: number;
  dtype: DType;
  read: (view: DataView, offset: number) => number;
}

// Wider or signed types do not fit uint8, so they come back as int32 / float32 (the dtypes
// Tensor has); float64 is narrowed to float32.
const IDX_TYPES: Record<number, IdxType> = {
  0x08: { name: 'unsigned byte', bytes: 1, dtype: 'uint8', read: (v, o) => v.getUint8(o) },
  0x09: { name: 'signed byte', bytes: 1, dtype: 'int32', read: (v, o) => v.getInt8(o) },
  0x0b: { name: 'short', bytes: 2, dtype: 'int32', read: (v, o) => v.getInt16(o) },
  0x0c: { name: 'int', bytes: 4, dtype: 'int32', read: (v, o) => v.getInt32(o) },
  0x0d: { name: 'float', bytes: 4, dtype: 'float32', read: (v, o) => v.getFloat32(o) },
  0x0e: { name: 'double', bytes: 8, dtype: 'float32', read: (v, o) => v.getFloat64(o) },
};

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export interface ParseIdxOptions {
  /** Reject any other magic number (e.g. IDX_IMAGES_MAGIC). */
  magic?: number;
  /** What the file should hold, for the error message ("images", "labels"). */
  what?: string;
}

/**
 * Parses IDX bytes (gzipped or not) into a Tensor. `name` (usually the file path) is named
 * in every error. Unsigned-byte data is returned as a view of the decoded bytes (no copy).
 */
export function parseIdx(bytes: Uint8Array, name: string, options: ParseIdxOptions = {}): Tensor {
  const what = options.what ?? 'data';
  // The header says how many bytes follow: a gzipped file is inflated up to that and no
  // further (a small file that inflates to gigabytes stops right past the promised size).
  const gz = isGzip(bytes);
  const head = gz ? gunzipHead(bytes, 4 + 4 * 255, name) : bytes;
  const { shape, type, headerBytes, expected } = parseHeader(head, name, options, what);
  if (gz && expected > MAX_BYTES)
    throw new DataError(`${name}: the IDX header says ${what} of shape [${shape.join(', ')}] (${type.name}), ${expected} bytes: more than can be held in memory here`);
  let raw: Uint8Array;
  try {
    raw = maybeGunzip(bytes, name, gz ? expected : undefined);
  } catch (err) {
    if (err instanceof InflateLimitError)
      throw new DataError(
        `${name}: IDX file has trailing bytes: the header says ${what} of shape [${shape.join(', ')}] (${type.name}), ` +
          `which needs ${expected} bytes, but the gzip data inflates to more (stopped after ${expected} bytes)`,
      );
    throw err;
  }
  if (raw.length !== expected) {
    const problem = raw.length < expected ? 'truncated' : 'has trailing bytes';
    throw new DataError(
      `${name}: IDX file ${problem}: the header says ${what} of shape [${shape.join(', ')}] (${type.name}), ` +
        `which needs ${expected} bytes, but found ${raw.length} bytes${raw === bytes ? '' : ' after gunzip'}`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = (expected - headerBytes) / type.bytes;

  if (type.dtype === 'uint8') return new Tensor(new Uint8Array(raw.buffer, raw.byteOffset + headerBytes, count), shape, 'uint8');
  const out = type.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = type.read(view, headerBytes + i * type.bytes);
  return new Tensor(out, shape, type.dtype);
}

/** Node's largest Buffer: the most a gzipped IDX file may inflate to. */
const MAX_BYTES = 2 ** 32 - 1;

/** The magic number, element type and shape from the first bytes of (uncompressed) IDX data. */
function parseHeader(raw: Uint8Array, name: string, options: ParseIdxOptions, what: string): { shape: number[]; type: IdxType; headerBytes: number; expected: number } {
  if (raw.length < 4) throw new DataError(`${name}: not an IDX file: ${raw.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (options.magic !== undefined && magic !== options.magic)
    throw new DataError(`${name}: not an IDX ${what} file: magic number ${hex(magic)}, expected ${hex(options.magic)}`);
  const type = IDX_TYPES[raw[2]];
  const ndim = raw[3];
  if (raw[0] !== 0 || raw[1] !== 0 || !type)
    throw new DataError(`${name}: not an IDX file: magic number ${hex(magic)} (expected 0x0000TTDD with a known element type TT)`);
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes)
    throw new DataError(`${name}: truncated IDX header: ${ndim} dimensions need a ${headerBytes}-byte header, found ${raw.length} bytes`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  return { shape, type, headerBytes, expected: headerBytes + count * type.bytes };
}

/** Reads an IDX file (gzipped or not) into a Tensor. */
export function readIdx(path: string, options: ParseIdxOptions = {}): Tensor {
  return parseIdx(readBytes(path), path, options);
}

/** Reads an IDX images file (magic 0x00000803): a uint8 Tensor [n, rows, cols]. */
export function readIdxImages(path: string): Tensor {
  return readIdx(path, { magic: IDX_IMAGES_MAGIC, what: 'images' });
}

/** Reads an IDX labels file (magic 0x00000801): a uint8 Tensor [n]. */
export function readIdxLabels(path: string): Tensor {
  return readIdx(path, { magic: IDX_LABELS_MAGIC, what: 'labels' });
}

/** Encodes a uint8 Tensor as (uncompressed) IDX bytes; gzip them with zlib for `.gz`. */
export function encodeIdx(t: Tensor): Uint8Array {
  if (t.dtype !== 'uint8') throw new DataError(`encodeIdx: only uint8 tensors can be written, got ${t.dtype}`);
  const out = new Uint8Array(4 + 4 * t.rank + t.size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | t.rank);
  t.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(t.data, 4 + 4 * t.rank);
  return out;
}
