#!/usr/bin/env node
// The tfjs backend against @tensorflow/tfjs-layers on the same TensorFlow.js kernels, in one run:
// the tutorial's 1.1 MLP (784-50-20-10 sigmoid/softmax, SGD 0.01, batch 32) on the full
// Fashion-MNIST, and the small CNN (Conv2D 32 3×3 relu, MaxPooling2D, Flatten, Dense 10 softmax,
// Adagrad, batch 64) once core has conv ops. Ratios are Layerwise ÷ tfjs-layers (≤ 1 means
// Layerwise is no slower).
//
//   npm run build && node bench/tfjs/mlp.mjs [--epochs 3] [--kernels wasm|cpu|node] [--cnn-steps 200|epoch] [--cnn-rounds 1] [--no-cnn] [--json]
// --kernels node: tfjs-node (npx layerwise-tfjs-node builds it); --cnn-steps epoch times one whole
// epoch (938 steps) and evaluates it; --json prints the result as the last line (bench/run.mjs).
// The runs take turns epoch by epoch (a busy machine slows them alike); the ratio is the median of
// each round's Layerwise ÷ tfjs-layers.
//   import { runTfjsBench } from './bench/tfjs/mlp.mjs'; const json = await runTfjsBench({ epochs: 3 });
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '@layerwise/core';
import * as layers from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';
import { TfjsBackend } from '@layerwise/backend-tfjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
const { Sequential, setSeed, toCategorical } = core;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const machine = () => `${cpus().length} × ${cpus()[0].model}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** Whether core and the layer catalogue have what the CNN needs yet. */
export function cnnAvailable() {
  const hasConvOp = [...core.opRegistry.keys()].some((k) => /^Conv/.test(k));
  const missing = ['Conv2D', 'MaxPooling2D', 'Flatten'].filter((n) => typeof layers[n] !== 'function');
  if (!hasConvOp) return { ok: false, reason: 'core has no convolution op yet (opRegistry has no Conv*)' };
  if (missing.length) return { ok: false, reason: `@layerwise/layers has no ${missing.join(', ')} yet` };
  return { ok: true };
}

async function loadFashion() {
  const { data, source } = await fashionMnist.loadDataWithSource({ verbose: false });
  if (source.kind === 'sample') throw new Error('the tfjs bench needs the full Fashion-MNIST (apt-get install dataset-fashion-mnist)');
  const [[xTrain, yTrain], [xTest, yTest]] = data;
  return {
    x: xTrain.astype('float32').div(255),
    xt: xTest.astype('float32').div(255),
    y: toCategorical(yTrain, 10),
    yt: toCategorical(yTest, 10),
  };
}

/** Per-epoch wall time from the training loop's own epoch callbacks (the compile is done before). */
function epochTimer() {
  const seconds = [];
  let t0 = 0;
  return {
    seconds,
    layerwise: {
      setModel() {}, setParams() {}, onTrainBegin() {}, onTrainEnd() {}, onTrainBatchBegin() {}, onTrainBatchEnd() {},
      wantsBatchHooks: false,
      onEpochBegin() { t0 = performance.now(); },
      onEpochEnd() { seconds.push((performance.now() - t0) / 1000); },
    },
    tfjs: {
      onEpochBegin: async () => { t0 = performance.now(); },
      onEpochEnd: async () => { seconds.push((performance.now() - t0) / 1000); },
    },
  };
}

function summary(label, seconds, steps, acc, extra = {}) {
  const med = median(seconds);
  return { label, epoch_seconds: seconds, median_epoch_s: med, step_ms: (med / steps) * 1000, test_acc: acc, ...extra };
}

/**
 * Time `rounds` epochs of each runner, taking turns (the order reversed every other round), so a
 * machine whose load changes during the run slows every runner alike. Each runner's figures,
 * plus the median over rounds of its time ÷ the last runner's (the peer) in the same round.
 */
async function interleave(runners, rounds) {
  const seconds = runners.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = runners.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) seconds[i].push(await runners[i].epoch());
  }
  const peer = seconds.at(-1);
  return Promise.all(
    runners.map(async (run, i) => ({
      ...summary(run.label, seconds[i], run.steps, await run.accuracy(), run.extra),
      paired_ratio: median(seconds[i].map((t, r) => t / peer[r])),
    })),
  );
}

async function layerwiseMlp(d, backend, stepsPerExecution) {
  setSeed(0);
  const model = new Sequential();
  model.add(new layers.Dense(50, { inputDim: 784 }));
  model.add(new layers.Activation('sigmoid'));
  model.add(new layers.Dense(20));
  model.add(new layers.Activation('sigmoid'));
  model.add(new layers.Dense(10));
  model.add(new layers.Activation('softmax'));
  model.setBackend(backend);
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'], stepsPerExecution });
  const t0 = performance.now();
  await model.executable('train', { x: ['float32'], y: ['float32'] });
  const compileMs = performance.now() - t0;
  const x = d.x.reshape(60000, 784);
  return {
    label: stepsPerExecution === 'auto' ? 'layerwise tfjs (default: stepsPerExecution auto = 8)' : `layerwise tfjs (stepsPerExecution ${stepsPerExecution})`,
    steps: Math.ceil(60000 / 32),
    extra: { compile_ms: compileMs, steps_per_execution: stepsPerExecution },
    async epoch() {
      const timer = epochTimer();
      await model.fit(x, d.y, { batchSize: 32, epochs: 1, verbose: 0, callbacks: [timer.layerwise] });
      return timer.seconds[0];
    },
    accuracy: async () => (await model.evaluate(d.xt.reshape(10000, 784), d.yt, { verbose: 0 }))[1],
  };
}

function tfjsLayersMlp(d) {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 50, inputShape: [784] }));
  model.add(tfl.layers.activation({ activation: 'sigmoid' }));
  model.add(tfl.layers.dense({ units: 20 }));
  model.add(tfl.layers.activation({ activation: 'sigmoid' }));
  model.add(tfl.layers.dense({ units: 10 }));
  model.add(tfl.layers.activation({ activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor2d(d.x.data, [60000, 784]);
  const y = tf.tensor2d(d.y.data, [60000, 10]);
  return {
    label: 'tfjs-layers',
    steps: Math.ceil(60000 / 32),
    async epoch() {
      const timer = epochTimer();
      await model.fit(x, y, { batchSize: 32, epochs: 1, shuffle: true, verbose: 0, callbacks: timer.tfjs });
      return timer.seconds[0];
    },
    async accuracy() {
      const [xt, yt] = [tf.tensor2d(d.xt.data, [10000, 784]), tf.tensor2d(d.yt.data, [10000, 10])];
      const [, accT] = model.evaluate(xt, yt, { batchSize: 32 });
      const acc = (await accT.data())[0];
      tf.dispose([x, y, xt, yt]);
      model.dispose();
      return acc;
    },
  };
}

const FULL_EPOCH = Math.ceil(60000 / 64);
/** n samples for `steps` batches of 64 (the whole set for a full epoch). */
const samplesFor = (steps) => Math.min(steps * 64, 60000);

/** The CNN is slow on the wasm kernels: time `steps` batches of an epoch rather than whole epochs (or a whole one). */
async function layerwiseCnn(d, backend, steps) {
  setSeed(0);
  const model = new Sequential();
  model.add(new layers.Conv2D(32, [3, 3], { activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(new layers.MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new layers.Flatten());
  model.add(new layers.Dense(10, { activation: 'softmax' }));
  model.setBackend(backend);
  model.compile({ optimizer: 'adagrad', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const n = samplesFor(steps);
  const x = d.x.slice(0, n).reshape(n, 28, 28, 1);
  const y = d.y.slice(0, n);
  await model.executable('train', { x: ['float32'], y: ['float32'] });
  await model.fit(x.slice(0, 64 * 5), y.slice(0, 64 * 5), { batchSize: 64, epochs: 1, verbose: 0 }); // warm-up
  return {
    label: 'layerwise tfjs (stepsPerExecution auto = 8)',
    steps,
    async epoch() {
      const timer = epochTimer();
      await model.fit(x, y, { batchSize: 64, epochs: 1, verbose: 0, callbacks: [timer.layerwise] });
      return timer.seconds[0];
    },
    accuracy: async () => (steps >= FULL_EPOCH ? (await model.evaluate(d.xt.reshape(10000, 28, 28, 1), d.yt, { verbose: 0 }))[1] : null),
  };
}

/**
 * Stock tfjs cannot train a Conv2D on its wasm kernels: the filter gradient needs
 * Conv2DBackpropFilter, which the wasm backend lacks. So that the peer runs at all, the bench
 * registers a Conv2D gradient whose filter part is a forward conv (the same construction
 * Layerwise lowers ConvBackpropFilter to): input channels as the batch, the batch as channels,
 * dy as the kernel. Only what this CNN needs (stride 1, 'valid', dilation 1, NHWC).
 */
let peerConvGradient = false;
function enablePeerConvGradient() {
  if (peerConvGradient || tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return false;
  const warn = console.warn;
  console.warn = () => {}; // "Overriding the gradient for 'Conv2D'"
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dilations, dataFormat } = attrs;
      const one = (v) => v === 1 || (Array.isArray(v) && v.every((e) => e === 1));
      if (!one(strides) || pad !== 'valid' || !one(dilations ?? 1) || dataFormat !== 'NHWC') throw new Error('bench Conv2D gradient: stride 1, valid, NHWC only');
      return {
        x: () => tf.conv2dTranspose(dy, filter, x.shape, strides, pad),
        filter: () => tf.tidy(() => tf.transpose(tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid'), [1, 2, 0, 3])),
      };
    },
  });
  console.warn = warn;
  peerConvGradient = true;
  return true;
}

async function tfjsLayersCnn(d, steps) {
  const polyfilled = enablePeerConvGradient();
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adagrad(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const n = samplesFor(steps);
  const x = tf.tensor4d(d.x.data.subarray(0, n * 784), [n, 28, 28, 1]);
  const y = tf.tensor2d(d.y.data.subarray(0, n * 10), [n, 10]);
  const done = () => {
    tf.dispose([x, y]);
    model.dispose();
  };
  try {
    const wx = tf.slice(x, [0, 0, 0, 0], [64 * 5, 28, 28, 1]);
    const wy = tf.slice(y, [0, 0], [64 * 5, 10]);
    await model.fit(wx, wy, { batchSize: 64, epochs: 1, verbose: 0 }); // warm-up
    tf.dispose([wx, wy]);
  } catch (e) {
    // Stock tfjs-layers needs Conv2DBackpropFilter, which the wasm kernels lack.
    done();
    return { error: String(e.message).split('\n')[0] };
  }
  return {
    label: polyfilled ? 'tfjs-layers (+ forward-conv filter gradient)' : 'tfjs-layers',
    steps,
    async epoch() {
      const timer = epochTimer();
      await model.fit(x, y, { batchSize: 64, epochs: 1, verbose: 0, callbacks: timer.tfjs });
      return timer.seconds[0];
    },
    async accuracy() {
      let acc = null;
      if (steps >= FULL_EPOCH) {
        const [xt, yt] = [tf.tensor4d(d.xt.data, [10000, 28, 28, 1]), tf.tensor2d(d.yt.data, [10000, 10])];
        const [, accT] = model.evaluate(xt, yt, { batchSize: 64 });
        acc = (await accT.data())[0];
        tf.dispose([xt, yt]);
      }
      done();
      return acc;
    },
  };
}

/**
 * Run the comparison; returns the figures as JSON (and prints a table through `print`).
 * @param {{ epochs?: number, kernels?: 'wasm' | 'cpu' | 'node', cnn?: boolean, cnnSteps?: number | 'epoch', cnnRounds?: number, print?: (s: string) => void }} [opts]
 */
export async function runTfjsBench({ epochs = 3, kernels = 'wasm', cnn = true, cnnSteps = 100, cnnRounds = 1, print = console.log } = {}) {
  const backend = new TfjsBackend({ kernels, report: false });
  const k = await backend.kernels();
  // tfjs-layers runs on whatever tfjs backend is active: the same kernels.
  await tf.setBackend(k.tfBackend);
  const d = await loadFashion();
  const started = machine();
  print(`Layerwise tfjs bench — ${new Date().toISOString()}\n${started}\nkernels: ${k.description}\n`);
  print(`1.1 MLP (784-50-20-10 sigmoid, SGD 0.01, batch 32) on 60000 Fashion-MNIST samples, ${epochs} timed epochs each, taking turns`);
  const runners = [await layerwiseMlp(d, backend, 'auto'), await layerwiseMlp(d, backend, 1), tfjsLayersMlp(d)];
  const [lw, lw1, peer] = await interleave(runners, epochs);
  const mlp = { layerwise: lw, layerwise_spe1: lw1, tfjs_layers: peer, ratio: lw.paired_ratio, ratio_spe1: lw1.paired_ratio };
  print('| run | s/epoch (median) | ms/step | test acc | this ÷ tfjs-layers (median of same-round ratios) |');
  print('| --- | ---: | ---: | ---: | ---: |');
  for (const r of [lw, lw1, peer]) print(`| ${r.label} | ${r.median_epoch_s.toFixed(3)} | ${r.step_ms.toFixed(3)} | ${r.test_acc.toFixed(4)} | ${r.paired_ratio.toFixed(2)}× |`);

  let cnnResult = { skipped: 'not asked for' };
  if (cnn) {
    const avail = cnnAvailable();
    if (!avail.ok) cnnResult = { skipped: avail.reason };
    else {
      if (cnnSteps === 'epoch') cnnSteps = FULL_EPOCH;
      const what = cnnSteps >= FULL_EPOCH ? `${cnnRounds} whole epoch${cnnRounds > 1 ? 's' : ''} (60000 samples) each` : `${cnnSteps} timed steps each`;
      print(`\nCNN (Conv2D 32 3×3 relu, MaxPooling2D, Flatten, Dense 10 softmax, Adagrad, batch 64), ${what}, taking turns`);
      const lwRunner = await layerwiseCnn(d, backend, cnnSteps);
      const peerRunner = await tfjsLayersCnn(d, cnnSteps);
      const [lwc, peerc] = peerRunner.error
        ? [(await interleave([lwRunner], cnnRounds))[0], { label: 'tfjs-layers', error: peerRunner.error }]
        : await interleave([lwRunner, peerRunner], cnnRounds);
      for (const r of [lwc, peerc]) if (!r.error) r.est_epoch_s = (r.median_epoch_s / cnnSteps) * FULL_EPOCH;
      cnnResult = { layerwise: lwc, tfjs_layers: peerc, ratio: peerc.error ? null : lwc.paired_ratio };
      print(`| run | ms/step | ${cnnSteps >= FULL_EPOCH ? 's/epoch | test acc' : 'est. s/epoch | –'} | this ÷ tfjs-layers |`);
      print('| --- | ---: | ---: | ---: | ---: |');
      for (const r of [lwc, peerc])
        print(
          r.error
            ? `| ${r.label} | failed: ${r.error} | | | |`
            : `| ${r.label} | ${r.step_ms.toFixed(1)} | ${r.est_epoch_s.toFixed(1)} | ${r.test_acc == null ? '–' : r.test_acc.toFixed(4)} | ${peerc.error ? '–' : r.paired_ratio.toFixed(2) + '×'} |`,
        );
    }
    if (cnnResult.skipped) print(`\nCNN: skipped (${cnnResult.skipped})`);
  }
  return { date: new Date().toISOString(), machine: started, machine_after: machine(), kernels: k.description, epochs, mlp, cnn: cnnResult };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const steps = arg('cnn-steps', 100);
  const kernels = arg('kernels', 'wasm');
  const result = await runTfjsBench({
    epochs: Number(arg('epochs', process.env.BENCH_EPOCHS ?? 3)),
    kernels,
    cnn: !process.argv.includes('--no-cnn'),
    cnnSteps: steps === 'epoch' ? 'epoch' : Number(steps),
    cnnRounds: Number(arg('cnn-rounds', 1)),
  });
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/tfjs-${kernels}-latest.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwritten: ${file}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
