/**
 * A small tar reader (POSIX ustar, with GNU long names and pax path records) over a
 * stream, so a 170 MB .tar.gz is read without holding it whole: gunzip and tar parsing
 * happen chunk by chunk and only the wanted members are kept.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { DataError } from '@layerwise/core';

export interface TarEntry {
  name: string;
  /** '0' regular file, '5' directory, … (ustar typeflag). */
  type: string;
  size: number;
}

const BLOCK = 512;
/** The largest long-name or pax record read (real ones are a few hundred bytes). */
const MAX_META = 1 << 20;

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function field(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function octal(header: Uint8Array, offset: number, length: number, name: string): number {
  // GNU base-256 for sizes ≥ 8 GiB: first byte 0x80.
  if (header[offset] & 0x80) {
    let v = 0;
    for (let i = offset + 1; i < offset + length; i++) v = v * 256 + header[i];
    return v;
  }
  const text = field(header, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new DataError(`${name}: not a tar archive (bad number field '${text}')`);
  return parseInt(text, 8);
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  const stored = parseInt(field(header, 148, 8).trim() || '0', 8);
  return sum === stored;
}

export interface ReadTarOptions {
  /** The largest member kept: a wanted member whose header says more is a DataError before it is read (default: no limit). */
  maxMemberBytes?: number;
}

/**
 * Reads a tar stream and returns the bytes of the members `want` accepts (by name, after
 * long-name records are applied). `name` is named in errors.
 */
export async function readTarMembers(stream: AsyncIterable<Uint8Array>, want: (entry: TarEntry) => boolean, name: string, options: ReadTarOptions = {}): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  let buffered: Uint8Array[] = [];
  let bufferedBytes = 0;
  // State: waiting for a header, or inside a member's data (+ padding).
  // A kept member's bytes are collected as they arrive (never allocated from the size its
  // header claims, which a damaged or hostile archive can set to terabytes).
  let current: { entry: TarEntry; keep: boolean; chunks: Uint8Array[]; remaining: number; padding: number } | undefined;
  let longName: string | undefined;
  let paxPath: string | undefined;
  let ended = false;
  let sawHeader = false;

  const skip = (n: number) => {
    bufferedBytes -= n;
    while (n > 0) {
      const head = buffered[0];
      if (n >= head.length) {
        n -= head.length;
        buffered.shift();
      } else {
        buffered[0] = head.subarray(n);
        n = 0;
      }
    }
  };
  const take = (n: number): Uint8Array => {
    const result = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const head = buffered[0];
      const k = Math.min(head.length, n - o);
      result.set(head.subarray(0, k), o);
      o += k;
      if (k === head.length) buffered.shift();
      else buffered[0] = head.subarray(k);
    }
    bufferedBytes -= n;
    return result;
  };

  const process = () => {
    for (;;) {
      if (ended) return;
      if (current) {
        if (current.remaining > 0) {
          if (bufferedBytes === 0) return;
          const n = Math.min(current.remaining, bufferedBytes);
          if (current.keep) current.chunks.push(take(n));
          else skip(n);
          current.remaining -= n;
          continue;
        }
        if (current.padding > 0) {
          const n = Math.min(current.padding, bufferedBytes);
          if (n === 0) return;
          skip(n);
          current.padding -= n;
          if (current.padding > 0) return;
        }
        const done = current;
        current = undefined;
        if (!done.keep) continue;
        const data = joinChunks(done.chunks);
        if (done.entry.type === 'L') longName = new TextDecoder().decode(data).replace(/\0+$/, '');
        else if (done.entry.type === 'x') {
          const m = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
          if (m) paxPath = m[1];
        } else out.set(done.entry.name, data);
        continue;
      }
      if (bufferedBytes < BLOCK) return;
      const header = take(BLOCK);
      if (header.every((b) => b === 0)) {
        ended = true; // end-of-archive marker
        return;
      }
      if (!checksumOk(header)) throw new DataError(`${name}: not a tar archive, or a damaged one (header checksum mismatch${sawHeader ? '' : ' in the first header'})`);
      sawHeader = true;
      const prefix = field(header, 345, 155);
      let entryName = field(header, 0, 100);
      if (field(header, 257, 5) === 'ustar' && prefix) entryName = `${prefix}/${entryName}`;
      const type = String.fromCharCode(header[156] || 0x30);
      const size = octal(header, 124, 12, name);
      if (type !== 'L' && type !== 'x' && type !== 'g') {
        if (longName !== undefined) entryName = longName;
        if (paxPath !== undefined) entryName = paxPath;
        longName = undefined;
        paxPath = undefined;
      }
      const entry: TarEntry = { name: entryName, type, size };
      const meta = type === 'L' || type === 'x';
      if (meta && size > MAX_META) throw new DataError(`${name}: damaged tar archive: a ${type === 'L' ? 'long-name' : 'pax'} record of ${size} bytes (at most ${MAX_META})`);
      const keep = meta || ((type === '0' || type === '\0' || type === '7') && want(entry));
      if (keep && !meta && options.maxMemberBytes !== undefined && size > options.maxMemberBytes)
        throw new DataError(`${name}: member '${entryName}' is ${size} bytes, more than the ${options.maxMemberBytes} expected of it`);
      current = { entry, keep, chunks: [], remaining: size, padding: (BLOCK - (size % BLOCK)) % BLOCK };
    }
  };

  for await (const chunk of stream) {
    if (ended) break;
    buffered.push(chunk);
    bufferedBytes += chunk.length;
    process();
  }
  if (!ended) {
    process();
    if (current && (current.remaining > 0 || current.padding > 0))
      throw new DataError(`${name}: tar archive truncated inside member '${current.entry.name}' (${current.remaining} of ${current.entry.size} bytes missing)`);
    if (!sawHeader) throw new DataError(`${name}: not a tar archive (empty)`);
  }
  buffered = [];
  return out;
}

/** The members of a .tar.gz (or plain .tar) file that `want` accepts. */
export async function readTarFile(path: string, want: (entry: TarEntry) => boolean, options: ReadTarOptions = {}): Promise<Map<string, Uint8Array>> {
  let stream: Readable;
  try {
    const fd = createReadStream(path);
    await new Promise<void>((resolve, reject) => {
      fd.once('open', () => resolve());
      fd.once('error', reject);
    });
    stream = fd;
  } catch (err) {
    throw new DataError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // Peek at the first bytes: gzip or plain tar.
  const source = stream as Readable;
  const first: Buffer | null = await new Promise((resolve, reject) => {
    const onReadable = () => {
      const b = source.read(2) as Buffer | null;
      if (b !== null || source.readableEnded) {
        cleanup();
        resolve(b);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', reject);
    };
    source.on('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', reject);
  });
  if (first) source.unshift(first);
  const gz = first !== null && first[0] === 0x1f && first[1] === 0x8b;
  const input: AsyncIterable<Uint8Array> = gz ? source.pipe(createGunzip()) : source;
  try {
    return await readTarMembers(input, want, path, options);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${path}: cannot read the archive (${(err as Error).message}; a truncated or corrupt download?)`);
  } finally {
    source.destroy();
  }
}
