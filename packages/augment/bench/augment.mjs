/**
 * Augmentation throughput of @layerwise/augment's flow (images/s) with the tutorial's full
 * option set, against torchvision.transforms.v2 on the same images in the same run
 * (bench/torchvision_augment.py, run with the peer Python of scripts/python/setup.sh).
 *
 *   node packages/augment/bench/augment.mjs            (needs `npm run build`: imports dist)
 *   import { benchAugment } from './augment.mjs'; const json = await benchAugment({ seconds: 2 });
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '@layerwise/core';
import { ImageDataGenerator } from '@layerwise/augment';
import { peerPython } from '../../../scripts/python/python.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const OPTIONS = { widthShiftRange: 0.3, heightShiftRange: 0.3, rotationRange: 30, zoomRange: 0.3, horizontalFlip: true, verticalFlip: true };
const BATCH = 32;

function images(n, h, w, c) {
  const a = new Float32Array(n * h * w * c);
  // a smooth pattern plus hashed noise, 0..255
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          const o = ((i * h + y) * w + x) * c + k;
          a[o] = (128 + 100 * Math.sin((x + i) / 7 + k) * Math.cos(y / 5)) * 0.8 + (((o * 2654435761) >>> 0) % 51);
        }
  return new Tensor(a, [n, h, w, c], 'float32');
}

/** images/s of flow over `x` for `seconds`, the next batch requested while the current one is consumed (as fit prefetches). */
async function layerwise(x, workers, seconds) {
  const gen = new ImageDataGenerator(OPTIONS);
  const it = gen.flow(x, null, { batchSize: BATCH, seed: 1, workers });
  try {
    for (let i = 0; i < 2; i++) await it.nextAsync(); // warm-up (workers start, JIT)
    let done = 0;
    const t0 = performance.now();
    let pending = it.nextAsync();
    for (;;) {
      const next = it.nextAsync();
      done += (await pending).shape[0];
      pending = next;
      const el = (performance.now() - t0) / 1000;
      if (el >= seconds) {
        await pending;
        return done / el;
      }
    }
  } finally {
    await it.close();
  }
}

function torchvision(x, seconds, python) {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-augment-'));
  try {
    const file = join(dir, 'images.f32');
    const d = x.data;
    writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    const r = spawnSync(python, [join(here, 'torchvision_augment.py'), file, ...x.shape.map(String), String(seconds)], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-3).join(' | ') };
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAugment({ seconds = 3, python = peerPython(), sizes = [[60, 90, 3, 512], [240, 360, 3, 128]] } = {}) {
  const rows = [];
  const loadBefore = loadavg();
  for (const [h, w, c, n] of sizes) {
    const x = images(n, h, w, c);
    const lw0 = await layerwise(x, 0, seconds);
    const lw = await layerwise(x, Math.min(2, availableParallelism()), seconds);
    const tv = torchvision(x, seconds, python);
    const ips = tv.images_per_s ?? {};
    // per-image randomness (as Keras): per_image and dataloader; 'batched' shares one transform per batch
    const tvBestPerImage = Math.max(ips.per_image ?? 0, ips.dataloader ?? 0);
    rows.push({
      image: `${h}x${w}x${c}`,
      batch: BATCH,
      layerwise: { workers0: lw0, workers2: lw },
      torchvision: tv,
      ratio_vs_best_per_image: tvBestPerImage ? lw / tvBestPerImage : null,
      ratio_vs_batched: ips.batched ? lw / ips.batched : null,
    });
  }
  return {
    bench: 'augment',
    options: OPTIONS,
    node: process.version,
    cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? '?'}`,
    loadavg: { before: loadBefore, after: loadavg() },
    rows,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const seconds = Number(process.env.SECONDS_PER_RUN ?? 3);
  console.log(JSON.stringify(await benchAugment({ seconds }), null, 2));
}
