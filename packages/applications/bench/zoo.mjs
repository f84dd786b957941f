#!/usr/bin/env node
// Zoo inference throughput (issue 10): VGG16, ResNet50 and InceptionV3 at batch 1 and 8, in
// images/s, on Layerwise's ONNX backend (model.predict) against
//   - raw onnxruntime-node running the ONNX file Layerwise exports for the same model, with the
//     session options Layerwise uses, memory plan included (so the difference is Layerwise's own
//     overhead), and
//   - PyTorch: torchvision's same architectures (bench/peers/zoo_torch.py), same thread count.
// The three alternate round by round so they share the machine's load. Within a round Layerwise
// and raw ORT alternate call by call (the order flipping each pair), then PyTorch runs; images/s
// are the medians of the rounds, and Layerwise's overhead over raw ORT is the median of the
// per-pair time ratios (a busy machine's load swings within seconds: a pair sees the same load,
// a round barely does). Random weights: inference time does not depend on the values.
//
//   node packages/applications/bench/zoo.mjs            (needs `npm run build`; prints a table)
//   BENCH_ZOO_MODELS=vgg16,resnet50,inception_v3  BENCH_ZOO_BATCHES=1,8
//   BENCH_ZOO_SECONDS=4 (per round and side)  BENCH_ZOO_ROUNDS=3  BENCH_ZOO_THREADS=2
//
// `runZooBench(options)` returns the rows for bench/run.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { Tensor, clearSession } from '@layerwise/core';
import { InceptionV3, ResNet50, VGG16 } from '@layerwise/applications';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { peerPython } from '../../../scripts/python/python.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BUILDERS = { vgg16: [VGG16, 224], resnet50: [ResNet50, 224], inception_v3: [InceptionV3, 299] };

/**
 * Layerwise's `lw` and raw ORT's `raw` (one batch each) call by call, the order flipping each pair,
 * until each has had `seconds` and MIN_PAIRS pairs, after one warm-up call each: both rates in
 * images/s and each pair's time ratio (Layerwise ÷ raw).
 */
const MIN_PAIRS = 6; // VGG16 at batch 8 takes ~1.5 s a call: 4 s alone gave 3 pairs a round, a median of 9 that one busy second moves by several percent
async function paired(lw, raw, batch, seconds) {
  await lw();
  await raw();
  const time = { lw: 0, raw: 0 };
  const ratios = [];
  while (ratios.length < MIN_PAIRS || time.lw < seconds * 1000 || time.raw < seconds * 1000) {
    const pair = {};
    for (const side of ratios.length % 2 ? ['raw', 'lw'] : ['lw', 'raw']) {
      const start = performance.now();
      await (side === 'lw' ? lw : raw)();
      pair[side] = performance.now() - start;
      time[side] += pair[side];
    }
    ratios.push(pair.lw / pair.raw);
  }
  return { lw: (ratios.length * batch) / (time.lw / 1000), raw: (ratios.length * batch) / (time.raw / 1000), ratios };
}

/** The PyTorch peer as a long-lived child: one request per line, one JSON line back. */
async function startTorch(python, threads) {
  const child = spawn(python, [join(root, 'bench/peers/zoo_torch.py'), '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const read = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`PyTorch peer stopped: ${stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`);
    return JSON.parse(value);
  };
  const ready = await read();
  return {
    ready,
    run: async (model, batch, seconds) => {
      child.stdin.write(`${model} ${batch} ${seconds}\n`);
      return (await read()).images_per_s;
    },
    stop: () => {
      child.stdin.end('quit\n');
      child.kill();
    },
  };
}

/**
 * backend-onnx's memory plan for predict's graphs, on the layers' outputs: ONNX Runtime's defaults
 * (arena and memory pattern) unless an activation passes 4 MB per sample (VGG16 and InceptionV3
 * here, not ResNet50), where predict runs without the memory pattern. Raw ORT gets the same plan
 * so the comparison is of Layerwise's own work (the plan itself is measured against ORT's defaults
 * in BENCHMARKS.md).
 */
function memoryPlan(model) {
  const perSample = (shape) => shape.slice(1).reduce((n, d) => n * (d ?? 1), 4);
  const large = Math.max(...model.layers.flatMap((l) => l.inboundNodes.flatMap((n) => n.outputs)).map((t) => perSample(t.shape))) >= 4 * 2 ** 20;
  return { enableCpuMemArena: true, enableMemPattern: !large };
}

/** A batch of images in the model's preprocessed range (values do not change the time). */
function batchOf(batch, size) {
  const data = new Float32Array(batch * size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 255) / 127.5 - 1;
  return new Tensor(data, [batch, size, size, 3], 'float32');
}

export async function runZooBench(options = {}) {
  const models = options.models ?? (process.env.BENCH_ZOO_MODELS ?? 'vgg16,resnet50,inception_v3').split(',');
  const batches = options.batches ?? (process.env.BENCH_ZOO_BATCHES ?? '1,8').split(',').map(Number);
  const seconds = Number(options.seconds ?? process.env.BENCH_ZOO_SECONDS ?? 4);
  const rounds = Number(options.rounds ?? process.env.BENCH_ZOO_ROUNDS ?? 3);
  // Layerwise's ONNX backend runs convolutional graphs on min(2, cores) threads; everyone gets the same.
  const threads = Number(options.threads ?? process.env.BENCH_ZOO_THREADS ?? Math.min(2, availableParallelism()));
  const python = options.python ?? peerPython();
  const dir = mkdtempSync(join(tmpdir(), 'lw-zoo-bench-'));

  let torch = null;
  let torchError = null;
  try {
    torch = await startTorch(python, threads);
  } catch (e) {
    torchError = e.message;
  }
  const rows = [];
  const load = [loadavg()[0]];
  try {
    for (const name of models) {
      const [build, size] = BUILDERS[name];
      clearSession();
      const model = await build({ weights: null });
      model.setBackend(new OnnxBackend({ intraOpNumThreads: threads }));
      const file = join(dir, `${name}.onnx`);
      await model.export(file, { format: 'onnx' });
      // The options OrtExecutable gives Layerwise's own sessions, its memory plan included.
      const session = await ort.InferenceSession.create(file, {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: threads,
        ...memoryPlan(model),
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      rmSync(file, { force: true });
      for (const batch of batches) {
        const x = batchOf(batch, size);
        const feed = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) };
        const sides = { layerwise: [], ort: [], torch: [] };
        const ratios = [];
        for (let r = 0; r < rounds; r++) {
          const round = await paired(() => model.predict(x, { batchSize: batch, verbose: 0 }), () => session.run(feed), batch, seconds);
          sides.layerwise.push(round.lw);
          sides.ort.push(round.raw);
          ratios.push(...round.ratios);
          if (torch) sides.torch.push(await torch.run(name, batch, seconds));
          load.push(loadavg()[0]);
        }
        const lw = median(sides.layerwise);
        const raw = median(sides.ort);
        const pt = torch ? median(sides.torch) : null;
        const row = {
          model: name,
          batch,
          threads,
          layerwise_images_per_s: lw,
          ort_images_per_s: raw,
          torch_images_per_s: pt,
          layerwise_over_torch: pt ? lw / pt : null,
          overhead_over_ort: median(ratios) - 1,
          pairs: ratios.length,
          rounds: { layerwise: sides.layerwise.map(round1), ort: sides.ort.map(round1), torch: sides.torch.map(round1) },
          torch_error: torchError,
        };
        rows.push(row);
        options.onRow?.(row);
      }
      await session.release();
    }
  } finally {
    torch?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { threads, torch: torch?.ready ?? { error: torchError }, loadavg_1min: { min: Math.min(...load), max: Math.max(...load) }, rows };
}

const round1 = (v) => Math.round(v * 10) / 10;

/** The table bench/run.mjs prints. */
export function zooTable(result) {
  const lines = [
    `| model | batch | Layerwise img/s | raw ORT img/s | PyTorch img/s | Layerwise ÷ PyTorch | overhead over raw ORT (median of pairs) |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const r of result.rows)
    lines.push(
      `| ${r.model} | ${r.batch} | ${r.layerwise_images_per_s.toFixed(2)} | ${r.ort_images_per_s.toFixed(2)} | ${r.torch_images_per_s === null ? `skipped: ${r.torch_error}` : r.torch_images_per_s.toFixed(2)} | ${r.layerwise_over_torch === null ? '' : `${r.layerwise_over_torch.toFixed(2)}×`} | ${(r.overhead_over_ort * 100).toFixed(1)}% (${r.pairs} pairs) |`,
    );
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runZooBench({ onRow: (r) => console.error(JSON.stringify(r)) });
  console.log(zooTable(result));
  console.log(`threads ${result.threads}; load average (1 min) ${result.loadavg_1min.min.toFixed(1)}–${result.loadavg_1min.max.toFixed(1)}; ${JSON.stringify(result.torch)}`);
}
