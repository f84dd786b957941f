import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built examples (npm run build builds them) with one epoch on a few samples.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

describe.skipIf(!existsSync(`${dist}fit-generator.js`))('examples/chapter3 (built)', () => {
  it.each([
    ['flow-loop.js', '64', /test acc :  ([0-9.]+)/],
    ['fit-generator.js', '128', /test acc :  ([0-9.]+)/],
    ['flow-from-directory.js', '16', /val acc :  ([0-9.]+)/],
  ])('%s prints a final accuracy', (file, limit, pattern) => {
    const r = spawnSync(process.execPath, [`${dist}${file}`, '1'], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, LIMIT: limit } });
    expect(r.status, r.stderr).toBe(0);
    const acc = Number(pattern.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    if (file === 'flow-loop.js') expect(r.stdout).toContain('Epoch 0');
  });
});
