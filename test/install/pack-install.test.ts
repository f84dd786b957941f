import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Installing only what you need works: pack core + layers + backend-onnx, install just those
 * three tarballs into an empty project (their dependencies come from the registry), and train
 * a tiny model there. Uses the built dist (npm test builds first).
 */
const root = resolve(__dirname, '../..');
const built = ['core', 'layers', 'backend-onnx'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));

describe('npm pack → install core + layers + backend-onnx into an empty project', () => {
  it.skipIf(!built)('trains a tiny model there', () => {
    const work = mkdtempSync(join(tmpdir(), 'lw-pack-'));
    const tarballs = ['core', 'layers', 'backend-onnx'].map((p) => {
      const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(root, 'packages', p), encoding: 'utf8' });
      return join(work, out.trim().split('\n').pop()!);
    });
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(app, '.npmrc'), 'onnxruntime-node-install=skip\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: app, stdio: 'pipe' });
    const installed = readdirSync(join(app, 'node_modules', '@layerwise')).sort();
    expect(installed).toEqual(['backend-onnx', 'core', 'layers']);
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
  });
});
