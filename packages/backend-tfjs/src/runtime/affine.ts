import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Node, Value } from '@layerwise/core';
import type { Kernel } from '../lower/table.js';

/**
 * Per-channel affine chains, fused for tfjs-node. A conv's bias, then BatchNormalization's
 * x · inv + (beta − mean · inv), is a run of Add/Sub/Mul steps on a large activation x, each with a
 * per-channel vector ([C], the last axis) or a scalar. On tfjs-node each step is one TensorFlow
 * op and one full pass over x; the run is x · A + B, with A and B worked out on the [C] vectors,
 * computed in one pass by TensorFlow's FusedBatchNorm (mean 0, variance 1 − ε, ε: so its
 * rsqrt(variance + ε) is 1). Only runs whose intermediates nobody else reads are fused (so
 * training graphs, whose backward pass reads them, keep their steps).
 */
type Kind = 'add' | 'sub' | 'rsub' | 'mul';
interface Step {
  node: Node;
  operand: Value;
  kind: Kind;
}
export interface AffineChain {
  x: Value;
  steps: Step[];
}

/** Below this many elements per sample, the [C] arithmetic costs more ops than the passes it saves. */
const MIN_SAMPLE = 16384;
const EPSILON = 1e-3;

const isLarge = (v: Value) => v.dtype === 'float32' && v.rank === 4 && v.shape.slice(1).every((d) => d !== null) && (v.shape.slice(1) as number[]).reduce((p, d) => p * d, 1) >= MIN_SAMPLE;
const isChannelVector = (v: Value, channels: number) => v.dtype === 'float32' && (v.rank === 0 || (v.rank === 1 && v.shape[0] === channels));

/** The step `node` takes on `x`, if it is one. */
function stepOn(node: Node, x: Value): Step | null {
  const op = node.op.name;
  if ((op !== 'Add' && op !== 'Sub' && op !== 'Mul') || node.inputs.length !== 2) return null;
  const [a, b] = node.inputs;
  const channels = x.shape[3] as number;
  if (a === x && b !== x && isChannelVector(b, channels)) return { node, operand: b, kind: op === 'Add' ? 'add' : op === 'Sub' ? 'sub' : 'mul' };
  if (b === x && a !== x && isChannelVector(a, channels)) return { node, operand: a, kind: op === 'Add' ? 'add' : op === 'Sub' ? 'rsub' : 'mul' };
  return null;
}

/** The fusable chains (two steps or more), by their last node, and the nodes inside them. */
export function affineChains(graph: Graph): { chains: Map<Node, AffineChain>; inner: Set<Node> } {
  const readers = new Map<Value, number>();
  for (const node of graph.nodes) for (const v of new Set(node.inputs)) readers.set(v, (readers.get(v) ?? 0) + 1);
  const outputs = new Set(graph.outputs);
  const open = new Map<Value, AffineChain>(); // chain end → chain
  const all: AffineChain[] = [];
  for (const node of graph.nodes) {
    const x = node.inputs.find(isLarge);
    const step = x ? stepOn(node, x) : null;
    if (!x || !step) continue;
    let chain = open.get(x);
    open.delete(x);
    // Extend a chain only through a value this step alone reads (and that is not returned).
    if (chain && readers.get(x) === 1 && !outputs.has(x)) chain.steps.push(step);
    else all.push((chain = { x, steps: [step] }));
    open.set(node.outputs[0], chain);
  }
  const chains = new Map<Node, AffineChain>();
  const inner = new Set<Node>();
  for (const c of all) {
    if (c.steps.length < 2) continue;
    chains.set(c.steps.at(-1)!.node, c);
    c.steps.slice(0, -1).forEach((s) => inner.add(s.node));
  }
  return { chains, inner };
}

/** The fused kernel: inputs x, then each step's operand. */
export function affineKernel(chain: AffineChain, keep: <T extends tf.Tensor>(t: T) => T): Kernel {
  const channels = chain.x.shape[3] as number;
  const zeros = keep(tf.zeros([channels]));
  const ones = keep(tf.ones([channels]));
  const variance = keep(tf.fill([channels], 1 - EPSILON));
  const kinds = chain.steps.map((s) => s.kind);
  return (x, ...operands) =>
    tf.tidy(() => {
      // A and B of x · A + B, null while still 1 and 0.
      let a: tf.Tensor | null = null;
      let b: tf.Tensor | null = null;
      kinds.forEach((kind, i) => {
        const o = operands[i];
        if (kind === 'add') b = b ? tf.add(b, o) : o;
        else if (kind === 'sub') b = b ? tf.sub(b, o) : tf.neg(o);
        else if (kind === 'rsub') {
          a = a ? tf.neg(a) : tf.neg(ones);
          b = b ? tf.sub(o, b) : o;
        } else {
          a = a ? tf.mul(a, o) : o;
          b = b ? tf.mul(b, o) : null;
        }
      });
      // FusedBatchNorm takes [C] vectors: a scalar A or B is spread over the channels.
      const scale = a === null ? ones : (a as tf.Tensor).rank === 0 ? tf.mul(ones, a) : a;
      const offset = b === null ? zeros : (b as tf.Tensor).rank === 0 ? tf.add(zeros, b) : b;
      return tf.batchNorm(x as tf.Tensor4D, zeros, variance, offset as tf.Tensor1D, scale as tf.Tensor1D, EPSILON);
    });
}
