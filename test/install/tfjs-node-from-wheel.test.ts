import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TFJS_KERNELS } from '../helpers/backends.js';

/**
 * `npx layerwise-tfjs-node` (scripts/tfjs-node-from-wheel.sh) where CI's setup already ran it:
 * a second run is a no-op, --check reports, and a wheel pip cannot get ends with status 3 and a
 * banner saying how to get one — leaving the working tfjs-node and the cache as they were. (The
 * build itself runs in CI's setup on every run, from the cache or from the wheel.)
 */
const root = resolve(__dirname, '../..');
const bin = join(root, 'packages/backend-tfjs/bin/layerwise-tfjs-node.mjs');
const cache = mkdtempSync(join(tmpdir(), 'lw-tfjs-node-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

describe.skipIf(!TFJS_KERNELS.includes('node'))('layerwise-tfjs-node once the setup has built it', () => {
  it('a second run does nothing', () => {
    const r = run([]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/tfjs-node 4\.\d+\.\d+ already loads \(tfjs-core 4\.\d+\.\d+\); nothing to do/);
  });

  it('--check says it loads (status 0); --help lists the options', () => {
    expect(run(['--check']).status).toBe(0);
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const option of ['--wheel', '--tensorflow-dir', '--tensorflow', '--python', '--cache', '--force', '--check']) expect(help.out).toContain(option);
  });

  it('a wheel pip cannot get: status 3, a banner with the ways out, tfjs-node and the cache untouched', () => {
    // pip with no index at all: fails at once, offline.
    const r = run(['--force', '--tensorflow', '0.0.1', '--cache', cache], { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '', PIP_EXTRA_INDEX_URL: '' });
    expect(r.status, r.out).toBe(3);
    expect(r.out).toMatch(/!!! tfjs-node NOT built: the tensorflow-cpu==0\.0\.1 wheel could not be obtained with pip/);
    expect(r.out).toMatch(/PIP_INDEX_URL/);
    expect(r.out).toMatch(/npx layerwise-tfjs-node --wheel tensorflow_cpu-0\.0\.1-/);
    expect(r.out).toMatch(/--tensorflow-dir/);
    expect(readdirSync(cache)).toEqual([]);
    expect(run(['--check']).status).toBe(0);
  });

  it('an unknown option is refused with the usage', () => {
    const r = run(['--nope']);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/unknown option --nope[\s\S]*usage: layerwise-tfjs-node/);
  });
});
