// `layerwise transfer features | train-top | fine-tune` on a small Fashion-MNIST image set at
// 60×90 with random VGG16 weights (ImageNet's cannot be downloaded in tests): the .npy files
// numpy reads, Keras' progress lines, and the History plot as a PNG.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpyFile } from '@layerwise/data';
import { main, type Io } from '../src/cli.js';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}

const dir = mkdtempSync(join(tmpdir(), 'layerwise-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data60x90');
const common = ['--size', '60x90', '--weights', 'none', '--batch-size', '4', '--epochs', '2', '--verbose', '2', '--seed', '1', '--backend', 'onnx', '--features-dir', dir];
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const isPng = (file: string) => existsSync(file) && readFileSync(file).subarray(0, 4).equals(PNG);

describe('layerwise transfer (4.4, 4.5)', () => {
  it('features: VGG16 over train/ and test/, saved as bottleneck_features_*.npy', async () => {
    const io = capture();
    expect(await main(['transfer', 'features', '--data', data, '--make-data', '6,5', ...common], io), io.err()).toBe(0);
    expect(io.out()).toContain('Found 12 images belonging to 2 classes.');
    expect(io.out()).toContain('(12, 1, 2, 512)');
    expect(io.out()).toContain('Found 10 images belonging to 2 classes.');
    // 10 / 4 = 2.5 steps: rounded up as Keras does, so every image is there.
    expect(readNpyFile(join(dir, 'bottleneck_features_test.npy')).shape).toEqual([10, 1, 2, 512]);
    expect(readNpyFile(join(dir, 'bottleneck_features_train.npy')).shape).toEqual([12, 1, 2, 512]);
  });

  it('train-top: the head on the features, Keras progress lines, the History as PNG', async () => {
    const io = capture();
    const plot = join(dir, 'top.png');
    expect(await main(['transfer', 'train-top', ...common, '--plot', plot], io), io.err()).toBe(0);
    expect(io.out()).toMatch(/Epoch 2\/2\n3\/3 - \d+m?s - \d+m?s\/step - accuracy: [\d.]+ - loss: [\d.]+ - val_accuracy: [\d.]+ - val_loss: [\d.]+/);
    expect(isPng(plot)).toBe(true);
  });

  it('fine-tune: layers[:15] frozen, augmenting generator, validation generator', async () => {
    const io = capture();
    const plot = join(dir, 'tune.png');
    expect(await main(['transfer', 'fine-tune', '--data', data, ...common, '--plot', plot], io), io.err()).toBe(0);
    expect(io.out()).toMatch(/Epoch 1\/2\n3\/3 - .*acc: [\d.]+ - loss: [\d.]+ - val_acc: [\d.]+ - val_loss: [\d.]+/);
    expect(isPng(plot)).toBe(true);
  });

  it.each([
    [['transfer'], /give the program/],
    [['transfer', 'fine-tune'], /--data DIR is required/],
    [['transfer', 'features', '--data', 'x', '--size', '240'], /--size must be HxW/],
  ])('usage errors %j', async (args, message) => {
    const io = capture();
    expect(await main(args as string[], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });
});
