#!/usr/bin/env node
// Peak memory while loading a VGG16-sized Keras .h5 into a Layerwise VGG16 (and predicting):
//
//   python bench/h5-memory/make_vgg16_like.py /tmp/vgg16_like.h5
//   node bench/h5-memory/load.mjs /tmp/vgg16_like.h5 [--predict]
//
// Prints resident memory after each phase and the peak (VmHWM) as a multiple of the file size.
// Needs the packages built (npm run build). The VGG16 here is Keras' architecture and layer
// names, written out with @layerwise/layers (the zoo's own VGG16 lives in @layerwise/applications).
import { readFileSync, statSync } from 'node:fs';
import { Input, Model, Tensor } from '@layerwise/core';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';

const path = process.argv[2];
const predict = process.argv.includes('--predict');
const mb = (b) => (b / 1e6).toFixed(0);
const status = () => Object.fromEntries(readFileSync('/proc/self/status', 'utf8').split('\n').filter((l) => /^Vm(RSS|HWM)/.test(l)).map((l) => [l.split(':')[0], Number(l.split(/\s+/)[1]) * 1024]));
const fileSize = statSync(path).size;
const phases = [];
const mark = (phase) => phases.push({ phase, rss: status().VmRSS, peak: status().VmHWM });

mark('imports');
const inputs = Input({ shape: [224, 224, 3] });
let x = inputs;
const blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
blocks.forEach((filters, b) => {
  filters.forEach((f, i) => (x = new Conv2D(f, 3, { padding: 'same', activation: 'relu', name: `block${b + 1}_conv${i + 1}` }).apply(x)));
  x = new MaxPooling2D({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x);
});
x = new Flatten({ name: 'flatten' }).apply(x);
x = new Dense(4096, { activation: 'relu', name: 'fc1' }).apply(x);
x = new Dense(4096, { activation: 'relu', name: 'fc2' }).apply(x);
x = new Dense(1000, { activation: 'softmax', name: 'predictions' }).apply(x);
const model = new Model({ inputs, outputs: x, name: 'vgg16' });
mark('model built (random initial weights)');
const t0 = performance.now();
await model.loadWeights(path);
const loadSeconds = (performance.now() - t0) / 1000;
mark('weights loaded');
if (predict) {
  const image = new Tensor(new Float32Array(224 * 224 * 3).fill(0.5), [1, 224, 224, 3]);
  await model.predict(image, { verbose: 0 });
  mark('predicted one image (onnx)');
}
console.log(`file ${path}: ${mb(fileSize)} MB; load ${loadSeconds.toFixed(2)} s`);
for (const p of phases) console.log(`  ${p.phase.padEnd(40)} rss ${mb(p.rss).padStart(5)} MB   peak ${mb(p.peak).padStart(5)} MB = ${(p.peak / fileSize).toFixed(2)}x file`);
