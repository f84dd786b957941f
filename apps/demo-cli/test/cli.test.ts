import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@layerwise/core';
import { arrayToImg, imgToArray, loadImg } from '@layerwise/data';
import { ImageDataGenerator } from '@layerwise/augment';
import { main, mlp, type Io } from '../src/cli.js';

/** An Io that keeps what is printed. */
function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

/** Every "test acc :  <value>" printed, as numbers. */
function testAccs(text: string): number[] {
  return [...text.matchAll(/test acc :  ([0-9.eE+-]+)/g)].map((m) => Number(m[1]));
}
function expectAccuracy(text: string, count = 1): void {
  const accs = testAccs(text);
  expect(accs).toHaveLength(count);
  for (const a of accs) {
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(1);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'layerwise-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('layerwise: usage', () => {
  it('--help lists the commands, exit 0', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of ['mlp', 'overfit', 'batchnorm']) expect(io.out()).toContain(c);
  });

  it('<cmd> --help shows that command\'s options, exit 0', async () => {
    for (const [cmd, flag] of [['mlp', '--validation'], ['overfit', '--out'], ['batchnorm', '--compare']]) {
      const io = capture();
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.out()).toContain(`Usage: layerwise ${cmd}`);
      expect(io.out()).toContain(flag);
    }
  });

  it('augment --help: the PHOTO argument in the usage line, and what its --seed does', async () => {
    const io = capture();
    expect(await main(['augment', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: layerwise augment PHOTO [options]');
    expect(io.out()).toMatch(/--seed N\s+seed the random transforms/);
  });

  it('no command: usage on stderr, exit 2', async () => {
    const io = capture();
    expect(await main([], io)).toBe(2);
    expect(io.err()).toContain('Usage: layerwise <command>');
  });

  it('unknown command: a clear error, exit 2', async () => {
    const io = capture();
    expect(await main(['train'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'train'");
    expect(io.out()).toBe('');
  });

  it.each([
    [['mlp', '--bogus'], "Unknown option '--bogus'"],
    [['mlp', '--epochs', 'ten'], '--epochs must be an integer >= 1'],
    [['mlp', '--epochs', '0'], '--epochs must be an integer >= 1'],
    [['mlp', '--dataset', 'cifar10'], '--dataset must be one of fashion-mnist, mnist'],
    [['overfit', '--verbose', '3'], '--verbose must be one of 0, 1, 2'],
    [['batchnorm', '--backend', 'cuda'], '--backend must be one of onnx, tfjs'],
    [['mlp', 'extra'], 'extra'],
    [['overfit', '--limit', '10'], "Unknown option '--limit'"],
    [['mlp', '--batch_size', '8'], "Unknown option '--batch_size'. Did you mean '--batch-size'?"],
  ])('bad option %j: exit 2', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain(`layerwise ${argv[0]} --help`);
  });
});

describe('layerwise: the commands, in-process with tiny settings', () => {
  it('mlp offline with no copy: the embedded sample, and says so', async () => {
    const io = capture();
    // Nothing in the cache, no search folders, no downloads: as on a machine with no copy and no network.
    const { history, score } = await mlp(
      { epochs: 1, limit: 2000, seed: 1, verbose: 2, validation: true, load: { cacheDir: join(tmp, 'empty-home'), searchDirs: [], download: false } },
      io,
    );
    expect(io.out()).toContain('offline: using the embedded Fashion-MNIST sample (4000 train / 1000 test)');
    expect(io.out()).toContain('using 2000 train / 1000 test samples');
    expect(io.out()).toContain('Epoch 1/1');
    expectAccuracy(io.out());
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(score).toHaveLength(2);
  });

  it.each(['cnn', 'inception-block', 'shortcut'])('%s --limit 300 --epochs 1 trains the chapter 2 / 4.3 network and prints the test accuracy', async (cmd) => {
    const io = capture();
    const picture = join(tmp, `${cmd}.svg`);
    expect(await main([cmd, '--limit', '300', '--epochs', '1', '--seed', '3', '--verbose', '2', '--offline', '--backend', 'onnx', '--plot-model', picture], io)).toBe(0);
    expect(io.out()).toContain('using 300 train / 300 test samples');
    if (cmd === 'inception-block') expect(io.out()).toContain('Concatenate: (None, 13, 13, 64), (None, 13, 13, 64), (None, 13, 13, 64) → (None, 39, 13, 64)');
    expectAccuracy(io.out());
    // The tutorial's plot_model(model, show_shapes=True) picture.
    const svg = readFileSync(picture, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain({ cnn: 'Conv2D', 'inception-block': 'Concatenate', shortcut: 'Add' }[cmd]);
    // As Keras prints score[1]: the float32 value's repr (0.698 → 0.6980000138282776).
    const printed = /test acc :\s+(\S+)/.exec(io.out())![1];
    expect(printed).toBe(String(Math.fround(Number(printed))));
  });

  it('images --make-sample DIR: writes Fashion-MNIST JPEGs, loads two folders like image_utils, trains the 2.5 CNN, plots', async () => {
    const io = capture();
    const dir = join(tmp, 'images');
    const plot = join(tmp, 'history.png');
    const out = join(tmp, 'history.json');
    expect(await main(['images', '--make-sample', dir, '--samples', '16', '--epochs', '1', '--seed', '1', '--verbose', '2', '--plot', plot, '--out', out, '--backend', 'onnx'], io)).toBe(0);
    expect(io.out()).toContain('x_train [24,60,90,3], x_test [8,60,90,3], y_train [24], y_test [8]');
    expect(io.out()).toMatch(/final acc \d\.\d{4}, val_acc \d\.\d{4}/);
    expect(readFileSync(plot).subarray(1, 4).toString()).toBe('PNG');
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8'))).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    // The same folders again, as the tutorial's `--dirs A B`.
    const io2 = capture();
    expect(await main(['images', '--dirs', join(dir, 'train', 'sneaker'), join(dir, 'train', 'bag'), '--epochs', '1', '--verbose', '0', '--backend', 'onnx'], io2)).toBe(0);
    expect(io2.out()).toContain('x_train [24,60,90,3]');
  });

  it('augment photo --rotation 30 --out FILE, and the 3.1 batch program into a folder', async () => {
    const photo = fileURLToPath(new URL('../../../packages/data/test/fixtures/images/chelsea.png', import.meta.url));
    const io = capture();
    const out = join(tmp, 'rotated.jpg');
    expect(await main(['augment', photo, '--rotation', '30', '--out', out, '--seed', '2'], io)).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString('hex')).toBe('ffd8');
    const dest = join(tmp, 'dest');
    expect(await main(['augment', photo, '--width-shift', '0.3', '--rotation', '30', '--zoom', '0.3', '--channel-shift', '50', '--horizontal-flip', '--vertical-flip', '--fill-mode', 'reflect', '--count', '5', '--dest-dir', dest, '--seed', '1'], io)).toBe(0);
    expect(io.out()).toContain(`wrote 5 augmented images to ${dest}/`);
    expect(existsSync(join(dest, 'pic_05.jpg'))).toBe(true);
    // --shift-axes reaches the generator: each file is the library's flow with the same options
    // and seed (which way each shifts is tested in packages/augment/test/shifts.test.ts).
    const samples = ((t: Tensor) => t.reshape([1, ...t.shape]))(imgToArray(await loadImg(photo)));
    const made: Record<string, Float32Array> = {};
    for (const shiftAxes of ['documented', 'keras'] as const) {
      const file = join(tmp, `shift-${shiftAxes}.png`);
      const extra = shiftAxes === 'keras' ? ['--shift-axes', 'keras'] : [];
      expect(await main(['augment', photo, '--width-shift', '0.3', ...extra, '--out', file, '--seed', '3'], io)).toBe(0);
      const batch = new ImageDataGenerator({ widthShiftRange: 0.3, shiftAxes }).flow(samples, null, { seed: 3 }).next() as Tensor;
      const want = imgToArray(arrayToImg(batch.reshape(batch.shape.slice(1)))); // array_to_img's scaling and uint8
      const got = imgToArray(await loadImg(file));
      expect(Array.from(got.data)).toEqual(Array.from(want.data)); // PNG is lossless
      made[shiftAxes] = got.data as Float32Array;
    }
    expect(made.documented.some((v, i) => Math.abs(v - made.keras[i]) > 1)).toBe(true);
    const bad = capture();
    expect(await main(['augment', photo, '--zoom=-2'], bad)).toBe(1);
    expect(bad.err()).toMatch(/zoomRange/);
    const badAxes = capture();
    expect(await main(['augment', photo, '--shift-axes', 'sideways'], badAxes)).toBe(1);
    expect(badAxes.err()).toMatch(/shiftAxes.*"documented".*"keras"/);
    expect(await main(['augment'], capture())).toBe(2);
  });

  it.each([
    [['--method', 'flow', '--limit', '256'], /test acc :  [0-9.]+/],
    [['--method', 'fit-generator', '--limit', '256'], /test acc :  [0-9.]+/],
    [['--method', 'directory', '--limit', '32'], /val acc :  [0-9.]+/],
  ])('augment-train %j: the 3.3 programs', async (args, result) => {
    const io = capture();
    expect(await main(['augment-train', ...(args as string[]), '--epochs', '1', '--seed', '4', '--verbose', '0', '--offline', '--backend', 'onnx'], io)).toBe(0);
    expect(io.out()).toMatch(result as RegExp);
  });

  it('mlp --limit 2000 --epochs 1 prints where the data came from and the test accuracy', async () => {
    const io = capture();
    expect(await main(['mlp', '--limit', '2000', '--epochs', '1', '--seed', '7', '--verbose', '2', '--offline', '--backend', 'onnx'], io)).toBe(0);
    expect(io.out()).toMatch(/^(data: |offline: using )/);
    expect(io.out()).toContain('using 2000 train / ');
    expectAccuracy(io.out());
  });

  it('overfit --epochs 3: three runs side by side, the gaps, and --out JSON', async () => {
    const io = capture();
    const out = join(tmp, 'history.json');
    const plot = join(tmp, 'overfit.svg');
    expect(await main(['overfit', '--epochs', '3', '--seed', '1', '--offline', '--out', out, '--plot', plot], io)).toBe(0);
    // The tutorial's figures: acc and val_acc of each run, in one panel.
    const svg = readFileSync(plot, 'utf8');
    for (const key of ['plain_acc', 'plain_val_acc', 'weight_decay_acc', 'dropout_val_acc']) expect(svg).toContain(key);
    const text = io.out();
    expect(text).toContain('using 500 train / 500 test samples');
    for (const label of ['plain (1.3)', 'l2(0.03) (1.4)', 'dropout 0.3 (1.5)']) expect(text).toContain(label);
    expect(text).toMatch(/^\s+1\s+[0-9.]+\s+[0-9.]+/m);
    expect(text).toMatch(/^\s+3\s+[0-9.]+\s+[0-9.]+/m);
    expect(text).toContain('gap');
    expectAccuracy(text, 3);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json.histories)).toEqual(['plain', 'weight_decay', 'dropout']);
    for (const h of Object.values(json.histories) as Record<string, number[]>[]) {
      expect(Object.keys(h).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      expect(h.acc).toHaveLength(3);
    }
    expect(json.epochs).toBe(3);
  });

  it('batchnorm --epochs 1 --limit 2000 --compare prints both test accuracies', async () => {
    const io = capture();
    expect(await main(['batchnorm', '--epochs', '1', '--limit', '2000', '--compare', '--seed', '3', '--verbose', '2', '--offline'], io)).toBe(0);
    expect(io.out()).toContain('val_accuracy');
    expectAccuracy(io.out(), 2);
    expect(io.out()).toMatch(/test acc with BatchNormalization\s+\(1\.6\):\s+[0-9.]+/);
    expect(io.out()).toMatch(/test acc without BatchNormalization \(1\.1\):\s+[0-9.]+/);
  });

  it('a --data-dir without the data: a clear error, exit 1', async () => {
    const io = capture();
    expect(await main(['mlp', '--data-dir', join(tmp, 'nowhere'), '--epochs', '1'], io)).toBe(1);
    expect(io.err()).toContain('does not hold the dataset');
  });
});

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/demo-cli/dist/cli.js');

describe.skipIf(!existsSync(bin))('the built binary', () => {
  it('node apps/demo-cli/dist/cli.js mlp --epochs 1 --limit 1000', () => {
    const r = spawnSync(process.execPath, [bin, 'mlp', '--epochs', '1', '--limit', '1000', '--offline'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(r.stdout).toContain('using 1000 train / 1000 test samples'); // --limit applies to both
    expect(r.stdout).toContain('Epoch 1/1');
    expectAccuracy(r.stdout);
  });

  it('exit code 2 for an unknown command', () => {
    const r = spawnSync(process.execPath, [bin, 'nope'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'nope'");
  });
});
