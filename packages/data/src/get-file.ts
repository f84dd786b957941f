/**
 * Keras' keras.utils.get_file: a file from a URL, cached in Keras' own cache
 * ($KERAS_HOME or ~/.keras, subfolder `cacheSubdir`) under the same name Keras uses, so files a
 * Keras user already downloaded are found, and files fetched here serve Keras too.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { checkOptions, keysOf, ConfigError, DataError } from '@layerwise/core';
import { downloadFile, type DownloadOptions } from './download.js';
import { extractArchive } from './download/extract.js';
import { hashFile, resolveHashAlgorithm, type HashAlgorithm } from './download/hash.js';

export interface GetFileOptions extends Pick<DownloadOptions, 'timeoutMs' | 'verbose' | 'maxRedirects' | 'progressStream' | 'resume'> {
  /** Expected MD5 or SHA-256 (hex) of the file (Keras' file_hash). Checked on cached and downloaded files. */
  fileHash?: string | null;
  /** 'auto' (default: SHA-256 for 64 hex digits, else MD5), 'md5' or 'sha256'. */
  hashAlgorithm?: HashAlgorithm;
  /** Subfolder of the cache; default 'datasets' (keras.applications uses 'models'). An absolute path is used as is. */
  cacheSubdir?: string;
  /** The cache; default $KERAS_HOME, else ~/.keras (if not writable: /tmp/.keras, as Keras). */
  cacheDir?: string;
  /** Unpack a .tar, .tar.gz or .zip and return the folder (Keras' naming: <name>_extracted, or the name itself). */
  extract?: boolean;
  /** Download even if the file is cached. */
  forceDownload?: boolean;
  /**
   * Checks a file (cached, or just downloaded before it is renamed into place) and throws if
   * it is unusable, e.g. does not parse: a cached file that fails is downloaded again, a
   * downloaded one is deleted. For files without a known hash.
   */
  validate?: (path: string) => void | Promise<void>;
}

/** Keras' cache folder: $KERAS_HOME, else ~/.keras. */
export function kerasHome(): string {
  const env = process.env.KERAS_HOME;
  return env ? resolve(env) : join(homedir(), '.keras');
}

/** The cache folder, created if needed; /tmp/.keras when it cannot be written (Keras' fallback). */
function writableBase(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch {
    return join(tmpdir(), '.keras');
  }
}

/**
 * Where getFile keeps (or would keep) a file, and where it extracts an archive, for a cache
 * that can be written (getFile falls back to /tmp/.keras otherwise). Nothing is created.
 */
export function getFilePaths(fname: string | null | undefined, origin: string, options: Pick<GetFileOptions, 'cacheDir' | 'cacheSubdir' | 'extract'> = {}) {
  if (!origin) throw new ConfigError('getFile: give the origin (the URL of the file to download)');
  let name = fname ?? '';
  if (!name) {
    name = basename(new URL(origin).pathname);
    if (!name) throw new ConfigError(`getFile: cannot take a file name from the origin '${origin}'; give fname`);
  } else if (name.includes('/') || name.includes(sep))
    throw new ConfigError(`getFile: fname must be a file name, not a path (got '${name}'); choose the folder with cacheDir / cacheSubdir`);
  const dir = resolve(options.cacheDir ?? kerasHome(), options.cacheSubdir ?? 'datasets');
  if (!options.extract) return { dir, target: join(dir, name), extracted: undefined };
  // Keras' names for an archive and its folder.
  if (fname && name.includes('.')) return { dir, target: join(dir, name), extracted: join(dir, `${name.slice(0, name.indexOf('.'))}_extracted`) };
  return { dir, target: join(dir, `${name}_archive`), extracted: join(dir, name) };
}

const getFileKeys = keysOf<GetFileOptions>()({
  timeoutMs: true, verbose: true, maxRedirects: true, progressStream: true, resume: true,
  fileHash: true, hashAlgorithm: true, cacheSubdir: true, cacheDir: true, extract: true, forceDownload: true, validate: true,
});

/**
 * The file at `origin`, from the cache if it is there and intact (its hash matches, `validate`
 * accepts it), else downloaded (resumably, verified, renamed into place). Returns its path,
 * or the extraction folder with `extract`.
 *
 *   const path = await getFile('vgg16_weights_tf_dim_ordering_tf_kernels.h5', WEIGHTS_PATH,
 *     { cacheSubdir: 'models', fileHash: '64373286793e3c8b2b4e3219cbf3544b' });
 */
export async function getFile(fname: string | null | undefined, origin: string, options: GetFileOptions = {}): Promise<string> {
  checkOptions('getFile', options, getFileKeys);
  getFilePaths(fname, origin, options); // argument errors before anything is created
  const base = writableBase(resolve(options.cacheDir ?? kerasHome()));
  const { dir, target, extracted } = getFilePaths(fname, origin, { ...options, cacheDir: base });
  mkdirSync(dir, { recursive: true }); // as Keras: the folder a copy can be put into exists
  const verbose = options.verbose ?? true;
  const out = options.progressStream ?? process.stderr;
  const say = (line: string) => verbose && out.write(`${line}\n`);
  const expected = options.fileHash?.toLowerCase() ?? null;
  const algorithm = resolveHashAlgorithm(options.hashAlgorithm ?? 'auto', expected);

  let download = options.forceDownload ?? false;
  let fresh = false;
  if (!download && existsSync(target)) {
    if (expected && (await hashFile(target, algorithm)) !== expected) {
      say(
        `A local file was found, but it seems to be incomplete or outdated because the ${algorithm} file hash ` +
          `does not match the original value of ${expected} so we will re-download the data.`,
      );
      download = true;
    } else if (options.validate) {
      try {
        await options.validate(target);
      } catch (e) {
        say(`A local file was found at ${target}, but it is not usable (${(e as Error).message}), so we will re-download it.`);
        download = true;
      }
    }
  } else download = true;

  if (download) {
    try {
      await downloadFile(origin, target, { ...options, fileHash: expected, hashAlgorithm: algorithm, sha256: undefined });
      fresh = true;
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      const check = expected ? `; it is checked against its ${algorithm === 'md5' ? 'MD5' : 'SHA-256'} ${expected}` : '';
      throw new DataError(
        `${err.message}\n` +
          `To use a copy of ${origin} obtained another way, put it at\n  ${target}\n` +
          `and it will be picked up without downloading${check}.`,
      );
    }
  }
  if (!extracted) return target;
  if (fresh || !existsSync(extracted)) await extractArchive(target, extracted);
  return extracted;
}
