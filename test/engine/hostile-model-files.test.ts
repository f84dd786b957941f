import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, Sequential, WeightsError, loadModel, setSeed } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { editModelFile, joinModelFile, splitModelFile } from '../fuzz/model-files.js';
import { runScript } from '../helpers/run-script.js';
import { toyData } from '../helpers/models.js';

/**
 * Issue 16 item 3: model files that lie or are damaged. The whole structure is validated
 * before anything is allocated; errors name the file and the field; weights carry a CRC-32.
 */
const dir = mkdtempSync(join(tmpdir(), 'lw-hostile-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { x } = toyData(32);

type Header = Record<string, any>;
let n = 0;
/** `bytes` with its header edited, written to a fresh file; returns the path. */
function lying(bytes: Uint8Array, edit: (h: Header) => unknown): string {
  const path = join(dir, `lying-${n++}.lw`);
  writeFileSync(path, editModelFile(bytes, edit as (h: Record<string, unknown>) => unknown));
  return path;
}
async function failure(path: string): Promise<Error> {
  try {
    await loadModel(path);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${path} loaded`);
}

function sequential(): Uint8Array {
  setSeed(5);
  const m = new Sequential({ name: 'seq' });
  m.add(new Dense(10, { inputDim: 7, name: 'dense' }));
  m.add(new Dense(3, { activation: 'softmax', name: 'out' }));
  m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  const path = join(dir, 'seq.lw');
  m.save(path);
  return readFileSync(path);
}
function functional(): { bytes: Uint8Array; model: Model } {
  setSeed(6);
  const inp = Input({ shape: [16], name: 'features' });
  const a = new Dense(8, { activation: 'relu', name: 'hidden' }).apply(inp);
  const out = new Dense(4, { activation: 'softmax', name: 'probs' }).apply(a);
  const model = new Model({ inputs: inp, outputs: out, name: 'func' });
  const path = join(dir, 'func.lw');
  model.save(path);
  return { bytes: readFileSync(path), model };
}

describe('a config that lies about sizes fails before allocating', () => {
  const bytes = sequential();
  for (const units of [1e12, 5e7, -3, 2.5, 'ten']) {
    it(`units: ${JSON.stringify(units)} → a named error, not a RangeError or gigabytes`, async () => {
      const path = lying(bytes, (h) => void (h.model.config.layers[1].config.units = units));
      const err = await failure(path);
      expect(err).toBeInstanceOf(typeof units === 'number' && Number.isInteger(units) && units > 0 ? WeightsError : Error);
      expect(err.name).toMatch(/^(WeightsError|ConfigError)$/);
      expect(err.message).toContain(`'${path}': model.config.layers[1] (Dense 'dense')`);
    });
  }

  it("units: 5e7 in a fresh process: the error comes without the 1.4 GB kernel (peak RSS)", async () => {
    const script = fileURLToPath(new URL('../fuzz/measure-bombs.ts', import.meta.url));
    const run = await runScript(script, ['model-units-5e7'], { nodeArgs: ['--max-old-space-size=128'] });
    expect(run.code, run.stderr).toBe(0);
    const row = JSON.parse(run.stdout.trim()) as { peakRssMB: number; outcome: string };
    expect(row.outcome).toMatch(/^WeightsError: '.*model\.lw': model\.config\.layers\[1\] \(Dense 'dense'\): its config would create weight 'dense\/kernel' of shape \[7, 50000000\], but the file holds it with shape \[7, 10\]$/);
    expect(row.peakRssMB).toBeLessThan(400); // 1,412 MB before
  });
});

describe('malformed headers: ConfigError or WeightsError naming the file and the field', () => {
  const seq = sequential();
  const { bytes: func } = functional();
  const cases: [string, Uint8Array, (h: Header) => unknown, RegExp][] = [
    ['the header is null', seq, () => null, /header: expected an object, got null/],
    ['the header is a list', seq, () => [1, 2], /header: expected an object, got a list/],
    ['model is null', seq, (h) => void (h.model = null), /model: expected a layer \{ className, config \}, got null/],
    ['config is a list', seq, (h) => void (h.model.config = []), /model\.config: expected an object, got a list/],
    ['layers is an object', seq, (h) => void (h.model.config.layers = {}), /model\.config\.layers: expected a list of layers, got an object/],
    ['a layer is null', seq, (h) => void (h.model.config.layers[2] = null), /model\.config\.layers\[2\]: expected a layer/],
    ['a layer config is a string', seq, (h) => void (h.model.config.layers[2].config = 'x'), /model\.config\.layers\[2\]\.config: expected an object, got 'x' \(a string\)/],
    ['an unknown class', seq, (h) => void (h.model.config.layers[2].className = 'Evil'), /model\.config\.layers\[2\]\.className: Unknown layer class 'Evil'/],
    ['a bad batch shape', seq, (h) => void (h.model.config.layers[0].config.batchShape = [null, -7]), /model\.config\.layers\[0\]\.config\.batchShape: expected a list of sizes/],
    ['arrays missing', seq, (h) => void delete h.arrays, /header\.arrays: expected a list of arrays, got undefined/],
    ['a node calling an unknown layer', func, (h) => void (h.model.config.nodes[1].layer = 'ghost'), /model\.config\.nodes\[1\]\.layer: 'ghost' is not in the model's layers/],
    ['a reference to an unknown node', func, (h) => void (h.model.config.nodes[1].inputs[0] = ['features', 3, 0]), /model\.config\.nodes\[1\]\.inputs\[0\]: refers to call 3 of layer 'features', which is not made before this point/],
    ['a cycle', func, (h) => void (h.model.config.nodes[1].inputs[0] = ['probs', 0, 0]), /model\.config\.nodes\[1\]\.inputs\[0\]: refers to call 0 of layer 'probs', which is not made before this point \(an unknown node or a cycle\)/],
    ['a reference that is not a triple', func, (h) => void (h.model.config.outputs = [['probs', 0]]), /model\.config\.outputs\[0\]: expected \[layer name, call index, output index\], got a list/],
    ['an input that is not an InputLayer', func, (h) => void (h.model.config.inputs = [['hidden', 0, 0]]), /model\.config\.inputs\[0\]: refers to layer 'hidden', which is not an InputLayer/],
    ['two layers with one name', func, (h) => void (h.model.config.layers[2].config.name = 'hidden'), /model\.config\.layers\[2\]\.config\.name: 'hidden' is the name of two layers/],
    ['models nested 100 deep', seq, (h) => {
      let m = h.model;
      for (let i = 0; i < 100; i++) m = { className: 'Sequential', config: { name: `s${i}`, layers: [m] } };
      h.model = m;
    }, /models nested more than 64 deep/],
    ['training.iterations is negative', seq, (h) => void (h.training.iterations = -1), /training\.iterations: expected a whole number ≥ 0, got -1/],
    ['an unknown optimizer', seq, (h) => void (h.training.optimizer.className = 'Evil'), /training\.optimizer: Unknown optimizer class 'Evil'/],
  ];
  for (const [what, bytes, edit, message] of cases) {
    it(what, async () => {
      const path = lying(bytes, edit);
      const err = await failure(path);
      expect(err.constructor === ConfigError || err.constructor === WeightsError, `${err.name}: ${err.message}`).toBe(true);
      expect(err.message).toContain(`'${path}'`);
      expect(err.message).toMatch(message);
    });
  }
});

describe('the manifest and the weight bytes', () => {
  const bytes = sequential();
  const manifestCases: [string, (h: Header) => unknown, RegExp][] = [
    ['a negative offset', (h) => void (h.arrays[1].offset = -64), /header\.arrays\[1\]\.offset: expected a whole number ≥ 0, got -64/],
    ['a fractional offset', (h) => void (h.arrays[1].offset = 4.5), /header\.arrays\[1\]\.offset: expected a whole number ≥ 0, got 4\.5/],
    ['an offset past the end', (h) => void (h.arrays[1].offset = 1 << 30), /truncated: array 'w1:dense\/bias' \(header\.arrays\[1\]\) runs past the end of the file/],
    ['a byteLength that does not match the shape', (h) => void (h.arrays[0].byteLength = 8), /header\.arrays\[0\]\.byteLength: 8 \(a number\), but shape \[7, 10\] of float32 takes 280 bytes/],
    ['a huge shape', (h) => void (h.arrays[0].shape = [1e9, 1e9]), /header\.arrays\[0\]\.byteLength: .* takes 4000000000000000000 bytes/],
    ['a negative dimension', (h) => void (h.arrays[0].shape = [-7, -10]), /header\.arrays\[0\]\.shape: expected a list of at most 32 sizes/],
    ['an unknown dtype', (h) => void (h.arrays[0].dtype = 'float64'), /header\.arrays\[0\]\.dtype: expected one of float32, int32, uint8, bool, got 'float64'/],
    ['two arrays over the same bytes (a copy amplifier)', (h) => void (h.arrays[2].offset = h.arrays[0].offset), /header\.arrays\[2\]\.offset: array 'w2:out\/kernel' overlaps array 'w0:dense\/kernel'/],
    ['a duplicated name', (h) => void (h.arrays[1].name = h.arrays[0].name), /header\.arrays\[1\]\.name: 'w0:dense\/kernel' appears twice/],
  ];
  for (const [what, edit, message] of manifestCases) {
    it(what, async () => {
      const path = lying(bytes, edit);
      const err = await failure(path);
      expect(err).toBeInstanceOf(WeightsError);
      expect(err.message).toContain(`'${path}' is not a readable Layerwise model/weights file: `);
      expect(err.message).toMatch(message);
    });
  }

  it('every saved array carries a CRC-32; one flipped bit in the weights is a WeightsError naming the array', async () => {
    const raw = splitModelFile(bytes);
    expect((raw.header.arrays as { crc32?: number }[]).every((a) => typeof a.crc32 === 'number')).toBe(true);
    const entries = raw.header.arrays as { name: string; offset: number; byteLength: number }[];
    for (const [i, e] of entries.entries()) {
      const data = new Uint8Array(raw.data);
      data[e.offset + (e.byteLength >> 1)] ^= 0x10;
      const path = join(dir, `flip-${i}.lw`);
      writeFileSync(path, joinModelFile(raw.header, data));
      await expect(loadModel(path)).rejects.toThrow(new WeightsError(`'${path}' is not a readable Layerwise model/weights file: array '${e.name}' (header.arrays[${i}]) fails its CRC-32 check: the file is corrupt`));
    }
    // Bytes between arrays (padding) are not data: a flip there loads.
    const path = join(dir, 'ok.lw');
    writeFileSync(path, joinModelFile(raw.header, raw.data));
    expect((await loadModel(path)).countParams()).toBe(7 * 10 + 10 + 10 * 3 + 3);
  });

  it('files written before the checksum (no crc32 fields) still load, with the same predictions', async () => {
    const { bytes: func, model } = functional();
    const path = lying(func, (h) => {
      for (const a of h.arrays) delete a.crc32;
    });
    const loaded = await loadModel(path);
    expect(Array.from((await loaded.predict(x, { verbose: 0 })).data)).toEqual(Array.from((await model.predict(x, { verbose: 0 })).data));
  });

  it("an optimizer slot whose shape is not its weight's: a WeightsError naming the slot", async () => {
    setSeed(7);
    const m = new Sequential();
    m.add(new Dense(10, { inputDim: 16, name: 'dense' }));
    m.add(new Dense(4, { activation: 'softmax', name: 'out' }));
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await m.fit(x, toyData(32).y, { epochs: 1, verbose: 0 });
    m.save(join(dir, 'trained.lw'));
    const path = lying(readFileSync(join(dir, 'trained.lw')), (h) => {
      const slot = h.arrays.find((a: { name: string }) => a.name.startsWith('slot0.0:'));
      const bias = h.arrays.find((a: { name: string }) => a.name.startsWith('slot1.0:'));
      [slot.shape, slot.byteLength, slot.offset, slot.crc32, bias.shape, bias.byteLength, bias.offset, bias.crc32] = [bias.shape, bias.byteLength, bias.offset, bias.crc32, slot.shape, slot.byteLength, slot.offset, slot.crc32];
    });
    await expect(loadModel(path)).rejects.toThrow(/optimizer slot 'slot0\.0:dense\/kernel' has shape \[10\], its weight 'dense\/kernel' \[16, 10\]/);
  });
});
