import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built examples (npm run build -w @layerwise/example-chapter1) with few epochs.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const run = (file: string, epochs: number) =>
  spawnSync(process.execPath, [`${dist}${file}`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, EPOCHS: String(epochs) } });

describe.skipIf(!existsSync(`${dist}mlp.js`))('examples/chapter1 (built)', () => {
  it.each(['mlp.js', 'batchnorm.js'])('%s prints the test accuracy', (file) => {
    const r = run(file, 1);
    expect(r.status, r.stderr).toBe(0);
    const acc = Number(/test acc :  ([0-9.]+)/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
  });

  it.each([
    ['overfit.js', /epoch +3 {2}acc: [0-9.]+ {2}val_acc: [0-9.]+ {2}loss: [0-9.]+ {2}val_loss: [0-9.]+/],
    ['weight-decay.js', /epoch +3 {2}wd_acc: [0-9.]+ {2}wd_val_acc: [0-9.]+/],
    ['dropout.js', /epoch +3 {2}do_acc: [0-9.]+ {2}do_val_acc: [0-9.]+/],
  ])('%s prints its history', (file, line) => {
    const r = run(file, 3);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(line);
  });
});
