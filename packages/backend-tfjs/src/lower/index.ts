import { convolution, shapeExtra } from './conv.js';
import { elementwise, masks } from './elementwise.js';
import { nn } from './nn.js';
import { reduce } from './reduce.js';
import { shape } from './shape.js';
import type { Lowering, Lowerings } from './types.js';

/** Every IR op this backend runs, by op name. A plugin op adds its row with `registerLowering`. */
export const lowerings: Lowerings = { ...elementwise, ...shape, ...shapeExtra, ...reduce, ...nn, ...convolution };

/** Comparisons lowered to float 0/1 masks where every reader casts them to float32 (see `masks`). */
export const maskLowerings: Lowerings = { ...masks };

export function registerLowering(opName: string, lowering: Lowering): void {
  lowerings[opName] = lowering;
}
