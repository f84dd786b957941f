/**
 * A minimal zip reader and writer: enough for Keras' .keras archives and numpy's .npz files
 * (stored or deflated entries, ZIP64 as numpy writes it). Entries are found through the
 * central directory, which has the real sizes even when a streaming writer left zeros or
 * 0xFFFFFFFF in the local headers.
 *
 * Hostile archives (zip bombs, lying directories) are refused before memory is allocated:
 * a declared size beyond what deflate can produce from the stored bytes (at most 1032:1),
 * or beyond the caller's total, fails first; inflating stops at the declared size.
 */
import * as zlib from 'node:zlib';
import { DataError } from '../errors.js';
import { crc32 } from './crc32.js';

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;
/** Node's largest Buffer. */
const MAX_ENTRY = 2 ** 32 - 1;

/** True when the bytes start like a zip file ("PK\x03\x04", or "PK\x05\x06" for an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Deflate's best ratio is 1032:1: a directory entry claiming more than this lies (or is a bomb). */
const MAX_DEFLATE_RATIO = 1032;

export interface ReadZipOptions {
  /** Only these entries are inflated (the others are skipped unread); default all. */
  only?: (entryName: string) => boolean;
  /** The most bytes all inflated entries may add up to; default 2^33 (8 GiB). */
  maxTotalBytes?: number;
  /** The most bytes one entry may inflate to (by name); default no limit but the total. */
  maxEntryBytes?: (entryName: string) => number;
  /** The highest inflated : stored ratio accepted (default 1032, deflate's best: only lies are refused). */
  maxRatio?: number;
}

/** The entries of a zip archive, name → uncompressed bytes, in archive order. */
export function readZip(bytes: Uint8Array, name: string, options: ReadZipOptions = {}): Map<string, Uint8Array> {
  const maxTotal = options.maxTotalBytes ?? 2 ** 33;
  let total = 0;
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

    if (options.only && !options.only(entryName)) continue;
    if (entryName === '__proto__') fail(`entry name '__proto__' is not allowed`);
    if (flags & 1) fail(`entry '${entryName}' is encrypted`);
    const ratio = options.maxRatio ?? MAX_DEFLATE_RATIO;
    if (method === DEFLATE && size > compressedSize * ratio + 1024)
      fail(`entry '${entryName}' declares ${size} bytes from ${compressedSize} compressed (more than ${ratio}:1): a zip bomb or a damaged directory`);
    const entryCap = options.maxEntryBytes?.(entryName) ?? Infinity;
    if (size > entryCap) fail(`entry '${entryName}' declares ${size} bytes, more than the ${entryCap} allowed for it`);
    if (method === STORED && size !== compressedSize) fail(`stored entry '${entryName}' declares ${size} bytes but holds ${compressedSize}`);
    total += size;
    if (total > maxTotal) fail(`its entries inflate to more than ${maxTotal} bytes in total (stopped before '${entryName}')`);
    if (u32(localOffset) !== LOCAL) fail(`local header of entry '${entryName}' is damaged`);
    const start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (start + compressedSize > bytes.length) fail(`entry '${entryName}' is truncated`);
    const stored = bytes.subarray(start, start + compressedSize);

    let data: Uint8Array;
    if (method === STORED) data = stored;
    else if (method === DEFLATE) {
      // Inflating stops at the size the directory declares: an entry that inflates to more
      // (a bomb, or a lying directory) is refused there, not after gigabytes.
      if (size > MAX_ENTRY) fail(`entry '${entryName}' declares ${size} bytes, more than can be held in memory here`);
      try {
        data = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(1, size) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          return fail(`entry '${entryName}' inflates to more than the ${size} bytes its directory entry declares (stopped there)`);
        return fail(`entry '${entryName}' does not inflate (${(err as Error).message})`);
      }
    } else return fail(`entry '${entryName}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) fail(`entry '${entryName}' has ${data.length} bytes, the directory says ${size}`);
    if (crc32(data) !== crc) fail(`entry '${entryName}' fails its CRC-32 check (corrupt data)`);
    entries.set(entryName, data);
  }
  return entries;
}

/**
 * A zip archive of the entries, each stored or deflated, as np.savez / np.savez_compressed
 * write them (numpy reads it with Python's zipfile). ZIP64 fields are written only where a
 * size or offset needs them. Entry times are fixed (1980-01-01) so the output is reproducible.
 */
export function writeZip(entries: { name: string; data: Uint8Array }[], options: { compress?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const MAX32 = 0xffffffff;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const { name, data } of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const body = options.compress ? new Uint8Array(zlib.deflateRawSync(data)) : data;
    const method = options.compress ? DEFLATE : STORED;
    const crc = crc32(data);
    const big = data.length >= MAX32 || body.length >= MAX32 || offset >= MAX32;
    const version = big ? 45 : 20;
    // Local header: with ZIP64 sizes when needed.
    const localExtra = big ? 20 : 0;
    const local = new Uint8Array(30 + nameBytes.length + localExtra);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    lv.setUint16(4, version, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, big ? MAX32 : body.length, true);
    lv.setUint32(22, big ? MAX32 : data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, localExtra, true);
    local.set(nameBytes, 30);
    if (big) {
      const e = 30 + nameBytes.length;
      lv.setUint16(e, 0x0001, true);
      lv.setUint16(e + 2, 16, true);
      lv.setBigUint64(e + 4, BigInt(data.length), true);
      lv.setBigUint64(e + 12, BigInt(body.length), true);
    }
    // Central directory entry.
    const centralExtra = big ? 28 : 0;
    const c = new Uint8Array(46 + nameBytes.length + centralExtra);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, CENTRAL, true);
    cv.setUint16(4, version, true);
    cv.setUint16(6, version, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, big ? MAX32 : body.length, true);
    cv.setUint32(24, big ? MAX32 : data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint16(30, centralExtra, true);
    cv.setUint32(42, big ? MAX32 : offset, true);
    c.set(nameBytes, 46);
    if (big) {
      const e = 46 + nameBytes.length;
      cv.setUint16(e, 0x0001, true);
      cv.setUint16(e + 2, 24, true);
      cv.setBigUint64(e + 4, BigInt(data.length), true);
      cv.setBigUint64(e + 12, BigInt(body.length), true);
      cv.setBigUint64(e + 20, BigInt(offset), true);
    }
    parts.push(local, body);
    central.push(c);
    offset += local.length + body.length;
  }
  const cdOffset = offset;
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const needZip64 = cdOffset >= MAX32 || entries.length >= 0xffff;
  const tail: Uint8Array[] = [];
  if (needZip64) {
    const z = new Uint8Array(56 + 20);
    const zv = new DataView(z.buffer);
    zv.setUint32(0, ZIP64_EOCD, true);
    zv.setBigUint64(4, 44n, true);
    zv.setUint16(12, 45, true);
    zv.setUint16(14, 45, true);
    zv.setBigUint64(24, BigInt(entries.length), true);
    zv.setBigUint64(32, BigInt(entries.length), true);
    zv.setBigUint64(40, BigInt(cdSize), true);
    zv.setBigUint64(48, BigInt(cdOffset), true);
    zv.setUint32(56, ZIP64_LOCATOR, true);
    zv.setBigUint64(64, BigInt(cdOffset + cdSize), true);
    zv.setUint32(72, 1, true);
    tail.push(z);
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, EOCD, true);
  ev.setUint16(8, needZip64 ? 0xffff : entries.length, true);
  ev.setUint16(10, needZip64 ? 0xffff : entries.length, true);
  ev.setUint32(12, needZip64 ? MAX32 : cdSize, true);
  ev.setUint32(16, needZip64 ? MAX32 : cdOffset, true);
  tail.push(eocd);
  const all = [...parts, ...central, ...tail];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
