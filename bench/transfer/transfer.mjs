#!/usr/bin/env node
// npm run bench, transfer-learning section (issue 11): the tutorial's 4.5 fine-tuning epoch
// (864 images, batch 32, VGG16 layers[:15] frozen, augmented as the tutorial) and its 4.4
// feature-extraction pass (VGG16 without its top over the 864 images), on Layerwise (ONNX
// backend) against PyTorch (torchvision VGG16, same frozen split, augmentation on
// DataLoader(num_workers=2) workers) and Keras 3 (TensorFlow), in the same run, on the same
// JPEG folder (scripts/make-transfer-data.mjs: Fashion-MNIST bags and sneakers).
// Each job runs in its own process, one after the other, so peak RSS is the job's own.
// Ratios are Layerwise / peer: below 1 Layerwise is faster (or uses less memory).
//
//   node bench/transfer/transfer.mjs                 (needs `npm run build`)
//   BENCH_TRANSFER_SIZES=60x90,240x360               sizes (default 60x90; 240x360 takes ~10 min a job here)
//   BENCH_TRANSFER_PEERS=torch,keras                 peers (default both)
//   BENCH_TRANSFER_JOBS=finetune,features            jobs (default both)
//   BENCH_TRANSFER_DIR=/tmp/lw-transfer              where the image sets are made (kept between runs)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFashionImageSet } from '@layerwise/data';
import { peerPython } from '../../scripts/python/python.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = r.stdout.trim().split('\n').findLast((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line);
}

async function dataSet(root, size) {
  const dir = join(root, `data${size}`);
  if (!existsSync(join(dir, 'test'))) {
    const [h, w] = size.split('x').map(Number);
    await makeFashionImageSet(dir, { classes: ['sneaker', 'bag'], perClass: { train: 432, test: 350 }, size: [h, w] });
  }
  return dir;
}

export async function runTransferBench(options = {}) {
  const sizes = options.sizes ?? (process.env.BENCH_TRANSFER_SIZES ?? '60x90').split(',');
  const jobs = options.jobs ?? (process.env.BENCH_TRANSFER_JOBS ?? 'finetune,features').split(',');
  const peers = options.peers ?? (process.env.BENCH_TRANSFER_PEERS ?? 'torch,keras').split(',').filter(Boolean);
  const python = options.python ?? peerPython();
  const root = process.env.BENCH_TRANSFER_DIR ?? join(tmpdir(), 'lw-transfer');
  const rows = [];
  for (const size of sizes) {
    const data = await dataSet(root, size);
    for (const job of jobs) {
      const results = [];
      const run = (label, cmd, args) => {
        try {
          const r = runJson(cmd, args);
          results.push(r);
          console.log(`  ${size} ${job.padEnd(8)} ${label.padEnd(15)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.images_per_s.toFixed(2).padStart(6)} img/s  cpu ${(r.cpu_seconds ?? 0).toFixed(1).padStart(6)} s  peak RSS ${r.peak_rss_mb.toFixed(0)} MB${r.workers_peak_rss_mb ? ` (+ workers ${r.workers_peak_rss_mb.toFixed(0)} MB)` : ''}`);
        } catch (e) {
          console.log(`  ${size} ${job} ${label}: skipped: ${e.message}`);
        }
      };
      run('layerwise-onnx', process.execPath, [join(here, 'job.mjs'), '--job', job, '--data', data, '--size', size]);
      for (const peer of peers) run(peer, python, [join(here, '../peers/transfer_peer.py'), '--framework', peer, '--job', job, '--data', data, '--size', size]);
      const ours = results.find((r) => r.peer.startsWith('layerwise'));
      for (const r of results)
        if (ours && r !== ours)
          console.log(`  ${size} ${job.padEnd(8)} layerwise / ${r.peer}: time ${(ours.seconds / r.seconds).toFixed(2)}×, cpu ${(ours.cpu_seconds / r.cpu_seconds).toFixed(2)}×, peak RSS ${(ours.peak_rss_mb / r.peak_rss_mb).toFixed(2)}×`);
      rows.push({ size, job, results });
    }
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runTransferBench(), null, 2));
}
