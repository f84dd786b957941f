import { describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, Tensor, TraceContext, gradients, ops, placeholder, type Layer, type Value } from '@layerwise/core';
import * as L from '@layerwise/layers';
import { kerasFixture, layerFromKeras } from '../helpers/keras-layers.js';
import { BACKENDS } from '../helpers/backends.js';
import { expectClose, runGraph } from '../helpers/run.js';

/** Layer outputs on fixed weights vs real Keras 3 (fixtures/keras/layers.json, scripts/fixtures/make_keras_layer_fixtures.py). */
const fx = kerasFixture('layers');
const makeLayer = (c: any): Layer => layerFromKeras(c.class_name, c.kwargs);
const t = (v: any) => Tensor.from(v);

const supported = fx.cases.filter((c: any) => c.kwargs.interpolation !== 'bilinear');

describe('layers match Keras on fixed weights', () => {
  it('bilinear UpSampling2D is refused clearly (only nearest is implemented)', () => {
    expect(() => new L.UpSampling2D({ interpolation: 'bilinear' as 'nearest' })).toThrow(ConfigError);
  });

  describe.each(BACKENDS)('on $name', ({ backend }) => {
    it.each(supported)('$name', async (c: any) => {
      const layer = makeLayer(c);
      const inputs = (c.inputs ?? [c.input]).map(t);
      const symbolic = inputs.map((x: Tensor) => Input({ shape: x.shape.slice(1) }));
      const out = layer.apply(symbolic.length === 1 ? symbolic[0] : symbolic);
      expect(out.shape).toEqual(c.output_shape);
      const model = new Model({ inputs: symbolic, outputs: out });
      model.setBackend(backend);
      if (c.weights?.length) layer.setWeights(c.weights.map((w: any) => t(w.value)));
      expect(layer.weights.map((w) => w.name.slice(layer.name.length + 1))).toEqual((c.weights ?? []).map((w: any) => w.name));
      const y = await model.predict(inputs.length === 1 ? inputs[0] : inputs, { verbose: 0 });
      expectClose(y.data, c.output.flat(Infinity), 1e-4, c.name);
      if (c.param_count !== undefined) expect(layer.countParams()).toBe(c.param_count);

      if (c.grads) {
        // d/d(input, kernel) of sum(output * fixed weights), in training mode, as the fixture did.
        const x = placeholder(inputs[0].shape);
        const ctx = new TraceContext(true);
        const yv = layer.invoke(x, ctx) as Value;
        const w = placeholder(yv.shape);
        const wrt = [x, ...(c.grads.kernel ? [ctx.read(layer.weights[0])] : [])];
        const grads = gradients(ops.sum(ops.mul(yv, w)), wrt);
        const vars = [...ctx.variableValues.keys()];
        const res = await runGraph(backend, [x, w, ...vars.map((v) => ctx.read(v))], grads.map((g) => g!), [inputs[0], t(c.grad_output_weights), ...vars.map((v) => v.value)]);
        expectClose(res[0].data, c.grads.input.flat(Infinity), 1e-4, `${c.name} d/dinput`);
        if (c.grads.kernel) expectClose(res[1].data, c.grads.kernel.flat(Infinity), 1e-4, `${c.name} d/dkernel`);
      }
    });
  });
});
