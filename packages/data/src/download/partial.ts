/**
 * Where a download's bytes go until they are complete and verified, kept across runs so an
 * interrupted download resumes:
 *
 *   <dest>.part        the bytes received so far
 *   <dest>.part.json   which URL and version they are (ETag / Last-Modified, total size)
 *   <dest>.part.lock   the id of the process downloading now
 *
 * A process killed mid-download leaves .part and .part.json behind: the next run resumes
 * them (or, if the server's file changed, starts over). If another live process holds the
 * lock, this one downloads to a private temporary file instead (no resume, no clash).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { isProcessAlive, removeStaleTemps, tempPathFor } from '@layerwise/core';

export interface PartInfo {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
}

export class PartialFile {
  private constructor(
    /** Where the bytes go. */
    readonly path: string,
    /** False when another process holds the lock: a private temporary, never resumed. */
    readonly resumable: boolean,
    private readonly dest: string,
  ) {}

  /** Take the download of `dest` (the shared .part, or a private temporary if another process has it). */
  static open(dest: string): PartialFile {
    removeStaleTemps(dest);
    const lock = `${dest}.part.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lock, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new PartialFile(`${dest}.part`, true, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = Number(readFileSync(lock, 'utf8'));
        if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder) && holder !== process.pid) break;
        rmSync(lock, { force: true }); // left by a process that is gone
      }
    }
    return new PartialFile(tempPathFor(dest), false, dest);
  }

  private get infoPath(): string {
    return `${this.path}.json`;
  }

  /** What is already there for `url`: its size and version, or nothing. */
  existing(url: string): { bytes: number; info: PartInfo } | undefined {
    if (!this.resumable || !existsSync(this.path) || !existsSync(this.infoPath)) return undefined;
    try {
      const info = JSON.parse(readFileSync(this.infoPath, 'utf8')) as PartInfo;
      if (info.url !== url) return undefined;
      return { bytes: statSync(this.path).size, info };
    } catch {
      return undefined; // unreadable description: start over
    }
  }

  /** Record what the bytes being written are (before writing them). */
  describe(info: PartInfo): void {
    if (this.resumable) writeFileSync(this.infoPath, JSON.stringify(info));
  }

  /** Stop without finishing: a resumable part stays for the next run; a private temporary goes. */
  keep(): void {
    if (!this.resumable) rmSync(this.path, { force: true });
    this.unlock();
  }

  /** Drop the bytes (corrupt, or for another version). */
  discard(): void {
    rmSync(this.path, { force: true });
    rmSync(this.infoPath, { force: true });
    this.unlock();
  }

  /** Rename the complete, verified file into place. */
  complete(): void {
    renameSync(this.path, this.dest);
    rmSync(this.infoPath, { force: true });
    this.unlock();
  }

  private unlock(): void {
    if (this.resumable) rmSync(`${this.dest}.part.lock`, { force: true });
  }
}
