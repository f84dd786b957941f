import { checkOptions, ConfigError, describeValue, didYouMean, keysOf } from '@layerwise/core';
import { LEVELS, PROVIDERS, type ProviderOptions } from './runtime/providers.js';

export interface OnnxBackendOptions extends ProviderOptions {
  /** The ONNX opset the graphs are written in. Default `DEFAULT_OPSET` (17). */
  opset?: number;
  /**
   * predict's and evaluate's graphs hold the weights of at most this many bytes as constants
   * (default 16 MiB: every weight of ResNet50, InceptionV3, Xception, MobileNetV2, all but VGG's
   * two large Dense kernels); larger ones are fed at each run. `0`: every weight is fed;
   * `Infinity`: every weight is baked.
   */
  maxBakedWeightBytes?: number;
}

const onnxBackendKeys = keysOf<OnnxBackendOptions>()({
  opset: true,
  executionProviders: true,
  intraOpNumThreads: true,
  interOpNumThreads: true,
  graphOptimizationLevel: true,
  sessionOptions: true,
  maxBakedWeightBytes: true,
});

/**
 * The options check every public entry goes through (names, with did-you-mean), and the values
 * a typo would otherwise carry to ONNX Runtime, which fails later with a less helpful message.
 */
export function checkOnnxOptions(where: string, o: OnnxBackendOptions | undefined): void {
  checkOptions(where, o, onnxBackendKeys);
  if (!o) return;
  for (const key of ['intraOpNumThreads', 'interOpNumThreads', 'opset'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new ConfigError(`${where}: ${key} must be a positive integer, got ${describeValue(v)}`);
  }
  const max = o.maxBakedWeightBytes;
  if (max !== undefined && !(typeof max === 'number' && max >= 0))
    throw new ConfigError(`${where}: maxBakedWeightBytes must be a number ≥ 0 (bytes; Infinity bakes every weight), got ${describeValue(max)}`);
  if (o.graphOptimizationLevel !== undefined && !(LEVELS as readonly unknown[]).includes(o.graphOptimizationLevel)) {
    const v = o.graphOptimizationLevel;
    throw new ConfigError(
      `${where}: unknown graphOptimizationLevel ${describeValue(v)}${typeof v === 'string' ? didYouMean(v, LEVELS) : ''}. Expected one of: ${LEVELS.join(', ')}`,
    );
  }
  if (o.executionProviders !== undefined) {
    if (!Array.isArray(o.executionProviders) || o.executionProviders.length === 0)
      throw new ConfigError(`${where}: executionProviders must be a non-empty array such as ['cuda', 'cpu'], got ${describeValue(o.executionProviders)}`);
    for (const p of o.executionProviders) {
      const name: unknown = typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : p;
      if (typeof name === 'string' && (PROVIDERS as readonly string[]).includes(name)) continue;
      throw new ConfigError(
        `${where}: unknown execution provider ${describeValue(name)}${typeof name === 'string' ? didYouMean(name, PROVIDERS) : ''}. ` +
          `onnxruntime-node knows: ${PROVIDERS.join(', ')} (each as a name or { name, …provider options })`,
      );
    }
  }
  if (o.sessionOptions !== undefined && (o.sessionOptions === null || typeof o.sessionOptions !== 'object' || Array.isArray(o.sessionOptions)))
    throw new ConfigError(`${where}: sessionOptions must be an object of onnxruntime-node session options, got ${describeValue(o.sessionOptions)}`);
}


