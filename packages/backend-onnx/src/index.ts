import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { atomicWrite, ConfigError, type Backend, type CompileOptions, type Executable, type StepKind, type Graph, type Tensor, type WeightInfo } from '@layerwise/core';
import { lowerings, registerLowering } from './lower/index.js';
import { DEFAULT_OPSET, lowerGraph } from './onnx/lower-graph.js';
import { OrtExecutable, OrtValue } from './runtime/session.js';
import { providerName, type MemoryPlan } from './runtime/providers.js';
import { checkOnnxOptions, type OnnxBackendOptions } from './options.js';

// The public API is what README.md documents: the backend, and what a plugin op needs to lower itself.
export { lowerings, registerLowering, DEFAULT_OPSET };
export type { Lowering, LoweringNode } from './lower/table.js';
export type { OnnxGraphBuilder } from './onnx/builder.js';

export type { ExecutionProvider, ProviderName } from './runtime/providers.js';
export type { OnnxBackendOptions };

/** Per-sample size of an activation from which a session's memory plan changes (see memoryFor). */
const LARGE_ACTIVATION_BYTES = 4 * 2 ** 20;
const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, bool: 1 };
/** Bytes of one sample of a value: its dimensions multiplied, the unknown (batch) ones left out. */
function perSampleBytes(shape: readonly (number | null)[], dtype: string): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), BYTES[dtype] ?? 4);
}

/**
 * Constant weights let onnxruntime fold the NHWC→OIHW kernel transposes and BatchNormalization
 * into the convolutions and pre-pack the filters once per session, where weights fed as inputs
 * redo that at every run (ResNet50 at batch 1 ran 5-9× slower so). The cost is memory: the session
 * keeps its own copies (up to ~2-3× the baked bytes while it is made), so a weight as large as
 * VGG16's fc1 (392 MiB, a matrix product gaining little from pre-packing) stays an input.
 */
const DEFAULT_MAX_BAKED_BYTES = 16 * 2 ** 20;
/** Initializers from this size on go to onnxruntime as external data, straight from their own memory. */
const EXTERNAL_FROM_BYTES = 4096;

/** The ONNX Runtime backend: each graph becomes one ONNX model run by one session. */
export class OnnxBackend implements Backend {
  readonly name = 'onnx';
  // Sessions cached per serialized graph: the same graph compiled twice shares one session,
  // released when the last executable using it is disposed.
  private cache = new Map<string, { session: Promise<OrtExecutable>; users: number }>();

  constructor(private options: OnnxBackendOptions = {}) {
    checkOnnxOptions('OnnxBackend', options);
  }

  /** predict and evaluate hold the weights up to `maxBakedWeightBytes` as constants (see DEFAULT_MAX_BAKED_BYTES for why). */
  bakeWeight(weight: WeightInfo): boolean {
    return weight.size * BYTES[weight.dtype] <= (this.options.maxBakedWeightBytes ?? DEFAULT_MAX_BAKED_BYTES);
  }

  describe(): string {
    const providers = (this.options.executionProviders ?? ['cpu']).map(providerName).join(' → ');
    return `onnxruntime-node (${providers}, opset ${this.options.opset ?? DEFAULT_OPSET}, ${this.options.intraOpNumThreads ?? 'auto'} intra-op thread(s))`;
  }

  /**
   * Threads for one session: the option when given; else 2 (at most the cores) for graphs with
   * convolutions, where a second thread measured ~15% faster per step, and 1 for the rest, where a
   * second thread's hand-off costs more than it saves.
   */
  private threadsFor(graph: Graph): number {
    if (this.options.intraOpNumThreads) return this.options.intraOpNumThreads;
    const heavy = graph.nodes.some((n) => n.op.name.startsWith('Conv'));
    return heavy ? Math.min(2, availableParallelism()) : 1;
  }

  /**
   * ONNX Runtime's memory plan for one session. Small graphs: its defaults, the CPU memory arena
   * (buffers kept and reused across runs) and the memory pattern (one block per run, planned from
   * the run before). Graphs whose activations are large per sample (VGG16 on 240×360 photos: 22 MB
   * per image in block 1) would hold about twice their live tensors so: the arena grows in
   * power-of-two chunks it never returns, and the pattern's block comes on top of the first run's
   * buffers. Such graphs run without the arena (the 4.5 fine-tuning step at batch 32: 2.0 GB peak
   * RSS instead of 3.9 GB, the same CPU time; with the arena but no pattern 2.8 GB), except
   * predict's: it keeps the arena without the pattern, faster for a little more memory (VGG16 at
   * batch 8: 6.7 against 6.3 images/s; the 240×360 feature pass at batch 32: 10 % less time, peak
   * 2.3 GB against 1.9 GB, 3.6 GB with both). Not evaluate's: fit's validation runs it between
   * training steps, whose peak a kept arena would add to. `sessionOptions` overrides either.
   */
  private memoryFor(graph: Graph, kind: StepKind): MemoryPlan {
    // Constants (weights baked into predict's graph) are not activations.
    let largest = 0;
    for (const n of graph.nodes) if (n.op.name !== 'Constant') for (const v of n.outputs) largest = Math.max(largest, perSampleBytes(v.shape, v.dtype));
    if (largest < LARGE_ACTIVATION_BYTES) return { arena: true, pattern: true };
    return kind === 'predict' ? { arena: true, pattern: false } : { arena: false, pattern: true };
  }

  async compile(graph: Graph, compileOptions: CompileOptions = {}): Promise<Executable> {
    const { bytes, inputNames, outputNames, externalData } = lowerGraph(graph, lowerings, this.options.opset ?? DEFAULT_OPSET, { externalFrom: EXTERNAL_FROM_BYTES });
    const memory = this.memoryFor(graph, compileOptions.kind ?? 'train');
    const hash = createHash('sha1').update(bytes).update(JSON.stringify(memory));
    for (const { data } of externalData) hash.update(data);
    const key = hash.digest('hex');
    let entry = this.cache.get(key);
    if (!entry) {
      const options = { ...this.options, intraOpNumThreads: this.threadsFor(graph), memory };
      entry = { session: OrtExecutable.create(bytes, inputNames, outputNames, graph.outputs.map((o) => o.dtype), options, externalData), users: 0 };
      this.cache.set(key, entry);
      entry.session.catch(() => this.cache.delete(key));
    }
    entry.users++;
    const shared = await entry.session;
    let disposed = false;
    return {
      run: (feeds) => shared.run(feeds),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (--entry!.users === 0) {
          this.cache.delete(key);
          shared.dispose();
        }
      },
    };
  }

  upload(t: Tensor): OrtValue {
    return OrtValue.wrap(t);
  }

  /** Serialize a graph as an ONNX model file (temp file + rename: never half-written). */
  async exportGraph(graph: Graph, path: string, format = 'onnx'): Promise<void> {
    if (format !== 'onnx') throw new ConfigError(`The ONNX backend writes 'onnx' files, not '${format}'`);
    const { bytes } = lowerGraph(graph, lowerings, this.options.opset ?? DEFAULT_OPSET, { readableNames: true });
    atomicWrite(path, bytes);
  }
}

/**
 * An ONNX Runtime backend with options: `onnx({ executionProviders: ['cuda', 'cpu'],
 * intraOpNumThreads: 4, graphOptimizationLevel: 'all' })`, for `setBackend` or `model.setBackend`.
 */
export function onnx(options: OnnxBackendOptions = {}): OnnxBackend {
  checkOnnxOptions('onnx', options);
  return new OnnxBackend(options);
}

/** The default instance core's backend registry loads. */
export const backend = new OnnxBackend();
