import type { Attrs, OpDef } from '@layerwise/core';
import { broadcast } from './broadcast.js';
import { constant } from './constant.js';
import { conv } from './conv.js';
import { elementwise } from './elementwise.js';
import { matmul } from './matmul.js';
import { nn } from './nn.js';
import { pool } from './pool.js';
import { reduce } from './reduce.js';
import { shape } from './shape.js';
import { lower, type Lowering } from './table.js';

// One table per op family, as core's ops/ folder has one file per family.
const rows = [...constant, ...elementwise, ...shape, ...broadcast, ...reduce, ...matmul, ...nn, ...conv, ...pool];

/** Every IR op this backend runs: its lowering by op name. A plugin op adds its row with `registerLowering`. */
export const lowerings = new Map<string, Lowering>(rows.map((r) => [r.op.name, r.lower]));

/** Teach the backend an op: `fn` sees the node's attributes typed as the op declares them. */
export function registerLowering<A extends Attrs>(op: OpDef<A>, fn: Lowering<A>): void {
  lowerings.set(op.name, lower(op, fn).lower);
}
