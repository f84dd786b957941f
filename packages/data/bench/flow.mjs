#!/usr/bin/env node
// Decode + resize throughput of the directory iterator (flowFromDirectory) against
// torchvision's ImageFolder + DataLoader(num_workers=2), on the same JPEG folder, in the
// same run. JPEG 240×360 → 240×360 and → 60×90, batch 32, float32 batches scaled by 1/255.
//
//   node packages/data/bench/flow.mjs            (needs `npm run build`; prints JSON)
//   BENCH_PYTHON=/path/to/python  a Python with torch + torchvision (default /work/pyenv-tv)
//   BENCH_FLOW_DIR=/tmp/flow      where the image folder is made (kept between runs)
//   BENCH_FLOW_PER_CLASS=1000     images per class (2 classes)
//
// `runFlowBench(options)` returns the same JSON for a bench runner.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flowFromDirectory, makeFashionImageSet } from '@layerwise/data';

const here = fileURLToPath(new URL('.', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ours(dir, size, options, epochs) {
  const t0 = performance.now();
  const it = await flowFromDirectory(dir, { targetSize: size, batchSize: 32, rescale: 1 / 255, classMode: 'binary', verbose: false, ...options });
  const listS = (performance.now() - t0) / 1000;
  const rates = [];
  let shape;
  for (let e = 0; e < epochs; e++) {
    const t = performance.now();
    let n = 0;
    for (let b = 0; b < it.length; b++) {
      const { value } = await it.next();
      n += value[0].shape[0];
      shape = value[0].shape;
    }
    rates.push(n / ((performance.now() - t) / 1000));
  }
  await it.close();
  return { images: it.samples, list_s: listS, batch_shape: shape, images_per_s_by_epoch: rates, images_per_s: Math.max(...rates.slice(1)) };
}

function peer(python, dir, size, interpolation, epochs) {
  try {
    const out = execFileSync(python, [join(here, 'torchvision_flow.py'), dir, '--size', size.join('x'), '--batch', '32', '--workers', '2', '--epochs', String(epochs), '--interpolation', interpolation], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message).split('\n').slice(0, 3).join(' ') };
  }
}

export async function runFlowBench(options = {}) {
  const dir = options.dir ?? process.env.BENCH_FLOW_DIR ?? join(tmpdir(), 'layerwise-flow-bench');
  const perClass = Number(options.perClass ?? process.env.BENCH_FLOW_PER_CLASS ?? 1000);
  const python = options.python ?? process.env.BENCH_PYTHON ?? (existsSync('/work/pyenv-tv/bin/python') ? '/work/pyenv-tv/bin/python' : 'python3');
  const epochs = Number(options.epochs ?? 3);
  const variants = options.variants ?? [{ name: 'workers=2 (default)', options: {} }, { name: 'main thread (workers=0)', options: { workers: 0 } }];
  const train = join(dir, 'train');
  const marker = join(train, 'bag', `${String(perClass - 1).padStart(4, '0')}.jpg`);
  if (!existsSync(marker)) await makeFashionImageSet(dir, { perClass: { train: perClass }, size: [240, 360] });

  const cases = [];
  for (const [size, interpolation] of [[[240, 360], 'nearest'], [[60, 90], 'nearest'], [[60, 90], 'bilinear']]) {
    const row = { case: `JPEG 240x360 -> ${size.join('x')} (${interpolation}), batch 32`, layerwise: {} };
    for (const v of variants) row.layerwise[v.name] = await ours(train, size, { interpolation, ...v.options }, epochs);
    row.torchvision = peer(python, train, size, interpolation, epochs);
    const best = row.layerwise[variants[0].name].images_per_s;
    row.ratio_vs_torchvision = row.torchvision.images_per_s ? best / row.torchvision.images_per_s : null;
    cases.push(row);
  }
  return {
    bench: 'flowFromDirectory decode+resize throughput (images/s; higher is better; ratio = layerwise / torchvision, >= 1 means as fast or faster)',
    machine: `${cpus().length} x ${cpus()[0].model}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    folder: { dir: train, images: perClass * 2 },
    epochs_per_measure: epochs,
    note: 'images_per_s = best epoch after the first (the first includes starting workers and the OS file cache warming)',
    cases,
    median_ratio: median(cases.map((c) => c.ratio_vs_torchvision ?? NaN)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runFlowBench(), null, 1));
}
