/**
 * A minimal zip reader: enough for .npz files (stored or deflated entries, ZIP64 as numpy
 * writes it). Entries are found through the central directory, which has the real sizes
 * even when a streaming writer left zeros or 0xFFFFFFFF in the local headers.
 */
import * as zlib from 'node:zlib';
import { DataError } from '@layerwise/core';

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;

/** True when the bytes start like a zip file ("PK\x03\x04", or "PK\x05\x06" for an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** The entries of a zip archive, name → uncompressed bytes, in archive order. */
export function readZip(bytes: Uint8Array, name: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new DataError(`${name}: not a readable zip archive: ${what}`);
  };
  const u16 = (o: number) => (o + 2 <= bytes.length ? view.getUint16(o, true) : fail('truncated'));
  const u32 = (o: number) => (o + 4 <= bytes.length ? view.getUint32(o, true) : fail('truncated'));
  const u64 = (o: number) => {
    const v = (o + 8 <= bytes.length ? view.getBigUint64(o, true) : fail('truncated')) as bigint;
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail('a ZIP64 size or offset is too large') : Number(v);
  };

  // The end-of-central-directory record sits in the last 22 + (up to 65535 comment) bytes.
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 0xffff); o--) {
    if (view.getUint32(o, true) === EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) fail(`no end-of-central-directory record (${bytes.length} bytes; a truncated download?)`);
  let count = u16(eocd + 10);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(locator) !== ZIP64_LOCATOR) fail('ZIP64 locator missing');
    const z64 = u64(locator + 8);
    if (u32(z64) !== ZIP64_EOCD) fail('ZIP64 end-of-central-directory record missing');
    count = u64(z64 + 32);
    cdOffset = u64(z64 + 48);
  }

  const entries = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(p) !== CENTRAL) fail(`central directory entry ${i} is damaged`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLength = u16(p + 28);
    const extraLength = u16(p + 30);
    const commentLength = u16(p + 32);
    let localOffset = u32(p + 42);
    const entryName = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));

    // ZIP64 extra field: 64-bit values for exactly those fields that hold 0xFFFFFFFF, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        const next = () => {
          const v = u64(f);
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    p += 46 + nameLength + extraLength + commentLength;

    if (flags & 1) fail(`entry '${entryName}' is encrypted`);
    if (u32(localOffset) !== LOCAL) fail(`local header of entry '${entryName}' is damaged`);
    const start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (start + compressedSize > bytes.length) fail(`entry '${entryName}' is truncated`);
    const stored = bytes.subarray(start, start + compressedSize);

    let data: Uint8Array;
    if (method === STORED) data = stored;
    else if (method === DEFLATE) {
      try {
        data = zlib.inflateRawSync(stored);
      } catch (err) {
        return fail(`entry '${entryName}' does not inflate (${(err as Error).message})`);
      }
    } else return fail(`entry '${entryName}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) fail(`entry '${entryName}' has ${data.length} bytes, the directory says ${size}`);
    // zlib.crc32 exists from Node 20.15 on; older Nodes skip the check.
    const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (crc32 && crc32(data) >>> 0 !== crc) fail(`entry '${entryName}' fails its CRC-32 check (corrupt data)`);
    entries.set(entryName, data);
  }
  return entries;
}
