import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Input, Model, Tensor, ops, placeholder } from '@layerwise/core';
import { BACKENDS } from '../helpers/backends.js';
import { kerasFixture, layerFromKeras } from '../helpers/keras-layers.js';
import { expectClose } from '../helpers/run.js';
import { expectValidOnnx, runOnnxAtTwoBatchSizes } from '../helpers/onnx-check.js';

/**
 * Conv2DTranspose against Keras 3 (fixtures/keras/fidelity-17.json, conv_transpose; made by
 * scripts/fixtures/make_fidelity_fixtures.py): Keras' whole output-length rule (kernel, stride,
 * padding, output_padding, dilation, data format) and the values on fixed weights, on every
 * backend and in the exported ONNX file.
 */
const cases: any[] = kerasFixture('fidelity-17').conv_transpose;
const exportDir = mkdtempSync(join(tmpdir(), 'lw-deconv-'));

function build(c: any): Model {
  const layer = layerFromKeras('Conv2DTranspose', c.kwargs);
  const input = Input({ shape: c.input_shape.slice(1) });
  const model = new Model({ inputs: input, outputs: layer.apply(input) });
  layer.setWeights(c.weights.map((w: any) => Tensor.from(w.value)));
  return model;
}

describe('Conv2DTranspose matches Keras', () => {
  it('covers the issue cases and every branch of the rule', () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    expect(byName.get('k2_s3_valid').output_shape).toEqual([null, 12, 15, 2]);
    expect(byName.get('k3_s2_same_outpad0').output_shape).toEqual([null, 5, 7, 2]);
    expect(cases.some((c) => c.reference_backend === 'torch')).toBe(true);
    expect(cases.some((c) => c.kwargs.dilation_rate)).toBe(true);
  });

  it.each(cases)('shape rule: $name', (c) => {
    expect(build(c).outputShape).toEqual(c.output_shape);
    // The op's own shape rule gives the same lengths (channels_last, symbolic batch).
    const kwargs = c.kwargs;
    if (kwargs.data_format === 'channels_first') return;
    const pair = (v: unknown, d: number) => (v === undefined ? [d, d] : Array.isArray(v) ? v : [v, v]) as [number, number];
    const [kh, kw] = pair(kwargs.kernel_size, 1);
    const x = placeholder([null, ...c.input_shape.slice(1)]);
    const k = placeholder([kh, kw, kwargs.filters, c.input_shape[3]]);
    const op = kwargs.output_padding === undefined ? undefined : pair(kwargs.output_padding, 0);
    const y = ops.conv2dTranspose(x, k, { strides: pair(kwargs.strides, 1), padding: kwargs.padding ?? 'valid', dilations: pair(kwargs.dilation_rate, 1), outputPadding: op });
    expect(y.shape).toEqual(c.output_shape);
  });

  describe.each(BACKENDS)('on $name', ({ backend }) => {
    it.each(cases)('values: $name ($reference_backend)', async (c) => {
      const model = build(c);
      model.setBackend(backend);
      const y = await model.predict(Tensor.from(c.input), { verbose: 0 });
      expect(y.shape).toEqual([c.input_shape[0], ...c.output_shape.slice(1)]);
      expectClose(y.data, c.output.flat(Infinity), 1e-4, c.name);
    });
  });

  it.each(cases)('ONNX export: $name', async (c) => {
    const model = build(c);
    const file = join(exportDir, `${c.name}.onnx`);
    await model.export(file, { format: 'onnx' });
    expectValidOnnx(file, `deconv-${c.name}`);
    const [out] = await runOnnxAtTwoBatchSizes(file, [Tensor.from(c.input)]);
    expect(out.dims).toEqual([c.input_shape[0], ...c.output_shape.slice(1)]);
    expectClose(out.data as Float32Array, c.output.flat(Infinity), 1e-4, `${c.name} (ONNX)`);
  });
});
