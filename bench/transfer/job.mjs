#!/usr/bin/env node
// One Layerwise transfer-learning job in its own process (so its peak RSS is its own), for
// bench/transfer/transfer.mjs: prints ONE JSON line like bench/peers/transfer_peer.py.
//
//   node bench/transfer/job.mjs --job features|finetune --data DIR --size 60x90 [--backend onnx]
//
// features: VGG16 without its top over DIR/train (rescale 1/255, batch 32, no shuffle), one
//           predictGenerator pass timed after a warm-up batch.
// finetune: the tutorial's 4.5 model (layers[:15] frozen, Flatten, Dense 256 relu, Dropout 0.5,
//           Dense 1 sigmoid; sgd, binary_crossentropy, metrics acc) on DIR/train augmented as the
//           tutorial (shift 0.3, rotation 30, zoom 0.3, both flips), one fitGenerator epoch timed
//           after a warm-up step. Random weights, as the peers.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { Input, Model, setBackend, setSeed } from '@layerwise/core';
import { Dense, Dropout, Flatten } from '@layerwise/layers';
import { ImageDataGenerator } from '@layerwise/augment';
import { VGG16 } from '@layerwise/applications';

const { values } = parseArgs({ options: { job: { type: 'string' }, data: { type: 'string' }, size: { type: 'string', default: '60x90' }, backend: { type: 'string', default: 'onnx' } } });
const [h, w] = values.size.split('x').map(Number);
setBackend(values.backend);
setSeed(0);
const quiet = { warn: () => {}, info: () => {} };
const train = join(values.data, 'train');
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
// CPU seconds of the timed part (every thread of this process): a measure of work the machine's load does not change.
let cpu0;
const startTimer = () => ((cpu0 = process.cpuUsage()), performance.now());
const cpuSeconds = () => {
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / 1e6;
};
let out;

if (values.job === 'features') {
  const model = await VGG16({ includeTop: false, weights: null, inputShape: [h, w, 3] });
  const gen = await new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(train, { targetSize: [h, w], batchSize: 32, classMode: null, shuffle: false, log: quiet });
  await model.predictGenerator(gen, { steps: 1, verbose: 0 }); // warm-up: compiles the graph (each pass starts over)
  const t = startTimer();
  const features = await model.predictGenerator(gen, { steps: gen.samples / 32, verbose: 0 });
  out = { images: features.shape[0], seconds: (performance.now() - t) / 1000, cpu_seconds: cpuSeconds() };
  await gen.close();
} else {
  const base = await VGG16({ includeTop: false, weights: null, inputTensor: Input({ shape: [h, w, 3] }) });
  for (const layer of base.layers.slice(0, 15)) layer.trainable = false;
  let x = new Flatten().apply(base.outputs[0]);
  x = new Dense(256, { activation: 'relu' }).apply(x);
  x = new Dropout(0.5).apply(x);
  const model = new Model({ inputs: base.inputs, outputs: new Dense(1, { activation: 'sigmoid' }).apply(x) });
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['acc'] });
  // shiftAxes 'keras': the same (vertical) shift as the tf_keras peer's width_shift_range=0.3.
  const gen = new ImageDataGenerator({ rescale: 1 / 255, widthShiftRange: 0.3, shiftAxes: 'keras', rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true });
  const it = await gen.flowFromDirectory(train, { targetSize: [h, w], batchSize: 32, classMode: 'binary', seed: 0, log: quiet });
  await model.fitGenerator(it, { stepsPerEpoch: 1, epochs: 1, verbose: 0 }); // warm-up: compiles the step
  const t = startTimer();
  await model.fitGenerator(it, { stepsPerEpoch: it.samples / 32, epochs: 1, verbose: 0 });
  out = { images: it.samples, seconds: (performance.now() - t) / 1000, cpu_seconds: cpuSeconds() };
  await it.close();
}
out = { peer: `layerwise-${values.backend}`, job: values.job, size: values.size, ...out, peak_rss_mb: peakRssMb() };
out.images_per_s = out.images / out.seconds;
console.log(JSON.stringify(out));
