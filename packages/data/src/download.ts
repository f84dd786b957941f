/**
 * Downloading one file, like the download half of Keras' get_file, plus resume: follow
 * redirects, show progress, check the hash (MD5 or SHA-256) or at least the length the
 * server announced, and only ever rename a complete, verified file into place. An
 * interrupted download keeps its bytes (<dest>.part) and the next attempt asks the server
 * for the rest (HTTP Range); a server that answers with the whole file starts it over.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataError } from '@layerwise/core';
import { ProgressBar, type ProgressStream } from './progress.js';
import { get, RangeNotSatisfiable, type Got } from './download/http.js';
import { resolveHashAlgorithm, type HashAlgorithm } from './download/hash.js';
import { PartialFile, type PartInfo } from './download/partial.js';

export { hashFile, sha256File, resolveHashAlgorithm, type HashAlgorithm } from './download/hash.js';

export interface DownloadOptions {
  /** Expected hash (hex), MD5 or SHA-256 (Keras' file_hash). A mismatch is a DataError and nothing is kept. */
  fileHash?: string | null;
  /** 'auto' (default: SHA-256 for a 64-digit hash, else MD5), 'md5' or 'sha256'. */
  hashAlgorithm?: HashAlgorithm;
  /** The expected SHA-256 (hex): the same as fileHash with hashAlgorithm 'sha256'. */
  sha256?: string | null;
  /** Keep the bytes of an interrupted download and resume from them next time. Default true. */
  resume?: boolean;
  /**
   * Checks the complete file (given its temporary path) before it is renamed into place, and
   * throws if it is unusable (e.g. does not parse); the file is then deleted.
   */
  validate?: (path: string) => void | Promise<void>;
  /** Give up when the server sends nothing for this long (ms). Default 60 000. */
  timeoutMs?: number;
  /** Print "Downloading data from <url>" and a progress bar on stderr. Default true. */
  verbose?: boolean;
  /** Default 10. */
  maxRedirects?: number;
  /** Where progress goes; default process.stderr. */
  progressStream?: ProgressStream;
}

export interface DownloadResult {
  path: string;
  /** The URL the data finally came from, after redirects. */
  url: string;
  bytes: number;
  sha256: string;
  /** The hash checked (or, without an expected hash, the SHA-256) and its algorithm. */
  hash: string;
  hashAlgorithm: 'md5' | 'sha256';
  /** Bytes that were already there from an interrupted download (0: downloaded whole). */
  resumedFrom: number;
}

/** A failure that makes the bytes worthless (wrong hash, unusable file): they are not kept for resuming. */
class Corrupt extends Error {}

/** An ETag or Last-Modified that identifies the version of the partial bytes (weak ETags cannot). */
function versionOf(info: PartInfo): string | undefined {
  return info.etag && !info.etag.startsWith('W/') ? info.etag : info.lastModified;
}

/** Downloads `url` to the file `dest` (folders are created). */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const { timeoutMs = 60_000, verbose = true, maxRedirects = 10, resume = true } = options;
  const expected = (options.fileHash ?? options.sha256 ?? null)?.toLowerCase() ?? null;
  const algorithm = resolveHashAlgorithm(options.fileHash ? (options.hashAlgorithm ?? 'auto') : options.sha256 ? 'sha256' : 'auto', expected);
  const out = options.progressStream ?? process.stderr;
  if (verbose) out.write(`Downloading data from ${url}\n`);
  // The folder is created only once the server answers, so being offline leaves no empty folders.
  let part = existsSync(dirname(dest)) ? PartialFile.open(dest) : undefined;
  let response: IncomingMessage | undefined;
  let received = 0;
  let total: number | undefined;
  try {
    const have = resume ? part?.existing(url) : undefined;
    let from = have?.bytes ?? 0;
    received = from; // kept if this attempt fails before receiving anything
    let got: Got | undefined;
    try {
      got = await get(url, { timeoutMs, maxRedirects, from, ifRange: have && versionOf(have.info) });
    } catch (err) {
      if (!(err instanceof RangeNotSatisfiable)) throw err;
      // Asked for the bytes after the end: complete if the sizes agree, else start over.
      if (err.total !== undefined && err.total === from) total = from;
      else {
        part!.discard();
        part = PartialFile.open(dest);
        from = received = 0;
        got = await get(url, { timeoutMs, maxRedirects });
      }
    }
    if (!part) {
      mkdirSync(dirname(dest), { recursive: true });
      part = PartialFile.open(dest);
    }
    if (got?.status === 206 && got.start !== from) throw new Corrupt(`the server sent bytes from ${got.start} on when asked for ${from} on`);
    if (got?.status === 200) from = 0; // the whole file came (a server without ranges, or a new version): start over
    const hashes = [createHash('sha256'), ...(algorithm === 'md5' ? [createHash('md5')] : [])];
    if (from > 0) await hashExisting(part.path, hashes);
    received = from;
    if (got) {
      response = got.response;
      total = got.total;
      part.describe({ url, etag: got.etag, lastModified: got.lastModified, total });
      if (verbose && from > 0) out.write(`Resuming after ${from} bytes already in ${part.path}\n`);
      const bar = verbose ? new ProgressBar(total, out, from) : undefined;
      await pipeline(
        got.response,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            for (const h of hashes) h.update(chunk);
            received += chunk.length;
            bar?.update(received);
            yield chunk;
          }
        },
        createWriteStream(part.path, { flags: from > 0 ? 'a' : 'w' }),
      );
      bar?.finish(received);
    }
    if (total !== undefined && received !== total) throw new Error(`the connection closed after ${received} of ${total} bytes`);
    const sha256 = hashes[0].digest('hex');
    const hash = algorithm === 'md5' ? hashes[1].digest('hex') : sha256;
    const name = algorithm === 'md5' ? 'MD5' : 'SHA-256';
    if (expected && hash !== expected)
      throw new Corrupt(
        `${name} mismatch: expected ${expected}, got ${hash} (${received} bytes); ` +
          `the download was corrupted or the server holds a different file, so it was deleted`,
      );
    if (options.validate) {
      try {
        await options.validate(part.path);
      } catch (e) {
        throw new Corrupt(`the downloaded file is not usable (${(e as Error).message}), so it was deleted`);
      }
    }
    part.complete();
    return { path: dest, url: got?.url ?? url, bytes: received, sha256, hash, hashAlgorithm: algorithm, resumedFrom: from };
  } catch (err) {
    response?.destroy();
    const keep = resume && part?.resumable && !(err instanceof Corrupt) && received > 0;
    if (keep) part!.keep();
    else part?.discard();
    // Node reports a connection closed mid-body as just "aborted".
    const early = (err as NodeJS.ErrnoException).code === 'ECONNRESET' && total !== undefined;
    const reason = early ? `the connection closed after ${received} of ${total} bytes` : (err as Error).message;
    const kept = keep ? `; the ${received} bytes received are kept in ${part!.path} and the next attempt resumes from there` : '';
    throw new DataError(`Downloading ${url} to ${dest} failed: ${reason}${kept}`);
  }
}

/** Feed the bytes already downloaded to the hashes, so the digest covers the whole file. */
async function hashExisting(path: string, hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(path)) for (const h of hashes) h.update(chunk as Buffer);
}
