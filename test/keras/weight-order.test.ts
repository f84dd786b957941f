import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, Tensor, WeightsError, clearSession, loadModel, type Layer } from '@layerwise/core';
import { Activation, BatchNormalization, Concatenate, Conv2D, Dense, Flatten, GlobalAveragePooling2D, LayerNormalization } from '@layerwise/layers';
import { writeContainer } from '../../packages/core/src/saving/container.js';
import { BACKENDS } from '../helpers/backends.js';
import { kerasFixture } from '../helpers/keras-layers.js';
import { expectClose } from '../helpers/run.js';

/**
 * Keras' weight order (fixtures/keras/fidelity-17.json, weight_order; made by
 * scripts/fixtures/make_fidelity_fixtures.py): `model.setWeights(kerasModel.get_weights())` puts
 * every array in the right weight, and the model then predicts what Keras predicts.
 */
const fixtures: any[] = kerasFixture('fidelity-17').weight_order;
const dir = mkdtempSync(join(tmpdir(), 'lw-order-'));

/** The Layerwise twins of the fixture's Keras models, built after clearSession (same auto names). */
const MODELS: Record<string, () => Model> = {
  bn_then_ln: () => {
    const inp = Input({ shape: [5] });
    const x = new LayerNormalization().apply(new BatchNormalization().apply(new Dense(4).apply(inp)));
    return new Model({ inputs: inp, outputs: x, name: 'bn_then_ln' });
  },
  conv_bn_cnn: () => {
    const m = new Sequential({ name: 'conv_bn_cnn' });
    m.add(new Conv2D(4, 3, { inputShape: [8, 8, 2] }));
    m.add(new BatchNormalization());
    m.add(new Activation('relu'));
    m.add(new Conv2D(6, 3, { strides: 2, padding: 'same' }));
    m.add(new BatchNormalization());
    m.add(new Activation('relu'));
    m.add(new Flatten());
    m.add(new Dense(3, { activation: 'softmax' }));
    return m;
  },
  two_branch_bn: () => {
    const inp = Input({ shape: [6, 6, 2] });
    const a = new BatchNormalization().apply(new Conv2D(3, 3, { padding: 'same' }).apply(inp));
    let b = new BatchNormalization({ scale: false }).apply(new Conv2D(3, 1).apply(inp));
    b = new Conv2D(3, 3, { padding: 'same' }).apply(b);
    const x = new Dense(2).apply(new GlobalAveragePooling2D().apply(new Concatenate().apply([a, b])));
    return new Model({ inputs: inp, outputs: x, name: 'two_branch_bn' });
  },
};

function build(f: any): Model {
  clearSession();
  return MODELS[f.name]();
}
const kerasWeights = (f: any) => f.weights.map((w: any) => Tensor.from(w.value));
/** Keras' path without the Sequential model's prefix: 'conv_bn_cnn/conv2d/kernel' → 'conv2d/kernel'. */
const shortPath = (path: string) => path.split('/').slice(-2).join('/');
const flat = (ts: Tensor[]) => ts.map((t) => Array.from(t.data));

describe('weights in Keras order', () => {
  it.each(fixtures)('$name: model.weights lists each layer’s weights together, layers in Keras order', (f) => {
    const model = build(f);
    expect(model.layers.map((l: Layer) => l.name)).toEqual(f.layers);
    expect(model.weights.map((w) => w.name)).toEqual(f.weights.map((w: any) => shortPath(w.path)));
    expect(model.weights.map((w) => w.trainable)).toEqual(f.weights.map((w: any) => w.trainable));
    // trainable / non-trainable are the same order, filtered.
    expect(model.trainableWeights.map((w) => w.name)).toEqual(f.weights.filter((w: any) => w.trainable).map((w: any) => shortPath(w.path)));
    expect(model.nonTrainableWeights.map((w) => w.name)).toEqual(f.weights.filter((w: any) => !w.trainable).map((w: any) => shortPath(w.path)));
  });

  describe.each(BACKENDS)('on $name', ({ backend }) => {
    it.each(fixtures)('$name: setWeights(keras get_weights()) predicts what Keras predicts', async (f) => {
      const model = build(f);
      model.setBackend(backend);
      model.setWeights(kerasWeights(f));
      expect(flat(model.getWeights())).toEqual(flat(kerasWeights(f)));
      const y = await model.predict(Tensor.from(f.input), { verbose: 0 });
      expectClose(y.data, f.output.flat(Infinity), 1e-4, f.name);
    });
  });

  it('setWeights checks every shape before assigning any, naming the weight and both shapes', () => {
    const f = fixtures.find((x) => x.name === 'conv_bn_cnn');
    const model = build(f);
    const before = flat(model.getWeights());
    // The order Layerwise used to have: every trainable weight first, moving statistics last.
    const legacy = [...f.weights.filter((w: any) => w.trainable), ...f.weights.filter((w: any) => !w.trainable)].map((w: any) => Tensor.from(w.value));
    expect(() => model.setWeights(legacy)).toThrow(WeightsError);
    expect(() => model.setWeights(legacy)).toThrow(/array 4 has shape \(3, 3, 4, 6\), but weight 'batch_normalization\/moving_mean' has shape \(4,\); no weight was changed/);
    expect(flat(model.getWeights())).toEqual(before);
    expect(() => model.setWeights(legacy.slice(1))).toThrow(/got a list of 13 arrays, but it has 14 weights \(conv2d\/kernel, conv2d\/bias, batch_normalization\/gamma/);
    expect(flat(model.getWeights())).toEqual(before);
  });

  it('BatchNormalization then LayerNormalization: equal shapes no longer hide a wrong order', async () => {
    const f = fixtures.find((x) => x.name === 'bn_then_ln');
    const model = build(f);
    model.setWeights(kerasWeights(f));
    const byName = new Map(model.weights.map((w) => [w.name, Array.from(w.value.data)]));
    for (const w of f.weights) expect(byName.get(shortPath(w.path))).toEqual(Array.from(Tensor.from(w.value).data));
  });

  it.each(fixtures)('$name: saved files keep Keras order, and files in the old order still load by name', async (f) => {
    const model = build(f);
    model.setWeights(kerasWeights(f));
    const x = Tensor.from(f.input);
    const expected = await model.predict(x, { verbose: 0 });
    const path = join(dir, `${f.name}.lw`);
    model.save(path);
    const loaded = await loadModel(path);
    expect(loaded.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
    expect(flat(loaded.getWeights())).toEqual(flat(model.getWeights()));

    const weightsPath = join(dir, `${f.name}.weights.lw`);
    model.saveWeights(weightsPath);
    const fresh = build(f);
    fresh.loadWeights(weightsPath);
    expect(Array.from((await fresh.predict(x, { verbose: 0 })).data)).toEqual(Array.from(expected.data));

    // A file from before: trainable weights first, every moving statistic last.
    const legacy = [...model.trainableWeights, ...model.nonTrainableWeights];
    const oldPath = join(dir, `${f.name}.old.lw`);
    writeContainer(
      oldPath,
      { kind: 'model', producer: 'layerwise', model: { className: model.className, config: model.getConfig() }, weights: legacy.map((w) => w.name) },
      legacy.map((w, i) => [`w${i}:${w.name}`, w.value]),
    );
    expect(Array.from((await (await loadModel(oldPath)).predict(x, { verbose: 0 })).data)).toEqual(Array.from(expected.data));
  });
});
