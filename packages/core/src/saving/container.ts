import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { WeightsError } from '../errors.js';
import { arrayTypeFor, Tensor, type DType } from '../tensor/tensor.js';
import { removeStaleTemps, tempPathFor } from './atomic.js';
import { crc32 } from './crc32.js';
import { describe, isCount, isObject } from './fields.js';

/**
 * The Layerwise file: a JSON header (architecture, training config, a manifest of arrays)
 * followed by the raw little-endian array bytes. Plain data only: loading never runs code.
 *
 *   "LAYERWISE\0" | u32 version | u32 header bytes | header JSON | pad to 8 | array bytes
 *
 * Each manifest entry carries the CRC-32 of its bytes (`crc32`, since 0.1.x; files without
 * it still load). Reading validates the whole manifest — names, dtypes, shapes, sizes,
 * offsets inside the file and not overlapping, checksums — before anything is allocated.
 */
const MAGIC = new TextEncoder().encode('LAYERWISE\0');
const VERSION = 1;

export interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
  byteLength: number;
  /** CRC-32 of the array's bytes (absent in files written before it was added). */
  crc32?: number;
}

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4, uint8: 1, bool: 1 };
const MAX_RANK = 32;

export interface Container<H> {
  header: H;
  arrays: Map<string, Tensor>;
}

export function writeContainer(path: string, header: Record<string, unknown>, arrays: [string, Tensor][]): void {
  const manifest: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, t] of arrays) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    manifest.push({ name, shape: t.shape, dtype: t.dtype, offset, byteLength: t.data.byteLength, crc32: crc32(bytes) });
    offset += Math.ceil(t.data.byteLength / 8) * 8;
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...header, arrays: manifest }));
  const headerEnd = MAGIC.length + 8 + json.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(MAGIC.length, VERSION, true);
  dv.setUint32(MAGIC.length + 4, json.length, true);
  out.set(json, MAGIC.length + 8);
  arrays.forEach(([, t], i) => out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), dataStart + manifest[i].offset));
  atomicWrite(path, out);
}

/** Write to a temporary file beside the target, then rename: a crash never leaves half a file. */
export function atomicWrite(path: string, bytes: Uint8Array | string): void {
  removeStaleTemps(path);
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    throw e;
  }
}

/** A file whose header and manifest are validated and whose checksums match; no array is copied yet. */
export interface OpenedContainer {
  path: string;
  header: Record<string, unknown>;
  entries: ArrayEntry[];
  bytes: Uint8Array;
  dataStart: number;
}

/**
 * Reads and validates a file: magic, version, header JSON (an object), every manifest entry
 * (see validateEntries) and the checksums. Allocates nothing but the file's own bytes;
 * `readArrays` then copies the arrays out. Errors are WeightsErrors naming the file and field.
 */
export function openContainer(path: string): OpenedContainer {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new WeightsError(`Cannot read model file '${path}': ${(e as Error).message}`);
  }
  const bad = (why: string) => new WeightsError(`'${path}' is not a readable Layerwise model/weights file: ${why}`);
  if (bytes.length < MAGIC.length + 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('wrong magic bytes (not written by model.save / saveWeights)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(MAGIC.length, true);
  if (version > VERSION) throw bad(`format version ${version} is newer than this Layerwise reads (${VERSION}); upgrade @layerwise/core`);
  const jsonLength = dv.getUint32(MAGIC.length + 4, true);
  const headerEnd = MAGIC.length + 8 + jsonLength;
  if (headerEnd > bytes.length) throw bad(`truncated header (${jsonLength} bytes of header announced, ${bytes.length - MAGIC.length - 8} in the file)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(MAGIC.length + 8, headerEnd)));
  } catch (e) {
    throw bad(`corrupt header (${(e as Error).message})`);
  }
  if (!isObject(header)) throw bad(`header: expected an object, got ${describe(header)}`);
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const entries = validateEntries(header.arrays, bytes.length - dataStart, bad);
  for (const [i, e] of entries.entries()) {
    if (e.crc32 === undefined) continue;
    const start = dataStart + e.offset;
    if (crc32(bytes.subarray(start, start + e.byteLength)) !== e.crc32)
      throw bad(`array '${e.name}' (header.arrays[${i}]) fails its CRC-32 check: the file is corrupt`);
  }
  return { path, header, entries, bytes, dataStart };
}

/**
 * The manifest, checked entry by entry against the `available` bytes after the header:
 * unique names, known dtypes, shapes of whole numbers, byteLength = the shape's size,
 * offsets ≥ 0, every array inside the file and no two overlapping (so the arrays together
 * never take more memory than the file). Nothing is allocated from the claims.
 */
function validateEntries(arrays: unknown, available: number, bad: (why: string) => WeightsError): ArrayEntry[] {
  if (!Array.isArray(arrays)) throw bad(`header.arrays: expected a list of arrays, got ${describe(arrays)}`);
  const names = new Set<string>();
  const entries: ArrayEntry[] = [];
  arrays.forEach((e: unknown, i) => {
    const field = `header.arrays[${i}]`;
    if (!isObject(e)) throw bad(`${field}: expected an object, got ${describe(e)}`);
    const { name, shape, dtype, offset, byteLength } = e;
    if (typeof name !== 'string' || name === '') throw bad(`${field}.name: expected a name, got ${describe(name)}`);
    if (names.has(name)) throw bad(`${field}.name: '${name}' appears twice`);
    names.add(name);
    if (typeof dtype !== 'string' || !(dtype in BYTES_PER_ELEMENT)) throw bad(`${field}.dtype: expected one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}, got ${describe(dtype)}`);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount)) throw bad(`${field}.shape: expected a list of at most ${MAX_RANK} sizes (whole numbers ≥ 0), got ${describe(shape)}`);
    const need = (shape as number[]).reduce((n, d) => n * d, BYTES_PER_ELEMENT[dtype as DType]);
    if (!isCount(byteLength) || byteLength !== need) throw bad(`${field}.byteLength: ${describe(byteLength)}, but shape [${shape.join(', ')}] of ${dtype} takes ${need} bytes`);
    if (!isCount(offset)) throw bad(`${field}.offset: expected a whole number ≥ 0, got ${describe(offset)}`);
    if (offset + byteLength > available) throw bad(`truncated: array '${name}' (${field}) runs past the end of the file (bytes ${offset}–${offset + byteLength} of the data, ${available} in the file)`);
    if (e.crc32 !== undefined && !(isCount(e.crc32) && e.crc32 <= 0xffffffff)) throw bad(`${field}.crc32: expected a 32-bit checksum, got ${describe(e.crc32)}`);
    entries.push({ name, shape: shape as number[], dtype: dtype as DType, offset, byteLength, crc32: e.crc32 as number | undefined });
  });
  const byOffset = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset - b.e.offset);
  for (let k = 1; k < byOffset.length; k++) {
    const prev = byOffset[k - 1];
    if (prev.e.offset + prev.e.byteLength > byOffset[k].e.offset)
      throw bad(`header.arrays[${byOffset[k].i}].offset: array '${byOffset[k].e.name}' overlaps array '${prev.e.name}' (header.arrays[${prev.i}])`);
  }
  return entries;
}

/** The arrays of an opened file, each copied into its own aligned buffer. */
export function readArrays(c: OpenedContainer): Map<string, Tensor> {
  const arrays = new Map<string, Tensor>();
  for (const e of c.entries) {
    const start = c.dataStart + e.offset;
    const ctor = arrayTypeFor(e.dtype);
    // Copy into an aligned buffer (the file buffer may not be aligned for Float32Array).
    const buf = new Uint8Array(e.byteLength);
    buf.set(c.bytes.subarray(start, start + e.byteLength));
    arrays.set(e.name, new Tensor(new ctor(buf.buffer), e.shape, e.dtype));
  }
  return arrays;
}

export function readContainer<H>(path: string): Container<H> {
  const c = openContainer(path);
  return { header: c.header as H, arrays: readArrays(c) };
}
