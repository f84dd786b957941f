import { describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Callback, Generator, Graph, Sequential, Tensor, gradients, ops, placeholder, setSeed, type Logs } from '@layerwise/core';
import { Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, GlobalAveragePooling2D, MaxPooling2D } from '@layerwise/layers';
import { TfjsBackend } from '@layerwise/backend-tfjs';
import { toyData } from '../helpers/models.js';
import { TFJS_KERNELS } from '../helpers/backends.js';
import { recordTfOps } from '../helpers/tf-ops.js';

/**
 * No tfjs tensor outlives its use: tf.memory() stays flat across the steps and epochs of a real
 * fit (training arrays uploaded once, weights staying tfjs tensors between steps), and an
 * executable's constants go when it is disposed.
 */
const { x, y } = toyData(640);

/** tf.memory() at the end of each epoch (no batch hooks: fit may chain steps, stepsPerExecution 'auto'). */
class EpochMemory extends Callback {
  epochs: { numTensors: number; numBytes: number }[] = [];
  override onEpochEnd(_epoch: number, _logs?: Logs): void {
    const m = tf.memory();
    this.epochs.push({ numTensors: m.numTensors, numBytes: m.numBytes });
  }
}
/** ... and after every step (one step per call). */
class StepMemory extends EpochMemory {
  batches: number[] = [];
  override onTrainBatchEnd(): void {
    this.batches.push(tf.memory().numTensors);
  }
}
const flat = (ms: { numTensors: number; numBytes: number }[]) => ms.every((m) => m.numTensors === ms[0].numTensors && m.numBytes === ms[0].numBytes);

describe.each(TFJS_KERNELS)('tfjs memory on tfjs-%s', (kernels) => {
  const backend = new TfjsBackend({ kernels, report: false });

  it('fit: tensor count and bytes are flat across steps and epochs (dropout, Adam, validation)', async () => {
    setSeed(1);
    const model = new Sequential();
    model.add(new Dense(32, { inputDim: 16 }));
    model.add(new Activation('relu'));
    model.add(new Dropout(0.2));
    model.add(new Dense(4, { activation: 'softmax' }));
    model.setBackend(backend);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const validationData: [Tensor, Tensor] = [x.slice(0, 64), y.slice(0, 64)];
    // Steps chained 8 to a call (stepsPerExecution 'auto'): after the first epoch nothing grows.
    const chained = new EpochMemory();
    await model.fit(x, y, { batchSize: 32, epochs: 6, verbose: 0, callbacks: [chained], validationData });
    expect(flat(chained.epochs.slice(1))).toBe(true);
    // One step per call, measured after every step too.
    const stepwise = new StepMemory();
    await model.fit(x, y, { batchSize: 32, epochs: 4, verbose: 0, callbacks: [stepwise], validationData });
    expect(flat(stepwise.epochs.slice(1))).toBe(true);
    const steps = stepwise.batches.slice(25);
    expect(Math.max(...steps) - Math.min(...steps)).toBe(0);
    console.log(
      `memory ${kernels}: numTensors per epoch (chained) ${chained.epochs.map((m) => m.numTensors).join(' ')}; ` +
        `per step (one per call) ${Math.min(...steps)}..${Math.max(...steps)}; bytes ${chained.epochs.at(-1)!.numBytes}`,
    );

    // A second fit and repeated predict/evaluate do not accumulate either.
    await model.fit(x, y, { batchSize: 32, epochs: 1, verbose: 0 });
    await model.predict(x, { verbose: 0 });
    await model.evaluate(x, y, { verbose: 0 });
    const base = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await model.fit(x, y, { batchSize: 32, epochs: 1, verbose: 0 });
      await model.predict(x, { verbose: 0 });
      await model.evaluate(x, y, { verbose: 0 });
    }
    expect(tf.memory().numTensors).toBe(base);
  });

  // The conv path: on tfjs-node TensorFlow's own conv, depthwise and pool backprops, and at
  // predict the conv bias + BatchNormalization run fused as one FusedBatchNorm (32×32×16
  // activations are large enough); on wasm and cpu the forward-conv constructions, on smaller
  // images (those kernels take ~20× longer there).
  it('a CNN fit (conv, BatchNormalization, pools, depthwise) and predict: tensor count flat', async () => {
    setSeed(2);
    const gen = new Generator(5);
    const side = kernels === 'node' ? 32 : 8;
    const images = Tensor.zeros([32, side, side, 3]);
    for (let i = 0; i < images.size; i++) images.data[i] = gen.uniform(0, 1);
    const labels = toyData(32, 16, 4).y;
    const model = new Sequential();
    model.add(new Conv2D(16, 3, { padding: 'same', inputShape: [side, side, 3] }));
    model.add(new BatchNormalization());
    model.add(new Activation('relu'));
    model.add(new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }));
    model.add(new DepthwiseConv2D(3, { padding: 'same' }));
    model.add(new AveragePooling2D({ poolSize: 2 }));
    model.add(new GlobalAveragePooling2D());
    model.add(new Dense(4, { activation: 'softmax' }));
    model.setBackend(backend);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    // On tfjs-node: the TensorFlow ops that ran, to know the native paths were the ones measured.
    const seen = kernels === 'node' ? recordTfOps() : [];
    const chained = new EpochMemory();
    await model.fit(images, labels, { batchSize: 8, epochs: 6, verbose: 0, callbacks: [chained] });
    expect(flat(chained.epochs.slice(1))).toBe(true);
    const stepwise = new StepMemory();
    await model.fit(images, labels, { batchSize: 8, epochs: 3, verbose: 0, callbacks: [stepwise], validationData: [images.slice(0, 8), labels.slice(0, 8)] });
    expect(flat(stepwise.epochs.slice(1))).toBe(true);
    const steps = stepwise.batches.slice(5);
    expect(Math.max(...steps) - Math.min(...steps)).toBe(0);
    await model.predict(images, { verbose: 0 });
    const base = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await model.predict(images, { verbose: 0, batchSize: 8 });
      await model.evaluate(images, labels, { verbose: 0 });
    }
    expect(tf.memory().numTensors).toBe(base);
    if (kernels === 'node') for (const op of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'MaxPoolGrad', 'AvgPoolGrad', 'FusedBatchNorm']) expect(seen, op).toContain(op);
    vi.restoreAllMocks();
    console.log(`memory ${kernels} (CNN): numTensors per epoch ${chained.epochs.map((m) => m.numTensors).join(' ')}; after predict ${base}`);
  });

  it('a run frees its intermediates; dispose() frees outputs and the executable its constants', async () => {
    const before = tf.memory().numTensors;
    const xv = placeholder([null, 3]);
    const w = placeholder([3, 2]);
    const loss = ops.mean(ops.square(ops.sub(ops.matmul(xv, w), ops.constant(Tensor.from([[1, 2]])))));
    const [gw] = gradients(loss, [w]);
    const exe = await backend.compile(new Graph([xv, w], [loss, gw!]));
    const xs = backend.upload(Tensor.from([[1, 2, 3], [4, 5, 6]]));
    let wv = backend.upload(Tensor.from([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]));
    const afterCompile = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) {
      const [l, g] = await exe.run([xs, wv]);
      await l.read();
      l.dispose();
      wv.dispose();
      wv = g;
    }
    // Left: the two feeds' kernel copies (xs and the last gradient) on top of the constants.
    expect(tf.memory().numTensors).toBe(afterCompile + 2);
    wv.dispose();
    xs.dispose();
    exe.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
