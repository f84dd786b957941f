import type { Graph, Value } from '../ir/graph.js';
import type { DeviceValue, Executable } from './backend.js';

const feedOrder = new WeakMap<Graph, Value[]>();

/**
 * Run a compiled graph with its feeds given by graph input (the Value), not by position, and get
 * its outputs back the same way: a caller binds weights, data and step counters by role, and the
 * graph's own input and output order stays private to the graph. Random leaves are fed by the
 * caller too (see `graph.randomInputs`).
 */
export async function runBound(exe: Executable, graph: Graph, feeds: Map<Value, DeviceValue>): Promise<Map<Value, DeviceValue>> {
  let order = feedOrder.get(graph);
  if (!order) feedOrder.set(graph, (order = graph.feeds));
  const args = order.map((v) => {
    const d = feeds.get(v);
    if (!d) throw new Error(`Graph '${graph.name}': input ${v} was not fed`);
    return d;
  });
  const outs = await exe.run(args);
  const byValue = new Map<Value, DeviceValue>();
  graph.outputs.forEach((v, i) => {
    // An output listed twice comes back twice: keep one and free the other.
    const kept = byValue.get(v);
    if (!kept) byValue.set(v, outs[i]);
    else if (kept !== outs[i]) outs[i].dispose();
  });
  return byValue;
}

/**
 * A graph's feeds bound by role once, for many runs: `fixed` values (weights) stay in place,
 * `perRun` inputs are given to each run in that order, and each run returns the `fetches` in
 * that order (an output fetched twice comes back as the same value; unfetched ones are freed).
 * The lookups happen here, once, not per batch.
 */
export class Binding {
  private readonly template: (DeviceValue | null)[];
  private readonly positions: number[];
  private readonly picks: number[];

  constructor(
    private readonly exe: Executable,
    graph: Graph,
    fixed: Map<Value, DeviceValue>,
    perRun: Value[],
    fetches: Value[],
  ) {
    const order = graph.feeds;
    this.template = order.map((v) => fixed.get(v) ?? null);
    this.positions = perRun.map((v) => order.indexOf(v));
    const missing = order.filter((v, i) => !this.template[i] && !this.positions.includes(i));
    if (missing.length || this.positions.includes(-1)) throw new Error(`Graph '${graph.name}': inputs ${missing.join(', ')} are not bound`);
    this.picks = fetches.map((v) => graph.outputs.indexOf(v));
  }

  async run(values: DeviceValue[]): Promise<DeviceValue[]> {
    const args = this.template.slice() as DeviceValue[];
    this.positions.forEach((p, i) => (args[p] = values[i]));
    const outs = await this.exe.run(args);
    const picked = new Set(this.picks);
    outs.forEach((o, i) => picked.has(i) || o.dispose());
    return this.picks.map((i) => outs[i]);
  }
}
