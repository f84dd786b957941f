/**
 * An HDF5 file opened through h5wasm, with the few operations Keras' weight layouts need.
 *
 * h5wasm is imported lazily (a dynamic import on first use), so programs that never touch an
 * HDF5 file do not load its WebAssembly. Its Node build reads and writes real files through
 * the file system (no copy of the file into memory). HDF5's own errors are turned into
 * WeightsErrors that name the file and say what HDF5 found wrong.
 */
import { existsSync, statSync } from 'node:fs';
import type * as H5 from 'h5wasm/node';
import { WeightsError } from '../../errors.js';

type H5Api = typeof H5.default;
type H5Module = Awaited<H5Api['ready']>;

let library: Promise<{ h5: H5Api; Module: H5Module }> | undefined;

/** h5wasm, loaded on first use. */
export function loadH5wasm(): Promise<{ h5: H5Api; Module: H5Module }> {
  library ??= (async () => {
    const h5 = (await import('h5wasm/node')).default;
    const Module = await h5.ready;
    return { h5, Module };
  })();
  return library;
}

/** HDF5's error stack as one line: the innermost reason ("truncated file: ...", "file signature not found"). */
function hdf5Reason(err: unknown): string {
  const text = String((err as Error)?.message ?? err);
  const reasons = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)/g)].map((m) => m[1].trim());
  return reasons.length ? reasons[reasons.length - 1] : text.split('\n')[0];
}

/** The 8 bytes every HDF5 file starts with (at offset 0 when there is no user block, as in Keras' files). */
export const HDF5_SIGNATURE = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export class H5File {
  private constructor(
    /** The file's name in messages. */
    readonly path: string,
    private readonly file: H5.File,
    private readonly h5: H5Api,
    readonly Module: H5Module,
  ) {}

  /**
   * Open for reading ('r') or create/truncate for writing ('w'). `label` names the file in
   * messages (the target, when `path` is a temporary file being written).
   */
  static async open(path: string, mode: 'r' | 'w', label = path): Promise<H5File> {
    if (mode === 'r') {
      if (!existsSync(path)) throw new WeightsError(`Weights file '${path}' does not exist`);
      if (!statSync(path).isFile()) throw new WeightsError(`Weights file '${path}' is not a file`);
    }
    const { h5, Module } = await loadH5wasm();
    const file = guarded(Module, label, mode === 'r' ? 'open it' : 'create it', () => new h5.File(path, mode));
    return new H5File(label, file, h5, Module);
  }

  /** Run HDF5 calls with its errors thrown (not printed), as a WeightsError naming the file. */
  call<T>(what: string, fn: () => T): T {
    return guarded(this.Module, this.path, what, fn);
  }

  get fileId(): bigint {
    return this.file.file_id;
  }

  /** The group or dataset at `path` (links and other objects count as absent). */
  private object(path: string): H5.Group | H5.Dataset | undefined {
    if (path === '/') return this.file;
    const entity = this.file.get(path);
    return entity instanceof this.h5.Group || entity instanceof this.h5.Dataset ? entity : undefined;
  }

  /** 'group', 'dataset', or undefined when nothing is at `path`. */
  kind(path: string): 'group' | 'dataset' | undefined {
    return this.call(`look up '${path}'`, () => {
      const entity = this.object(path);
      return entity instanceof this.h5.Group ? 'group' : entity ? 'dataset' : undefined;
    });
  }

  /** Names inside a group (HDF5's order: alphabetical unless the file tracks creation order). */
  keys(group: string): string[] {
    return this.call(`list '${group}'`, () => (this.file.get(group) as H5.Group).keys());
  }

  attrNames(path: string): string[] {
    return this.call(`read the attributes of '${path}'`, () => this.Module.get_attribute_names(this.fileId, path));
  }

  /** A string or list-of-strings attribute, as a list; undefined when absent. */
  strings(path: string, name: string): string[] | undefined {
    return this.call(`read attribute '${name}' of '${path}'`, () => {
      const attr = this.object(path)?.attrs[name];
      if (!attr) return undefined;
      const value = attr.value;
      if (value === null) return [];
      // An empty list is stored as an empty numeric array (h5py writes float64 for np.array([])).
      if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length === 0) return [];
      const list = Array.isArray(value) ? value : [value];
      if (list.some((v) => typeof v !== 'string')) throw new WeightsError(`Attribute '${name}' of '${path}' in '${this.path}' should hold strings`);
      return list as string[];
    });
  }

  /**
   * A string-list attribute that Keras may have split into `name0`, `name1`, … because HDF5
   * object headers are limited to 64 KiB (Keras' load_attributes_from_hdf5_group).
   */
  chunkedStrings(path: string, name: string): string[] | undefined {
    const whole = this.strings(path, name);
    if (whole) return whole;
    const parts: string[] = [];
    for (let i = 0; ; i++) {
      const part = this.strings(path, `${name}${i}`);
      if (!part) return i === 0 ? undefined : parts;
      parts.push(...part);
    }
  }

  createGroup(path: string): void {
    this.call(`create group '${path}'`, () => this.file.create_group(path));
  }

  /** Write a string attribute, or a list of strings (variable-length UTF-8, which h5py reads as str). */
  setStrings(path: string, name: string, value: string | string[]): void {
    this.call(`write attribute '${name}' of '${path}'`, () => {
      const entity = this.object(path);
      if (!entity) throw new Error(`no object at '${path}'`);
      entity.create_attribute(name, value);
    });
  }

  close(): void {
    this.call('close', () => this.file.close());
  }
}

function guarded<T>(Module: H5Module, path: string, what: string, fn: () => T): T {
  Module.activate_throwing_error_handler();
  try {
    return fn();
  } catch (err) {
    if (err instanceof WeightsError) throw err;
    throw new WeightsError(`HDF5 file '${path}': cannot ${what}: ${hdf5Reason(err)}`);
  } finally {
    Module.deactivate_throwing_error_handler();
  }
}
