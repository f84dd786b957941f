/**
 * Getting a dataset's files: an explicit path, else the cache, else read-only search
 * folders (Keras' cache, a Debian package), else a download into the cache.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, DataError } from '@layerwise/core';
import { datasetCacheDir } from '../cache.js';
import { downloadFile, sha256File } from '../download.js';
import { fileList, readDataFiles, type DataFiles } from './files.js';
import type { DatasetSplits, DataSource, LoadDataOptions, LoadedDataset } from './types.js';

export interface RemoteFile {
  name: string;
  /** SHA-256 (hex) of the file as served, or null when unknown. */
  sha256: string | null;
}

export interface DatasetSpec {
  /** Cache folder name and DataSource.dataset, e.g. 'fashion-mnist'. */
  name: string;
  /** For messages, e.g. 'Fashion-MNIST'. */
  title: string;
  defaultBaseUrl: string;
  /** Files fetched from the base URL into the cache. */
  remote: readonly RemoteFile[];
  /** Default read-only folders to look in, with a label for messages. */
  searchDirs(): { dir: string; label: string }[];
  /** The dataset's files at `path` (a folder, or a file for formats that are one file). */
  find(path: string): DataFiles | { missing: string };
  /** What `path` should hold, for messages. */
  pathHint: string;
  /** Extra ways to get the data by hand, one line each, for the "not available" error. */
  manualHints: string[];
  /** Reads the files found (default: the MNIST-family reader). */
  read?: (files: DataFiles) => DatasetSplits | Promise<DatasetSplits>;
}

interface Located {
  files: DataFiles;
  source: DataSource;
}

function sourceOf(spec: DatasetSpec, kind: DataSource['kind'], location: string, files: DataFiles, description: string): Located {
  return { files, source: { kind, dataset: spec.name, location, files: fileList(files), description } };
}

function baseUrlOf(spec: DatasetSpec, options: LoadDataOptions): string {
  const base = options.baseUrl ?? (process.env.LAYERWISE_DATASETS_BASE_URL || spec.defaultBaseUrl);
  if (!URL.canParse(base)) throw new ConfigError(`${spec.title}: baseUrl '${base}' is not a URL (from the baseUrl option or LAYERWISE_DATASETS_BASE_URL)`);
  // A folder URL: file names are resolved against it.
  return base.endsWith('/') ? base : `${base}/`;
}

function hashesOf(spec: DatasetSpec, options: LoadDataOptions): Record<string, string | null> {
  return { ...Object.fromEntries(spec.remote.map((r) => [r.name, r.sha256])), ...options.fileHashes };
}

/** The cached copy, if complete and (for downloaded files) matching its SHA-256. */
async function fromCache(spec: DatasetSpec, cache: string, hashes: Record<string, string | null>, tried: string[]): Promise<Located | undefined> {
  const found = spec.find(cache);
  if ('missing' in found) {
    tried.push(`${cache} (cache): ${found.missing}`);
    return undefined;
  }
  for (const file of fileList(found)) {
    const expected = hashes[basename(file)];
    if (expected && (await sha256File(file)) !== expected.toLowerCase()) {
      tried.push(`${cache} (cache): ${basename(file)} does not match its SHA-256, so it is not used`);
      return undefined;
    }
  }
  return sourceOf(spec, 'cache', cache, found, `${spec.title} from the cache (${cache})`);
}

/**
 * Where the data would be read from without downloading, or undefined; `tried` collects
 * one line per place looked at. An explicit `path` that does not hold the data is an error.
 */
async function locate(spec: DatasetSpec, options: LoadDataOptions, tried: string[]): Promise<Located | undefined> {
  if (options.path !== undefined) {
    const path = resolve(options.path);
    const found = spec.find(path);
    if ('missing' in found)
      throw new DataError(`${spec.title}: ${path} (from the path option) does not hold the dataset: ${found.missing}. Expected ${spec.pathHint}.`);
    return sourceOf(spec, 'path', path, found, `${spec.title} from ${path}`);
  }
  const cache = datasetCacheDir(spec.name, options.cacheDir);
  const cached = await fromCache(spec, cache, hashesOf(spec, options), tried);
  if (cached) return cached;
  const searchDirs = options.searchDirs?.map((dir) => ({ dir: resolve(dir), label: 'search folder' })) ?? spec.searchDirs();
  for (const { dir, label } of searchDirs) {
    const found = spec.find(dir);
    if (!('missing' in found)) return sourceOf(spec, 'searchDir', dir, found, `${spec.title} from ${label} (${dir})`);
    tried.push(`${dir} (${label}): ${found.missing}`);
  }
  return undefined;
}

/** Downloads the files missing from (or damaged in) the cache; all of them with `force`. */
async function download(spec: DatasetSpec, options: LoadDataOptions, force = false): Promise<Located> {
  const cache = datasetCacheDir(spec.name, options.cacheDir);
  const base = baseUrlOf(spec, options);
  const hashes = hashesOf(spec, options);
  for (const { name } of spec.remote) {
    const dest = join(cache, name);
    const expected = hashes[name];
    if (!force && existsSync(dest) && (!expected || (await sha256File(dest)) === expected.toLowerCase())) continue;
    await downloadFile(new URL(name, base).href, dest, { sha256: expected, verbose: options.verbose, timeoutMs: options.timeoutMs });
  }
  const found = spec.find(cache);
  if ('missing' in found) throw new DataError(`${spec.title}: ${cache} is incomplete after downloading: ${found.missing}`);
  return sourceOf(spec, 'download', cache, found, `${spec.title} downloaded from ${base} into ${cache}`);
}

/** The "not available" error: every place looked at, and how to provide the files by hand. */
function unavailable(spec: DatasetSpec, options: LoadDataOptions, tried: string[], downloadNote: string): DataError {
  const cache = datasetCacheDir(spec.name, options.cacheDir);
  const base = baseUrlOf(spec, options);
  return new DataError(
    [
      `${spec.title} is not available: no local copy was found, and ${downloadNote}.`,
      'Looked in:',
      ...tried.map((t) => `  - ${t}`),
      'To provide it by hand, any of:',
      `  - download ${spec.remote.length === 1 ? 'this file' : 'these files'}:`,
      ...spec.remote.map((r) => `      ${new URL(r.name, base).href}`),
      `    into ${cache}/${options.cacheDir ? '' : ` (or into $LAYERWISE_HOME/datasets/${spec.name}/ with LAYERWISE_HOME set)`}`,
      `  - pass { path: '<a folder with ${spec.pathHint}>' }`,
      ...spec.manualHints.map((h) => `  - ${h}`),
    ].join('\n'),
  );
}

export interface AcquireOptions extends LoadDataOptions {
  /** Used when nothing is available (no local copy; download off or failed); gets the reason. */
  fallback?: (reason: string) => LoadedDataset;
}

/** Finds (or downloads) the dataset and reads it, reporting where it came from. */
export async function acquire(spec: DatasetSpec, options: AcquireOptions = {}): Promise<LoadedDataset> {
  if (options.path !== undefined && typeof options.path !== 'string')
    throw new ConfigError(`${spec.title}: path must be a string, got ${typeof options.path}`);
  const tried: string[] = [];
  let located = await locate(spec, options, tried);
  if (!located) {
    let downloadNote = 'downloading is off (download: false)';
    if (options.download !== false) {
      try {
        located = await download(spec, options);
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        downloadNote = `downloading failed: ${err.message}`;
      }
    }
    if (!located) {
      if (options.fallback) return options.fallback(`no local copy of ${spec.title} was found, and ${downloadNote}`);
      throw unavailable(spec, options, tried, downloadNote);
    }
  }
  const read = spec.read ?? readDataFiles;
  try {
    return { data: await read(located.files), source: located.source };
  } catch (err) {
    // A cached copy that does not parse (say, cut short by a download without a hash check):
    // download it again rather than failing on it forever.
    if (!(err instanceof DataError) || located.source.kind !== 'cache' || options.download === false) throw err;
    if (options.verbose !== false) process.stderr.write(`${spec.title}: the cached copy in ${located.source.location} is not readable (${err.message}); downloading it again\n`);
    located = await download(spec, options, true);
    return { data: await read(located.files), source: located.source };
  }
}

/** Where the dataset would be read from without downloading (undefined: it would be downloaded). */
export async function locateSource(spec: DatasetSpec, options: LoadDataOptions = {}): Promise<DataSource | undefined> {
  return (await locate(spec, options, []))?.source;
}
