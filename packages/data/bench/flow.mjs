#!/usr/bin/env node
// Decode + resize throughput of the directory iterator (flowFromDirectory) against
// torchvision's ImageFolder + DataLoader(num_workers=2), on the same JPEG folder, in the
// same run: JPEG 240×360 → 240×360 and → 60×90, batch 32, float32 batches scaled by 1/255.
// Epochs of the two alternate (Layerwise, torchvision, Layerwise, …) so both see the same
// machine load; the medians are compared. CPU seconds per image are reported too (the whole
// process for Layerwise, its workers included; the Python process and its DataLoader
// workers for torchvision): a measure of work that does not depend on the load.
//
//   node packages/data/bench/flow.mjs            (needs `npm run build`; prints JSON)
//   BENCH_PYTHON=/path/to/python  a Python with torch + torchvision (default: scripts/python/setup.sh's venv)
//   BENCH_FLOW_DIR=/tmp/flow      where the image folder is made (kept between runs)
//   BENCH_FLOW_PER_CLASS=1000     images per class (2 classes)
//   BENCH_FLOW_ROUNDS=3           timed epochs of each, after one warm-up epoch
//
// `runFlowBench(options)` returns the same JSON for a bench runner.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flowFromDirectory, makeFashionImageSet } from '@layerwise/data';
import { peerPython } from '../../../scripts/python/python.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One epoch of the iterator: images, wall and CPU seconds (all threads of this process). */
async function ourEpoch(it) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  let n = 0;
  const pass = it[Symbol.asyncIterator]();
  for (let b = 0; b < it.length; b++) n += (await pass.next()).value[0].shape[0];
  await pass.return();
  const c = process.cpuUsage(c0);
  return { images: n, seconds: (performance.now() - t) / 1000, cpu_seconds: (c.user + c.system) / 1e6 };
}

/** The torchvision peer as a child process that runs one epoch per request. */
async function startPeer(python, dir, size, interpolation) {
  const child = spawn(python, [join(here, 'torchvision_flow.py'), dir, '--size', size.join('x'), '--batch', '32', '--workers', '2', '--interpolation', interpolation], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const read = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`torchvision peer stopped: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
    return JSON.parse(value);
  };
  const ready = await read();
  return {
    ready,
    epoch: async () => {
      child.stdin.write('epoch\n');
      return read();
    },
    stop: () => {
      child.stdin.end('quit\n');
      child.kill();
    },
  };
}

function summarize(epochs) {
  return {
    images_per_s: median(epochs.map((e) => e.images / e.seconds)),
    cpu_ms_per_image: median(epochs.map((e) => (e.cpu_seconds / e.images) * 1000)),
    images_per_s_by_epoch: epochs.map((e) => Math.round(e.images / e.seconds)),
  };
}

export async function runFlowBench(options = {}) {
  const dir = options.dir ?? process.env.BENCH_FLOW_DIR ?? join(tmpdir(), 'layerwise-flow-bench');
  const perClass = Number(options.perClass ?? process.env.BENCH_FLOW_PER_CLASS ?? 1000);
  const rounds = Number(options.rounds ?? process.env.BENCH_FLOW_ROUNDS ?? 3);
  const python = options.python ?? process.env.BENCH_PYTHON ?? peerPython();
  // Layerwise variants: the defaults (worker threads), and decoding driven from the main thread.
  const variants = options.variants ?? [
    { name: 'default (workers = cores)', options: {} },
    { name: 'workers: 0 (main thread)', options: { workers: 0 } },
  ];
  const train = join(dir, 'train');
  if (!existsSync(join(train, 'bag', `${String(perClass - 1).padStart(4, '0')}.jpg`))) await makeFashionImageSet(dir, { perClass: { train: perClass }, size: [240, 360] });

  const cases = [];
  for (const [size, interpolation] of [[[240, 360], 'nearest'], [[60, 90], 'nearest'], [[60, 90], 'bilinear']]) {
    const row = { case: `JPEG 240x360 -> ${size.join('x')} (${interpolation}), batch 32, float32 / 255` };
    const its = [];
    for (const v of variants) its.push(await flowFromDirectory(train, { targetSize: size, batchSize: 32, rescale: 1 / 255, classMode: 'binary', interpolation, verbose: false, ...v.options }));
    let peer;
    try {
      peer = await startPeer(python, train, size, interpolation);
    } catch (e) {
      row.torchvision = { error: String(e.message).split('\n')[0] };
    }
    const mine = variants.map(() => []);
    const theirs = [];
    for (const it of its) await ourEpoch(it); // warm-up: workers start, file cache
    if (peer) await peer.epoch();
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < its.length; k++) mine[k].push(await ourEpoch(its[k]));
      if (peer) theirs.push(await peer.epoch());
    }
    for (const it of its) await it.close();
    peer?.stop();
    row.layerwise = Object.fromEntries(variants.map((v, k) => [v.name, summarize(mine[k])]));
    if (peer) row.torchvision = { peer: peer.ready.peer, torch: peer.ready.torch, ...summarize(theirs) };
    const main = row.layerwise[variants[0].name];
    row.ratio_vs_torchvision = peer ? main.images_per_s / row.torchvision.images_per_s : null;
    row.cpu_ratio_vs_torchvision = peer ? row.torchvision.cpu_ms_per_image / main.cpu_ms_per_image : null;
    cases.push(row);
  }
  return {
    bench: 'flowFromDirectory decode+resize throughput vs torchvision ImageFolder+DataLoader(num_workers=2); ratio = layerwise (default options) / torchvision images/s (>= 1: as fast or faster); cpu_ratio = torchvision CPU per image / layerwise CPU per image (>= 1: layerwise does less work)',
    machine: `${cpus().length} x ${cpus()[0].model}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    folder: { dir: train, images: perClass * 2 },
    rounds,
    cases,
    median_ratio: median(cases.map((c) => c.ratio_vs_torchvision ?? NaN)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runFlowBench(), null, 1));
}
