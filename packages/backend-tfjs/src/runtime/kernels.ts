import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, ConfigError, describeValue, suggestKey } from '@layerwise/core';

/**
 * Which TensorFlow.js kernels run the graphs: the native TensorFlow library through
 * @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu, the same kernels on a CUDA build of the
 * library), the WebAssembly kernels (SIMD, one thread in Node), or the plain JavaScript kernels.
 * Lowerings see 'node' for both native packages: the same TensorFlow ops, placed on the GPU by
 * TensorFlow itself when the library has one.
 */
export type KernelsName = 'node' | 'wasm' | 'cpu';
/** What a user may ask for: a kernel set, or the GPU build of the native one. */
export type KernelsChoice = KernelsName | 'node-gpu';
/** Tried in this order by 'auto' ('node-gpu' only when it is installed). */
export const KERNELS: readonly KernelsChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

const PACKAGE: Record<KernelsChoice, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};
const SET: Record<KernelsChoice, KernelsName> = { 'node-gpu': 'node', node: 'node', wasm: 'wasm', cpu: 'cpu' };
/** The name each kernel set registers with tfjs-core. */
const TF_BACKEND: Record<KernelsName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

const require = createRequire(import.meta.url);

// tfjs prints a banner ("looks like you are running TensorFlow.js in Node.js …") on first cpu
// use and a few other notices; production mode silences them. Set before any kernel runs.
tf.enableProdMode();

/** A kernel set that is loaded and initialized. */
export interface Kernels {
  readonly name: KernelsName;
  /** The package that provides them ('@tensorflow/tfjs-node-gpu' for the GPU build). */
  readonly package: string;
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

const HINT: Record<KernelsChoice, string> = {
  'node-gpu':
    `Install it with: npm install ${PACKAGE['node-gpu']} (Linux x64 with an NVIDIA GPU, and CUDA 11.2 and cuDNN 8.1 as its TensorFlow 2.9 library needs; it downloads that library at install time), or choose kernels 'node', 'wasm' or 'cpu'`,
  node: `Install it with: npm install ${PACKAGE.node} (it downloads the TensorFlow C library at install time; where that download fails, npx layerwise-tfjs-node builds it from the tensorflow-cpu wheel), or choose kernels 'wasm' or 'cpu'`,
  wasm: `Reinstall @layerwise/backend-tfjs (it depends on ${PACKAGE.wasm}), or choose other kernels`,
  cpu: `Reinstall @layerwise/backend-tfjs (it depends on ${PACKAGE.cpu}), or choose other kernels`,
};

function unavailable(name: KernelsChoice, e: unknown): BackendUnavailableError {
  const cause = String((e as Error)?.message ?? e).split('\n')[0];
  const err = new BackendUnavailableError(`TensorFlow.js ${name} kernels were asked for, but ${PACKAGE[name]} is not installed or failed to load. ${HINT[name]}\n  cause: ${cause}`);
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}

async function activate(name: KernelsName): Promise<void> {
  const tfName = TF_BACKEND[name];
  if (!(await tf.setBackend(tfName))) throw new Error(`tfjs could not initialize its '${tfName}' backend`);
  await tf.ready();
}

/** Which native package this process loaded: both register their kernels as 'tensorflow', so only one can. */
let nativeLoaded: 'node' | 'node-gpu' | null = null;

/**
 * Load @tensorflow/tfjs-node (or -gpu) now (synchronously), or throw the error naming the
 * package to install. tfjs-node throws a plain Error (no `code`) when its native part is
 * missing, so any error counts.
 */
export function requireNodeKernels(which: 'node' | 'node-gpu' = 'node'): void {
  if (nativeLoaded && nativeLoaded !== which)
    throw unavailable(which, new Error(`${PACKAGE[nativeLoaded]} is already loaded in this process, and both provide TensorFlow's kernels: one per process`));
  // TensorFlow's C++ logging: warnings and errors only (not its CPU-feature notice on every load).
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    require(PACKAGE[which]);
    if (!tf.engine().registryFactory[TF_BACKEND.node])
      throw new Error(
        `${PACKAGE[which]} loaded but registered its kernels with another copy of @tensorflow/tfjs-core (this package uses ${tf.version_core}); install matching versions`,
      );
    nativeLoaded = which;
  } catch (e) {
    throw unavailable(which, e);
  }
}

const isInstalled = (pkg: string) => {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
};

async function loadNative(which: 'node' | 'node-gpu'): Promise<string> {
  requireNodeKernels(which);
  await activate('node');
  return `TensorFlow.js native kernels (${PACKAGE[which]} ${versionOf(PACKAGE[which])}${which === 'node-gpu' ? ', CUDA build' : ''})`;
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

const LOADERS: Record<KernelsChoice, () => Promise<string>> = { 'node-gpu': () => loadNative('node-gpu'), node: () => loadNative('node'), wasm: loadWasm, cpu: loadCpu };
const loaded = new Map<KernelsChoice, Promise<string>>();

/** Load and initialize one kernel set (once per process). */
function load(name: KernelsChoice): Promise<string> {
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

/** Names users reach for that mean one of ours: packages, tfjs-core's backend names, the hardware. */
const ALIASES: Record<string, KernelsChoice> = {
  tensorflow: 'node',
  'tfjs-node': 'node',
  '@tensorflow/tfjs-node': 'node',
  native: 'node',
  gpu: 'node-gpu',
  cuda: 'node-gpu',
  'tfjs-node-gpu': 'node-gpu',
  '@tensorflow/tfjs-node-gpu': 'node-gpu',
  'tfjs-backend-wasm': 'wasm',
  '@tensorflow/tfjs-backend-wasm': 'wasm',
  'tfjs-backend-cpu': 'cpu',
  '@tensorflow/tfjs-backend-cpu': 'cpu',
};

/** A kernels option or LAYERWISE_TFJS_KERNELS value; anything else is refused, suggesting the one meant. */
export function parseKernels(value: unknown, where: string): KernelsChoice | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((KERNELS as readonly unknown[]).includes(value)) return value as KernelsChoice;
  const known = [...KERNELS, 'auto'];
  const meant = typeof value === 'string' ? (ALIASES[value.trim().toLowerCase()] ?? suggestKey(value.trim(), known)) : undefined;
  const shown = typeof value === 'string' ? `'${value}'` : describeValue(value);
  const webgl = value === 'webgl' || value === 'webgpu' ? ' (the webgl and webgpu kernels run in browsers, not in Node)' : '';
  throw new ConfigError(`${where}: unknown TensorFlow.js kernels ${shown}${meant ? ` (did you mean '${meant}'?)` : ''}${webgl}. Expected one of: ${known.join(', ')}`);
}

const kernels = async (choice: KernelsChoice, skipped: string[]): Promise<Kernels> => ({
  name: SET[choice],
  package: PACKAGE[choice],
  tfBackend: TF_BACKEND[SET[choice]],
  description: await load(choice),
  skipped,
});

/**
 * Resolve a choice: an explicit name loads exactly that set (failing with the package to
 * install); 'auto' tries tfjs-node-gpu when it is installed, then tfjs-node, wasm, cpu.
 */
export async function selectKernels(choice: KernelsChoice | 'auto'): Promise<Kernels> {
  if (choice !== 'auto') return kernels(choice, []);
  const skipped: string[] = [];
  for (const name of KERNELS) {
    // The GPU build is a deliberate install: not having it is not worth a line in the report.
    if (name === 'node-gpu' && !isInstalled(PACKAGE['node-gpu'])) continue;
    try {
      return await kernels(name, skipped);
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
