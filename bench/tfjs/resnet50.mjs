#!/usr/bin/env node
// ResNet50 inference (batch 8, 224×224×3, random weights) on Layerwise's backends — the tfjs
// backend on tfjs-node, and the ONNX backend — against tfjs-layers on the same tfjs-node kernels
// (Keras' ResNet50 graph written with tfjs-layers, which has no application zoo). The hook for
// the zoo (issue 13): it runs once @layerwise/applications exports ResNet50, and says why it
// skipped until then.
//
//   npm run build && node bench/tfjs/resnet50.mjs [--batches 5] [--json]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Tensor, setSeed } from '@layerwise/core';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { TfjsBackend } from '@layerwise/backend-tfjs';

const BATCH = 8;

/** ResNet50 from the zoo, or why there is none yet. */
async function zooResNet50() {
  let apps;
  try {
    apps = await import('@layerwise/applications');
  } catch (e) {
    return { skipped: `@layerwise/applications does not load (${String(e.message).split('\n')[0]})` };
  }
  if (typeof apps.ResNet50 !== 'function') return { skipped: '@layerwise/applications has no ResNet50 yet' };
  return { ResNet50: apps.ResNet50 };
}

/** Keras' ResNet50 (keras.applications.resnet50: stack1 of block1s, BN epsilon 1.001e-5) in tfjs-layers. */
function tfjsLayersResNet50(tfl) {
  const L = tfl.layers;
  const bn = () => L.batchNormalization({ axis: 3, epsilon: 1.001e-5 });
  const relu = () => L.activation({ activation: 'relu' });
  const block = (x, filters, stride, convShortcut) => {
    const shortcut = convShortcut ? bn().apply(L.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride }).apply(x)) : x;
    let y = relu().apply(bn().apply(L.conv2d({ filters, kernelSize: 1, strides: stride }).apply(x)));
    y = relu().apply(bn().apply(L.conv2d({ filters, kernelSize: 3, padding: 'same' }).apply(y)));
    y = bn().apply(L.conv2d({ filters: 4 * filters, kernelSize: 1 }).apply(y));
    return relu().apply(L.add().apply([shortcut, y]));
  };
  const stack = (x, filters, blocks, stride) => {
    x = block(x, filters, stride, true);
    for (let i = 1; i < blocks; i++) x = block(x, filters, 1, false);
    return x;
  };
  const input = tfl.input({ shape: [224, 224, 3] });
  let x = L.zeroPadding2d({ padding: 3 }).apply(input);
  x = relu().apply(bn().apply(L.conv2d({ filters: 64, kernelSize: 7, strides: 2 }).apply(x)));
  x = L.maxPooling2d({ poolSize: 3, strides: 2 }).apply(L.zeroPadding2d({ padding: 1 }).apply(x));
  x = stack(stack(stack(stack(x, 64, 3, 1), 128, 4, 2), 256, 6, 2), 512, 3, 2);
  const out = L.dense({ units: 1000, activation: 'softmax' }).apply(L.globalAveragePooling2d({}).apply(x));
  return tfl.model({ inputs: input, outputs: out });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sampleBatch() {
  const x = Tensor.zeros([BATCH, 224, 224, 3]);
  for (let i = 0; i < x.size; i++) x.data[i] = ((i * 2654435761) % 255) - 127; // caffe-preprocessed-like values
  return x;
}

/** One batch through a Layerwise model (compiled on the first call); result on the host. */
async function layerwiseRunner(label, ResNet50, backend, x) {
  setSeed(0);
  const model = await ResNet50({ weights: null });
  model.setBackend(backend);
  return { label, batch: () => model.predict(x, { batchSize: BATCH, verbose: 0 }) };
}

/** The same through tfjs-layers on tfjs-node, the result read to the host as Layerwise's predict returns it. */
async function tfjsLayersRunner(x) {
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  const tfl = require('@tensorflow/tfjs-layers');
  const model = tfjsLayersResNet50(tfl);
  const input = tf.tensor4d(x.data, [BATCH, 224, 224, 3]);
  return {
    label: 'tfjs-layers (tfjs-node kernels)',
    async batch() {
      // Layerwise's runs switch tfjs to their kernels; tfjs-layers runs on whichever is active.
      await tf.setBackend('tensorflow');
      const y = model.predict(input, { batchSize: BATCH });
      await y.data();
      tf.dispose(y);
    },
  };
}

/**
 * Each runner's first batch (compile, warm-up), then `batches` rounds of one batch each, taking
 * turns (order reversed every other round) so a changing machine load hits all alike.
 */
async function timeInTurns(runners, batches) {
  const warmup = [];
  for (const r of runners) {
    const t = performance.now();
    await r.batch();
    warmup.push(performance.now() - t);
  }
  const times = runners.map(() => []);
  for (let b = 0; b < batches; b++) {
    const order = runners.map((_, i) => i);
    if (b % 2) order.reverse();
    for (const i of order) {
      const t = performance.now();
      await runners[i].batch();
      times[i].push((performance.now() - t) / 1000);
    }
  }
  const peer = times.at(-1);
  return runners.map((r, i) => {
    const med = median(times[i]);
    return { label: r.label, batch_seconds: times[i], median_batch_s: med, images_per_s: BATCH / med, warmup_ms: warmup[i], paired_ratio: median(times[i].map((t, b) => t / peer[b])) };
  });
}

/** @param {{ batches?: number, print?: (s: string) => void }} [opts] */
export async function runResNet50Bench({ batches = 5, print = console.log } = {}) {
  const zoo = await zooResNet50();
  if (zoo.skipped) {
    print(`ResNet50 inference: skipped (${zoo.skipped})`);
    return { skipped: zoo.skipped };
  }
  const x = sampleBatch();
  const runners = [
    await layerwiseRunner('layerwise tfjs (tfjs-node kernels)', zoo.ResNet50, new TfjsBackend({ kernels: 'node', report: false }), x),
    await layerwiseRunner('layerwise onnx', zoo.ResNet50, new OnnxBackend(), x),
    await tfjsLayersRunner(x),
  ];
  const rows = await timeInTurns(runners, batches);
  print(`ResNet50 inference, batch ${BATCH}, random weights, ${batches} batches each taking turns`);
  print('| run | images/s | s/batch (median) | first batch (compile) ms | time ÷ tfjs-layers (median of same-round ratios) |');
  print('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) print(`| ${r.label} | ${r.images_per_s.toFixed(2)} | ${r.median_batch_s.toFixed(3)} | ${r.warmup_ms.toFixed(0)} | ${r.paired_ratio.toFixed(2)}× |`);
  return { batch: BATCH, rows };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--batches');
  const result = await runResNet50Bench({ batches: i >= 0 ? Number(process.argv[i + 1]) : 5 });
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
