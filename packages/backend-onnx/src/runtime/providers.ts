import { BackendUnavailableError } from '@layerwise/core';
import type ort from 'onnxruntime-node';

/**
 * ONNX Runtime execution providers: which hardware runs a session. onnxruntime-node tries them
 * in the order given, and ops a provider cannot run fall back to the CPU. The CPU provider
 * ships in the npm package; the others need files or hardware a CPU-only machine lacks, and
 * onnxruntime-node fails the whole session when one cannot load (it does not skip to the next).
 */
export const PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'qnn'] as const;
/** The providers onnxruntime-node's binding knows by name (each build has a subset; it refuses any other name). */
export type ProviderName = (typeof PROVIDERS)[number];
/** A provider by name, or with its options: `{ name: 'cuda', deviceId: 1 }`. */
export type ExecutionProvider = ProviderName | ort.InferenceSession.ExecutionProviderOptionMap[ProviderName];

/** What each provider needs, for the error when it cannot be used. */
const NEEDS: Record<string, string> = {
  cuda:
    "an NVIDIA GPU with CUDA 12 and cuDNN 9 installed, and onnxruntime-node's CUDA provider files, which its install script downloads: " +
    'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (without onnxruntime-node-install=skip in .npmrc)',
  tensorrt:
    "an NVIDIA GPU with CUDA 12, cuDNN 9 and TensorRT 10 installed, and onnxruntime-node's CUDA provider files: " +
    'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (without onnxruntime-node-install=skip in .npmrc)',
  webgpu: 'a GPU with a WebGPU-capable driver (on Linux: Vulkan, libvulkan.so.1); it ships in onnxruntime-node',
  dml: 'Windows 10+ with a DirectX 12 GPU (DirectML ships in onnxruntime-node for Windows)',
  coreml: 'macOS (Core ML ships in onnxruntime-node for macOS)',
  qnn: 'a Qualcomm NPU and a build of onnxruntime-node with the QNN provider (Windows on Arm)',
};

export const providerName = (p: ExecutionProvider): string => (typeof p === 'string' ? p : p.name);

/** ONNX Runtime's graph optimization levels. */
export const LEVELS = ['disabled', 'basic', 'extended', 'layout', 'all'] as const;

/** The session options Layerwise passes, with the user's providers, threads and optimization level. */
export interface ProviderOptions {
  /** Execution providers in order of preference. Default ['cpu']. */
  executionProviders?: ExecutionProvider[];
  /** Threads inside one op. Default: 1, or 2 (at most the cores) for graphs with convolutions. */
  intraOpNumThreads?: number;
  /** Threads across independent ops (only with executionMode 'parallel' in `sessionOptions`). */
  interOpNumThreads?: number;
  /** ONNX Runtime's graph optimizations. Default 'all'. */
  graphOptimizationLevel?: (typeof LEVELS)[number];
  /** Any other onnxruntime-node session option, passed through as given (applied last). */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** ONNX Runtime's CPU memory arena (buffers kept and reused across runs) and memory pattern (one block per run, planned from the previous run). */
export interface MemoryPlan {
  arena: boolean;
  pattern: boolean;
}

export function sessionOptionsFor(o: ProviderOptions, intraOpNumThreads: number, memory: MemoryPlan = { arena: true, pattern: true }): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: o.executionProviders ?? ['cpu'],
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    intraOpNumThreads,
    enableCpuMemArena: memory.arena,
    enableMemPattern: memory.pattern,
    ...(o.interOpNumThreads !== undefined ? { interOpNumThreads: o.interOpNumThreads } : {}),
    // Spinning threads steal the core the JS side needs between runs.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...o.sessionOptions,
  };
}

/**
 * A session that failed to start because a provider could not be used becomes a
 * BackendUnavailableError naming the provider and what it needs; other errors pass through.
 */
export function explainProviderError(e: unknown, providers: ExecutionProvider[] | undefined): unknown {
  const msg = String((e as Error)?.message ?? e);
  const names = (providers ?? ['cpu']).map(providerName);
  // onnxruntime-node names the provider in its message ("…AppendExecutionProvider_Cuda: Failed to load shared library", "[dml] backend not found").
  const culprit = names.find((n) => n !== 'cpu' && msg.toLowerCase().includes(n.toLowerCase()));
  if (!culprit) return e;
  const needs = NEEDS[culprit.toLowerCase()] ?? `a build of onnxruntime-node with the '${culprit}' provider`;
  const err = new BackendUnavailableError(
    `ONNX Runtime could not use the '${culprit}' execution provider (executionProviders: [${names.map((n) => `'${n}'`).join(', ')}]). ` +
      `It needs ${needs}. Without it, leave it out: onnx({ executionProviders: ['cpu'] }).\n  cause: ${msg.split('\n')[0]}`,
  );
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}
