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
