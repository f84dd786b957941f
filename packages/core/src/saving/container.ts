import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { WeightsError } from '../errors.js';
import { arrayTypeFor, Tensor, type DType } from '../tensor/tensor.js';
import { removeStaleTemps, tempPathFor } from './atomic.js';

/**
 * The Layerwise file: a JSON header (architecture, training config, a manifest of arrays)
 * followed by the raw little-endian array bytes. Plain data only: loading never runs code.
 *
 *   "LAYERWISE\0" | u32 version | u32 header bytes | header JSON | pad to 8 | array bytes
 */
const MAGIC = new TextEncoder().encode('LAYERWISE\0');
const VERSION = 1;

export interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
  byteLength: number;
}

export interface Container<H> {
  header: H;
  arrays: Map<string, Tensor>;
}

export function writeContainer(path: string, header: Record<string, unknown>, arrays: [string, Tensor][]): void {
  const manifest: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, t] of arrays) {
    manifest.push({ name, shape: t.shape, dtype: t.dtype, offset, byteLength: t.data.byteLength });
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

export function readContainer<H>(path: string): Container<H> {
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
  if (headerEnd > bytes.length) throw bad('truncated header');
  let header: H & { arrays: ArrayEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 8, headerEnd)));
  } catch {
    throw bad('corrupt header');
  }
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const arrays = new Map<string, Tensor>();
  for (const e of header.arrays) {
    const start = dataStart + e.offset;
    if (start + e.byteLength > bytes.length) throw bad(`truncated: array '${e.name}' runs past the end of the file`);
    const ctor = arrayTypeFor(e.dtype);
    // Copy into an aligned buffer (the file buffer may not be aligned for Float32Array).
    const buf = new Uint8Array(e.byteLength);
    buf.set(bytes.subarray(start, start + e.byteLength));
    arrays.set(e.name, new Tensor(new ctor(buf.buffer), e.shape, e.dtype));
  }
  return { header, arrays };
}
