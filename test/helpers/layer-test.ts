import { expect } from 'vitest';
import { Sequential, Tensor, Generator, getLayerClass, type Backend, type Layer, type SymShape } from '@layerwise/core';
import { layerFromConfig } from '../../packages/core/src/saving/save.js';
import { maxAbsDiff } from './run.js';
import { expectValidOnnx, runOnnxAtTwoBatchSizes } from './onnx-check.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const exportDir = mkdtempSync(join(tmpdir(), 'lw-export-'));

export interface LayerTestSpec {
  /** Names the exported ONNX file the checker script sees (default: the layer's name). */
  title?: string;
  make: () => Layer;
  /** One sample's shape (no batch). */
  inputShape: number[];
  expectedOutputShape: SymShape;
  expectedWeights: { name: string; shape: number[]; trainable: boolean }[];
}

/**
 * The shared layer check (Keras 3's run_layer_test) on one backend: output shape, weights,
 * config round trip (a layer rebuilt from its config computes the same thing), ONNX export
 * matching predict (on the ONNX backend), and a training step.
 */
export async function runLayerTest(spec: LayerTestSpec, backend: Backend): Promise<void> {
  const layer = spec.make();
  const model = new Sequential();
  model.build([null, ...spec.inputShape]);
  model.add(layer);
  expect(model.outputShape).toEqual(spec.expectedOutputShape);
  const ws = [...layer.trainableWeights, ...layer.nonTrainableWeights];
  expect(ws.map((w) => ({ name: w.name.slice(layer.name.length + 1), shape: w.shape, trainable: w.trainable }))).toEqual(spec.expectedWeights);

  // Config round trip: same class, same config, same outputs with the same weights.
  const config = layer.getConfig();
  const clone = layerFromConfig({ className: layer.className, config: JSON.parse(JSON.stringify(config)) });
  expect(getLayerClass(layer.className)).toBe(layer.constructor);
  expect(clone.getConfig()).toEqual(config);
  const cloneModel = new Sequential();
  cloneModel.build([null, ...spec.inputShape]);
  cloneModel.add(clone);
  clone.setWeights(layer.getWeights());

  const gen = new Generator(11);
  const x = Tensor.zeros([4, ...spec.inputShape]);
  for (let i = 0; i < x.size; i++) x.data[i] = gen.uniform(-1, 1);
  model.setBackend(backend);
  cloneModel.setBackend(backend);
  const a = await model.predict(x, { verbose: 0 });
  const b = await cloneModel.predict(x, { verbose: 0 });
  expect(Array.from(b.data)).toEqual(Array.from(a.data));
  expect(a.shape).toEqual([4, ...(spec.expectedOutputShape as number[]).slice(1)]);
  // The ONNX export of the model computes what predict computes.
  if (backend.name === 'onnx') {
    const file = join(exportDir, `${layer.name}.onnx`);
    await model.export(file, { format: 'onnx' });
    expectValidOnnx(file, `layer-${(spec.title ?? layer.name).replace(/[^A-Za-z0-9]+/g, '_')}`);
    const [exported] = await runOnnxAtTwoBatchSizes(file, [x]);
    expect(exported.dims).toEqual(a.shape);
    expect(maxAbsDiff(exported.data as Float32Array, a.data)).toBeLessThanOrEqual(1e-4);
  }
  // One training step runs (gradients flow through the layer, state updates apply).
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const h = await model.fit(x, a, { epochs: 1, verbose: 0 });
  expect(Number.isFinite(h.history.loss[0])).toBe(true);
}
