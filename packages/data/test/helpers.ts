/** Test helpers: temp folders, hand-built .npy/.zip bytes, and a local HTTP server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const SAMPLE_DIR = fileURLToPath(new URL('../assets/fashion-mnist-sample/', import.meta.url));
export const SAMPLE_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

const temps: string[] = [];
/** A fresh temp folder, removed by cleanupTemps(). */
export function tempDir(prefix = 'layerwise-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function cleanupTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A version 1.0 .npy file: header padded so the data starts at a multiple of 64, like numpy. */
export function npy(descr: string, shape: number[], data: Uint8Array, extraHeader = ''): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, ${extraHeader}}`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

export const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A zip archive with the given entries, each stored (method 0) or deflated (method 8). */
export function makeZip(entries: { name: string; data: Uint8Array; method: 0 | 8 }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, method } of entries) {
    const nameBytes = Buffer.from(name);
    const body = method === 8 ? zlib.deflateRawSync(data) : Buffer.from(data);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

export interface TestServer {
  url: string;
  /** Request paths seen, in order. */
  hits: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (random port); `handler` answers every request. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tar archive (ustar) of the entries; directories for names ending in '/'. */
export function makeTar(entries: { name: string; data?: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const { name, data = new Uint8Array(0) } of entries) {
    const header = new Uint8Array(512);
    const put = (text: string, offset: number) => header.set(new TextEncoder().encode(text), offset);
    const dir = name.endsWith('/');
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('00000000000\0', 136);
    header[156] = (dir ? '5' : '0').charCodeAt(0);
    put('ustar\0', 257);
    put('00', 263);
    put('        ', 148);
    const sum = header.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/**
 * A CIFAR "python version" batch as Python 2's cPickle (protocol 2) wrote the real files:
 * a dict of str keys, 'data' a numpy uint8 array [n, 3072] rebuilt by
 * numpy.core.multiarray._reconstruct, 'labels' a list of ints.
 */
export function py2CifarPickle(labels: number[], data: Uint8Array, shapeN = labels.length): Uint8Array {
  const parts: number[] = [];
  const bytes = (...b: number[] | [Uint8Array]) => {
    for (const x of b) if (typeof x === 'number') parts.push(x);
    else for (const v of x) parts.push(v);
  };
  const str = (s: string) => bytes(0x55, s.length, ...[...s].map((c) => c.charCodeAt(0)));
  const int = (v: number) => (v < 256 ? bytes(0x4b, v) : bytes(0x4d, v & 0xff, v >> 8));
  const global = (m: string, n: string) => bytes(0x63, ...[...`${m}\n${n}\n`].map((c) => c.charCodeAt(0)));
  const n = shapeN;
  bytes(0x80, 2, 0x7d, 0x28); // PROTO 2, EMPTY_DICT, MARK
  str('data');
  global('numpy.core.multiarray', '_reconstruct');
  global('numpy', 'ndarray');
  int(0);
  bytes(0x85); // TUPLE1
  str('b');
  bytes(0x87, 0x52, 0x28); // TUPLE3, REDUCE, MARK
  int(1);
  if (n < 65536) int(n);
  else bytes(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24); // BININT
  int(3072);
  bytes(0x86); // TUPLE2
  global('numpy', 'dtype');
  str('u1');
  int(0);
  int(1);
  bytes(0x87, 0x52, 0x28); // TUPLE3, REDUCE, MARK
  int(3);
  str('|');
  bytes(0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff); // None None None -1 -1
  int(0);
  bytes(0x74, 0x62, 0x89); // TUPLE, BUILD, NEWFALSE
  bytes(0x54, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff, data.length >>> 24);
  bytes(data); // BINSTRING
  bytes(0x74, 0x62); // TUPLE, BUILD
  str('labels');
  bytes(0x5d, 0x28); // EMPTY_LIST, MARK
  labels.forEach(int);
  bytes(0x65); // APPENDS
  str('batch_label');
  str('training batch 1 of 5');
  bytes(0x75, 0x2e); // SETITEMS, STOP
  return Uint8Array.from(parts);
}
