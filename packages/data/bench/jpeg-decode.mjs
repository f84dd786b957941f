/**
 * CPU cost per image of the JPEG fast path (src/image/jpeg) against sharp with decode.ts'
 * settings, on a folder of real JPEGs (searched recursively), in the same run. Also checks
 * the pixels are identical.
 *
 *   node packages/data/bench/jpeg-decode.mjs [folder] [rounds]
 *   (default folder: /tmp/layerwise-flow-bench/train, rounds: 5)
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

// Correctness first (and warm-up).
let same = 0;
let fallback = 0;
for (const bytes of files) {
  const fast = decodeJpegFast(bytes);
  const { data } = await sharpDecode(bytes, fast?.channels === 1);
  if (!fast) fallback++;
  else if (Buffer.compare(Buffer.from(fast.data.buffer, fast.data.byteOffset, fast.data.byteLength), data) === 0) same++;
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
const sharpRounds = [];
for (let r = 0; r < rounds; r++) {
  fastRounds.push(await round((b) => decodeJpegFast(b)));
  sharpRounds.push(await round((b) => sharpDecode(b)));
}
const fast = { cpuMs: median(fastRounds, 'cpuMs'), wallMs: median(fastRounds, 'wallMs') };
const viaSharp = { cpuMs: median(sharpRounds, 'cpuMs'), wallMs: median(sharpRounds, 'wallMs') };
const { width, height } = decodeJpegFast(files[0]) ?? {};
console.log(`${files.length} JPEGs (first ${width}×${height}) from ${folder}, median of ${rounds} rounds; ${cpus()[0]?.model ?? ''}`);
console.log(`identical to sharp: ${same}, fell back to sharp: ${fallback}, differing: ${files.length - same - fallback}`);
const row = (name, m) => console.log(`${name.padEnd(10)} CPU ${m.cpuMs.toFixed(3)} ms/image   wall ${m.wallMs.toFixed(3)} ms/image`);
row('fast path', fast);
row('sharp', viaSharp);
console.log(`CPU ratio sharp / fast: ${(viaSharp.cpuMs / fast.cpuMs).toFixed(1)}×`);
