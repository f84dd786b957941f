import { Graph, Tensor, type Backend, type Value } from '@layerwise/core';

/** Compile and run a graph once on host tensors; returns host outputs. */
export async function runGraph(backend: Backend, inputs: Value[], outputs: Value[], feeds: Tensor[]): Promise<Tensor[]> {
  const exe = await backend.compile(new Graph(inputs, outputs, 'test'));
  const outs = await exe.run(feeds.map((f) => backend.upload(f)));
  return Promise.all(outs.map((o) => o.read()));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    if (!ok) throw new Error(`${what}: element ${i} is ${a}, expected ${e} (tol ${tol})\n  actual:   ${Array.from(actual).slice(0, 12).join(', ')}\n  expected: ${Array.from(expected).slice(0, 12).join(', ')}`);
  }
}
