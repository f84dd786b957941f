import { vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

/** The TensorFlow ops a run executes (tfjs-node's backend runs every op through executeSingleOutput/executeMultipleOutputs). */
export function recordTfOps(): string[] {
  const be = tf.findBackend('tensorflow') as unknown as Record<string, (...a: unknown[]) => unknown>;
  const seen: string[] = [];
  for (const method of ['executeSingleOutput', 'executeMultipleOutputs']) {
    const original = be[method].bind(be);
    vi.spyOn(be, method).mockImplementation((name: unknown, ...rest: unknown[]) => {
      seen.push(name as string);
      return original(name, ...rest);
    });
  }
  return seen;
}
