import type { Backend } from '@layerwise/core';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { TfjsBackend } from '@layerwise/backend-tfjs';

/** Every backend the shared suites run on: ONNX Runtime, and TensorFlow.js on its wasm and its cpu kernels. */
export const BACKENDS: { name: string; backend: Backend }[] = [
  { name: 'onnx', backend: new OnnxBackend() },
  { name: 'tfjs-wasm', backend: new TfjsBackend({ kernels: 'wasm' }) },
  { name: 'tfjs-cpu', backend: new TfjsBackend({ kernels: 'cpu' }) },
];
