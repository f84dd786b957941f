import type { Lowerings } from '../onnx/builder.js';
import { elementwise } from './elementwise.js';
import { nn } from './nn.js';
import { reduce } from './reduce.js';
import { shape } from './shape.js';
import { conv, shapeExtra } from './conv.js';

/** Every IR op this backend runs, by op name. A plugin op adds its row with `registerLowering`. */
export const lowerings: Lowerings = { ...elementwise, ...shape, ...shapeExtra, ...reduce, ...nn, ...conv };

export function registerLowering(opName: string, lowering: Lowerings[string]): void {
  lowerings[opName] = lowering;
}
