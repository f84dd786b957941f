import type { Backend } from '@layerwise/core';
import { OnnxBackend } from '@layerwise/backend-onnx';

/** Every backend the shared suites run on. The tfjs backend joins this list when it lands. */
export const BACKENDS: { name: string; backend: Backend }[] = [{ name: 'onnx', backend: new OnnxBackend() }];
