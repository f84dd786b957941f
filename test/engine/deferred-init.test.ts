// deferInitialValues: weights whose values a file will replace are not drawn at build time.
import { describe, expect, it } from 'vitest';
import { GlorotUniform, Initializer, Input, Model, Tensor, deferInitialValues, rng, setSeed, type Shape } from '@layerwise/core';
import { Dense } from '@layerwise/layers';

/** GlorotUniform-like, counting its calls. */
class Counting extends Initializer {
  readonly className = 'Counting';
  calls = 0;
  call(shape: Shape) {
    this.calls++;
    return Tensor.full(shape, 0.5);
  }
}

function build(init: Initializer) {
  const inputs = Input({ shape: [3] });
  const outputs = new Dense(4, { kernelInitializer: init, name: 'd' }).apply(inputs);
  return new Model({ inputs, outputs });
}

describe('deferInitialValues', () => {
  it('draws nothing while building; shapes, sizes and parameter counts need no values', () => {
    const init = new Counting();
    const model = deferInitialValues(() => build(init));
    expect(init.calls).toBe(0);
    const kernel = model.getLayer('d').weights[0];
    expect([kernel.shape, kernel.size, kernel.dtype, model.countParams()]).toEqual([[3, 4], 12, 'float32', 16]);
    expect(init.calls).toBe(0);
  });

  it('a value assigned first is kept and the initializer never runs', () => {
    const init = new Counting();
    const model = deferInitialValues(() => build(init));
    const kernel = model.getLayer('d').weights[0];
    kernel.assign(Tensor.full([3, 4], 2));
    expect([...kernel.value.data]).toEqual(Array(12).fill(2));
    expect(init.calls).toBe(0);
    expect(() => kernel.assign(Tensor.full([4, 3], 2))).toThrow(/cannot assign a value of shape \[4, 3\] to a weight of shape \[3, 4\]/);
  });

  it('an unassigned weight is drawn on its first read, once', () => {
    const init = new Counting();
    const model = deferInitialValues(() => build(init));
    const kernel = model.getLayer('d').weights[0];
    expect(kernel.value.data[0]).toBe(0.5);
    expect(kernel.value).toBe(kernel.value);
    expect(init.calls).toBe(1);
  });

  it('outside it, weights are drawn at once in creation order: seeded builds repeat, and the generator moves on', () => {
    setSeed(3);
    const a = build(new GlorotUniform()).getWeights();
    const next = rng().nextUint32();
    setSeed(3);
    deferInitialValues(() => build(new GlorotUniform()));
    expect(rng().nextUint32()).not.toBe(next); // nothing drawn while deferring
    setSeed(3);
    const b = build(new GlorotUniform()).getWeights();
    expect(b.map((t) => [...t.data])).toEqual(a.map((t) => [...t.data]));
    expect(rng().nextUint32()).toBe(next);
  });
});
