/**
 * CPU cost per image of the JPEG fast path (src/image/jpeg) against sharp with decode.ts'
 * settings, on a folder of real JPEGs (searched recursively), in the same run: the full
 * decode, a picked decode for a 4× nearest-neighbour downscale ("pick 60×90" for 240×360
 * images: cols[x] = trunc((x + 0.5)·w/W), rows likewise), and sharp's full decode. Also
 * checks the pixels are identical (the picked ones against the full decode's).
 *
 *   node packages/data/bench/jpeg-decode.mjs [folder] [rounds]
 *   (default folder: /tmp/layerwise-flow-bench/train, rounds: 7)
 *
 * The TypeScript source is bundled with esbuild into a temp folder first, so no build is needed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import sharp from 'sharp';

const folder = process.argv[2] ?? '/tmp/layerwise-flow-bench/train';
const rounds = Number(process.argv[3] ?? 7);

const tmp = mkdtempSync(join(tmpdir(), 'jpeg-bench-'));
const entry = fileURLToPath(new URL('../src/image/jpeg/index.ts', import.meta.url));
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: join(tmp, 'jpeg.mjs'), logLevel: 'error' });
const { decodeJpegFast } = await import(pathToFileURL(join(tmp, 'jpeg.mjs')).href);
rmSync(tmp, { recursive: true, force: true });

const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.jpe?g$/i.test(f) ? [join(d, f)] : []));
const files = walk(folder).map((f) => readFileSync(f));
if (!files.length) throw new Error(`no JPEGs under ${folder}`);

const sharpDecode = (bytes, gray = false) => {
  const s = sharp(bytes, { ignoreIcc: true, failOn: 'error' });
  // (sharp outputs sRGB by default; the fast path gives grayscale files one band, as PIL)
  return (gray ? s.toColourspace('b-w') : s).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
};

// The pick for a 4× nearest downscale (PIL's NEAREST centres, clamped).
const axis = (n, m) => {
  const a = new Int32Array(m);
  for (let i = 0; i < m; i++) a[i] = Math.min(n - 1, Math.trunc(((i + 0.5) * n) / m));
  return a;
};
const picks = new Map(); // by size: the same arrays for every image of a size (as a caller would cache them)
const pick4 = (w, h) => {
  const key = w * 65536 + h;
  let p = picks.get(key);
  if (!p) picks.set(key, (p = { cols: axis(w, Math.max(1, w >> 2)), rows: axis(h, Math.max(1, h >> 2)) }));
  return p;
};

// Correctness first (and warm-up).
let same = 0;
let fallback = 0;
let pickedSame = 0;
for (const bytes of files) {
  const fast = decodeJpegFast(bytes);
  const { data } = await sharpDecode(bytes, fast?.channels === 1);
  if (!fast) fallback++;
  else if (Buffer.compare(Buffer.from(fast.data.buffer, fast.data.byteOffset, fast.data.byteLength), data) === 0) same++;
  const picked = decodeJpegFast(bytes, true, pick4);
  if (fast && picked) {
    const { cols, rows } = pick4(fast.width, fast.height);
    const c = fast.channels;
    let ok = picked.width === cols.length && picked.height === rows.length && picked.channels === c;
    for (let y = 0; ok && y < rows.length; y++)
      for (let x = 0; x < cols.length; x++)
        for (let k = 0; k < c; k++) if (picked.data[(y * cols.length + x) * c + k] !== fast.data[(rows[y] * fast.width + cols[x]) * c + k]) ok = false;
    if (ok) pickedSame++;
  }
}

// CPU time (all threads: libvips decodes on its own) per image, one pass over the files per
// round, fast path and sharp alternating; the median round is reported (the machine may
// be shared).
async function round(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const bytes of files) await fn(bytes);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / files.length, wallMs: wall / files.length };
}
const median = (rs, k) => [...rs].map((r) => r[k]).sort((a, b) => a - b)[rs.length >> 1];
const fastRounds = [];
const pickRounds = [];
const sharpRounds = [];
for (let r = 0; r < rounds; r++) {
  fastRounds.push(await round((b) => decodeJpegFast(b)));
  pickRounds.push(await round((b) => decodeJpegFast(b, true, pick4)));
  sharpRounds.push(await round((b) => sharpDecode(b)));
}
const summary = (rs) => ({ cpuMs: median(rs, 'cpuMs'), wallMs: median(rs, 'wallMs') });
const fast = summary(fastRounds);
const picked = summary(pickRounds);
const viaSharp = summary(sharpRounds);
const { width, height } = decodeJpegFast(files[0]) ?? {};
const { cols, rows } = width ? pick4(width, height) : { cols: [], rows: [] };
console.log(`${files.length} JPEGs (first ${width}×${height}) from ${folder}, median of ${rounds} rounds; ${cpus()[0]?.model ?? ''}`);
console.log(`identical to sharp: ${same}, fell back to sharp: ${fallback}, differing: ${files.length - same - fallback}`);
console.log(`picked decode identical to the full decode's pixels: ${pickedSame} of ${files.length - fallback}`);
const row = (name, m) => console.log(`${name.padEnd(16)} CPU ${m.cpuMs.toFixed(3)} ms/image   wall ${m.wallMs.toFixed(3)} ms/image`);
row('full decode', fast);
row(`pick ${rows.length}×${cols.length}`, picked);
row('sharp', viaSharp);
console.log(`CPU ratio sharp / full: ${(viaSharp.cpuMs / fast.cpuMs).toFixed(1)}×, full / picked: ${(fast.cpuMs / picked.cpuMs).toFixed(2)}×`);
