import type { Backend } from '@layerwise/core';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { TfjsBackend, type KernelsName } from '@layerwise/backend-tfjs';

/**
 * The TensorFlow.js kernel sets the shared suites run on: tfjs-node when it is installed and
 * loads (`bash scripts/tfjs-node-from-wheel.sh` builds it; CI's setup does), then wasm and cpu.
 * Without tfjs-node its runs are left out, and the test summary (test/helpers/backend-counts.ts)
 * says so loudly.
 */
export const TFJS_KERNELS: KernelsName[] = [...(tfjsNodeLoads() ? (['node'] as const) : []), 'wasm', 'cpu'];

function tfjsNodeLoads(): boolean {
  try {
    new TfjsBackend({ kernels: 'node', report: false }); // loads tfjs-node now, or throws naming what to install
    return true;
  } catch {
    return false;
  }
}

/** Every backend the shared suites run on: ONNX Runtime, and TensorFlow.js on each kernel set above. */
export const BACKENDS: { name: string; backend: Backend }[] = [
  { name: 'onnx', backend: new OnnxBackend() },
  ...TFJS_KERNELS.map((kernels) => ({ name: `tfjs-${kernels}`, backend: new TfjsBackend({ kernels }) })),
];
