/**
 * The fuzz runner (run by fuzz.test.ts in a child process under a heap ceiling; or by hand):
 *
 *   node --max-old-space-size=256 --import ./test/helpers/register-ts.mjs test/fuzz/run-fuzz.ts [--seed 16] [--runs 40] [--targets idx,png]
 *
 * For every loader, `runs` seeded variants of its corpus (mutated or lying files) are
 * written to disk and loaded through the user-facing API. Only two outcomes pass: data
 * that is well-formed, or a named error (DataError / ConfigError; WeightsError for model
 * files and Keras HDF5 weights) whose message names the file. Anything else — another error
 * class, a message without the file, malformed data, an input slower than --max-ms, resident memory above
 * --max-rss MB after an input — is a failure. Prints one JSON report; exit code 0.
 * The image pixel limit is lowered to 4 Mpx here so a mutated header cannot legitimately
 * ask for hundreds of MB (the default limit is tested by hostile-bombs.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMaxImagePixels } from '@layerwise/data';
import { mutate, pick, rng } from './mutate.js';
import { FILE_TARGETS, Malformed, type FuzzTarget } from './targets.js';
import { IMAGE_TARGETS } from './targets-images.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seed = Number(arg('seed', process.env.LAYERWISE_FUZZ_SEED ?? '16'));
const runs = Number(arg('runs', process.env.LAYERWISE_FUZZ_RUNS ?? '40'));
const only = arg('targets', '').split(',').filter(Boolean);
const maxRssMB = Number(arg('max-rss', '600'));
const maxMs = Number(arg('max-ms', '5000'));

setMaxImagePixels(4_000_000);
const targets: FuzzTarget[] = [...FILE_TARGETS, ...IMAGE_TARGETS].filter((t) => !only.length || only.includes(t.name));
const dir = mkdtempSync(join(tmpdir(), 'layerwise-fuzz-'));

/** A seed per (target, run), so one target's runs do not depend on the others'. */
const seedOf = (target: string, i: number) => [...target].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, (seed * 1000003 + i) >>> 0);

interface Failure {
  target: string;
  run: number;
  base: string;
  how: string;
  problem: string;
}
const failures: Failure[] = [];
const counts: Record<string, { data: number; refused: number; ms: number }> = {};
let peakRss = 0;
const t0 = performance.now();

for (const target of targets) {
  const corpus = await target.corpus(dir);
  const c = (counts[target.name] = { data: 0, refused: 0, ms: 0 });
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = rng(seedOf(target.name, i));
    const base = pick(r, corpus);
    const { bytes, how } = target.variant ? target.variant(r, base) : mutate(r, base.bytes);
    const path = join(dir, `${target.name}-${i}${target.ext}`);
    writeFileSync(path, bytes);
    const fail = (problem: string) => failures.push({ target: target.name, run: i, base: base.name, how, problem });
    const began = performance.now();
    try {
      await target.load(path);
      c.data++;
    } catch (e) {
      const err = e as Error;
      if (e instanceof Malformed) fail(`malformed data: ${err.message}`);
      else if (!target.named(e)) fail(`${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)}`);
      else if (!err.message.includes(path)) fail(`${err.name} without the file name: ${err.message.slice(0, 300)}`);
      else c.refused++;
    }
    const ms = performance.now() - began;
    if (ms > maxMs) fail(`took ${Math.round(ms)} ms (limit ${maxMs})`);
    const rss = process.memoryUsage().rss / 2 ** 20;
    peakRss = Math.max(peakRss, rss);
    if (rss > maxRssMB) fail(`resident memory ${Math.round(rss)} MB after this input (limit ${maxRssMB})`);
    rmSync(path, { force: true });
    rmSync(`${path}.d`, { recursive: true, force: true });
  }
  c.ms = Math.round(performance.now() - start);
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ seed, runs, counts, failures, peakRssMB: Math.round(peakRss), totalMs: Math.round(performance.now() - t0) }));
