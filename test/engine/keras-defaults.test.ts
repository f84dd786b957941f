import { afterEach, describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, ConfigError, RMSprop, SGD, Sequential, getKerasDefaults, getOptimizer, setKerasDefaults } from '@layerwise/core';
import { Dense } from '@layerwise/layers';

/**
 * Issue 15, item 6: one line gives Keras 2's optimizer defaults (the tutorial's version), where
 * Keras 3 changed them: Adagrad 0.01 (Keras 3: 0.001), Adadelta 1.0 (Keras 3: 0.001).
 */
afterEach(() => setKerasDefaults(3));

describe('setKerasDefaults', () => {
  it.each([
    ['adagrad', 0.01, 0.001],
    ['adadelta', 1.0, 0.001],
    ['sgd', 0.01, 0.01],
    ['rmsprop', 0.001, 0.001],
    ['adam', 0.001, 0.001],
  ])("'%s': Keras 2's learning rate %f, Keras 3's %f", (name, keras2, keras3) => {
    expect(getKerasDefaults()).toBe(3);
    expect(getOptimizer(name).learningRate).toBe(keras3);
    setKerasDefaults(2);
    expect(getOptimizer(name).learningRate).toBe(keras2);
  });

  it("compile({ optimizer: 'adagrad' }) under Keras 2 defaults trains with 0.01; an explicit rate wins", () => {
    setKerasDefaults(2);
    const m = new Sequential();
    m.add(new Dense(2, { inputDim: 3 }));
    m.compile({ optimizer: 'adagrad', loss: 'mse' });
    expect(m.optimizer!.learningRate).toBe(0.01);
    expect(new Adagrad({ learningRate: 0.05 }).learningRate).toBe(0.05);
    expect(new Adadelta().learningRate).toBe(1.0);
    expect([new SGD(), new RMSprop(), new Adam()].map((o) => o.learningRate)).toEqual([0.01, 0.001, 0.001]);
  });

  it('anything but 2 or 3 is a ConfigError', () => {
    expect(() => setKerasDefaults(1 as never)).toThrow(ConfigError);
    expect(() => setKerasDefaults('2' as never)).toThrow(/expected 2 or 3, got '2' \(a string\)/);
  });
});
