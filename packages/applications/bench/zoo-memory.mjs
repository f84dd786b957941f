#!/usr/bin/env node
// Loading VGG16's weights (issue 10): a synthetic 553 MB file in the layout Keras publishes
// (bench/h5-memory/make_vgg16_like.py: Keras 2 .h5, random float32; made in the temp folder when
// missing, never committed), loaded by the zoo's VGG16({ weights: FILE }) and one prediction, in
// fresh processes (vgg16-load.mjs): peak resident memory as a multiple of the file size, and the
// load time against Keras' VGG16(weights=None).load_weights(FILE) (bench/peers/zoo_keras_load.py).
//
//   node packages/applications/bench/zoo-memory.mjs      (needs `npm run build`)
//   BENCH_ZOO_H5=/tmp/vgg16_like.h5  BENCH_ZOO_LOAD_ROUNDS=2
//
// `runZooMemory(options)` returns the rows for bench/run.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerPython } from '../../../scripts/python/python.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

function lastJson(r, what) {
  if (r.status !== 0) throw new Error(`${what} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

export async function runZooMemory(options = {}) {
  const file = options.file ?? process.env.BENCH_ZOO_H5 ?? join(tmpdir(), 'vgg16_like.h5');
  const rounds = Number(options.rounds ?? process.env.BENCH_ZOO_LOAD_ROUNDS ?? 2);
  const python = options.python ?? peerPython();
  if (!existsSync(file)) {
    const r = spawnSync(python, [join(root, 'bench/h5-memory/make_vgg16_like.py'), file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not write ${file}: ${r.stderr.trim().split('\n').at(-1)}`);
  }
  const size = statSync(file).size;
  const layerwise = [];
  const keras = [];
  const load = [loadavg()[0]];
  for (let i = 0; i < rounds; i++) {
    layerwise.push(lastJson(spawnSync(process.execPath, [join(here, 'vgg16-load.mjs'), file], { encoding: 'utf8', timeout: 600_000 }), 'Layerwise VGG16 load'));
    try {
      keras.push(lastJson(spawnSync(python, [join(root, 'bench/peers/zoo_keras_load.py'), file], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } }), 'Keras load_weights'));
    } catch (e) {
      keras.push({ error: e.message });
    }
    load.push(loadavg()[0]);
  }
  return { file, file_bytes: size, loadavg_1min: { min: Math.min(...load), max: Math.max(...load) }, layerwise, keras };
}

/** The table bench/run.mjs prints. */
export function zooMemoryTable(result) {
  const x = (b) => `${(b / 1e6).toFixed(0)} MB = ${(b / result.file_bytes).toFixed(2)}×`;
  const lines = ['| run | build + load s | peak RSS after load | peak RSS after predict |', '| --- | ---: | ---: | ---: |'];
  result.layerwise.forEach((r) => lines.push(`| Layerwise VGG16({ weights: file }) | ${r.load_seconds.toFixed(2)} | ${x(r.peak_loaded)} | ${x(r.peak_predicted)} |`));
  result.keras.forEach((r) => lines.push(r.error ? `| Keras | skipped: ${r.error} | | |` : `| Keras ${r.keras} VGG16(weights=None).load_weights(file) | ${r.load_seconds.toFixed(2)} | ${x(r.peak_rss)} | |`));
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runZooMemory();
  console.log(`file ${result.file}: ${(result.file_bytes / 1e6).toFixed(0)} MB; load average (1 min) ${result.loadavg_1min.min.toFixed(1)}–${result.loadavg_1min.max.toFixed(1)}`);
  console.log(zooMemoryTable(result));
}
