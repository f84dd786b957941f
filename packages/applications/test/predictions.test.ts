// Every zoo model against Keras 3 on the same weights (a formula both sides compute, see
// helpers/formula.ts) and the same synthetic images: the preprocessed inputs bit-identical,
// the outputs within 1e-4 (probabilities) or 1e-5 of their scale (features, logits), the
// top-5 classes identical, on ONNX Runtime and on TensorFlow.js.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { clearSession, type Model, type Tensor } from '@layerwise/core';
import { preprocessInput } from '@layerwise/applications';
import { BACKENDS } from '../../../test/helpers/backends.js';
import { formulaWeights, syntheticBatch } from './helpers/formula.js';
import { BUILDERS, PREPROCESS_MODE, f32FromBase64, optionsFrom, readFixture, type ModelKey } from './helpers/fixtures.js';

interface PredictionCase {
  name: string;
  model: ModelKey;
  kwargs: Record<string, unknown>;
  default: boolean;
  images: number[];
  inputShape: number[];
  modelName: string;
  headScale: number;
  inputSha256: string;
  outputShape: number[];
  output: string;
  top5?: number[][];
}
const { cases } = readFixture<{ cases: PredictionCase[] }>('predictions.json');

// Full-size models on TensorFlow.js' plain-JavaScript cpu kernels take minutes: the small inputs cover them.
const backendsFor = (c: PredictionCase) => BACKENDS.filter((b) => !(c.default && b.name === 'tfjs-cpu'));

const sha256 = (t: Tensor) => createHash('sha256').update(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)).digest('hex');
const top5 = (y: Float32Array, rows: number) => {
  const n = y.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    const row = y.subarray(r * n, (r + 1) * n);
    return Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, 5);
  });
};
const isProbabilities = (c: PredictionCase) => c.outputShape.length === 2 && c.outputShape[1] === (c.kwargs.classes ?? 1000) && c.kwargs.classifier_activation !== null && c.kwargs.include_top !== false;

const measured: string[] = [];
afterAll(() => console.log(`max |Layerwise − Keras| per case and backend:\n${measured.join('\n')}`));

describe('zoo predictions equal Keras 3 on formula weights (fixtures/zoo/predictions.json)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    clearSession();
    const model: Model = await BUILDERS[c.model]({ ...optionsFrom(c.kwargs), weights: null });
    expect(model.name).toBe(c.modelName);
    expect(model.inputs[0].shape.slice(1)).toEqual(c.inputShape);
    formulaWeights(model, c.headScale);
    const [h, w] = c.inputShape;
    const x = preprocessInput(syntheticBatch(c.images, h, w), { mode: PREPROCESS_MODE[c.model] });
    expect(sha256(x), 'preprocessInput differs from Keras').toBe(c.inputSha256);
    const ref = f32FromBase64(c.output);
    const scale = Math.max(...Array.from(ref, Math.abs));
    const tolerance = isProbabilities(c) ? 1e-4 : 1e-5 * Math.max(1, scale);
    for (const { name, backend } of backendsFor(c)) {
      model.setBackend(backend);
      const y = await model.predict(x, { verbose: 0 });
      expect(y.shape).toEqual(c.outputShape);
      let diff = 0;
      for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ref[i] - y.data[i]));
      measured.push(`${c.name.padEnd(34)} ${name.padEnd(10)} ${diff.toExponential(2)}${isProbabilities(c) ? '' : ` (scale ${scale.toPrecision(3)})`}`);
      expect(diff, `${name}: max abs diff`).toBeLessThanOrEqual(tolerance);
      if (c.top5) expect(top5(y.data as Float32Array, c.outputShape[0]), `${name}: top-5`).toEqual(c.top5);
    }
  });
});
