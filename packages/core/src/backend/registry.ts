import { BackendUnavailableError, ConfigError } from '../errors.js';
import type { Backend } from './backend.js';

/** Backends core knows how to find, in the order tried when none is chosen. */
const KNOWN_BACKENDS: Record<string, string> = {
  onnx: '@layerwise/backend-onnx',
  tfjs: '@layerwise/backend-tfjs',
};

const registered = new Map<string, Backend>();
let current: Backend | null = null;
let chosenName: string | null = null;

/** Make a backend object available by its name (what a backend plugin calls). */
export function registerBackend(backend: Backend): void {
  registered.set(backend.name, backend);
}

/**
 * Choose the backend for models that do not pick their own: a Backend object, or the name
 * of a registered or known one ('onnx', 'tfjs'). Names are loaded on first use.
 */
export function setBackend(backend: Backend | string): void {
  if (typeof backend === 'string') {
    if (!registered.has(backend) && !KNOWN_BACKENDS[backend])
      throw new ConfigError(`Unknown backend '${backend}'. Known: ${[...new Set([...registered.keys(), ...Object.keys(KNOWN_BACKENDS)])].join(', ')}`);
    chosenName = backend;
    current = registered.get(backend) ?? null;
  } else {
    registerBackend(backend);
    chosenName = backend.name;
    current = backend;
  }
}

/** Load a backend package by name; its module must export `backend` (a Backend). */
async function load(name: string): Promise<Backend> {
  const existing = registered.get(name);
  if (existing) return existing;
  const pkg = KNOWN_BACKENDS[name];
  if (!pkg) throw new ConfigError(`Unknown backend '${name}'. Known: ${Object.keys(KNOWN_BACKENDS).join(', ')}`);
  let mod: { backend?: Backend };
  try {
    mod = await import(pkg);
  } catch (e) {
    const err = new BackendUnavailableError(
      `The '${name}' backend is not installed (or failed to load). Install it with: npm install ${pkg}` +
        `\n  cause: ${(e as Error).message.split('\n')[0]}`,
    );
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
  if (!mod.backend)
    throw new BackendUnavailableError(`The '${name}' backend is unavailable: ${pkg} is installed but provides no backend in this version. Install a version that does: npm install ${pkg}@latest`);
  registerBackend(mod.backend);
  return mod.backend;
}

/**
 * The backend to use: a `setBackend` choice, else `LAYERWISE_BACKEND`, else the first of
 * @layerwise/backend-onnx, @layerwise/backend-tfjs that is installed.
 */
export async function getBackend(name?: string): Promise<Backend> {
  if (name) return load(name);
  if (current) return current;
  const wanted = chosenName ?? process.env.LAYERWISE_BACKEND;
  if (wanted) {
    current = await load(wanted);
    return current;
  }
  const failures: string[] = [];
  for (const candidate of Object.keys(KNOWN_BACKENDS)) {
    try {
      current = await load(candidate);
      return current;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  throw new BackendUnavailableError(
    `No Layerwise compute backend is installed. Install one of:\n  npm install @layerwise/backend-onnx   (ONNX Runtime)\n  npm install @layerwise/backend-tfjs   (TensorFlow.js)`,
  );
}
