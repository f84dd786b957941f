import { ConfigError } from './errors.js';
import { Tensor } from './tensor/tensor.js';

/**
 * The one check every public options object goes through (layers, compile, fit, callbacks,
 * generators, datasets, plots, backends, applications). Keras raises on an unknown keyword
 * argument; in plain JavaScript a misspelled key (`activaton`, Python's `batch_size`) would
 * otherwise be ignored silently, and a positional number (`fit(x, y, 32, 10)`) would too.
 */

/** A value and its type, for messages: `'5' (a string)`, `2.5 (a number)`, `an array of 2`, `a Tensor of shape [2, 3]`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} (a ${typeof v})`;
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'function') return 'a function';
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * The keys of an options type, listed once beside the type. Every key must be listed and no
 * other may be (TypeScript checks both), so a new option cannot be added without its key:
 * `keysOf<DenseArgs>()({ activation: true, useBias: true, … })`.
 */
export function keysOf<T extends object>(): (keys: { [K in keyof Required<T>]: true }) => readonly string[] {
  return (keys) => Object.keys(keys);
}

/** Python's snake_case spelling to ours: batch_size → batchSize, input_shape → inputShape. */
export function snakeToCamel(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Optimal string alignment distance (edits, with adjacent swaps counted as one). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * The known key a user most likely meant: the camelCase of a snake_case key first, then the same
 * letters in another case, then the nearest by edit distance (at most a third of the length).
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const camel = snakeToCamel(key);
  if (camel !== key && known.includes(camel)) return camel;
  const lower = camel.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower || k.toLowerCase() === key.replace(/_/g, '').toLowerCase());
  if (sameLetters) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(camel.length / 3)) + 1;
  for (const k of known) {
    const dist = Math.min(editDistance(camel.toLowerCase(), k.toLowerCase()), editDistance(key.toLowerCase(), k.toLowerCase()));
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return best;
}

/** `(did you mean 'batchSize'?)` or nothing. */
export function didYouMean(key: string, known: readonly string[]): string {
  const s = suggestKey(key, known);
  return s ? ` (did you mean '${s}'?)` : '';
}

/**
 * Check an options object: undefined passes; anything but a plain object (a positional number,
 * a string, an array) is refused; an unknown key is refused with the known keys and a
 * suggestion. `where` names the call or layer: `fit`, `Dense 'dense_1'`, `ImageDataGenerator`.
 */
export function checkOptions<T>(where: string, options: T, known: readonly string[]): T {
  if (options === undefined) return options;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || !isPlainObject(options))
    throw new ConfigError(
      `${where}: expected an options object such as { ${known[0] ?? 'key'}: … }, got ${describeValue(options)}; options are passed by name, not by position. Known options: ${known.join(', ')}`,
    );
  for (const key of Object.keys(options as object)) {
    if (known.includes(key)) continue;
    throw new ConfigError(`${where}: unknown option '${key}'${didYouMean(key, known)}. Known options: ${known.join(', ')}`);
  }
  return options;
}

/** Object literals and Object.create(null) maps, not class instances (a Tensor is not an options object). */
function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
