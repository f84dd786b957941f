import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Installing only what you need works, exactly as the README's "Your first hour" says: pack
 * the packages its install line names, then in an empty folder run its commands as written —
 * `npm init -y && npm pkg set type=module`, its `npm install` line (tarballs in place of the
 * names; their dependencies come from the registry, or npm's cache offline) with
 * ONNXRUNTIME_NODE_INSTALL=skip and no .npmrc — train a tiny model there, compile the README's
 * quick start with its `npx tsc --strict …` line, and run it (offline: on the Fashion-MNIST
 * sample) with its first plots. Uses the built dist (npm test builds first).
 */
const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's TypeScript quick start: the ```ts block of the quick-start table. */
function readmeQuickStart(): string {
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no ```ts block in the quick start');
  return block[1];
}

/** The "Your first hour" section, and the line of it that starts with `start`. */
const firstHour = readme.slice(readme.indexOf('## Your first hour'), readme.indexOf('\n## ', readme.indexOf('## Your first hour') + 5));
function firstHourLine(start: string): string {
  const line = firstHour.split('\n').map((l) => l.trim()).find((l) => l.startsWith(start));
  if (!line) throw new Error(`README "Your first hour": no line starting with '${start}'`);
  return line.replace(/\s+#.*$/, '');
}
/** The packages the README's install line names (`@layerwise/core` → `core`). */
const installLine = firstHourLine('ONNXRUNTIME_NODE_INSTALL=skip npm install ');
const PACKAGES = installLine.split(/\s+/).filter((w) => w.startsWith('@layerwise/')).map((w) => w.slice('@layerwise/'.length));
const built = PACKAGES.every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));
describe('npm pack → install the README\'s packages into an empty project, as its first hour says', () => {
  it('the README names the install, init and tsc lines this test runs', () => {
    expect(PACKAGES).toEqual(expect.arrayContaining(['core', 'layers', 'backend-onnx', 'data', 'plot']));
    expect(firstHourLine('npm init -y')).toBe('npm init -y && npm pkg set type=module');
    expect(firstHourLine('npx tsc ')).toMatch(/^npx tsc --strict .* quickstart\.ts && node quickstart\.js$/);
  });

  it.skipIf(!built)('trains a tiny model there; the README quick start passes its tsc --strict line and runs, with the first plots', () => {
    const work = mkdtempSync(join(tmpdir(), 'lw-pack-'));
    const tarballs = PACKAGES.map((p) => {
      const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(root, 'packages', p), encoding: 'utf8' });
      return join(work, out.trim().split('\n').pop()!);
    });
    const app = join(work, 'my-app');
    execFileSync('mkdir', ['-p', app]);
    // As the README says: the variable, no .npmrc (so npm has no unknown config to warn about).
    const env: NodeJS.ProcessEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
    for (const k of Object.keys(env)) if (k.toLowerCase().startsWith('npm_config_onnxruntime')) delete env[k];
    const sh = (line: string) => spawnSync('bash', ['-c', line], { cwd: app, env, encoding: 'utf8' });
    const init = sh(firstHourLine('npm init -y'));
    expect(init.status, init.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type).toBe('module');
    // The README's install line, the tarballs in place of the names.
    const args = installLine.replace(/^ONNXRUNTIME_NODE_INSTALL=skip npm install /, '').split(/\s+/);
    const local = args.map((a) => (a.startsWith('@layerwise/') ? tarballs[PACKAGES.indexOf(a.slice('@layerwise/'.length))] : a));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...local], { cwd: app, env, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/Unknown (project|cli|user) config/);
    const installed = readdirSync(join(app, 'node_modules', '@layerwise')).sort();
    expect(installed).toEqual([...PACKAGES].sort());
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

    // The README's quick start, as written, through its `npx tsc --strict …` line (the repo's
    // TypeScript stands in for the app's; the app has no @types/node: the packages' types must
    // not need it).
    writeFileSync(join(app, 'quickstart.ts'), readmeQuickStart());
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const [compileLine] = firstHourLine('npx tsc ').split(' && ');
    const strict = compileLine.replace(/^npx tsc /, '').split(/\s+/);
    const check = spawnSync(tsc, strict, { cwd: app, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(existsSync(join(app, 'quickstart.js'))).toBe(true);
    // Run it offline: the same program on the Fashion-MNIST sample the data package ships
    // (MNIST needs a download), one epoch, with the README's first plots after fit.
    const plots = /3\. \*\*First plots\*\*[\s\S]*?```ts\n([\s\S]*?)```/.exec(firstHour)![1].replace(/^ {3}/gm, '');
    const [plotImport, ...plotCalls] = plots.trim().split('\n');
    const offline = [
      plotImport.replace(/\s+\/\/.*$/, ''),
      readmeQuickStart()
        .replace("import { mnist } from '@layerwise/data';", "import { fashionMnist } from '@layerwise/data';")
        .replace('await mnist.loadData()', 'await fashionMnist.loadData({ download: false, fallbackToSample: true })')
        .replace('reshape(60000, 784)', 'reshape(-1, 784)')
        .replace('reshape(10000, 784)', 'reshape(-1, 784)')
        .replace('epochs: 10', 'epochs: 1, verbose: 0'),
      ...plotCalls,
    ].join('\n');
    expect(offline).toContain('fashionMnist.loadData({ download: false');
    expect(offline).toContain("await plotHistory(history, { toFile: 'history.png' });");
    writeFileSync(join(app, 'quickstart-offline.ts'), offline);
    const emit = spawnSync(tsc, strict.map((a) => (a === 'quickstart.ts' ? 'quickstart-offline.ts' : a)), { cwd: app, encoding: 'utf8' });
    expect(emit.stdout + emit.stderr).toBe('');
    const run = spawnSync('node', ['quickstart-offline.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, LAYERWISE_HOME: join(work, 'home') } });
    expect(run.status, run.stderr).toBe(0);
    const acc = Number(/test acc :\s+([\d.]+)/.exec(run.stdout)?.[1]);
    expect(acc).toBeGreaterThan(0.1); // ten classes: better than chance after one epoch
    for (const png of ['model.png', 'history.png']) expect([...readFileSync(join(app, png)).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });
});
