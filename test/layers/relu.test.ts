// keras.layers.ReLU's values (fixtures/zoo/relu.json, from Keras 3) on every backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, Sequential, Tensor } from '@layerwise/core';
import { ReLU, type ReLUArgs } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/zoo/relu.json', import.meta.url), 'utf8')) as {
  input: number[];
  cases: { kwargs: { max_value?: number; negative_slope?: number; threshold?: number }; output: number[] }[];
};

describe('ReLU equals keras.layers.ReLU', () => {
  it.each(fixture.cases.map((c) => [JSON.stringify(c.kwargs), c] as const))('%s', async (_title, c) => {
    const args: ReLUArgs = { maxValue: c.kwargs.max_value, negativeSlope: c.kwargs.negative_slope, threshold: c.kwargs.threshold };
    const model = new Sequential();
    model.build([null, fixture.input.length]);
    model.add(new ReLU(args));
    const x = new Tensor(Float32Array.from(fixture.input), [1, fixture.input.length]);
    for (const { name, backend } of BACKENDS) {
      model.setBackend(backend);
      const y = await model.predict(x, { verbose: 0 });
      expect(Array.from(y.data), name).toEqual(c.output.map(Math.fround));
    }
  });

  it("rejects negative arguments with Keras' messages", () => {
    expect(() => new ReLU({ maxValue: -1 })).toThrow(ConfigError);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/maxValue of a ReLU layer cannot be a negative value. Received: maxValue=-1/);
    expect(() => new ReLU({ negativeSlope: -0.1 })).toThrow(/negativeSlope of a ReLU layer cannot be None or a negative value/);
    expect(() => new ReLU({ threshold: -2 })).toThrow(/threshold of a ReLU layer cannot be None or a negative value/);
  });
});
