import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../src/cli.js';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}

const FIXTURES = join(__dirname, '../../../fixtures/model-files');
const tmp = mkdtempSync(join(tmpdir(), 'layerwise-cli-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('layerwise convert / summary', () => {
  it('convert: Keras 3 .keras → .h5 → model.json → .keras → .onnx, each line naming both formats', async () => {
    const steps: [string, string, RegExp][] = [
      [join(FIXTURES, 'keras3/nested.keras'), join(tmp, 'nested.h5'), /\(Keras 3 \.keras\) → .*nested\.h5 \(Keras 2 \.h5\): model 'nested', 3 layers, 73 parameters, compiled \(RMSprop, mean_squared_error\)/],
      [join(tmp, 'nested.h5'), join(tmp, 'tfjs', 'model.json'), /\(Keras 2 \.h5\) → .*model\.json \(TensorFlow\.js model\.json\)/],
      [join(tmp, 'tfjs', 'model.json'), join(tmp, 'back.keras'), /\(TensorFlow\.js model\.json\) → .*back\.keras \(Keras 3 \.keras\)/],
      [join(tmp, 'back.keras'), join(tmp, 'nested.onnx'), /→ .*nested\.onnx \(ONNX\): model 'nested'/],
    ];
    for (const [input, output, line] of steps) {
      if (output.includes('tfjs')) mkdirSync(join(tmp, 'tfjs'), { recursive: true });
      const io = capture();
      expect(await main(['convert', input, output], io), io.err()).toBe(0);
      expect(io.out(), io.out()).toMatch(line);
      expect(existsSync(output)).toBe(true);
    }
  });

  it('summary prints Keras’ table for a model file', async () => {
    const io = capture();
    expect(await main(['summary', join(FIXTURES, 'tf_keras/h5_mlp.h5')], io), io.err()).toBe(0);
    expect(io.out()).toContain('Model: "h5_mlp"');
    expect(io.out()).toMatch(/Total params: 83 \(332\.00 B\)/);
  });

  it('a Lambda layer: exit 1, the reason on stderr, nothing written', async () => {
    const { readZip, writeZip } = await import('../../../packages/core/src/saving/zip.js');
    const entries = readZip(readFileSync(join(FIXTURES, 'keras3/mlp.keras')), 'mlp');
    const config = JSON.parse(new TextDecoder().decode(entries.get('config.json')));
    config.config.layers.push({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'evil', function: 'x' } });
    entries.set('config.json', new TextEncoder().encode(JSON.stringify(config)));
    const evil = join(tmp, 'evil.keras');
    writeFileSync(evil, writeZip([...entries].map(([name, data]) => ({ name, data }))));
    const io = capture();
    expect(await main(['convert', evil, join(tmp, 'evil.h5')], io)).toBe(1);
    expect(io.err()).toMatch(/Lambda layer 'evil' holds code, and Layerwise never runs code from a file/);
    expect(existsSync(join(tmp, 'evil.h5'))).toBe(false);
  });

  it('usage errors: exit 2', async () => {
    const io = capture();
    expect(await main(['convert', 'only-one.keras'], io)).toBe(2);
    expect(io.err()).toMatch(/give the input and output files/);
  });
});
