/**
 * Seeded mutations of a file's bytes (and of JSON values), for the fuzz suite: bit flips,
 * interesting bytes and 32-bit values (both byte orders; biased towards the header, where
 * the sizes and offsets are), truncation, junk appended, ranges deleted, duplicated or
 * copied from elsewhere. The same seed always gives the same input.
 */

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const int = (r: Random, n: number) => Math.floor(r() * n);
export const pick = <T>(r: Random, xs: readonly T[]): T => xs[int(r, xs.length)];

const BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x0a];
const WORDS = [0, 1, 0x7f, 0xff, 0x100, 0xffff, 0x10000, 0x3fff, 0x4000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 65500, 1 << 20, 1 << 24];

/** An offset: half the time in the first 64 bytes (headers), else anywhere. */
const offset = (r: Random, n: number) => (r() < 0.5 ? int(r, Math.min(n, 64)) : int(r, n));

const MUTATORS: [string, (r: Random, b: Uint8Array) => Uint8Array][] = [
  ['flip bits', (r, b) => {
    const out = b.slice();
    for (let k = 1 + int(r, 8); k > 0; k--) out[offset(r, out.length)] ^= 1 << int(r, 8);
    return out;
  }],
  ['interesting byte', (r, b) => {
    const out = b.slice();
    out[offset(r, out.length)] = pick(r, BYTES);
    return out;
  }],
  ['interesting 32-bit value', (r, b) => {
    const out = b.slice();
    if (out.length < 4) return out;
    const at = Math.min(offset(r, out.length), out.length - 4);
    new DataView(out.buffer, out.byteOffset).setUint32(at, pick(r, WORDS) >>> 0, r() < 0.5);
    return out;
  }],
  ['interesting 16-bit value', (r, b) => {
    const out = b.slice();
    if (out.length < 2) return out;
    const at = Math.min(offset(r, out.length), out.length - 2);
    new DataView(out.buffer, out.byteOffset).setUint16(at, pick(r, WORDS) & 0xffff, r() < 0.5);
    return out;
  }],
  ['truncate', (r, b) => b.slice(0, int(r, b.length))],
  ['append junk', (r, b) => {
    const extra = new Uint8Array(1 + int(r, 64)).map(() => int(r, 256));
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    return out;
  }],
  ['delete a range', (r, b) => {
    const at = int(r, b.length);
    const n = 1 + int(r, Math.max(1, Math.min(64, b.length - at)));
    const out = new Uint8Array(b.length - Math.min(n, b.length - at));
    out.set(b.subarray(0, at));
    out.set(b.subarray(at + n), at);
    return out;
  }],
  ['copy a range over another', (r, b) => {
    const out = b.slice();
    const n = 1 + int(r, 32);
    const from = int(r, Math.max(1, b.length - n));
    const to = offset(r, Math.max(1, b.length - n));
    out.copyWithin(to, from, from + n);
    return out;
  }],
  ['zero a range', (r, b) => {
    const out = b.slice();
    const at = offset(r, out.length);
    out.fill(0, at, at + 1 + int(r, 16));
    return out;
  }],
];

/** One to three mutations of `bytes`; returns the result and what was done. */
export function mutate(r: Random, bytes: Uint8Array): { bytes: Uint8Array; how: string } {
  let out: Uint8Array = new Uint8Array(bytes); // a plain copy: a Buffer's slice() is a view, and its fill() does not clamp
  const how: string[] = [];
  for (let k = 1 + int(r, 3); k > 0 && out.length > 0; k--) {
    const [name, fn] = pick(r, MUTATORS);
    out = fn(r, out);
    how.push(name);
  }
  return { bytes: out, how: how.join(' + ') };
}

const HOSTILE_VALUES: unknown[] = [null, [], {}, -1, 0, 2.5, 1e12, 5e7, -1e308, 'x', '', true, [null], [[-1]], { className: 'Evil', config: {} }, ['a', 0, 0], [1e9, 1e9]];

/**
 * A JSON value with one node somewhere inside replaced by a hostile value (null, a list
 * where an object was, a huge or negative number, a wrong type …), or a key deleted.
 */
export function mutateJson(r: Random, value: unknown): { value: unknown; how: string } {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  // Collect the paths of every node, then change one.
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(copy, []);
  const path = pick(r, paths.slice(1));
  if (!path) return { value: copy, how: 'nothing to change' };
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  const shown = path.join('.');
  if (r() < 0.15 && !Array.isArray(parent)) {
    delete parent[key];
    return { value: copy, how: `delete ${shown}` };
  }
  const old = parent[key];
  const replacement = typeof old === 'number' && r() < 0.5 ? pick(r, [old * 1e6, -old, old + 0.5, 2 ** 31, old * -1e3]) : pick(r, HOSTILE_VALUES);
  parent[key] = replacement;
  return { value: copy, how: `${shown} = ${JSON.stringify(replacement)}` };
}
