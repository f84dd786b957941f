import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, Input, Model, Sequential, Tensor, setSeed } from '@layerwise/core';
import {
  Activation, Add, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, Conv2DTranspose, Cropping2D, Dense, DepthwiseConv2D, Dropout, Flatten,
  GlobalAveragePooling2D, GlobalMaxPooling2D, LayerNormalization, MaxPooling2D, Multiply, Permute, RepeatVector, Rescaling, Reshape, SeparableConv2D,
  UpSampling2D, ZeroPadding2D,
} from '@layerwise/layers';
import { mlp11 } from '../helpers/models.js';
import { expectValidOnnx, onnxProblems, runOnnxAtTwoBatchSizes } from '../helpers/onnx-check.js';
import { maxAbsDiff } from '../helpers/run.js';
import { ProtoWriter } from '../../packages/backend-onnx/src/onnx/protobuf.js';
import { buildExportGraph } from '../../packages/core/src/inference/inference-step.js';
import { DEFAULT_OPSET, OnnxBackend } from '@layerwise/backend-onnx';

/**
 * Whole models exported to ONNX pass the structural check (test/helpers/onnx-check.ts), run in
 * onnxruntime at two batch sizes with the declared output shapes, and match predict. The real
 * `onnx.checker.check_model(full_check=True)` ran over these files and the catalogue's
 * (scripts/fixtures/check_onnx_exports.py → fixtures/onnx/checker-verdicts.json).
 */
const dir = mkdtempSync(join(tmpdir(), 'lw-onnx-check-'));

export const WHOLE_MODELS: Record<string, () => Model> = {
  mlp_1_1: () => mlp11(),
  bn_net_1_6: () => {
    const m = new Sequential();
    m.add(new Dense(50, { inputDim: 784 }));
    m.add(new BatchNormalization());
    m.add(new Activation('relu'));
    m.add(new Dropout(0.2));
    m.add(new Dense(10, { activation: 'softmax' }));
    return m;
  },
  cnn_2_1: () => {
    const m = new Sequential();
    m.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
    m.add(new Activation('relu'));
    m.add(new MaxPooling2D({ poolSize: [2, 2] }));
    m.add(new Flatten());
    m.add(new Dense(10));
    m.add(new Activation('softmax'));
    return m;
  },
  inception_4_3: () => {
    const inputs = Input({ shape: [12, 12, 1] });
    const x = new MaxPooling2D({ poolSize: [2, 2] }).apply(new Activation('relu').apply(new Conv2D(8, [3, 3]).apply(inputs)));
    const t1 = new Conv2D(4, [3, 3], { padding: 'same', activation: 'relu' }).apply(new Conv2D(4, [1, 1], { padding: 'same', activation: 'relu' }).apply(x));
    const t2 = new Conv2D(4, [5, 5], { padding: 'same', activation: 'relu' }).apply(new Conv2D(4, [1, 1], { padding: 'same', activation: 'relu' }).apply(x));
    const t3 = new Conv2D(4, [1, 1], { padding: 'same', activation: 'relu' }).apply(new MaxPooling2D({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }).apply(x));
    const y = new Dense(10, { activation: 'softmax' }).apply(new Flatten().apply(new Concatenate({ axis: 1 }).apply([t1, t2, t3])));
    return new Model({ inputs, outputs: y });
  },
  shortcut_bn_cnn: () => {
    const inputs = Input({ shape: [10, 10, 3] });
    const x = new BatchNormalization().apply(new Conv2D(6, 3, { padding: 'same' }).apply(inputs));
    const y = new Conv2D(6, 3, { padding: 'same', activation: 'relu' }).apply(x);
    const z = new GlobalAveragePooling2D().apply(new AveragePooling2D({ poolSize: 2 }).apply(new Add().apply([x, y])));
    return new Model({ inputs, outputs: new Dense(3, { activation: 'softmax' }).apply(z) });
  },
  two_inputs_two_outputs: () => {
    const a = Input({ shape: [8], name: 'features' });
    const b = Input({ shape: [6, 6, 2], name: 'image' });
    const ha = new LayerNormalization().apply(new Dense(6, { activation: 'tanh' }).apply(a));
    const hb = new GlobalMaxPooling2D().apply(new DepthwiseConv2D(3, { depthMultiplier: 3 }).apply(new Rescaling(1 / 255).apply(b)));
    const joined = new Concatenate().apply([ha, hb]);
    const out1 = new Dense(2, { activation: 'sigmoid', name: 'score' }).apply(joined);
    const out2 = new Multiply().apply([new Dense(4).apply(joined), new Dense(4, { activation: 'sigmoid' }).apply(joined)]);
    return new Model({ inputs: [a, b], outputs: [out1, out2] });
  },
  decoder_conv_transpose: () => {
    const inputs = Input({ shape: [4, 5, 3] });
    let x = new Conv2DTranspose(4, 2, { strides: 3 }).apply(inputs);
    x = new Conv2DTranspose(3, 3, { strides: 2, padding: 'same', outputPadding: 0 }).apply(x);
    x = new SeparableConv2D(4, 3, { padding: 'same', depthMultiplier: 2 }).apply(x);
    x = new Cropping2D([[1, 2], [0, 1]]).apply(new ZeroPadding2D(1).apply(new UpSampling2D({ size: [1, 2] }).apply(x)));
    x = new Conv2D(2, 3, { dataFormat: 'channels_first', padding: 'same' }).apply(x);
    return new Model({ inputs, outputs: x });
  },
  reshaping: () => {
    const inputs = Input({ shape: [6] });
    const x = new Permute([2, 1]).apply(new RepeatVector(3).apply(inputs));
    const y = new Reshape([3, 2, 3]).apply(x);
    return new Model({ inputs, outputs: new Flatten().apply(y) });
  },
};

function sample(shape: number[], gen: Generator): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = gen.uniform(-1, 1);
  return t;
}

describe('exported ONNX files pass the checks', () => {
  // model.export at the default opset, and the backend's exporter at a newer one (reductions change form at 18).
  const runs = Object.keys(WHOLE_MODELS).flatMap((name) => [{ name, opset: DEFAULT_OPSET }, { name, opset: 21 }]);
  it.each(runs)('$name (opset $opset)', async ({ name, opset }) => {
    setSeed(17);
    const model = WHOLE_MODELS[name]();
    const gen = new Generator(5);
    const xs = model.inputs.map((t) => sample([3, ...(t.shape.slice(1) as number[])], gen));
    const tag = opset === DEFAULT_OPSET ? name : `${name}-opset${opset}`;
    const file = join(dir, `${tag}.onnx`);
    if (opset === DEFAULT_OPSET) await model.export(file, { format: 'onnx' });
    else await new OnnxBackend({ opset }).exportGraph(buildExportGraph(model), file);
    expectValidOnnx(file, `model-${tag}`);
    const outs = await runOnnxAtTwoBatchSizes(file, xs);
    expect(outs).toHaveLength(model.outputs.length);
    for (const [i, o] of outs.entries()) {
      // predict returns one output: each output through a model of its own over the same layers.
      const single = model.outputs.length === 1 ? model : new Model({ inputs: model.inputs, outputs: model.outputs[i] });
      const expected = await single.predict(xs.length === 1 ? xs[0] : xs, { verbose: 0 });
      expect(o.dims).toEqual(expected.shape);
      expect(maxAbsDiff(o.data as Float32Array, expected.data)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the structural check catches what the ONNX checker refuses', () => {
    expect(onnxProblems(probe({}))).toEqual([]);
    expect(onnxProblems(probe({ outputShape: null })).join('\n')).toMatch(/output 'y': type has no shape/);
    expect(onnxProblems(probe({ inputShape: [2, 3] })).join('\n')).toMatch(/input 'x': the batch dimension is 2, not symbolic/);
    expect(onnxProblems(probe({ nodeInput: 'z' })).join('\n')).toMatch(/reads 'z' before it is defined/);
    expect(onnxProblems(probe({ opset: 27 })).join('\n')).toMatch(/opset 27/);
  });

  const verdictsFile = new URL('../../fixtures/onnx/checker-verdicts.json', import.meta.url);
  // Skipped while the checker script regenerates the verdicts (it runs these tests to get the files).
  it.skipIf(!!process.env.LAYERWISE_ONNX_DUMP)('onnx.checker.check_model(full_check=True) passed every exported file (committed verdicts)', () => {
    const verdicts = JSON.parse(readFileSync(verdictsFile, 'utf8'));
    const failed = verdicts.files.filter((f: any) => !f.passed);
    expect(failed).toEqual([]);
    const names = verdicts.files.map((f: any) => f.name);
    for (const name of Object.keys(WHOLE_MODELS)) expect(names).toEqual(expect.arrayContaining([`model-${name}`, `model-${name}-opset21`]));
    expect(names.filter((n: string) => n.startsWith('layer-')).length).toBeGreaterThanOrEqual(30);
    expect(names.filter((n: string) => n.startsWith('deconv-')).length).toBeGreaterThanOrEqual(20);
    for (const f of verdicts.files) expect(f.inputs.every((i: any) => typeof i.shape[0] === 'string'), f.name).toBe(true);
  });
});

/** A one-node (Identity) model written by hand, with one thing wrong at a time for the negative tests. */
function probe(o: { outputShape?: (number | string)[] | null; inputShape?: (number | string)[]; nodeInput?: string; opset?: number }): Uint8Array {
  const valueInfo = (name: string, shape: (number | string)[] | null) => (m: ProtoWriter) => {
    m.string(1, name);
    m.message(2, (type) =>
      type.message(1, (tt) => {
        tt.int(1, 1);
        if (shape) tt.message(2, (s) => shape.forEach((d) => s.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)))));
      }),
    );
  };
  const w = new ProtoWriter();
  w.int(1, 8);
  w.message(7, (g) => {
    g.message(1, (n) => n.string(1, o.nodeInput ?? 'x').string(2, 'y').string(3, 'id').string(4, 'Identity'));
    g.string(2, 'probe');
    g.message(11, valueInfo('x', o.inputShape ?? ['batch', 3]));
    g.message(12, valueInfo('y', o.outputShape === undefined ? ['batch', 3] : o.outputShape));
  });
  w.message(8, (op) => op.string(1, '').int(2, o.opset ?? 17));
  return w.finish();
}
