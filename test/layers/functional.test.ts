import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, ShapeError, Tensor, setSeed, loadModel } from '@layerwise/core';
import { Activation, Add, Average, Concatenate, Conv2D, Dense, Flatten, MaxPooling2D, Maximum, Minimum, Multiply, Subtract } from '@layerwise/layers';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tutorial's 4.3 inception block, literally. */
export function inceptionBlock(): Model {
  const inputs = Input({ shape: [28, 28, 1] });
  let x = new Conv2D(32, [3, 3]).apply(inputs);
  x = new Activation('relu').apply(x);
  x = new MaxPooling2D({ poolSize: [2, 2] }).apply(x);
  let tower1 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
  tower1 = new Conv2D(64, [3, 3], { padding: 'same', activation: 'relu' }).apply(tower1);
  let tower2 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
  tower2 = new Conv2D(64, [5, 5], { padding: 'same', activation: 'relu' }).apply(tower2);
  let tower3 = new MaxPooling2D({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }).apply(x);
  tower3 = new Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(tower3);
  x = new Concatenate({ axis: 1 }).apply([tower1, tower2, tower3]);
  x = new Flatten().apply(x);
  const predictions = new Dense(10, { activation: 'softmax' }).apply(x);
  return new Model({ inputs, outputs: predictions });
}

describe('the functional API', () => {
  it("the tutorial's 2.4 check prints (None, 32, 32, 64) then (None, 65536)", () => {
    const model = new Sequential();
    model.add(new Conv2D(64, [5, 5], { inputShape: [32, 32, 3], padding: 'same' }));
    expect(model.outputShape).toEqual([null, 32, 32, 64]);
    model.add(new Flatten());
    expect(model.outputShape).toEqual([null, 65536]);
  });

  it("the inception block: Concatenate(axis=1) of three (None, 13, 13, 64) gives (None, 39, 13, 64), and it trains", async () => {
    setSeed(1);
    const model = inceptionBlock();
    const concat = model.layers.find((l) => l.className === 'Concatenate')!;
    expect(concat.inboundNodes.at(-1)!.outputs[0].shape).toEqual([null, 39, 13, 64]);
    expect(concat.inboundNodes.at(-1)!.inputs.map((t) => t.shape)).toEqual([[null, 13, 13, 64], [null, 13, 13, 64], [null, 13, 13, 64]]);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv2D', 'Activation', 'MaxPooling2D', 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Conv2D', 'Conv2D', 'Concatenate', 'Flatten', 'Dense']);
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const x = Tensor.zeros([8, 28, 28, 1]);
    for (let i = 0; i < x.size; i++) x.data[i] = Math.random();
    const y = Tensor.zeros([8, 10]);
    for (let i = 0; i < 8; i++) y.data[i * 10 + (i % 10)] = 1;
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    const path = join(mkdtempSync(join(tmpdir(), 'lw-fn-')), 'inception.lw');
    model.save(path);
    const again = await loadModel(path);
    expect(Array.from((await again.predict(x, { verbose: 0 })).data)).toEqual(Array.from((await model.predict(x, { verbose: 0 })).data));
  });

  it('a shortcut connection (Add) and every merge layer', async () => {
    const inputs = Input({ shape: [6] });
    const a = new Dense(6).apply(inputs);
    const b = new Dense(6).apply(a);
    const merged = [new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(), new Minimum()].map((l) => l.apply([a, b]));
    const out = new Dense(2).apply(new Concatenate().apply(merged));
    const model = new Model({ inputs, outputs: out });
    expect(model.outputShape).toEqual([null, 2]);
    const p = await model.predict(Tensor.full([3, 6], 0.5), { verbose: 0 });
    expect(p.shape).toEqual([3, 2]);
  });

  it('shared layers, models used as layers, getLayer, unique names', () => {
    const shared = new Dense(4, { name: 'shared' });
    const i1 = Input({ shape: [3] });
    const i2 = Input({ shape: [3] });
    const inner = new Model({ inputs: i1, outputs: shared.apply(i1), name: 'inner' });
    const outer = new Model({ inputs: i2, outputs: new Dense(1).apply(inner.apply(i2)) });
    expect(shared.inboundNodes.length).toBeGreaterThanOrEqual(1);
    expect(outer.getLayer('inner')).toBe(inner);
    expect(outer.getLayer(1)).toBe(inner);
    expect(outer.weights).toHaveLength(4);
  });

  it('bad shapes are errors at build time naming the layer and the shapes', () => {
    const small = Input({ shape: [2, 2, 1] });
    expect(() => new Conv2D(4, 3, { name: 'too_big' }).apply(small)).toThrow(ShapeError);
    expect(() => new Conv2D(4, 3, { name: 'too_big2' }).apply(small)).toThrow(/too_big2.*3×3 window.*does not fit the 2×2 input/);
    const p = Input({ shape: [4, 4, 3] });
    const q = Input({ shape: [5, 4, 3] });
    expect(() => new Concatenate({ axis: -1, name: 'cat' }).apply([p, q])).toThrow(/Layer 'cat' \(Concatenate\) requires inputs with matching shapes.*\(None, 4, 4, 3\), \(None, 5, 4, 3\)/);
    expect(() => new Conv2D(4, 3, { name: 'rank' }).apply(Input({ shape: [8] }))).toThrow(/Layer 'rank' \(Conv2D\) expects inputs of rank 4.*got shape \(None, 8\)/);
    const m = new Sequential();
    expect(() => m.add(new MaxPooling2D({ inputShape: [10], name: 'pool' }))).toThrow(/Layer 'pool' \(MaxPooling2D\) expects inputs of rank 4/);
  });
});
