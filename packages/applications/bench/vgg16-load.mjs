#!/usr/bin/env node
// One VGG16 load in a fresh process (zoo-memory.mjs runs it): VGG16({ weights: FILE }) — the
// zoo's own builder, as a user calls it — then one prediction on ONNX Runtime. Prints one JSON
// line: seconds to build + load, and the peak resident memory (VmHWM) after each phase.
//
//   node packages/applications/bench/vgg16-load.mjs /tmp/vgg16_like.h5
import { readFileSync } from 'node:fs';
import { Tensor } from '@layerwise/core';
import { VGG16 } from '@layerwise/applications';

const peak = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const imported = peak();
const t0 = performance.now();
const model = await VGG16({ weights: process.argv[2] });
const loadSeconds = (performance.now() - t0) / 1000;
const loaded = peak();
const image = new Tensor(new Float32Array(224 * 224 * 3).fill(0.5), [1, 224, 224, 3]);
const t1 = performance.now();
await model.predict(image, { verbose: 0 });
const predictSeconds = (performance.now() - t1) / 1000;
console.log(JSON.stringify({ load_seconds: loadSeconds, predict_seconds: predictSeconds, peak_imported: imported, peak_loaded: loaded, peak_predicted: peak() }));
