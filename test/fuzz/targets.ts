/**
 * What the fuzz suite feeds (a corpus of valid files per loader) and how it loads them
 * (through the user-facing entry points, from disk), with the checks that a result that did
 * load is well-formed. Image formats are in targets-images.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError, DataError, Input, Model, Sequential, Tensor, WeightsError, loadModel } from '@layerwise/core';
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten } from '@layerwise/layers';
import { cifar10, encodeIdx, encodeNpy, encodeNpz, readIdx, readNpyFile, readNpzFile } from '@layerwise/data';
import { readZip, writeZip } from '../../packages/data/src/zip.js'; // internal
import { readZip as coreReadZip, writeZip as coreWriteZip } from '../../packages/core/src/saving/zip.js'; // internal
import { makeTar, npy, py2CifarPickle } from '../../packages/data/test/helpers.js';
import { mutate, mutateJson, type Random } from './mutate.js';
import { editModelFile, splitModelFile } from './model-files.js';

export interface Input {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzTarget {
  name: string;
  /** File name ending of the inputs. */
  ext: string;
  corpus(dir: string): Promise<Input[]>;
  /** A hostile variant of a corpus file (default: byte mutations). */
  variant?(r: Random, base: Input): { bytes: Uint8Array; how: string };
  /** Loads the file at `path` (written there by the runner); throws Malformed when what loaded is not well-formed. */
  load(path: string): Promise<void>;
  /** The errors that count as a named refusal (they must also name the file). */
  named(e: unknown): boolean;
}

/** A loader that returned something it should not have (not an error it may throw). */
export class Malformed extends Error {}

const dataErrors = (e: unknown) => e instanceof DataError || e instanceof ConfigError;

export function checkTensor(t: unknown, what: string): void {
  if (!(t instanceof Tensor)) throw new Malformed(`${what}: not a Tensor`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Malformed(`${what}: shape [${t.shape.join(', ')}]`);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) throw new Malformed(`${what}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
}

const u8 = (n: number, k = 1) => new Uint8Array(n).map((_, i) => (i * k + 3) & 255);

/** Big-endian IDX of another element type (encodeIdx writes uint8 only). */
function idxOf(type: number, shape: number[], values: number[], bytes: number, write: (v: DataView, o: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length * bytes);
  const v = new DataView(out.buffer);
  v.setUint32(0, (type << 8) | shape.length);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  values.forEach((x, i) => write(v, 4 + 4 * shape.length + i * bytes, x));
  return out;
}

const idx: FuzzTarget = {
  name: 'idx',
  ext: '-idx3-ubyte.gz',
  async corpus() {
    const images = encodeIdx(new Tensor(u8(5 * 4 * 3, 7), [5, 4, 3], 'uint8'));
    const labels = encodeIdx(new Tensor(u8(5), [5], 'uint8'));
    const ints = idxOf(0x0c, [2, 3], [1, -2, 3, 70000, -5, 6], 4, (v, o, x) => v.setInt32(o, x));
    const floats = idxOf(0x0e, [4], [0.5, -1e300, 3, 1e-9], 8, (v, o, x) => v.setFloat64(o, x));
    return [images, labels, ints, floats].flatMap((b, i) => [
      { name: `plain-${i}`, bytes: b },
      { name: `gz-${i}`, bytes: new Uint8Array(gzipSync(b)) },
    ]);
  },
  variant(r, base) {
    // Half the time the lie is inside valid gzip data (the header says one size, the data another).
    if (base.name.startsWith('gz') && r() < 0.5) {
      const inner = mutate(r, new Uint8Array(gunzipSync(base.bytes)));
      return { bytes: new Uint8Array(gzipSync(inner.bytes)), how: `inside gzip: ${inner.how}` };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    checkTensor(readIdx(path), path);
  },
  named: dataErrors,
};

const npyTarget: FuzzTarget = {
  name: 'npy',
  ext: '.npy',
  async corpus() {
    const f = new Float32Array([1, -2, 3.5, 0, 1e30, -1e-30]);
    return [
      { name: 'f4', bytes: encodeNpy(new Tensor(f, [2, 3], 'float32')) },
      { name: 'f8', bytes: encodeNpy(new Tensor(f, [3, 2], 'float32'), { dtype: 'float64' }) },
      { name: 'i4', bytes: encodeNpy(new Tensor(new Int32Array([1, -2, 3, 4]), [4], 'int32')) },
      { name: 'u1', bytes: encodeNpy(new Tensor(u8(12), [2, 2, 3], 'uint8')) },
      { name: 'b1', bytes: encodeNpy(new Tensor(new Uint8Array([1, 0, 1]), [3], 'bool')) },
      { name: '>i8', bytes: npy('>i8', [2], new Uint8Array([0, 0, 0, 0, 0, 0, 0, 5, 255, 255, 255, 255, 255, 255, 255, 254])) },
      { name: 'scalar', bytes: encodeNpy(new Tensor(new Float32Array([7]), [], 'float32')) },
    ];
  },
  variant(r, base) {
    // Lie in the header text itself half the time: shape and dtype replaced by hostile ones.
    if (r() < 0.4) {
      const text = new TextDecoder('latin1').decode(base.bytes);
      const lies = ["'shape': (99999999999, 3)", "'shape': (-1,)", "'shape': (4294967296, 4294967296)", "'descr': '<f16'", "'descr': '|O'", "'fortran_order': True", "'shape': ()", "'shape': (0,)"];
      const lie = lies[Math.floor(r() * lies.length)];
      const key = lie.slice(1, lie.indexOf("'", 1));
      const out = text.replace(new RegExp(`'${key}': (\\([^)]*\\)|'[^']*'|True|False)`), lie);
      return { bytes: Uint8Array.from(out, (c) => c.charCodeAt(0)), how: `header says ${lie}` };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    checkTensor(readNpyFile(path), path);
  },
  named: dataErrors,
};

const npz: FuzzTarget = {
  name: 'npz',
  ext: '.npz',
  async corpus() {
    const arrays = { x: new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], 'float32'), y: new Tensor(u8(4), [4], 'uint8') };
    return [
      { name: 'stored', bytes: encodeNpz(arrays) },
      { name: 'deflated', bytes: encodeNpz(arrays, { compress: true }) },
    ];
  },
  variant(r, base) {
    // Half the time a valid zip of lying .npy entries (the CRCs are right, the contents lie).
    if (r() < 0.5) {
      const entries = [...readZip(base.bytes, base.name)].map(([name, data]) => ({ name, data }));
      const e = entries[Math.floor(r() * entries.length)];
      const lie = npyTarget.variant!(r, { name: e.name, bytes: e.data });
      e.data = lie.bytes;
      return { bytes: writeZip(entries, { compress: base.name === 'deflated' }), how: `${e.name}: ${lie.how}` };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    for (const [k, t] of Object.entries(readNpzFile(path))) checkTensor(t, `${path} (${k})`);
  },
  named: dataErrors,
};

const HOSTILE = fileURLToPath(new URL('../../packages/data/test/fixtures/hostile/', import.meta.url));
const BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

function checkCifar([[x, y], [xt, yt]]: Awaited<ReturnType<typeof cifar10.loadData>>, path: string): void {
  for (const [t, what] of [[x, 'x'], [y, 'y'], [xt, 'x_test'], [yt, 'y_test']] as const) checkTensor(t, `${path} ${what}`);
  if (x.shape.length !== 4 || x.shape.slice(1).join() !== '32,32,3' || y.shape.join() !== `${x.shape[0]},1`) throw new Malformed(`${path}: shapes ${x.shape} / ${y.shape}`);
  if ([...y.data, ...yt.data].some((v) => v > 9)) throw new Malformed(`${path}: a label above 9`);
}

/** CIFAR-10 Python batches (pickles): the mutated pickle as all six batches of a cifar-10-batches-py/ folder. */
const pickle: FuzzTarget = {
  name: 'pickle',
  ext: '-batches-py',
  async corpus() {
    const n = 3;
    return [
      { name: 'protocol-2', bytes: py2CifarPickle([1, 5, 9], u8(n * 3072, 11)) },
      { name: 'protocol-4', bytes: new Uint8Array(readFileSync(join(HOSTILE, 'cifar-batch-p4.pkl'))) },
      { name: 'protocol-5', bytes: new Uint8Array(readFileSync(join(HOSTILE, 'cifar-batch-p5.pkl'))) },
    ];
  },
  async load(path) {
    const bytes = readFileSync(path);
    const dir = `${path}.d`;
    mkdirSync(dir, { recursive: true });
    for (const b of BATCHES) writeFileSync(join(dir, b), bytes);
    checkCifar(await cifar10.loadData({ path: dir, searchDirs: [], download: false, verbose: false }), dir);
  },
  named: dataErrors,
};

function cifarRecords(n: number, seed: number): Uint8Array {
  const out = u8(n * 3073, seed);
  for (let i = 0; i < n; i++) out[i * 3073] = (i + seed) % 10;
  return out;
}

/** CIFAR-10's binary archive (a .tar.gz of fixed records), mutated before or after gzip. */
const tar: FuzzTarget = {
  name: 'tar',
  ext: '.tar.gz',
  async corpus() {
    const members = BATCHES.map((b, i) => ({ name: `cifar-10-batches-bin/${b}.bin`, data: cifarRecords(1 + (i % 2), i) }));
    const t = makeTar([{ name: 'cifar-10-batches-bin/' }, ...members]);
    return [
      { name: 'tar', bytes: t },
      { name: 'tar.gz', bytes: new Uint8Array(gzipSync(t)) },
    ];
  },
  variant(r, base) {
    if (base.name === 'tar') {
      const inner = mutate(r, base.bytes);
      return { bytes: r() < 0.5 ? inner.bytes : new Uint8Array(gzipSync(inner.bytes)), how: inner.how };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    checkCifar(await cifar10.loadData({ path, searchDirs: [], download: false, verbose: false }), path);
  },
  named: dataErrors,
};

/** Model files (model.save): the header's JSON mutated node by node, or the file's bytes. */
const model: FuzzTarget = {
  name: 'model',
  ext: '.lw',
  async corpus(dir) {
    const seq = new Sequential({ name: 'seq' });
    seq.add(new Conv2D(2, [3, 3], { inputShape: [6, 6, 1], name: 'conv' }));
    seq.add(new BatchNormalization({ name: 'bn' }));
    seq.add(new Flatten({ name: 'flat' }));
    seq.add(new Dropout(0.5, { name: 'drop' }));
    seq.add(new Dense(3, { activation: 'softmax', name: 'probs' }));
    seq.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const inp = Input({ shape: [4], name: 'features' });
    const a = new Dense(5, { activation: 'relu', name: 'a' }).apply(inp);
    const b = new Dense(5, { name: 'b' }).apply(inp);
    const c = new Dense(2, { name: 'c' }).apply(a);
    const func = new Model({ inputs: inp, outputs: [c, b], name: 'func' });
    const out: Input[] = [];
    for (const [name, m] of [['sequential', seq], ['functional', func]] as const) {
      m.save(join(dir, `${name}.lw`));
      out.push({ name, bytes: new Uint8Array(readFileSync(join(dir, `${name}.lw`))) });
    }
    return out;
  },
  variant(r, base) {
    if (r() < 0.6) {
      const { value, how } = mutateJson(r, splitModelFile(base.bytes).header);
      return { bytes: editModelFile(base.bytes, () => value), how };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    const m = await loadModel(path);
    for (const w of m.weights) checkTensor(w.value, `${path} ${w.name}`);
    if (!Number.isFinite(m.countParams())) throw new Malformed(`${path}: countParams ${m.countParams()}`);
  },
  named: (e) => e instanceof ConfigError || e instanceof WeightsError || e instanceof DataError,
};

/** The model the Keras HDF5 weight files are loaded into (built once; loading overwrites its weights). */
let kerasTwin: Sequential | undefined;
function kerasModel(): Sequential {
  if (kerasTwin) return kerasTwin;
  const m = new Sequential({ name: 'keras' });
  m.add(new Dense(4, { inputDim: 3, name: 'dense' }));
  m.add(new BatchNormalization({ name: 'bn' }));
  m.add(new Dense(2, { name: 'out' }));
  return (kerasTwin = m);
}

/** Keras' HDF5 weight files (Keras 3 `.weights.h5` and Keras 2 `.h5`, written by saveWeights) loaded with loadWeights. */
const kerasH5: FuzzTarget = {
  name: 'keras-h5',
  ext: '.weights.h5',
  async corpus(dir) {
    const out: Input[] = [];
    for (const file of ['model.weights.h5', 'model.h5']) {
      await kerasModel().saveWeights(join(dir, file));
      out.push({ name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) });
    }
    return out;
  },
  async load(path) {
    const m = kerasModel();
    await m.loadWeights(path);
    for (const w of m.weights) checkTensor(w.value, `${path} ${w.name}`);
  },
  named: (e) => e instanceof WeightsError || e instanceof DataError || e instanceof ConfigError,
};

/** Keras 3 .keras archives (committed files written by Keras 3) loaded with loadModel: mutated config.json, or mutated bytes. */
const KERAS_FIXTURES = fileURLToPath(new URL('../../fixtures/model-files/keras3/', import.meta.url));
const kerasArchive: FuzzTarget = {
  name: 'keras-archive',
  ext: '.keras',
  async corpus() {
    return ['mlp', 'merges', 'nested', 'cnn'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(KERAS_FIXTURES, `${name}.keras`))) }));
  },
  variant(r, base) {
    if (r() < 0.6) {
      const entries = coreReadZip(base.bytes, base.name);
      const { value, how } = mutateJson(r, JSON.parse(new TextDecoder().decode(entries.get('config.json'))));
      entries.set('config.json', new TextEncoder().encode(JSON.stringify(value)));
      return { bytes: coreWriteZip([...entries].map(([name, data]) => ({ name, data }))), how: `config.json: ${how}` };
    }
    return mutate(r, base.bytes);
  },
  async load(path) {
    const m = await loadModel(path);
    for (const w of m.weights) checkTensor(w.value, `${path} ${w.name}`);
    if (!Number.isFinite(m.countParams())) throw new Malformed(`${path}: countParams ${m.countParams()}`);
  },
  named: (e) => e instanceof ConfigError || e instanceof WeightsError || e instanceof DataError,
};

/** Keras 2 whole-model .h5 files (tf_keras' and Layerwise's) loaded with loadModel. */
const kerasModelH5: FuzzTarget = {
  name: 'keras-model-h5',
  ext: '.h5',
  async corpus(dir) {
    const ours = join(dir, 'layerwise-full.h5');
    await kerasModel().save(ours);
    const files = [ours, ...['h5_mlp', 'h5_two_outputs'].map((n) => fileURLToPath(new URL(`../../fixtures/model-files/tf_keras/${n}.h5`, import.meta.url)))];
    return files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) }));
  },
  load: kerasArchive.load,
  named: kerasArchive.named,
};

/** TensorFlow.js model.json (shards beside it, written by the corpus) loaded with loadModel: mutated JSON or bytes. */
const tfjsModelJson: FuzzTarget = {
  name: 'tfjs-model-json',
  ext: '.json',
  async corpus(dir) {
    const out: Input[] = [];
    for (const name of ['mlp', 'nested', 'shared']) {
      const m = await loadModel(join(KERAS_FIXTURES, `${name}.keras`));
      const sub = join(dir, `tfjs-${name}`);
      mkdirSync(sub, { recursive: true });
      await m.save(join(sub, 'model.json'));
      // The runner writes the mutated model.json beside the corpus folder: point its manifest at the shard there.
      const json = JSON.parse(readFileSync(join(sub, 'model.json'), 'utf8'));
      json.weightsManifest[0].paths = [`tfjs-${name}.bin`];
      writeFileSync(join(dir, `tfjs-${name}.bin`), readFileSync(join(sub, 'group1-shard1of1.bin')));
      out.push({ name, bytes: new TextEncoder().encode(JSON.stringify(json)) });
    }
    return out;
  },
  variant(r, base) {
    if (r() < 0.7) {
      const { value, how } = mutateJson(r, JSON.parse(new TextDecoder().decode(base.bytes)));
      return { bytes: new TextEncoder().encode(JSON.stringify(value)), how };
    }
    return mutate(r, base.bytes);
  },
  load: kerasArchive.load,
  named: kerasArchive.named,
};

export const FILE_TARGETS: FuzzTarget[] = [idx, npyTarget, npz, pickle, tar, model, kerasH5, kerasArchive, kerasModelH5, tfjsModelJson];
