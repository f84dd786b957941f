/**
 * GET over http/https with redirects, an optional byte range, and a socket timeout that
 * covers connecting, waiting for headers and stalls in the body.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface GetOptions {
  timeoutMs: number;
  maxRedirects: number;
  /** Ask for the bytes from this offset on (`Range: bytes=N-`). */
  from?: number;
  /** With `from`: only if the file is still this version (ETag or Last-Modified), else the whole file. */
  ifRange?: string;
}

export interface Got {
  response: http.IncomingMessage;
  /** The URL the response came from, after redirects. */
  url: string;
  /** 200 (whole file) or 206 (the range asked for). */
  status: 200 | 206;
  /** For 206: the first byte sent; for 200: 0. */
  start: number;
  /** Size of the whole file, when the server says (Content-Length, or Content-Range's total). */
  total?: number;
  etag?: string;
  lastModified?: string;
}

/** Thrown for HTTP 416: the range asked for starts at or past the end of the file. */
export class RangeNotSatisfiable extends Error {
  constructor(readonly total: number | undefined) {
    super('HTTP 416 Range Not Satisfiable');
  }
}

/** GET with redirects; resolves with a 200 or 206 response whose body is not read yet. */
export async function get(url: string, options: GetOptions, redirectsLeft = options.maxRedirects): Promise<Got> {
  const response = await request(url, options);
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && location) {
    response.resume(); // discard the body so the socket is freed
    if (redirectsLeft <= 0) throw new Error('too many redirects');
    return get(new URL(location, url).href, options, redirectsLeft - 1);
  }
  const etag = response.headers.etag;
  const lastModified = response.headers['last-modified'];
  if (status === 416) {
    response.resume();
    const total = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
    throw new RangeNotSatisfiable(total === undefined ? undefined : Number(total));
  }
  if (status === 206) {
    // Content-Range: bytes 1000-4999/5000
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
    if (!m) {
      response.resume();
      throw new Error(`HTTP 206 from ${url} without a usable Content-Range ('${response.headers['content-range'] ?? ''}')`);
    }
    return { response, url, status, start: Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]), etag, lastModified };
  }
  if (status !== 200) {
    response.resume();
    throw new Error(`HTTP ${status} ${response.statusMessage ?? ''} from ${url}`.trim());
  }
  const length = Number(response.headers['content-length']);
  return { response, url, status, start: 0, total: Number.isFinite(length) && response.headers['content-length'] !== undefined ? length : undefined, etag, lastModified };
}

function request(url: string, options: GetOptions): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) return reject(new Error(`unsupported protocol ${parsed.protocol} (http and https only)`));
    // identity: the checksums are of the files as stored, not of a re-encoded transfer.
    const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'layerwise-data' };
    if (options.from) {
      headers.range = `bytes=${options.from}-`;
      if (options.ifRange) headers['if-range'] = options.ifRange;
    }
    let response: http.IncomingMessage | undefined;
    const req = client.get(parsed, { headers }, (res) => resolve((response = res)));
    req.setTimeout(options.timeoutMs, () => {
      const err = new Error(`no data from ${parsed.host} for ${options.timeoutMs / 1000} s (timeout)`);
      response?.destroy(err); // a stalled body: fail the stream being read with this reason
      req.destroy(err);
    });
    req.on('error', reject);
  });
}
