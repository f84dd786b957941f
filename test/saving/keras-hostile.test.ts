import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, WeightsError, loadModel } from '@layerwise/core';
import '@layerwise/layers';
import { readZip, writeZip } from '../../packages/core/src/saving/zip.js'; // internal

/**
 * Keras' safe_mode and more: a .keras file whose config holds code, an unknown class, a key
 * that reaches a prototype, sizes that lie, or a zip bomb gives a clear error naming the file,
 * before any large allocation and without running anything from the file.
 */
const ROOT = join(__dirname, '../../fixtures/model-files/keras3');
const dir = mkdtempSync(join(tmpdir(), 'lw-keras-hostile-'));
const base = readZip(readFileSync(join(ROOT, 'mlp.keras')), 'mlp.keras');
const baseConfig = () => JSON.parse(new TextDecoder().decode(base.get('config.json')));
let n = 0;

/** mlp.keras with its config.json edited (or replaced by raw text). */
function withConfig(edit: (c: any) => unknown, raw?: string): string {
  const path = join(dir, `edited-${n++}.keras`);
  const config = baseConfig();
  const text = raw ?? JSON.stringify(edit(config) ?? config);
  const entries = [...base.entries()].map(([name, data]) => ({ name, data: name === 'config.json' ? new TextEncoder().encode(text) : data }));
  writeFileSync(path, writeZip(entries));
  return path;
}
const layers = (c: any) => c.config.layers;
const dense = (c: any) => layers(c)[1].config;

const CASES: [string, () => string, new (...a: any[]) => Error, RegExp][] = [
  [
    'a Lambda layer is refused, its code never run',
    () => withConfig((c) => void layers(c).splice(2, 0, { module: 'keras.layers', class_name: 'Lambda', config: { name: 'evil', function: { class_name: '__lambda__', config: { code: 'print(1)' } } } })),
    ConfigError,
    /config\.json\.config\.layers\[2\]: Lambda layer 'evil' holds code, and Layerwise never runs code from a file/,
  ],
  [
    'a serialized Python function as an activation is refused',
    () => withConfig((c) => void (dense(c).activation = { module: '__main__', class_name: 'function', config: 'evil', registered_name: 'function' })),
    ConfigError,
    /activation: a serialized Python function \(function\) holds code/,
  ],
  [
    'an unknown class names the class and how to register a plugin layer',
    () => withConfig((c) => void (layers(c)[1].class_name = 'MyAttention')),
    ConfigError,
    /unknown layer class 'MyAttention' \(Python module 'keras\.layers'\).*registerLayer\(MyAttention\)/,
  ],
  ['a __proto__ key is refused', () => withConfig(() => undefined, JSON.stringify(baseConfig()).replace('"units":', '"__proto__": {"polluted": 1}, "units":')), ConfigError, /the key '__proto__' is not allowed/],
  ['a constructor key is refused', () => withConfig((c) => void (dense(c).constructor = { prototype: {} })), ConfigError, /the key 'constructor' is not allowed/],
  [
    'absurd units: the file holds no such weight, refused before allocating',
    () => withConfig((c) => void (dense(c).units = 50_000_000)),
    WeightsError,
    /its config would create weight 'dense\/kernel' of shape \[6, 50000000\], but the file holds no weight of that shape/,
  ],
  ['units: -3 is a named error', () => withConfig((c) => void (dense(c).units = -3)), ConfigError, /Dense 'dense': units must be a positive integer, got -3/],
  ['units: "x" is a named error', () => withConfig((c) => void (dense(c).units = 'x')), ConfigError, /Dense 'dense': units must be a positive integer, got x/],
  ['a constraint Layerwise lacks is refused, not ignored', () => withConfig((c) => void (dense(c).kernel_constraint = { class_name: 'MaxNorm', config: {} })), ConfigError, /'kernel_constraint' is set, and Layerwise has no weight constraints/],
  ['mixed precision is refused', () => withConfig((c) => void (dense(c).dtype.config.name = 'mixed_float16')), ConfigError, /dtype policy 'mixed_float16'/],
  ['a Sequential config posing as a functional one is refused', () => withConfig((c) => void (c.class_name = 'Functional')), ConfigError, /\(Functional 'mlp'\)\.input_layers: expected a list of \[layer, node, tensor\]/],
  ['config.json that is not JSON', () => withConfig(() => undefined, '{"class_name": '), ConfigError, /config\.json is not valid JSON/],
  ['config.json nested 10000 deep', () => withConfig(() => undefined, '['.repeat(10000) + ']'.repeat(10000)), ConfigError, /nested more than 200 levels/],
];

describe('hostile .keras files: clear errors naming the file', () => {
  it.each(CASES)('%s', async (_, make, cls, message) => {
    const path = make();
    const err = await loadModel(path).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect(err!.message).toContain(path);
    expect(err!.message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a zip bomb (a member that inflates 1000-fold) is refused before inflating', async () => {
    const zeros = new Uint8Array(64 * 2 ** 20);
    const packed = new Uint8Array(deflateRawSync(zeros));
    const good = writeZip([...base.entries()].map(([name, data]) => ({ name, data })), { compress: true });
    // Swap model.weights.h5 for 64 MiB of zeros, deflated (~65 kB): the directory says so honestly.
    const bomb = writeZip([
      { name: 'metadata.json', data: base.get('metadata.json')! },
      { name: 'config.json', data: base.get('config.json')! },
      { name: 'model.weights.h5', data: zeros },
    ], { compress: true });
    expect(bomb.length).toBeLessThan(packed.length + good.length);
    const path = join(dir, 'bomb.keras');
    writeFileSync(path, bomb);
    await expect(loadModel(path)).rejects.toThrow(new DataError(`'${path}': not a readable zip archive: entry 'model.weights.h5' declares ${zeros.length} bytes from ${packed.length} compressed (more than 100:1): a zip bomb or a damaged directory`));
  });

  it('a directory that under-declares a member stops inflating at the declared size', async () => {
    const bytes = writeZip([...base.entries()].map(([name, data]) => ({ name, data })), { compress: true });
    // The central directory's uncompressed size of the first entry (metadata.json), made smaller.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    let cd = bytes.length - 22;
    cd = view.getUint32(cd + 16, true);
    view.setUint32(cd + 24, 5, true);
    const path = join(dir, 'under.keras');
    writeFileSync(path, bytes);
    await expect(loadModel(path)).rejects.toThrow(/entry 'metadata\.json' (inflates to more than the 5 bytes|declares 5 bytes)/);
  });

  it('weights that lie about their shape (HDF5 dims differ from the config) are a WeightsError naming the layer', async () => {
    const path = withConfig((c) => void (dense(c).units = 9));
    await expect(loadModel(path)).rejects.toThrow(WeightsError);
    await expect(loadModel(path)).rejects.toThrow(/dense\/kernel' of shape \[6, 9\]/);
  });

  it('a truncated archive is a DataError', async () => {
    const path = join(dir, 'short.keras');
    const bytes = readFileSync(join(ROOT, 'mlp.keras'));
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    await expect(loadModel(path)).rejects.toThrow(DataError);
  });
});

describe('hostile model.json files (TensorFlow.js): clear errors naming the file', () => {
  /** mlp.keras as model.json in a folder, the JSON edited. */
  async function tfjsWith(edit: (j: any) => void): Promise<string> {
    const folder = mkdtempSync(join(dir, 'tfjs-'));
    const model = await loadModel(join(ROOT, 'mlp.keras'));
    await model.save(join(folder, 'model.json'));
    const j = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    edit(j);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(j));
    return join(folder, 'model.json');
  }
  const TFJS_CASES: [string, (j: any) => void, new (...a: any[]) => Error, RegExp][] = [
    ['a shard path outside the folder', (j) => (j.weightsManifest[0].paths = ['../../etc/passwd']), DataError, /shard path "\.\.\/\.\.\/etc\/passwd" must be a file name beside model\.json/],
    ['an absolute shard path', (j) => (j.weightsManifest[0].paths = ['/etc/passwd']), DataError, /must be a file name beside model\.json/],
    ['a manifest that needs more bytes than the shards hold', (j) => (j.weightsManifest[0].weights[0].shape = [6, 800]), DataError, /the weights need \d+ bytes but the shard files hold \d+/],
    ['a lying shape of a huge weight', (j) => (j.weightsManifest[0].weights[0].shape = [2 ** 40, 2 ** 20]), DataError, /is too large/],
    ['quantized weights', (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 }), DataError, /quantized weights are not supported/],
    ['a Lambda layer in the topology', (j) => j.modelTopology.config.layers.push({ class_name: 'Lambda', config: { name: 'l', function: 'x' } }), ConfigError, /Lambda layer 'l' holds code/],
    ['no modelTopology', (j) => delete j.modelTopology, ConfigError, /not a TensorFlow\.js layers model/],
  ];
  it.each(TFJS_CASES)('%s', async (_, edit, cls, message) => {
    const path = await tfjsWith(edit);
    const err = await loadModel(path).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect(err!.message).toContain(path);
    expect(err!.message).toMatch(message);
  });
});
