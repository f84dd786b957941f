/**
 * Downloading into the cache, like Keras' get_file: follow redirects, show progress,
 * check the SHA-256, and only ever leave a complete, verified file behind (the data is
 * written to a temporary file in the same folder and renamed into place).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataError } from '@layerwise/core';
import { ProgressBar } from './progress.js';

export interface DownloadOptions {
  /** Expected SHA-256 (hex). A mismatch is a DataError and nothing is kept. */
  sha256?: string | null;
  /** Give up when the server sends nothing for this long (ms). Default 60 000. */
  timeoutMs?: number;
  /** Print "Downloading data from <url>" and a progress bar on stderr. Default true. */
  verbose?: boolean;
  /** Default 10. */
  maxRedirects?: number;
  /** Where progress goes; default process.stderr. */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface DownloadResult {
  path: string;
  /** The URL the data finally came from, after redirects. */
  url: string;
  bytes: number;
  sha256: string;
}

/** Downloads `url` to the file `dest` (folders are created). */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const { sha256, timeoutMs = 60_000, verbose = true, maxRedirects = 10 } = options;
  const out = options.progressStream ?? process.stderr;
  // Same folder as dest, so the final rename is atomic (never across file systems).
  const temp = `${dest}.${randomBytes(6).toString('hex')}.part`;
  if (verbose) out.write(`Downloading data from ${url}\n`);
  let response: http.IncomingMessage | undefined;
  let received = 0;
  let total: number | undefined;
  try {
    const got = await get(url, timeoutMs, maxRedirects);
    response = got.response;
    mkdirSync(dirname(dest), { recursive: true }); // only now, so being offline leaves no empty folders
    total = Number(response.headers['content-length']) || undefined;
    const bar = verbose ? new ProgressBar(total, out) : undefined;
    const hash = createHash('sha256');
    await pipeline(
      response,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          received += chunk.length;
          bar?.update(received);
          yield chunk;
        }
      },
      createWriteStream(temp),
    );
    bar?.finish(received);
    if (total !== undefined && received !== total) throw new Error(`the connection closed after ${received} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (sha256 && digest !== sha256.toLowerCase())
      throw new Error(
        `SHA-256 mismatch: expected ${sha256.toLowerCase()}, got ${digest} (${received} bytes); ` +
          `the download was corrupted or the server holds a different file, so it was deleted`,
      );
    renameSync(temp, dest);
    return { path: dest, url: got.url, bytes: received, sha256: digest };
  } catch (err) {
    response?.destroy();
    rmSync(temp, { force: true });
    // Node reports a connection closed mid-body as just "aborted".
    const early = (err as NodeJS.ErrnoException).code === 'ECONNRESET' && total !== undefined;
    const reason = early ? `the connection closed after ${received} of ${total} bytes` : (err as Error).message;
    throw new DataError(`Downloading ${url} to ${dest} failed: ${reason}`);
  }
}

/** GET with redirects; resolves with a 200 response whose body is not read yet. */
async function get(url: string, timeoutMs: number, redirectsLeft: number): Promise<{ response: http.IncomingMessage; url: string }> {
  const response = await request(url, timeoutMs);
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && location) {
    response.resume(); // discard the body so the socket is freed
    if (redirectsLeft <= 0) throw new Error('too many redirects');
    return get(new URL(location, url).href, timeoutMs, redirectsLeft - 1);
  }
  if (status !== 200) {
    response.resume();
    throw new Error(`HTTP ${status} ${response.statusMessage ?? ''} from ${url}`.trim());
  }
  return { response, url };
}

function request(url: string, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) return reject(new Error(`unsupported protocol ${parsed.protocol} (http and https only)`));
    // identity: the checksums are of the files as stored, not of a re-encoded transfer.
    let response: http.IncomingMessage | undefined;
    const headers = { 'accept-encoding': 'identity', 'user-agent': 'layerwise-data' };
    const req = client.get(parsed, { headers }, (res) => resolve((response = res)));
    // The socket timeout covers connecting, waiting for headers and stalls in the body.
    req.setTimeout(timeoutMs, () => {
      const err = new Error(`no data from ${parsed.host} for ${timeoutMs / 1000} s (timeout)`);
      response?.destroy(err); // a stalled body: fail the stream being read with this reason
      req.destroy(err);
    });
    req.on('error', reject);
  });
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
