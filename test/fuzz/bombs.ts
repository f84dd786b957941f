/**
 * Decompression bombs and lying containers (issue 16 item 2), built in memory in a few
 * milliseconds: deflate streams of n zero bytes are one compressed 1 MiB chunk repeated
 * (each chunk is a non-final deflate block ending in a sync flush, so copies concatenate),
 * so a 1 GiB bomb costs ~1 MB to build. Used by the regression tests and
 * measure-bombs.ts (the before/after RSS and time figures).
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

const CHUNK = 1 << 20;
let chunkDeflated: Buffer | undefined;

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Raw deflate data that inflates to `n` zero bytes (after `prefix`, stored as is). */
export function deflateZerosRaw(n: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  chunkDeflated ??= deflateRawSync(Buffer.alloc(CHUNK), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Uint8Array[] = [];
  if (prefix.length) parts.push(deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH }));
  for (let i = 0; i < Math.floor(n / CHUNK); i++) parts.push(chunkDeflated);
  if (n % CHUNK) parts.push(deflateRawSync(Buffer.alloc(n % CHUNK), { finishFlush: constants.Z_SYNC_FLUSH }));
  parts.push(deflateRawSync(Buffer.alloc(0))); // the final (empty) block
  return concat(parts);
}

// zlib's crc32_combine (GF(2) matrices): the CRC of A‖B from crc(A), crc(B) and len(B), so
// the CRC of gigabytes of zeros costs microseconds rather than a pass over them.
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i];
  return sum >>> 0;
}
function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]);
}
function crc32Combine(crc1: number, crc2: number, len2: number): number {
  if (len2 <= 0) return crc1;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row *= 2) odd[n] = row;
  gf2Square(even, odd);
  gf2Square(odd, even);
  for (;;) {
    gf2Square(even, odd);
    if (len2 % 2) crc1 = gf2Times(even, crc1);
    len2 = Math.floor(len2 / 2);
    if (!len2) break;
    gf2Square(odd, even);
    if (len2 % 2) crc1 = gf2Times(odd, crc1);
    len2 = Math.floor(len2 / 2);
    if (!len2) break;
  }
  return (crc1 ^ crc2) >>> 0;
}
const zeroCrcs = new Map<number, number>();
function crc32OfZeros(n: number): number {
  if (n <= CHUNK) return crc32(Buffer.alloc(n)) >>> 0;
  let c = zeroCrcs.get(n);
  if (c === undefined) {
    const a = Math.floor(n / 2);
    c = crc32Combine(crc32OfZeros(a), crc32OfZeros(n - a), n - a);
    zeroCrcs.set(n, c);
  }
  return c;
}

function zerosChecksum(n: number, prefix: Uint8Array, kind: 'crc32' | 'adler32'): number {
  if (kind === 'adler32') {
    let a = 1;
    let b = 0;
    for (const v of prefix) {
      a = (a + v) % 65521;
      b = (b + a) % 65521;
    }
    // n zeros add a to b n times.
    b = (b + ((a * (n % 65521)) % 65521)) % 65521;
    return ((b << 16) | a) >>> 0;
  }
  return crc32Combine(crc32(prefix) >>> 0, crc32OfZeros(n), n);
}

/** A gzip file of `prefix` then `n` zero bytes (checksums right: a real file, not a damaged one). */
export function gzipZeros(n: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  const trailer = new Uint8Array(8);
  const v = new DataView(trailer.buffer);
  v.setUint32(0, zerosChecksum(n, prefix, 'crc32'), true);
  v.setUint32(4, (prefix.length + n) >>> 0, true);
  return concat([header, deflateZerosRaw(n, prefix), trailer]);
}

/** A zlib stream of `n` zero bytes. */
export function zlibZeros(n: number): Uint8Array {
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, zerosChecksum(n, new Uint8Array(0), 'adler32'));
  return concat([Uint8Array.from([0x78, 0xda]), deflateZerosRaw(n), trailer]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  const td = concat([new TextEncoder().encode(type), data]);
  out.set(td, 4);
  v.setUint32(8 + data.length, crc32(td) >>> 0);
  return out;
}

/** An 8-bit grayscale PNG of `width`×`height` whose IDAT inflates to `inflated` zero bytes (default: exactly the image). */
export function pngBomb(width: number, height: number, inflated = (width + 1) * height): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return concat([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlibZeros(inflated)), pngChunk('IEND', new Uint8Array(0))]);
}

/** A small baseline JPEG whose SOF claims `width`×`height` (3 components, 4:2:0), cut after a few bytes of scan data, ending with EOI. */
export function jpegBomb(width: number, height: number): Uint8Array {
  const seg = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const dqt = seg(0xdb, [0, ...new Array(64).fill(1)]);
  const sof = seg(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
  // One DC and one AC table: a single 1-bit code each (category 0 / EOB).
  const dht = seg(0xc4, [0x00, 1, ...new Array(15).fill(0), 0, 0x10, 1, ...new Array(15).fill(0), 0]);
  const sos = seg(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);
  const bytes = [0xff, 0xd8, ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), ...dqt, ...sof, ...dht, ...sos, ...new Array(40).fill(0), 0xff, 0xd9];
  return Uint8Array.from(bytes);
}

/** An RLE8 BMP of `width`×`height` (≤ 16383 for the 8-bit run encoding below) that is one end-of-bitmap code: ~1 KB. */
export function bmpRleBomb(width: number, height: number): Uint8Array {
  const palette = new Uint8Array(256 * 4).map((_, i) => (i % 4 === 3 ? 0 : i >> 2));
  const pixels = Uint8Array.from([0, 1]); // end of bitmap
  const offset = 14 + 40 + palette.length;
  const out = new Uint8Array(offset + pixels.length);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  v.setUint32(30, 1, true); // BI_RLE8
  v.setUint32(34, pixels.length, true);
  v.setUint32(46, 256, true);
  out.set(palette, 54);
  out.set(pixels, offset);
  return out;
}

/** A gzipped IDX images file whose header says `shape` while the data inflates to `dataBytes` zeros. */
export function idxGzBomb(shape: number[], dataBytes: number): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const v = new DataView(header.buffer);
  v.setUint32(0, 0x0800 | shape.length);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  return gzipZeros(dataBytes, header);
}

/** A .npz whose one deflated entry `name` inflates to a .npy header + `dataBytes` zeros while its directory entry says `declared` bytes. */
export function npzLyingSize(name: string, dataBytes: number, declared: number): Uint8Array {
  const header = new TextEncoder().encode(`\x93NUMPY\x01\x00`);
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${dataBytes},), }`;
  const text = dict + ' '.repeat(64 - ((10 + dict.length + 1) % 64)) + '\n';
  const npyHead = concat([header, Uint8Array.from([text.length & 0xff, text.length >> 8]), new TextEncoder().encode(text)]);
  const body = deflateZerosRaw(dataBytes, npyHead);
  const crc = zerosChecksum(dataBytes, npyHead, 'crc32');
  const nameBytes = new TextEncoder().encode(name);
  const local = new Uint8Array(30 + nameBytes.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(14, crc, true);
  lv.setUint32(18, body.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, nameBytes.length, true);
  local.set(nameBytes, 30);
  const central = new Uint8Array(46 + nameBytes.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(16, crc, true);
  cv.setUint32(20, body.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, nameBytes.length, true);
  cv.setUint32(42, 0, true);
  central.set(nameBytes, 46);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + body.length, true);
  return concat([local, body, central, eocd]);
}
