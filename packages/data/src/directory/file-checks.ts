/**
 * The listing's file checks (flowFromDirectory's `validate`): why each file is not a usable
 * image, or null. 'quick' reads each file's first and last bytes (a full decode only where
 * those look wrong); 'full' decodes every file, on the image workers when there are any.
 */
import { checkImageFile, quickCheckImageFile } from '../image/decode.js';
import type { ImagePool } from './pool.js';

export async function checkListedFiles(paths: readonly string[], full: boolean, workers: number, pool: () => ImagePool): Promise<(string | null)[]> {
  const reasons: (string | null)[] = new Array(paths.length).fill(null);
  // Reading a file's first and last bytes is I/O: done here through libuv's threads
  // (starting workers would cost more). Full decodes go to the workers when there are any.
  if (full && workers > 0) {
    const chunk = Math.max(16, Math.ceil(paths.length / (workers * 8)));
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < paths.length; start += chunk) {
      jobs.push(
        pool()
          .run({ type: 'check', paths: paths.slice(start, start + chunk), full })
          .then((r) => {
            if (!r.ok) throw new Error(r.error);
            if (r.type === 'check') r.reasons.forEach((reason, i) => (reasons[start + i] = reason));
          }),
      );
    }
    await Promise.all(jobs);
    return reasons;
  }
  // The cheap checks synchronously (a few small reads per file: faster than async calls),
  // then a decode of the files that look wrong, a few at a time.
  const toDecode: number[] = [];
  for (let i = 0; i < paths.length; i++) {
    const quick = full ? 'decode' : quickCheckImageFile(paths[i]);
    if (typeof quick === 'object') reasons[i] = quick.reason;
    else if (quick === 'decode') toDecode.push(i);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < toDecode.length) {
        const i = toDecode[next++];
        reasons[i] = (await checkImageFile(paths[i], true)) ?? null;
      }
    }),
  );
  return reasons;
}
