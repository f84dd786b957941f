/**
 * The JSON of a Keras file, checked before anything is built from it (Keras' safe_mode and
 * more): no key may reach an object's prototype, nesting and size are bounded, and no
 * serialized function or Lambda layer is ever accepted (we never evaluate code from files).
 */
import { ConfigError } from '../../errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 200;

/** Keras' class names for serialized Python code (lambda bytecode, a named function, a Lambda layer). */
const CODE_CLASSES = new Set(['__lambda__', 'function', 'Lambda', 'TFOpLambda', 'SlicingOpLambda', '__bytes__']);

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse `text` (the file's `entry`) and check it. A Keras activation serialized as
 * `{module: 'keras.activations', class_name: 'function', config: 'relu'}` names a built-in
 * and is allowed (it is turned into its name); any other function is refused.
 */
export function parseKerasJson(text: string, file: string, entry: string): Json {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (e) {
    throw new ConfigError(`'${file}': ${entry} is not valid JSON (${(e as Error).message})`);
  }
  check(value, `${entry}`, 0, file);
  return value;
}

function check(v: Json, where: string, depth: number, file: string): void {
  if (depth > MAX_DEPTH) throw new ConfigError(`'${file}': ${where}: nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(v)) {
    v.forEach((x, i) => check(x, `${where}[${i}]`, depth + 1, file));
    return;
  }
  if (!isObject(v)) return;
  for (const key of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(key)) throw new ConfigError(`'${file}': ${where}: the key '${key}' is not allowed in a model file`);
  }
  const cls = v.class_name;
  if (typeof cls === 'string' && CODE_CLASSES.has(cls) && !isBuiltinActivation(v)) {
    const name = isObject(v.config) && typeof v.config.name === 'string' ? ` '${v.config.name}'` : '';
    throw new ConfigError(
      `'${file}': ${where}: ${cls === 'Lambda' || cls.endsWith('Lambda') ? `Lambda layer${name}` : `a serialized Python function (${cls})`} ` +
        `holds code, and Layerwise never runs code from a file (as Keras' safe_mode). Rebuild that part as a layer ` +
        `and register it with registerLayer(), or save the model without it.`,
    );
  }
  for (const [k, x] of Object.entries(v)) check(x, `${where}.${k}`, depth + 1, file);
}

/** `{module: 'keras.activations', class_name: 'function', config: 'relu'}`: a built-in activation by name. */
export function isBuiltinActivation(v: JsonObject): boolean {
  return v.class_name === 'function' && typeof v.config === 'string' && (v.module === 'keras.activations' || v.module === 'keras.src.activations.activations');
}

/** Keys Keras checks to be floats (an optimizer's `learning_rate: 1` is refused; `1.0` is not). */
const FLOAT_KEYS = new Set(['learning_rate', 'momentum', 'rho', 'epsilon', 'beta_1', 'beta_2', 'initial_accumulator_value', 'ema_momentum']);
const FLOAT_MARK = '\u0000float:';

/** JSON text as Python's json writes it for these values: whole-number floats keep their `.0`. */
export function stringifyKeras(value: unknown): string {
  const text = JSON.stringify(value, (key, v) => (FLOAT_KEYS.has(key) && Number.isInteger(v) ? `${FLOAT_MARK}${v}` : v));
  return text.replace(/"\\u0000float:(-?\d+)"/g, '$1.0');
}
