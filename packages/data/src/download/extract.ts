/**
 * Unpacking a downloaded .tar / .tar.gz / .zip into a folder (get_file's extract=True), with
 * every member's path checked to stay inside the folder. The folder appears whole or not at
 * all: members go to a temporary folder beside it, renamed into place at the end.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { DataError, readFileHead, tempPathFor } from '@layerwise/core';
import { isZip, readZip } from '../zip.js';
import { readTarFile } from '../tar.js';

/** 'zip', 'tar' (plain or gzipped), or undefined. */
export function archiveFormat(path: string): 'zip' | 'tar' | undefined {
  const bytes = readFileHead(path, 512);
  if (isZip(bytes)) return 'zip';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar'; // gzip: a .tar.gz
  if (new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') return 'tar';
  return undefined;
}

/** A member name as a path inside the folder, or an error for names that would escape it. */
function memberPath(archive: string, name: string): string {
  const clean = normalize(name.replace(/\\/g, '/'));
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean.startsWith('/'))
    throw new DataError(`${archive}: member '${name}' would be written outside the extraction folder; nothing was extracted`);
  return clean;
}

/** Extract `archive` into `folder` (replacing it). */
export async function extractArchive(archive: string, folder: string): Promise<void> {
  const format = archiveFormat(archive);
  if (!format) throw new DataError(`${archive}: cannot extract: not a tar, tar.gz or zip archive`);
  const members = format === 'zip' ? readZip(readFileSync(archive), archive) : await readTarFile(archive, () => true);
  const paths = [...members.keys()].map((name) => memberPath(archive, name));
  const temp = tempPathFor(folder);
  try {
    mkdirSync(temp, { recursive: true });
    [...members.values()].forEach((data, i) => {
      if (paths[i].endsWith(sep) || paths[i] === '.') return; // a folder entry
      const target = join(temp, paths[i]);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    });
    rmSync(folder, { recursive: true, force: true });
    renameSync(temp, folder);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
