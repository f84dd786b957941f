#!/usr/bin/env node
// npm run bench: the tutorial's 1.1 MLP on full Fashion-MNIST, one epoch timed at a time, on
// Layerwise (ONNX backend) and — in the same run, on the same data — PyTorch CPU and Keras.
// Ratios are Layerwise / peer (lower is better for Layerwise). Peers need a Python with torch,
// keras and tensorflow: `bash scripts/python/setup.sh` (or BENCH_PYTHON=/path/to/python).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Sequential, setSeed, toCategorical } from '@layerwise/core';
import { Activation, Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { fashionMnist } from '@layerwise/data';
import { peerPython } from '../scripts/python/python.mjs';

const epochs = Number(process.env.BENCH_EPOCHS ?? 3);
const python = peerPython();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function layerwiseMlp(stepsPerExecution) {
  const { data, source } = await fashionMnist.loadDataWithSource({ verbose: false });
  if (source.kind === 'sample') throw new Error('bench needs the full Fashion-MNIST (apt-get install dataset-fashion-mnist)');
  const [[xTrain, yTrain], [xTest, yTest]] = data;
  const x = xTrain.reshape(60000, 784).astype('float32').div(255);
  const xt = xTest.reshape(10000, 784).astype('float32').div(255);
  const y = toCategorical(yTrain, 10);
  const yt = toCategorical(yTest, 10);
  setSeed(0);
  const model = new Sequential();
  model.add(new Dense(50, { inputDim: 784 }));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(20));
  model.add(new Activation('sigmoid'));
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'], stepsPerExecution });
  const t0 = performance.now();
  await model.fit(x.slice(0, 2048), y.slice(0, 2048), { epochs: 1, verbose: 0 }); // compile (and warm up) outside the timing
  const warmupMs = performance.now() - t0;
  const epochSeconds = [];
  let seconds = 0;
  const timer = {
    setModel() {}, setParams() {}, onTrainBegin() {}, onTrainEnd() {}, onTrainBatchBegin() {}, onTrainBatchEnd() {},
    wantsBatchHooks: false,
    onEpochBegin() { seconds = performance.now(); },
    onEpochEnd() { epochSeconds.push((performance.now() - seconds) / 1000); },
  };
  await model.fit(x, y, { batchSize: 32, epochs, verbose: 0, callbacks: [timer] });
  const [, acc] = await model.evaluate(xt, yt, { verbose: 0 });
  const med = median(epochSeconds);
  return { peer: 'layerwise-onnx', steps_per_execution: stepsPerExecution, epoch_seconds: epochSeconds, median_epoch_s: med, step_ms: (med / 1875) * 1000, test_acc: acc, warmup_ms: warmupMs };
}

/** The tutorial's 2.1 CNN: Conv2D 32 3×3 relu, MaxPooling2D, Flatten, Dense 10 softmax; Adagrad, batch 64. */
async function layerwiseCnn(cnnEpochs) {
  const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ verbose: false });
  const x = xTrain.reshape(60000, 28, 28, 1).astype('float32').div(255);
  const xt = xTest.reshape(10000, 28, 28, 1).astype('float32').div(255);
  const y = toCategorical(yTrain, 10);
  const yt = toCategorical(yTest, 10);
  setSeed(0);
  const model = new Sequential();
  model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
  model.add(new Activation('relu'));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Flatten());
  model.add(new Dense(10));
  model.add(new Activation('softmax'));
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'adagrad', metrics: ['accuracy'] });
  await model.executable('train', { x: ['float32'], y: ['float32'] }); // compile outside the timing
  const epochSeconds = [];
  let start = 0;
  const timer = {
    setModel() {}, setParams() {}, onTrainBegin() {}, onTrainEnd() {}, onTrainBatchBegin() {}, onTrainBatchEnd() {},
    wantsBatchHooks: false,
    onEpochBegin() { start = performance.now(); },
    onEpochEnd() { epochSeconds.push((performance.now() - start) / 1000); },
  };
  await model.fit(x, y, { batchSize: 64, epochs: cnnEpochs, verbose: 0, callbacks: [timer] });
  const [, acc] = await model.evaluate(xt, yt, { verbose: 0 });
  const med = median(epochSeconds);
  return { peer: 'layerwise-onnx', epoch_seconds: epochSeconds, median_epoch_s: med, step_ms: (med / 938) * 1000, test_acc: acc };
}

function peer(script, args) {
  return peerWith(script, epochs, args);
}
function peerWith(script, peerEpochs, args) {
  try {
    const out = execFileSync(python, [`bench/peers/${script}`, '--epochs', String(peerEpochs), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message).split('\n')[0] };
  }
}

const machine = `${cpus().length} × ${cpus()[0].model}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
console.log(`Layerwise bench — ${new Date().toISOString()}\n${machine}\n1.1 MLP (784-50-20-10 sigmoid, SGD 0.01, batch 32) on 60000 Fashion-MNIST samples, ${epochs} timed epochs each\n`);
const results = [
  { ...(await layerwiseMlp('auto')), label: 'layerwise onnx (default: stepsPerExecution auto = 8)' },
  { ...(await layerwiseMlp(1)), label: 'layerwise onnx (stepsPerExecution 1)' },
  { ...peer('mlp_torch.py', ['--threads', '1']), label: 'pytorch (1 thread)' },
  { ...peer('mlp_torch.py', ['--threads', '2']), label: 'pytorch (2 threads)' },
  { ...peer('mlp_keras.py', []), label: 'keras 3 (tensorflow)' },
];
/** A markdown table; ratios are the first row's epoch time over each row's. */
function table(rows) {
  const lw = rows[0];
  console.log('| run | s/epoch (median) | ms/step | test acc | Layerwise ÷ this |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    if (r.error) console.log(`| ${r.label} | skipped: ${r.error} | | | |`);
    else console.log(`| ${r.label} | ${r.median_epoch_s.toFixed(3)} | ${r.step_ms.toFixed(3)} | ${r.test_acc.toFixed(4)} | ${(lw.median_epoch_s / r.median_epoch_s).toFixed(2)}× |`);
  }
}
table(results);

let cnnResults = [];
if (process.env.BENCH_CNN !== '0') {
  const cnnEpochs = Number(process.env.BENCH_CNN_EPOCHS ?? 5);
  console.log(`\n2.1 CNN (Conv2D 32 3×3 relu, MaxPooling2D, Flatten, Dense 10 softmax; Adagrad, batch 64) on 60000 Fashion-MNIST samples, ${cnnEpochs} epochs each; test accuracy after them\n`);
  cnnResults = [
    { ...(await layerwiseCnn(cnnEpochs)), label: 'layerwise onnx' },
    { ...peerWith('cnn_torch.py', cnnEpochs, ['--threads', '1']), label: 'pytorch (1 thread)' },
    { ...peerWith('cnn_torch.py', cnnEpochs, ['--threads', '2']), label: 'pytorch (2 threads)' },
  ];
  table(cnnResults);
}
// The TensorFlow.js backend against tfjs-layers on the same wasm kernels (issue 3).
let tfjs = null;
if (process.env.BENCH_TFJS !== '0') {
  console.log('\nTensorFlow.js backend (wasm kernels) against @tensorflow/tfjs-layers on the same kernels\n');
  try {
    const { runTfjsBench } = await import('./tfjs/mlp.mjs');
    tfjs = await runTfjsBench({ epochs, kernels: 'wasm', cnn: true });
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}

// The tfjs backend on tfjs-node kernels against tfjs-layers on them, and against the ONNX
// backend's figures above; ResNet50 inference once the zoo has it (issue 13).
let tfjsNode = null;
if (process.env.BENCH_TFJS_NODE !== '0') {
  console.log('\nTensorFlow.js backend on tfjs-node kernels against @tensorflow/tfjs-layers on the same kernels\n');
  const { runTfjsNodeSection } = await import('./tfjs/node.mjs');
  tfjsNode = runTfjsNodeSection({ epochs, onnxMlp: results[0], onnxCnn: cnnResults[0] });
}

// flowFromDirectory decode + resize throughput against torchvision ImageFolder + DataLoader (issue 5).
let flow = null;
if (process.env.BENCH_FLOW !== '0') {
  console.log('\nflowFromDirectory (decode + resize, batch 32) against torchvision ImageFolder + DataLoader(num_workers=2)\n');
  try {
    const { runFlowBench } = await import('../packages/data/bench/flow.mjs');
    flow = await runFlowBench({ perClass: Number(process.env.BENCH_FLOW_PER_CLASS ?? 500) });
    console.log(JSON.stringify(flow.cases ?? flow, null, 2));
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}

// ImageDataGenerator.flow augmentation throughput against torchvision.transforms.v2 (issue 6).
let augment = null;
if (process.env.BENCH_AUGMENT !== '0') {
  console.log('\nImageDataGenerator.flow (shift 0.3, rotation 30, zoom 0.3, both flips; batch 32) against torchvision.transforms.v2\n');
  try {
    const { benchAugment } = await import('../packages/augment/bench/augment.mjs');
    augment = await benchAugment({ seconds: Number(process.env.BENCH_AUGMENT_SECONDS ?? 3), python });
    console.log(JSON.stringify(augment.rows, null, 2));
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}

// Transfer learning (issue 11): a VGG16 fine-tuning epoch and the feature pass against PyTorch and Keras.
let transfer = null;
if (process.env.BENCH_TRANSFER !== '0') {
  console.log('\nTransfer learning (4.4, 4.5): VGG16 fine-tuning epoch (864 images, layers[:15] frozen, augmented) and feature pass, against PyTorch and Keras\n');
  try {
    const { runTransferBench } = await import('./transfer/transfer.mjs');
    transfer = await runTransferBench({ python });
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}

// Pretrained zoo inference against PyTorch and raw onnxruntime, and loading VGG16's weights (issue 10).
let zoo = null;
if (process.env.BENCH_ZOO !== '0') {
  console.log("\nZoo inference (random weights) on Layerwise's ONNX backend, against raw onnxruntime-node on the file Layerwise exports and torchvision (same threads)\n");
  try {
    const { runZooBench, zooTable } = await import('../packages/applications/bench/zoo.mjs');
    const { runZooMemory, zooMemoryTable } = await import('../packages/applications/bench/zoo-memory.mjs');
    const inference = await runZooBench({ python });
    console.log(zooTable(inference));
    console.log(`threads ${inference.threads}; load average (1 min) ${inference.loadavg_1min.min.toFixed(1)}–${inference.loadavg_1min.max.toFixed(1)}`);
    console.log("\nLoading VGG16's weights (a synthetic 553 MB Keras .h5) and predicting one image, against Keras' load_weights\n");
    const memory = await runZooMemory({ python });
    console.log(zooMemoryTable(memory));
    zoo = { inference, memory };
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify({ date: new Date().toISOString(), machine, epochs, results, cnn: cnnResults, tfjs, tfjs_node: tfjsNode, flow, augment, transfer, zoo }, null, 2));
console.log('\nwritten: bench/results/latest.json');
