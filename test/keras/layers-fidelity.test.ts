import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, Tensor, TraceContext, gradients, ops, placeholder, type Layer, type Value } from '@layerwise/core';
import * as L from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { expectClose, runGraph } from '../helpers/run.js';
import { refConv } from '../helpers/reference.js';

/** Layer outputs on fixed weights vs real Keras 3 (fixtures/keras/layers.json, scripts/fixtures/make_keras_layer_fixtures.py). */
const fx = JSON.parse(readFileSync(new URL('../../fixtures/keras/layers.json', import.meta.url), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras' positional arguments per class; everything else goes in the options object. */
const POSITIONAL: Record<string, string[]> = {
  Conv2D: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  ZeroPadding2D: ['padding'],
  Cropping2D: ['cropping'],
  Reshape: ['target_shape'],
  Permute: ['dims'],
  RepeatVector: ['n'],
  Rescaling: ['scale'],
};

function makeLayer(c: any): Layer {
  const positional = POSITIONAL[c.class_name] ?? [];
  const args = positional.map((k) => c.kwargs[k]);
  const options = Object.fromEntries(Object.entries(c.kwargs).filter(([k]) => !positional.includes(k)).map(([k, v]) => [camel(k), v]));
  const cls = (L as any)[c.class_name];
  return new cls(...args, options);
}

const t = (v: any) => Tensor.from(v);

/**
 * Keras 3's TensorFlow backend gives a different answer for Conv2D with data_format
 * 'channels_first' on CPU than torch.nn.functional.conv2d and a plain numpy loop do (checked by
 * hand on this fixture: they agree with each other and with Layerwise). For that case the
 * expected output is the float64 reference convolution, not Keras' number.
 */
function expectedOutput(c: any, inputs: Tensor[]): number[] {
  if (c.name !== 'conv2d_channels_first') return c.output.flat(Infinity);
  const x = inputs[0];
  const [n, ch, h, w] = x.shape;
  const nhwc = Tensor.zeros([n, h, w, ch]);
  for (let b = 0; b < n; b++) for (let k = 0; k < ch; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) nhwc.data[((b * h + i) * w + j) * ch + k] = x.data[((b * ch + k) * h + i) * w + j];
  const kernel = t(c.weights[0].value);
  const bias = c.weights[1].value as number[];
  const y = refConv(nhwc, kernel, { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 });
  const [ho, wo, f] = [h - 2, w - 2, kernel.shape[3]];
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let o = 0; o < f; o++) for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) out.push(y[((b * ho + i) * wo + j) * f + o] + bias[o]);
  return out;
}
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
      expectClose(y.data, expectedOutput(c, inputs), 1e-4, c.name);
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
