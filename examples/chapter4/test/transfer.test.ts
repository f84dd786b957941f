import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeFashionImageSet } from '@layerwise/data';

// Runs the built 4.4 / 4.5 examples (npm run build builds them) in order, with random weights
// (WEIGHTS=none) on a small Fashion-MNIST image set at 60×90 (SIZE, DATA), one epoch each.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'lw-chapter4-transfer-'));
const data = join(cwd, 'data60x90');
/** stdout without the progress bar's colours. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const run = (file: string) =>
  spawnSync(process.execPath, [`${dist}${file}`], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, WEIGHTS: 'none', DATA: data, SIZE: '60x90', EPOCHS: '1' } });

describe.skipIf(!existsSync(`${dist}transfer-features.js`))('examples/chapter4 transfer learning (built)', () => {
  beforeAll(async () => {
    await makeFashionImageSet(data, { classes: ['sneaker', 'bag'], perClass: { train: 20, test: 10 }, size: [60, 90] });
  });

  it('transfer-features.js prints the shapes and writes the .npy files', () => {
    const r = run('transfer-features.js');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Found 40 images belonging to 2 classes.');
    expect(r.stdout).toContain('(40, 1, 2, 512)');
    expect(r.stdout).toContain('(20, 1, 2, 512)');
    expect(readFileSync(join(cwd, 'bottleneck_features_test.npy')).subarray(1, 6).toString()).toBe('NUMPY');
  });

  it('transfer-train-top.js trains on them with validation data and draws the History', () => {
    const r = run('transfer-train-top.js');
    expect(r.status, r.stderr).toBe(0);
    expect(plain(r.stdout)).toMatch(/2\/2 .*accuracy: [\d.]+ - loss: [\d.]+ - val_accuracy: [\d.]+ - val_loss: [\d.]+/);
    expect([...readFileSync(join(cwd, 'history_top.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('transfer-fine-tune.js fine-tunes VGG16 on the augmenting generator', () => {
    const r = run('transfer-fine-tune.js');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Found 20 images belonging to 2 classes.');
    expect(plain(r.stdout)).toMatch(/acc: [\d.]+ - loss: [\d.]+ - val_acc: [\d.]+ - val_loss: [\d.]+/);
    expect([...readFileSync(join(cwd, 'history_fine_tune.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
