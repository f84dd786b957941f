import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, ConfigError } from '@layerwise/core';

/**
 * Which TensorFlow.js kernels run the graphs: the native TensorFlow library through
 * @tensorflow/tfjs-node, the WebAssembly kernels (SIMD, one thread in Node), or the plain
 * JavaScript kernels.
 */
export type KernelsName = 'node' | 'wasm' | 'cpu';
export const KERNELS: readonly KernelsName[] = ['node', 'wasm', 'cpu'];

const PACKAGE: Record<KernelsName, string> = {
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};
/** The name each kernel set registers with tfjs-core. */
const TF_BACKEND: Record<KernelsName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

const require = createRequire(import.meta.url);

// tfjs prints a banner ("looks like you are running TensorFlow.js in Node.js …") on first cpu
// use and a few other notices; production mode silences them. Set before any kernel runs.
tf.enableProdMode();

/** A kernel set that is loaded and initialized. */
export interface Kernels {
  readonly name: KernelsName;
  /** The tfjs-core backend name ('tensorflow' | 'wasm' | 'cpu'). */
  readonly tfBackend: string;
  /** One line for logs. */
  readonly description: string;
  /** Why an automatic choice skipped the faster kernel sets, if it did. */
  readonly skipped: string[];
}

function versionOf(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

function unavailable(name: KernelsName, e: unknown): BackendUnavailableError {
  const cause = String((e as Error)?.message ?? e).split('\n')[0];
  const hint =
    name === 'node'
      ? `Install it with: npm install ${PACKAGE.node} (it downloads the TensorFlow C library at install time), or choose kernels 'wasm' or 'cpu'`
      : `Reinstall @layerwise/backend-tfjs (it depends on ${PACKAGE[name]}), or choose other kernels`;
  const err = new BackendUnavailableError(`TensorFlow.js ${name} kernels were asked for, but ${PACKAGE[name]} is not installed or failed to load. ${hint}\n  cause: ${cause}`);
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}

async function activate(name: KernelsName): Promise<void> {
  const tfName = TF_BACKEND[name];
  if (!(await tf.setBackend(tfName))) throw new Error(`tfjs could not initialize its '${tfName}' backend`);
  await tf.ready();
}

/**
 * Load @tensorflow/tfjs-node now (synchronously), or throw the error naming the package to
 * install. tfjs-node throws a plain Error (no `code`) when its native part is missing, so any
 * error counts.
 */
export function requireNodeKernels(): void {
  try {
    require(PACKAGE.node);
    if (!tf.engine().registryFactory[TF_BACKEND.node])
      throw new Error(
        `${PACKAGE.node} loaded but registered its kernels with another copy of @tensorflow/tfjs-core (this package uses ${tf.version_core}); install matching versions`,
      );
  } catch (e) {
    throw unavailable('node', e);
  }
}

async function loadNode(): Promise<string> {
  requireNodeKernels();
  await activate('node');
  return `TensorFlow.js native kernels (${PACKAGE.node} ${versionOf(PACKAGE.node)})`;
}

async function loadWasm(): Promise<string> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries ship in the package's dist folder; point the loader at them explicitly.
  if (!tf.engine().registry[TF_BACKEND.wasm]) wasm.setWasmPaths(join(dirname(require.resolve(`${PACKAGE.wasm}/package.json`)), 'dist') + '/');
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = (tf.backend() as unknown as { getThreadsCount?: () => number }).getThreadsCount?.() ?? 1;
  return `TensorFlow.js wasm kernels (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}; ${PACKAGE.wasm} ${versionOf(PACKAGE.wasm)})`;
}

async function loadCpu(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
  return `TensorFlow.js cpu kernels (plain JavaScript; ${PACKAGE.cpu} ${versionOf(PACKAGE.cpu)})`;
}

const LOADERS: Record<KernelsName, () => Promise<string>> = { node: loadNode, wasm: loadWasm, cpu: loadCpu };
const loaded = new Map<KernelsName, Promise<string>>();

/** Load and initialize one kernel set (once per process). */
function load(name: KernelsName): Promise<string> {
  let p = loaded.get(name);
  if (!p) {
    p = LOADERS[name]().catch((e) => {
      loaded.delete(name);
      throw e instanceof BackendUnavailableError ? e : unavailable(name, e);
    });
    loaded.set(name, p);
  }
  return p;
}

export function parseKernels(value: string | undefined, where: string): KernelsName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((KERNELS as readonly string[]).includes(value)) return value as KernelsName;
  throw new ConfigError(`${where}: unknown TensorFlow.js kernels '${value}'. Expected one of: ${KERNELS.join(', ')}, auto`);
}

/**
 * Resolve a choice: an explicit name loads exactly that set (failing with the package to
 * install); 'auto' tries tfjs-node, then wasm, then cpu.
 */
export async function selectKernels(choice: KernelsName | 'auto'): Promise<Kernels> {
  if (choice !== 'auto') return { name: choice, tfBackend: TF_BACKEND[choice], description: await load(choice), skipped: [] };
  const skipped: string[] = [];
  for (const name of KERNELS) {
    try {
      return { name, tfBackend: TF_BACKEND[name], description: await load(name), skipped };
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message.split('\n').pop()!.trim()}`);
    }
  }
  throw new BackendUnavailableError(`No TensorFlow.js kernels could be loaded:\n  ${skipped.join('\n  ')}`);
}

/** Is `k` the set tfjs runs on right now? */
export function isActive(k: Kernels): boolean {
  return tf.engine().backendName === k.tfBackend;
}

/**
 * Make these kernels the ones tfjs runs on. tfjs has one active backend per process; two
 * Layerwise backends on different kernels take turns. Callers loop
 * `while (!isActive(k)) await activateKernels(k)` and then do their kernel calls synchronously,
 * so no other task can switch the backend in between.
 */
export async function activateKernels(k: Kernels): Promise<void> {
  await tf.setBackend(k.tfBackend);
}
