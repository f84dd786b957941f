/**
 * Listing an image folder the way Keras' DirectoryIterator does
 * (keras/src/legacy/preprocessing/image.py):
 *
 * - classes: the subfolders of `directory`, sorted like Python's sorted() (code-point order,
 *   not the locale's); or the `classes` given, in that order;
 * - per class, os.walk(class folder) with its (root, files) pairs sorted by the root path
 *   and each root's files sorted, keeping names whose lowercase form ends with an allowed
 *   extension (Keras tests `fname.lower().endswith(("png", "jpg", …))`, without the dot);
 * - with a validation split, per class: the first int(split * n) files are 'validation',
 *   the rest 'training';
 * - filenames relative to `directory` ("class/sub/file.jpg", the OS separator), in class order.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { DataError } from '@layerwise/core';

/** Keras' white_list_formats plus 'webp' and 'gif'. */
export const DEFAULT_IMAGE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff', 'webp', 'gif'];

/**
 * Python's string order (code points). JavaScript's `<` compares UTF-16 code units, which
 * differs from it when a character beyond U+FFFF (a surrogate pair) meets one in U+E000–U+FFFF.
 */
export function comparePython(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa && !sb && cb >= 0xe000) return 1;
    if (sb && !sa && ca >= 0xe000) return -1;
    return ca - cb;
  }
  return a.length - b.length;
}

export const sortPython = (names: string[]): string[] => names.sort(comparePython);

export interface ListingOptions {
  /** Class subfolder names, in label order; default: every subfolder, sorted. */
  classes?: readonly string[];
  /** Allowed file endings, compared to the end of the lowercased name as given: Keras' DirectoryIterator uses 'png' (so 'imgpng' counts), image_dataset_from_directory '.png'. */
  extensions?: readonly string[];
  /** Descend into symlinked subfolders (Keras' follow_links). Default false. */
  followLinks?: boolean;
  /** [start, stop) fractions of each class's files (Keras' split), or undefined for all. */
  split?: readonly [number, number];
}

export interface Listing {
  classNames: string[];
  classIndices: Record<string, number>;
  /** Relative paths ("class/file.jpg", '/'-separated on POSIX as in Keras). */
  filenames: string[];
  classes: number[];
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Checks that `directory` exists and is a folder; DataErrors name the path. */
export function checkDirectory(directory: string, where: string): void {
  let stat;
  try {
    stat = statSync(directory);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${where}: directory ${directory} does not exist`);
    throw new DataError(`${where}: cannot read directory ${directory} (${code ?? (err as Error).message})`);
  }
  if (!stat.isDirectory())
    throw new DataError(`${where}: ${directory} is a file, not a directory; pass the folder that holds one subfolder per class`);
}

/** os.walk(top, followlinks) with Keras' sort: [root, files][] sorted by root, files sorted. */
function walk(top: string, followLinks: boolean): [string, string[]][] {
  const out: [string, string[]][] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (followLinks) {
      // Python would loop forever on a link cycle; we visit each real folder once.
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        return;
      }
      if (seen.has(real)) return;
      seen.add(real);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // os.walk ignores unreadable folders
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isSymbolicLink() && isDir(full)) {
        if (followLinks) dirs.push(e.name);
      } else files.push(e.name);
    }
    out.push([dir, files]);
    for (const d of dirs) visit(join(dir, d));
  };
  visit(top);
  out.sort((a, b) => comparePython(a[0], b[0]));
  for (const entry of out) sortPython(entry[1]);
  return out;
}

/** The subfolders of `directory` (symlinked ones included), in Python's sorted() order. */
export function classFolders(directory: string): string[] {
  return sortPython(readdirSync(directory).filter((name) => isDir(join(directory, name))));
}

/** Keras' class discovery + _list_valid_filenames_in_directory for every class. */
export function listImageDirectory(directory: string, options: ListingOptions = {}): Listing {
  const { followLinks = false, split } = options;
  const extensions = (options.extensions ?? DEFAULT_IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
  let classNames: string[];
  if (options.classes && options.classes.length > 0) classNames = [...options.classes];
  else classNames = classFolders(directory);
  const classIndices: Record<string, number> = {};
  classNames.forEach((c, i) => (classIndices[c] = i));

  const filenames: string[] = [];
  const classes: number[] = [];
  for (const className of classNames) {
    const classDir = join(directory, className);
    const valid: string[] = [];
    if (isDir(classDir)) {
      for (const [root, files] of walk(classDir, followLinks)) {
        for (const name of files) {
          const lower = name.toLowerCase();
          if (extensions.some((ext) => lower.endsWith(ext))) valid.push(join(root, name));
        }
      }
    }
    let chosen = valid;
    if (split) {
      const n = valid.length;
      chosen = valid.slice(Math.trunc(split[0] * n), Math.trunc(split[1] * n));
    }
    for (const path of chosen) {
      // Keras: os.path.join(dirname, os.path.relpath(path, class_dir)).
      filenames.push(join(className, relative(classDir, path)));
      classes.push(classIndices[className]);
    }
  }
  return { classNames, classIndices, filenames, classes };
}
