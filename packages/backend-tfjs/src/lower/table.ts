import type * as tf from '@tensorflow/tfjs-core';
import type { Attrs, Node, OpDef, Value } from '@layerwise/core';
import type { KernelsName } from '../runtime/kernels.js';

/**
 * A run-time kernel: the node's input tensors in, its output tensor(s) out. It must return new
 * tensors (never one of its inputs); temporaries it makes are freed by the run (wrap a
 * multi-kernel body in `composite` to free them as soon as the node is done).
 */
export type Kernel = (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

/** What a lowering sees of an IR node, at compile time: its attributes typed as its op declares them. */
export interface LoweringNode<A extends Attrs = Attrs> {
  readonly node: Node;
  readonly attrs: A;
  /** The IR inputs and outputs: static shapes (null = known only at run time) and dtypes. */
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  /** The kernel set the graph is compiled for ('node' | 'wasm' | 'cpu'), for lowerings that differ by kernels. */
  readonly kernels: KernelsName;
  /** Keep a tensor the kernel uses on every run (a mask, a table of counts): freed with the executable. */
  keep<T extends tf.Tensor>(t: T): T;
}

/**
 * A lowering runs once per node when a graph is compiled and returns the node's kernel (called
 * on every run, with everything attribute-derived already worked out), or, when the node's
 * value is known at compile time, that tensor itself (uploaded once, kept by the executable).
 */
export type Lowering<A extends Attrs = Attrs> = (n: LoweringNode<A>) => Kernel | tf.Tensor;

/** One row of a lowering table: an op and how it becomes tfjs kernel calls. */
export interface LoweringRow {
  readonly op: OpDef;
  readonly lower: Lowering;
}

/** A table row whose lowering sees the op's own attribute type. */
export function lower<A extends Attrs>(op: OpDef<A>, fn: Lowering<A>): LoweringRow {
  // Sound by construction: a row's lowering only ever runs on nodes of its op, whose attributes are an A.
  return { op, lower: fn as Lowering };
}
