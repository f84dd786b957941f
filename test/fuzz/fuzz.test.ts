import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-script.js';

/**
 * Issue 16's fuzz suite: seeded, bounded mutated and lying inputs for every loader (IDX,
 * npy, npz, CIFAR pickles, tar, model files, Keras HDF5 weights, Keras 3 .keras archives, Keras 2 whole-model .h5, TensorFlow.js model.json, PNG, JPEG, BMP, GIF, WebP,
 * TIFF, Netpbm), in a child process with a 256 MB heap and a resident-memory check after
 * every input, each input under a time limit. Only two outcomes pass: well-formed data, or a named error
 * naming the file (run-fuzz.ts). LAYERWISE_FUZZ_SEED / LAYERWISE_FUZZ_RUNS change the
 * seed and the number of inputs per loader (default 16 and 40) for longer runs by hand.
 */
const RUNNER = fileURLToPath(new URL('./run-fuzz.ts', import.meta.url));

interface Report {
  runs: number;
  counts: Record<string, { data: number; refused: number; ms: number }>;
  failures: { target: string; run: number; base: string; how: string; problem: string }[];
  peakRssMB: number;
}

describe('fuzz: hostile files give data or a named error, within memory and time', () => {
  it('every loader, seeded', async () => {
    const run = await runScript(RUNNER, ['--max-rss', '600', '--max-ms', '10000'], { nodeArgs: ['--max-old-space-size=256', '--no-warnings'], timeoutMs: 180_000 });
    expect(run.timedOut, 'the fuzz run did not finish in 180 s').toBe(false);
    expect(run.code, `the fuzz process died: ${run.stderr.slice(-2000)}`).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as Report;
    expect(report.failures, JSON.stringify(report.failures, null, 1)).toEqual([]);
    expect(Object.keys(report.counts).sort()).toEqual(['bmp', 'gif', 'idx', 'jpeg', 'keras-archive', 'keras-h5', 'keras-model-h5', 'model', 'npy', 'npz', 'pickle', 'png', 'pnm', 'tar', 'tfjs-model-json', 'tiff', 'webp']);
    for (const [target, c] of Object.entries(report.counts)) {
      expect(c.data + c.refused, target).toBe(report.runs);
      expect(c.refused, `${target}: no input was refused (the mutations are not biting)`).toBeGreaterThan(0);
    }
    expect(report.peakRssMB).toBeLessThan(600);
  });
});
