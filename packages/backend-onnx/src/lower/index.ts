import type { Lowerings } from '../onnx/builder.js';
import { elementwise } from './elementwise.js';
import { nn } from './nn.js';
import { reduce } from './reduce.js';
import { shape } from './shape.js';

/** Every IR op this backend runs, by op name. A plugin op adds its row with `registerLowering`. */
export const lowerings: Lowerings = { ...elementwise, ...shape, ...reduce, ...nn };

export function registerLowering(opName: string, lowering: Lowerings[string]): void {
  lowerings[opName] = lowering;
}
