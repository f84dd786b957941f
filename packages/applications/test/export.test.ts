// The zoo's deep models export to ONNX (model.export) and the file computes what predict computes:
// the file `npm run bench` runs on raw onnxruntime-node. (VGG is plain convolutions and Dense layers,
// which the layer catalogue's export checks cover; its file is large.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { clearSession } from '@layerwise/core';
import { preprocessInput } from '@layerwise/applications';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { formulaWeights, syntheticBatch } from './helpers/formula.js';
import { BUILDERS, PREPROCESS_MODE, type ModelKey } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-zoo-export-'));

describe('zoo models export to ONNX', () => {
  it.each([
    ['resnet50', 32, 32],
    ['inception_v3', 75, 75],
    ['xception', 71, 71],
    ['mobilenet_v2', 32, 32],
  ] as const)('%s at %i×%i pixels: the exported file computes what predict computes', async (key, size, _width) => {
    clearSession();
    const model = await BUILDERS[key as ModelKey]({ weights: null, inputShape: [size, size, 3] });
    formulaWeights(model);
    model.setBackend(new OnnxBackend());
    const x = preprocessInput(syntheticBatch([0, 1], size, size), { mode: PREPROCESS_MODE[key as ModelKey] });
    const expected = await model.predict(x, { verbose: 0 });
    const file = join(dir, `${key}.onnx`);
    await model.export(file, { format: 'onnx' });
    const session = await ort.InferenceSession.create(file);
    const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data as Float32Array, x.shape) }))[session.outputNames[0]];
    expect(out.dims).toEqual(expected.shape);
    let diff = 0;
    for (let i = 0; i < expected.size; i++) diff = Math.max(diff, Math.abs((out.data as Float32Array)[i] - expected.data[i]));
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});
