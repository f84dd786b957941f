/**
 * The check every new weight passes before its memory is allocated (Layer.addWeight calls
 * checkNewWeight). Always: its shape is whole numbers ≥ 0 and small enough for one array.
 * While a model is built from a file (withWeightGuard): its shape must be one the file
 * holds for a weight not yet claimed — so a config that lies (`units: 50000000` beside a
 * [7, 10] kernel) fails before allocating, naming the file, the layer and both shapes.
 * Matching is by shape, not position or name, so it holds whatever order weights come in.
 */
import { ConfigError, WeightsError } from '../errors.js';

/** The most elements one weight may have (a Float32Array of this many is 8 GiB). */
export const MAX_WEIGHT_ELEMENTS = 2 ** 31 - 1;

interface Guard {
  path: string;
  /** Layer name → its field in the file (validate.ts). */
  layers: Map<string, string>;
  /** Shapes the file holds for weights not yet claimed ("7,10" → count). */
  remaining: Map<string, number>;
  /** Weight name → shape in the file (for the error message). */
  byName: Map<string, number[]>;
}

/** Errors that already name the file and field (an outer layer does not prefix them again). */
const located = new WeakSet<Error>();
export const markLocated = <E extends Error>(e: E): E => (located.add(e), e);
export const isLocated = (e: unknown): boolean => e instanceof Error && located.has(e);

let active: Guard | undefined;

/** The file a model is being built from (while withWeightGuard runs), else undefined. */
export function loadingFrom(): string | undefined {
  return active?.path;
}

/** Runs `build` with every new weight checked against `saved` (the file's weight arrays: variable name → shape). */
export function withWeightGuard<T>(path: string, saved: [string, number[]][], layers: Map<string, string>, build: () => T): T {
  const remaining = new Map<string, number>();
  for (const [, shape] of saved) remaining.set(shape.join(','), (remaining.get(shape.join(',')) ?? 0) + 1);
  const previous = active;
  active = { path, layers, remaining, byName: new Map(saved) };
  try {
    return build();
  } finally {
    active = previous;
  }
}

export function checkNewWeight(layer: string, weight: string, shape: readonly unknown[]): void {
  const name = `${layer}/${weight}`;
  const shown = `[${shape.map((d) => (typeof d === 'string' ? `'${d}'` : String(d))).join(', ')}]`;
  const where = active ? `'${active.path}': ${active.layers.get(layer) ?? `layer '${layer}'`}: ` : '';
  if (!shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
    throw markLocated(new ConfigError(`${where}Layer '${layer}': weight '${weight}' would have shape ${shown}; sizes must be whole numbers ≥ 0 (check the layer's arguments)`));
  const size = (shape as number[]).reduce((n, d) => n * d, 1);
  if (!active) {
    if (size > MAX_WEIGHT_ELEMENTS) throw new ConfigError(`Layer '${layer}': weight '${weight}' would have shape ${shown}, ${size} values: more than one array can hold (check the layer's arguments)`);
    return;
  }
  const key = shape.join(',');
  const left = active.remaining.get(key) ?? 0;
  if (left === 0) {
    const inFile = active.byName.get(name);
    const holds = inFile ? `the file holds it with shape [${inFile.join(', ')}]` : 'the file holds no weight of that shape for it';
    throw markLocated(new WeightsError(`${where}its config would create weight '${name}' of shape ${shown}, but ${holds}`));
  }
  active.remaining.set(key, left - 1);
}
