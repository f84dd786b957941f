/** What the commands share: where they print, the backend/seed/verbosity settings, number formatting. */
import { getBackend, setBackend, setSeed, setKerasDefaults } from '@layerwise/core';
import type { DataOptions } from './data.js';

/** Where a command prints (process.stdout/stderr, or a buffer in tests). */
export interface Writer {
  write(s: string): unknown;
  isTTY?: boolean;
}
export interface Io {
  stdout: Writer;
  stderr: Writer;
}

export const BACKENDS = ['onnx', 'tfjs'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface CommonOptions extends Pick<DataOptions, 'dataset' | 'dataDir' | 'offline' | 'load'> {
  /** Compute backend; default: core's choice (LAYERWISE_BACKEND, else the first installed). */
  backend?: BackendName;
  /** Seed every source of randomness (weights, shuffling, dropout masks). */
  seed?: number;
  /** fit's verbose; default 1 on a terminal, 2 (one line per epoch) otherwise. */
  verbose?: 0 | 1 | 2;
  /** Optimizer defaults of Keras 2 (the tutorial's version) or 3; default 2 on the command line. */
  kerasDefaults?: 2 | 3;
}

/** Apply --backend (loading it now, so a missing one fails before any work) and --seed. */
export async function setup(options: CommonOptions): Promise<void> {
  if (options.backend) {
    setBackend(options.backend);
    await getBackend();
  }
  if (options.seed !== undefined) setSeed(options.seed);
  setKerasDefaults(options.kerasDefaults ?? 3);
}

/** Keras' fit prints a redrawn progress bar on a terminal; in a log one line per epoch reads better. */
export function resolveVerbose(options: CommonOptions, io: Io, fallback?: 0 | 1 | 2): 0 | 1 | 2 {
  return options.verbose ?? fallback ?? (io.stdout.isTTY ? 1 : 2);
}

/** A line to stdout. */
export function say(io: Io, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** 0.87654 → "0.8765". */
/**
 * A metric as the tutorial's `print("test acc : ", score[1])` shows it: Keras holds metrics in
 * float32 and Python prints the float's shortest repr, so 0.698 prints as 0.6980000138282776
 * (JavaScript's number-to-string is the same shortest-repr rule).
 */
export const pyFloat = (v: number): string => String(Math.fround(v));
export const f4 = (v: number | undefined): string => (v === undefined ? '   -  ' : v.toFixed(4));
