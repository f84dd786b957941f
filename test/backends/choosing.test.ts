import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, ConfigError, Graph, Sequential, Tensor, getBackend, ops, placeholder, setBackend } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { TfjsBackend, backend as defaultTfjs, tfjs } from '@layerwise/backend-tfjs';
import { toyData } from '../helpers/models.js';
import { TFJS_KERNELS } from '../helpers/backends.js';

/**
 * Every way of choosing the tfjs backend works: setBackend('tfjs'), per model (setBackend /
 * the Sequential option), LAYERWISE_BACKEND=tfjs; kernels by option or LAYERWISE_TFJS_KERNELS;
 * and kernels that are not installed fail naming the package to install.
 */
const root = resolve(__dirname, '../..');
const built = ['core', 'layers', 'backend-tfjs', 'backend-onnx'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));
const installed = (pkg: string) => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
// Resolvable (a NODE_PATH stand-in is then never reached) and loading (a package whose binding
// was never built resolves but does not load) are different questions.
const tfjsNodeResolvable = installed('@tensorflow/tfjs-node');
const tfjsNodeLoads = TFJS_KERNELS.includes('node');
const tfjsNodeGpuInstalled = installed('@tensorflow/tfjs-node-gpu');
const { x, y } = toyData(64);
const tiny = () => {
  const m = new Sequential();
  m.add(new Dense(4, { inputDim: 16, activation: 'softmax' }));
  return m;
};

describe('choosing the tfjs backend', () => {
  afterEach(() => setBackend('onnx'));

  it("setBackend('tfjs') makes it the default for every model", async () => {
    setBackend('tfjs');
    const b = await getBackend();
    expect(b.name).toBe('tfjs');
    expect(b).toBe(defaultTfjs);
    const m = tiny();
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const h = await m.fit(x, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    expect(b.describe!()).toMatch(/@layerwise\/backend-tfjs on TensorFlow\.js (wasm|cpu|native) kernels/);
  });

  it("per model: model.setBackend('tfjs') and new Sequential({ backend: 'tfjs' })", async () => {
    const a = tiny();
    a.setBackend('tfjs');
    expect((await a.getBackend()).name).toBe('tfjs');
    const b = new Sequential({ backend: 'tfjs', layers: [new Dense(4, { inputDim: 16 })] });
    expect((await b.getBackend()).name).toBe('tfjs');
    // The global default is untouched.
    expect((await getBackend()).name).toBe('onnx');
    a.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await a.fit(x, y, { epochs: 1, verbose: 0 });
    expect((await b.predict(x, { verbose: 0 })).shape).toEqual([64, 4]);
  });

  it.skipIf(tfjsNodeLoads)("new TfjsBackend({ kernels: 'node' }) without @tensorflow/tfjs-node: a clear error naming the package", async () => {
    expect(() => new TfjsBackend({ kernels: 'node' })).toThrow(BackendUnavailableError);
    expect(() => new TfjsBackend({ kernels: 'node' })).toThrow(/npm install @tensorflow\/tfjs-node/);
    // Through the environment the choice is made at the first compile, with the same message.
    const saved = process.env.LAYERWISE_TFJS_KERNELS;
    process.env.LAYERWISE_TFJS_KERNELS = 'node';
    try {
      const b = new TfjsBackend({ report: false });
      const xv = placeholder([2]);
      const err = await b.compile(new Graph([xv], [ops.neg(xv)])).catch((e) => e);
      expect(err).toBeInstanceOf(BackendUnavailableError);
      expect(err.message).toMatch(/TensorFlow\.js node kernels were asked for.*npm install @tensorflow\/tfjs-node/);
    } finally {
      if (saved === undefined) delete process.env.LAYERWISE_TFJS_KERNELS;
      else process.env.LAYERWISE_TFJS_KERNELS = saved;
    }
    // The failure is not sticky for other kernels.
    const ok = new TfjsBackend({ kernels: 'cpu', report: false });
    const xv = placeholder([2]);
    const exe = await ok.compile(new Graph([xv], [ops.neg(xv)]));
    const [out] = await exe.run([ok.upload(Tensor.from([1, -2]))]);
    expect(Array.from((await out.read()).data)).toEqual([-1, 2]);
  });

  it('unknown kernels are a ConfigError', () => {
    expect(() => new TfjsBackend({ kernels: 'gpu' as 'cpu' })).toThrow(ConfigError);
    expect(() => new TfjsBackend({ kernels: 'gpu' as 'cpu' })).toThrow(/unknown TensorFlow\.js kernels 'gpu'.*node, wasm, cpu/);
  });

  // A package name, tfjs-core's own backend name, the hardware or a typo: the choice meant.
  it.each([
    ['gpu', 'node-gpu'],
    ['tensorflow', 'node'],
    ['@tensorflow/tfjs-node', 'node'],
    ['tfjs-backend-wasm', 'wasm'],
    ['wsam', 'wasm'],
    ['Node', 'node'],
    ['node_gpu', 'node-gpu'],
  ])("kernels '%s': did you mean '%s'?", (value, meant) => {
    expect(() => tfjs({ kernels: value as 'cpu' })).toThrow(new RegExp(`^tfjs\\(\\{ kernels \\}\\): unknown TensorFlow\\.js kernels '${value}' \\(did you mean '${meant}'\\?\\)\\. Expected one of: node-gpu, node, wasm, cpu, auto$`));
  });

  it("kernels 'webgl' says those run in browsers; a non-string kernels and a non-boolean report are refused", () => {
    expect(() => new TfjsBackend({ kernels: 'webgl' as 'cpu' })).toThrow(/TfjsBackend\(\{ kernels \}\): unknown TensorFlow\.js kernels 'webgl' \(the webgl and webgpu kernels run in browsers, not in Node\)/);
    expect(() => new TfjsBackend({ kernels: 2 as unknown as 'cpu' })).toThrow(/unknown TensorFlow\.js kernels 2 \(a number\)/);
    expect(() => tfjs({ report: 'no' as unknown as boolean })).toThrow(/tfjs: report must be true or false, got 'no' \(a string\)/);
  });

  it.skipIf(tfjsNodeGpuInstalled)("kernels 'node-gpu' without @tensorflow/tfjs-node-gpu: a clear error naming the package and what the GPU build needs", () => {
    let err: Error | undefined;
    try {
      new TfjsBackend({ kernels: 'node-gpu' });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err!.message).toMatch(/TensorFlow\.js node-gpu kernels were asked for, but @tensorflow\/tfjs-node-gpu is not installed/);
    expect(err!.message).toMatch(/npm install @tensorflow\/tfjs-node-gpu \(Linux x64 with an NVIDIA GPU, and CUDA 11\.2 and cuDNN 8\.1/);
  });

  it.skipIf(!tfjsNodeLoads)('the two native packages (tfjs-node, tfjs-node-gpu) both provide TensorFlow kernels: after one loads, asking for the other is refused, naming both', () => {
    new TfjsBackend({ kernels: 'node' });
    expect(() => new TfjsBackend({ kernels: 'node-gpu' })).toThrow(/@tensorflow\/tfjs-node is already loaded in this process.*one per process/);
  });

  it("'auto' picks tfjs-node if it loads, else wasm, and says what it skipped", async () => {
    const saved = process.env.LAYERWISE_TFJS_KERNELS;
    delete process.env.LAYERWISE_TFJS_KERNELS;
    try {
      const k = await new TfjsBackend({ report: false }).kernels();
      if (tfjsNodeLoads) expect(k.name).toBe('node');
      else {
        expect(k.name).toBe('wasm');
        expect(k.skipped.join()).toMatch(/node: .*@tensorflow\/tfjs-node/);
      }
      // The GPU build is tried only when installed, and not mentioned otherwise.
      if (!tfjsNodeGpuInstalled) expect(k.skipped.join()).not.toMatch(/node-gpu/);
    } finally {
      if (saved !== undefined) process.env.LAYERWISE_TFJS_KERNELS = saved;
    }
  });
});

describe.skipIf(!built)('environment variables (a child process on the built dist)', () => {
  const script = `
import { Sequential, Tensor, getBackend } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
const b = await getBackend();
const m = new Sequential();
m.add(new Dense(2, { inputDim: 3, activation: 'softmax' }));
m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
const h = await m.fit(Tensor.from([[1, 2, 3], [3, 2, 1]]), Tensor.from([[1, 0], [0, 1]]), { epochs: 2, verbose: 0 });
await m.predict(Tensor.from([[1, 2, 3]]), { verbose: 0 });
console.log(JSON.stringify({ name: b.name, describe: b.describe(), losses: h.history.loss }));
`;
  const run = (env: Record<string, string>) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.NODE_OPTIONS;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: childEnv, encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop();
    return { status: r.status, out: r.status === 0 && last ? JSON.parse(last) : null, stderr: r.stderr };
  };

  it('LAYERWISE_BACKEND=tfjs trains on tfjs; LAYERWISE_TFJS_KERNELS picks the kernels, reported once on stderr', () => {
    const described = { cpu: /cpu kernels/, wasm: /wasm kernels \(SIMD/, node: /native kernels \(@tensorflow\/tfjs-node 4\./ };
    const reported = { cpu: 'cpu kernels', wasm: 'wasm kernels', node: 'native kernels' };
    for (const kernels of ['cpu', 'wasm', ...(tfjsNodeLoads ? ['node' as const] : [])] as const) {
      const r = run({ LAYERWISE_BACKEND: 'tfjs', LAYERWISE_TFJS_KERNELS: kernels });
      expect(r.status, r.stderr).toBe(0);
      expect(r.out.name).toBe('tfjs');
      expect(r.out.losses).toHaveLength(2);
      expect(r.out.describe).toMatch(described[kernels]);
      // One line about the kernels, and nothing else (no tfjs banner). The TensorFlow library
      // itself logs its oneDNN notice at load, before its log level applies.
      const lines = r.stderr.trim().split('\n').filter((l) => !/^WARNING: All log messages before absl|^I\d{4} .*oneDNN custom operations/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^layerwise: tfjs backend on TensorFlow\\.js ${reported[kernels]}`));
    }
  });

  // NODE_PATH is looked at last: with the real tfjs-node installed the stand-in is never reached.
  it.skipIf(tfjsNodeResolvable)('a tfjs-node whose native part fails to load (a plain Error, no code) is skipped by auto and named when asked for', () => {
    // A stand-in @tensorflow/tfjs-node, found through NODE_PATH, that throws as the real one does.
    const fake = mkdtempSync(join(tmpdir(), 'lw-fake-tfjs-node-'));
    try {
      mkdirSync(join(fake, '@tensorflow', 'tfjs-node'), { recursive: true });
      writeFileSync(join(fake, '@tensorflow', 'tfjs-node', 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
      writeFileSync(join(fake, '@tensorflow', 'tfjs-node', 'index.js'), "throw new Error('The specified module could not be found: tfjs_binding.node');\n");
      const auto = run({ LAYERWISE_BACKEND: 'tfjs', LAYERWISE_TFJS_KERNELS: '', NODE_PATH: fake });
      expect(auto.status, auto.stderr).toBe(0);
      expect(auto.out.describe).toMatch(/wasm kernels/);
      expect(auto.stderr).toMatch(/skipped: node: .*tfjs_binding\.node/);
      const asked = run({ LAYERWISE_BACKEND: 'tfjs', LAYERWISE_TFJS_KERNELS: 'node', NODE_PATH: fake });
      expect(asked.status).not.toBe(0);
      expect(asked.stderr).toMatch(/npm install @tensorflow\/tfjs-node/);
      expect(asked.stderr).toMatch(/cause: The specified module could not be found/);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('a bad LAYERWISE_TFJS_KERNELS fails naming the variable', () => {
    const r = run({ LAYERWISE_BACKEND: 'tfjs', LAYERWISE_TFJS_KERNELS: 'gpu' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/LAYERWISE_TFJS_KERNELS: unknown TensorFlow\.js kernels 'gpu'/);
  });
});
