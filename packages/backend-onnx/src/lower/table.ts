import type { Attrs, Node, OpDef } from '@layerwise/core';
import type { OnnxGraphBuilder } from '../onnx/builder.js';

/** What a lowering sees of an IR node: its inputs' ONNX names and its attributes, typed as its op declares them. */
export interface LoweringNode<A extends Attrs = Attrs> {
  readonly node: Node;
  readonly attrs: A;
  in(i: number): string;
}

/** A lowering emits ONNX nodes for one IR node and returns the names of its outputs. */
export type Lowering<A extends Attrs = Attrs> = (n: LoweringNode<A>, g: OnnxGraphBuilder) => string | string[];

/** One row of a lowering table: an op and how it becomes ONNX nodes. */
export interface LoweringRow {
  readonly op: OpDef;
  readonly lower: Lowering;
}

/** A table row whose lowering sees the op's own attribute type. */
export function lower<A extends Attrs>(op: OpDef<A>, fn: Lowering<A>): LoweringRow {
  // Sound by construction: a row's lowering only ever runs on nodes of its op, whose attributes are an A.
  return { op, lower: fn as Lowering };
}
