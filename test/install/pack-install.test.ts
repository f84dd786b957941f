import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Installing only what you need works, exactly as the README's "Install in your project" says:
 * pack core + layers + backend-onnx + data, install those tarballs into an empty project with
 * ONNXRUNTIME_NODE_INSTALL=skip and no .npmrc (their dependencies come from the registry, or
 * npm's cache offline), train a tiny model there, and compile the README's quick start with
 * `tsc --strict` and run it. Uses the built dist (npm test builds first).
 */
const root = resolve(__dirname, '../..');
const PACKAGES = ['core', 'layers', 'backend-onnx', 'data'];
const built = PACKAGES.every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));

/** The README's TypeScript quick start: the ```ts block of the quick-start table. */
function readmeQuickStart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no ```ts block in the quick start');
  return block[1];
}

describe('npm pack → install core + layers + backend-onnx + data into an empty project', () => {
  it.skipIf(!built)('trains a tiny model there; the README quick start passes tsc --strict and runs', () => {
    const work = mkdtempSync(join(tmpdir(), 'lw-pack-'));
    const tarballs = PACKAGES.map((p) => {
      const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(root, 'packages', p), encoding: 'utf8' });
      return join(work, out.trim().split('\n').pop()!);
    });
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // As the README says: the variable, no .npmrc (so npm has no unknown config to warn about).
    const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
    for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_config_onnxruntime')) delete env[k];
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: app, env, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/Unknown (project|cli|user) config/);
    const installed = readdirSync(join(app, 'node_modules', '@layerwise')).sort();
    expect(installed).toEqual(['backend-onnx', 'core', 'data', 'layers']);
    // The CPU library came with the package; the GPU providers were not fetched.
    const ortBin = join(app, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', `${process.platform}`, process.arch);
    if (existsSync(ortBin)) expect(readdirSync(ortBin).some((f) => f.includes('providers_cuda'))).toBe(false);
    writeFileSync(
      join(app, 'train.mjs'),
      `
import { Sequential, Tensor, setSeed } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
setSeed(1);
const x = Tensor.from([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = Tensor.from([[0], [1], [1], [0]]);
const model = new Sequential();
model.add(new Dense(8, { inputDim: 2, activation: 'tanh' }));
model.add(new Dense(1, { activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
const h = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
const p = await model.predict(x, { verbose: 0 });
console.log(JSON.stringify({ first: h.history.loss[0], last: h.history.loss.at(-1), acc: h.history.accuracy.at(-1), p: Array.from(p.data) }));
`,
    );
    const out = JSON.parse(execFileSync('node', ['train.mjs'], { cwd: app, encoding: 'utf8' }).trim().split('\n').pop()!);
    expect(out.last).toBeLessThan(out.first);
    expect(out.p).toHaveLength(4);
    // The tfjs backend is not installed here: asking for it names the package to install.
    writeFileSync(
      join(app, 'tfjs.mjs'),
      `import { setBackend, getBackend } from '@layerwise/core';
setBackend('tfjs');
try { await getBackend(); console.log('loaded?!'); } catch (e) { console.log(e.name + ': ' + e.message.split('\\n')[0]); }`,
    );
    const msg = execFileSync('node', ['tfjs.mjs'], { cwd: app, encoding: 'utf8' }).trim();
    expect(msg).toMatch(/^BackendUnavailableError: .*npm install @layerwise\/backend-tfjs/);

    // The README's quick start, as written, under tsc --strict (the app has no @types/node:
    // the packages' types must not need it).
    writeFileSync(join(app, 'quickstart.ts'), readmeQuickStart());
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const strict = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'quickstart.ts'];
    const check = spawnSync(tsc, strict, { cwd: app, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    // Run it offline: the same program on the Fashion-MNIST sample the data package ships
    // (MNIST needs a download), one epoch; only the data line and the counts change.
    const offline = readmeQuickStart()
      .replace("import { mnist } from '@layerwise/data';", "import { fashionMnist } from '@layerwise/data';")
      .replace('await mnist.loadData()', 'await fashionMnist.loadData({ download: false, fallbackToSample: true })')
      .replace('reshape(60000, 784)', 'reshape(xTrain.shape[0], 784)')
      .replace('reshape(10000, 784)', 'reshape(xTest.shape[0], 784)')
      .replace('epochs: 10', 'epochs: 1, verbose: 0');
    expect(offline).toContain('fashionMnist.loadData({ download: false');
    writeFileSync(join(app, 'quickstart-offline.ts'), offline);
    const emit = spawnSync(tsc, [...strict.filter((a) => a !== '--noEmit' && a !== 'quickstart.ts'), 'quickstart-offline.ts'], { cwd: app, encoding: 'utf8' });
    expect(emit.stdout + emit.stderr).toBe('');
    const run = spawnSync('node', ['quickstart-offline.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, LAYERWISE_HOME: join(work, 'home') } });
    expect(run.status, run.stderr).toBe(0);
    const acc = Number(/test acc :\s+([\d.]+)/.exec(run.stdout)?.[1]);
    expect(acc).toBeGreaterThan(0.1); // ten classes: better than chance after one epoch
  });
});
