/**
 * Taking Layerwise model files apart and putting them back (the container of
 * packages/core/src/saving/container.ts), to make lying and damaged files: the header is
 * rewritten and the array bytes kept, so only what the test changes is wrong.
 */
const MAGIC = new TextEncoder().encode('LAYERWISE\0');

export interface RawModelFile {
  version: number;
  header: Record<string, unknown>;
  /** The array bytes (after the header and its padding). */
  data: Uint8Array;
}

export function splitModelFile(bytes: Uint8Array): RawModelFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(MAGIC.length, true);
  const jsonLength = dv.getUint32(MAGIC.length + 4, true);
  const headerEnd = MAGIC.length + 8 + jsonLength;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 8, headerEnd)));
  return { version, header, data: new Uint8Array(bytes.subarray(Math.ceil(headerEnd / 8) * 8)) }; // a copy (Buffer's slice is a view)
}

/** A file from a header (any JSON value, or raw text) and array bytes. */
export function joinModelFile(header: unknown, data: Uint8Array, version = 1): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const headerEnd = MAGIC.length + 8 + json.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const out = new Uint8Array(dataStart + data.length);
  out.set(MAGIC);
  const dv = new DataView(out.buffer);
  dv.setUint32(MAGIC.length, version, true);
  dv.setUint32(MAGIC.length + 4, json.length, true);
  out.set(json, MAGIC.length + 8);
  out.set(data, dataStart);
  return out;
}

/** The file with its header changed by `edit` (which may mutate and return it, or return anything else). */
export function editModelFile(bytes: Uint8Array, edit: (header: Record<string, unknown>) => unknown): Uint8Array {
  const raw = splitModelFile(bytes);
  const header = JSON.parse(JSON.stringify(raw.header)) as Record<string, unknown>;
  const edited = edit(header);
  return joinModelFile(edited === undefined ? header : edited, raw.data, raw.version);
}
