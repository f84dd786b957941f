import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built examples (npm run build builds them) with one epoch on a few hundred samples.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

describe.skipIf(!existsSync(`${dist}cnn.js`))('examples/chapter2 (built)', () => {
  it.each(['cnn.js', 'inception-block.js', 'shortcut.js'])('%s prints the test accuracy', (file) => {
    const r = spawnSync(process.execPath, [`${dist}${file}`, '1'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LIMIT: '256' } });
    expect(r.status, r.stderr).toBe(0);
    const acc = Number(/test acc :  ([0-9.]+)/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    if (file === 'inception-block.js') expect(r.stdout).toContain('Concatenate output: [ null, 39, 13, 64 ]');
  });
});
