import { ShapeError } from '../errors.js';
import { add, scalar } from '../ops/index.js';
import { sameShape, sumTo } from '../ops/broadcast.js';
import { topoSort, withScope, type Value } from './graph.js';

/**
 * Reverse-mode autodiff over the graph: d(loss)/d(each of wrt), as new values in the same graph.
 * Only nodes on a path from `wrt` to `loss` are differentiated; a wrt the loss does not depend
 * on gets null.
 */
export function gradients(loss: Value, wrt: Value[]): (Value | null)[] {
  if (loss.rank !== 0) throw new ShapeError(`gradients: the loss must be a scalar, got shape [${loss.shape.join(', ')}]`);
  const nodes = topoSort([loss]);

  // Forward pass: which values depend on a wrt (only those need gradients).
  const live = new Set<Value>(wrt);
  for (const node of nodes) if (node.inputs.some((v) => live.has(v))) node.outputs.forEach((o) => live.add(o));

  const grads = new Map<Value, Value>([[loss, scalar(1)]]);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    const dys = node.outputs.map((o) => grads.get(o) ?? null);
    if (dys.every((d) => d === null) || !node.inputs.some((v) => live.has(v))) continue;
    if (!node.op.grad) throw new ShapeError(`Op ${node.op.name}${node.scope ? ` in '${node.scope}'` : ''} has no gradient, but the loss depends on it through a trainable weight`);
    const inputGrads = withScope(node.scope ? `${node.scope}/grad` : 'grad', () => {
      const raw = node.op.grad!({ inputs: node.inputs, outputs: node.outputs, dys, attrs: node.attrs });
      // A gradient for a broadcast input may come in the output's shape: sum it back (the adjoint of broadcasting).
      return raw.map((g, i) => (g && !sameShape(g.shape, node.inputs[i].shape) ? sumTo(g, node.inputs[i]) : g));
    });
    node.inputs.forEach((input, i) => {
      const g = inputGrads[i];
      if (!g || !live.has(input) || input.dtype !== 'float32') return;
      const prev = grads.get(input);
      grads.set(input, prev ? add(prev, g) : g);
    });
  }
  return wrt.map((w) => grads.get(w) ?? null);
}
