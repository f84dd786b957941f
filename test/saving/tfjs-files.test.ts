import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Model, Tensor, loadModel } from '@layerwise/core';
import '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { maxAbsDiff } from '../helpers/run.js';
import { MODEL_FILES, fixtureModels, tensorOf } from '../helpers/model-files.js';

/**
 * TensorFlow.js' model.json + weight shards, both ways, against tfjs-layers itself (a Node
 * dependency): models tfjs-layers builds and saves load in Layerwise and predict tfjs' outputs
 * on every backend; the Keras 3 fixtures re-saved by Layerwise as model.json load in
 * tfjs-layers and predict Keras' outputs.
 */
const ROOT = MODEL_FILES;
const expected = fixtureModels('keras3');
const dir = mkdtempSync(join(tmpdir(), 'lw-tfjs-files-'));

/** What tfjs-layers' model.save('file://dir') writes: model.json and one shard. */
async function saveWithTfjs(model: tfl.LayersModel, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(folder, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      const json = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }], ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}) };
      writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
}

/** tf.loadLayersModel('file://…/model.json'), reading the files ourselves (tfjs-node is not a dependency). */
async function loadWithTfjs(file: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const folder = join(file, '..');
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(folder, p)))));
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: new Uint8Array(data).buffer, trainingConfig: json.trainingConfig }));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TFJS_MODELS: Record<string, () => tfl.LayersModel> = {
  tfjs_mlp: () => {
    const m = tfl.sequential({ name: 'tfjs_mlp', layers: [tfl.layers.dense({ units: 6, inputShape: [4], activation: 'relu' }), tfl.layers.batchNormalization(), tfl.layers.dropout({ rate: 0.3 }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return m;
  },
  tfjs_cnn: () => {
    const inp = tfl.input({ shape: [8, 8, 2] });
    let x = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(inp) as tfl.SymbolicTensor;
    const y = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(y) as tfl.SymbolicTensor;
    const a = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
    const b = tfl.layers.flatten().apply(tfl.layers.averagePooling2d({ poolSize: 3 }).apply(y)) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2 }).apply(tfl.layers.concatenate().apply([a, b])) as tfl.SymbolicTensor;
    return tfl.model({ name: 'tfjs_cnn', inputs: inp, outputs: out });
  },
};

describe('model.json written by tfjs-layers', () => {
  const written: Record<string, { x: number[][]; y: Float32Array }> = {};
  beforeAll(async () => {
    for (const [name, build] of Object.entries(TFJS_MODELS)) {
      const m = build();
      // Random weights (variances positive) so a weight in the wrong place shows.
      m.setWeights(m.weights.map((w, i) => (w.name.includes('variance') ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i) : tf.randomNormal(w.shape, 0, 0.4, 'float32', i))));
      const x = tf.randomNormal([2, ...(m.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 99);
      written[name] = { x: x.arraySync() as number[][], y: (m.predict(x) as tf.Tensor).dataSync() as Float32Array };
      await saveWithTfjs(m, join(dir, 'from-tfjs', name));
    }
  });
  for (const { name: backendName, backend } of BACKENDS)
    it.each(Object.keys(TFJS_MODELS))(`%s loads and predicts tfjs' outputs within 1e-5 on ${backendName}`, async (name) => {
      const model = await loadModel(join(dir, 'from-tfjs', name, 'model.json'));
      model.setBackend(backend);
      expect(Boolean(model.optimizer)).toBe(name === 'tfjs_mlp');
      const y = await model.predict(Tensor.from(written[name].x), { verbose: 0 });
      expect(maxAbsDiff(y.data, written[name].y)).toBeLessThan(1e-5);
    });
  it('a folder holding model.json loads too', async () => {
    const model = await loadModel(join(dir, 'from-tfjs', 'tfjs_mlp'));
    expect(model.name).toBe('tfjs_mlp');
  });
});

/** The Keras 3 fixtures tfjs-layers can run (it lacks Subtract, Conv2D groups, ReLU's negative_slope/threshold, and calls with an activity regularizer). */
const FOR_TFJS = ['mlp', 'cnn', 'convs', 'reshaping', 'nested', 'shared', 'bn_stats', 'frozen'];

describe('model.json written by Layerwise, loaded by tfjs-layers', () => {
  it.each(FOR_TFJS)('%s: tfjs-layers predicts Keras 3’s outputs within 1e-5', async (name) => {
    const e = expected[name];
    const model = await loadModel(join(ROOT, 'keras3', `${name}.keras`));
    const folder = join(dir, 'to-tfjs', name);
    mkdirSync(folder, { recursive: true });
    await model.save(join(folder, 'model.json'));
    const theirs = await loadWithTfjs(join(folder, 'model.json'));
    const xs = e.inputs.map((x) => tf.tensor(x as number[][]));
    const ys = theirs.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
    (Array.isArray(ys) ? ys : [ys]).forEach((y, i) => expect(maxAbsDiff(y.dataSync(), tensorOf(e.outputs[i]).data)).toBeLessThan(1e-5));
    // And back into Layerwise: the same outputs.
    const again = await loadModel(join(folder, 'model.json'));
    const out = await (again.outputs.length === 1 ? again : new Model({ inputs: again.inputs, outputs: again.outputs[0] })).predict(e.inputs.length === 1 ? tensorOf(e.inputs[0]) : e.inputs.map(tensorOf), { verbose: 0 });
    expect(maxAbsDiff(out.data, tensorOf(e.outputs[0]).data)).toBeLessThan(1e-5);
  });
});
