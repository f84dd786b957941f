/**
 * Files written whole or not at all: the data goes to a temporary file beside the target
 * (`<name>.tmp-<pid>-<time>`, same folder so the rename is atomic), which is renamed into
 * place once complete. Temporaries left behind by a process that was killed mid-write are
 * removed the next time the same file is written.
 */
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const TEMP = /^(.*)\.tmp-(\d+)-\d+$/;

export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now()}`;
}

/** Whether a process with this id runs (on this machine). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Remove `<path>.tmp-<pid>-<time>` files whose writing process no longer runs. */
export function removeStaleTemps(path: string): void {
  const dir = dirname(resolve(path));
  const name = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // no folder yet: nothing to clean
  }
  for (const entry of entries) {
    const m = TEMP.exec(entry);
    if (m && m[1] === name && !isProcessAlive(Number(m[2]))) rmSync(join(dir, entry), { force: true });
  }
}

/** Write `path` through a temporary file: `write` fills the temporary, then it is renamed into place. */
export async function writeAtomically(path: string, write: (tempPath: string) => void | Promise<void>): Promise<void> {
  const target = resolve(path);
  removeStaleTemps(target);
  const temp = tempPathFor(target);
  try {
    await write(temp);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
