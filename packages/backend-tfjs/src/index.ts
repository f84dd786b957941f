import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, ConfigError, describeValue, keysOf, type Backend, type CompileOptions, type Graph, type Tensor } from '@layerwise/core';
import { lowerings, maskLowerings, registerLowering } from './lower/index.js';
import { buildPlan, TfjsExecutable } from './runtime/executable.js';
import { activateKernels, isActive, parseKernels, requireNodeKernels, selectKernels, type Kernels, type KernelsChoice, type KernelsName } from './runtime/kernels.js';
import { TfjsValue } from './runtime/values.js';

// The public API is what README.md documents: the backend, and what a plugin op needs to lower itself.
export { lowerings, registerLowering };
export type { Kernel, Lowering, LoweringNode } from './lower/table.js';
export { composite } from './lower/util.js';
export type { Kernels, KernelsChoice, KernelsName };

export interface TfjsBackendOptions {
  /**
   * Which TensorFlow.js kernels run the graphs. Default: `LAYERWISE_TFJS_KERNELS`, else 'auto':
   * @tensorflow/tfjs-node-gpu if it is installed and loads, else @tensorflow/tfjs-node, else
   * wasm, else cpu.
   */
  kernels?: KernelsChoice | 'auto';
  /** Print which kernels were chosen, once, at the first compile (stderr). Default true. */
  report?: boolean;
}

const tfjsBackendKeys = keysOf<TfjsBackendOptions>()({ kernels: true, report: true });

/** Names and values (did-you-mean for both); the kernels asked for, or null to read LAYERWISE_TFJS_KERNELS later. */
function checkTfjsOptions(where: string, options: TfjsBackendOptions): KernelsChoice | 'auto' | null {
  checkOptions(where, options, tfjsBackendKeys);
  if (options.report !== undefined && typeof options.report !== 'boolean') throw new ConfigError(`${where}: report must be true or false, got ${describeValue(options.report)}`);
  return options.kernels !== undefined ? parseKernels(options.kernels, `${where}({ kernels })`) : null;
}

const reported = new Set<string>();

/**
 * The TensorFlow.js backend: every IR op lowered to tfjs kernel calls through
 * @tensorflow/tfjs-core, on tfjs-node, wasm or cpu kernels. No tfjs gradient kernels are used:
 * gradients are IR ops core's autodiff wrote, lowered like any other op.
 */
export class TfjsBackend implements Backend {
  readonly name: string = 'tfjs';
  private choice: KernelsChoice | 'auto' | null;
  private selected: Promise<Kernels> | null = null;
  private resolved: Kernels | null = null;

  constructor(private options: TfjsBackendOptions = {}) {
    // A bad option fails here; the environment variable is read when the kernels are loaded.
    this.choice = checkTfjsOptions('TfjsBackend', options);
    // Native kernels asked for by name: fail now, naming the package, rather than at the first fit.
    if (this.choice === 'node' || this.choice === 'node-gpu') requireNodeKernels(this.choice);
  }

  private get wanted(): KernelsChoice | 'auto' {
    return this.choice ?? parseKernels(process.env.LAYERWISE_TFJS_KERNELS, 'LAYERWISE_TFJS_KERNELS');
  }

  /** Load and initialize the kernels (done by the first compile); resolves to what was chosen. */
  kernels(): Promise<Kernels> {
    if (!this.selected) {
      this.selected = (async () => {
        const k = await selectKernels(this.wanted);
        this.resolved = k;
        if (this.options.report !== false && !reported.has(k.name)) {
          reported.add(k.name);
          const skipped = k.skipped.length ? ` (skipped: ${k.skipped.join('; ')})` : '';
          process.stderr.write(`layerwise: tfjs backend on ${k.description}${skipped}\n`);
        }
        return k;
      })();
      this.selected.catch(() => (this.selected = null));
    }
    return this.selected;
  }

  describe(): string {
    return this.resolved ? `@layerwise/backend-tfjs on ${this.resolved.description}` : `@layerwise/backend-tfjs (kernels: ${this.choice ?? process.env.LAYERWISE_TFJS_KERNELS ?? 'auto'}, not loaded yet)`;
  }

  async compile(graph: Graph, _options?: CompileOptions): Promise<TfjsExecutable> {
    const k = await this.kernels();
    while (!isActive(k)) await activateKernels(k);
    // Float masks save the wasm and cpu kernels work; on tfjs-node a Step is four TensorFlow ops.
    return new TfjsExecutable(buildPlan(graph, lowerings, k, k.name === 'node' ? new Map() : maskLowerings), k);
  }

  /** Wraps the host tensor; the kernel copy is made when a run first needs it. */
  upload(t: Tensor): TfjsValue {
    return TfjsValue.fromHost(t);
  }

  /** tfjs' own memory counters (tensors and bytes held on the active kernels). */
  memory(): tf.MemoryInfo {
    return tf.memory();
  }
}

/** A TensorFlow.js backend with options: `tfjs({ kernels: 'node' })`, for `setBackend` or `model.setBackend`. */
export function tfjs(options: TfjsBackendOptions = {}): TfjsBackend {
  checkTfjsOptions('tfjs', options);
  return new TfjsBackend(options);
}

/** The default instance core's backend registry loads ('tfjs'). */
export const backend = new TfjsBackend();
