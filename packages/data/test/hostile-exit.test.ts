import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '@layerwise/core';
import { saveImg } from '@layerwise/data';
import { runScript } from '../../../test/helpers/run-script.js';
import { cleanupTemps, tempDir } from './helpers.js';

/**
 * Issue 16 item 1: a program that reads image folders through worker threads ends on its
 * own when its work is done (no close() needed), and pending work keeps it alive until done.
 * Each case is a real Node process on the sources; the timeout only bounds a failure.
 */
const script = (name: string) => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = tempDir('layerwise-exit-');
  for (const [k, cls] of ['cats', 'dogs'].entries()) {
    mkdirSync(join(dir, cls));
    for (let i = 0; i < 6; i++) {
      const px = new Uint8Array(8 * 8 * 3).map((_, j) => (j * 7 + i * 31 + k * 101) & 255);
      await saveImg(join(dir, cls, `${i}.png`), new Tensor(px, [8, 8, 3], 'uint8'), { scale: false });
    }
  }
});
afterAll(cleanupTemps);

describe('worker threads never keep a finished program alive', () => {
  it('fit on flowFromDirectory, an imageDatasetFromDirectory epoch and an augmented flow, no close(): the process exits by itself', async () => {
    const run = await runScript(script('exit-keras-style.ts'), [dir], { timeoutMs: 90_000 });
    expect(run.timedOut, `still running after 90 s; stderr: ${run.stderr}`).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ epochs: 2, seen: 12, augmented: [4, 8, 8, 3] });
  });

  it('a batch still being decoded keeps the process alive until it is delivered', async () => {
    const run = await runScript(script('exit-in-flight.ts'), [dir], { timeoutMs: 90_000 });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('batch 6x8x8x3');
  });
});
