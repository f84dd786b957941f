/**
 * One layer's config between Keras' spelling and ours. Keras writes snake_case keys
 * (`use_bias`, `kernel_initializer`), `dtype` as a DTypePolicy and initializers and
 * regularizers as `{module, class_name, config, registered_name}`; Layerwise's configs are
 * the same arguments in camelCase with `{className, config}`.
 *
 * Keras options Layerwise does not have are accepted only at the value that means "off"
 * (a null constraint, `synchronized: false`); any other value is refused, naming it, so a
 * model never loads with a silently different meaning.
 */
import { ConfigError } from '../../errors.js';
import { isBuiltinActivation, isObject, type Json, type JsonObject } from './json.js';

/** Keys whose spelling is not the plain snake_case ↔ camelCase rule. */
const SNAKE_OF: Record<string, string> = { beta1: 'beta_1', beta2: 'beta_2' };
const CAMEL_OF: Record<string, string> = Object.fromEntries(Object.entries(SNAKE_OF).map(([c, s]) => [s, c]));

export function toCamel(key: string): string {
  return CAMEL_OF[key] ?? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
export function toSnake(key: string): string {
  return SNAKE_OF[key] ?? key.replace(/([A-Z])/g, (c) => `_${c.toLowerCase()}`);
}

/** Keras-only options and the value at which they change nothing (undefined: any value is harmless). */
const KERAS_ONLY: Record<string, Json | undefined> = {
  quantization_config: null,
  lora_rank: null,
  lora_alpha: null,
  synchronized: false,
  renorm: false,
  renorm_clipping: null,
  renorm_momentum: undefined,
  rms_scaling: false,
  sparse: false,
  ragged: false,
  optional: false,
  input_axes: null,
  output_axes: null,
  autocast: true,
};

/** Keras' value: Json equality for the small values these options hold. */
const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** A Keras `{class_name, config}` (initializer, regularizer) as ours, its config keys camelCase. */
function objectIn(v: JsonObject, where: string): { className: string; config: Record<string, unknown> } {
  if (typeof v.class_name !== 'string') throw new ConfigError(`${where}: expected {class_name, config}, got ${JSON.stringify(v).slice(0, 80)}`);
  const config = isObject(v.config) ? configIn(v.config, where) : {};
  return { className: v.class_name, config };
}

/** A Keras layer (or initializer) config as Layerwise's. `where` names it in errors. */
export function configIn(config: JsonObject, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key in KERAS_ONLY) {
      const off = KERAS_ONLY[key];
      if (off !== undefined && !same(value, off))
        throw new ConfigError(`${where}: Keras option '${key}' = ${JSON.stringify(value)} is not supported by Layerwise (only ${JSON.stringify(off)})`);
      continue;
    }
    if (key.endsWith('_constraint')) {
      if (value !== null) throw new ConfigError(`${where}: '${key}' is set, and Layerwise has no weight constraints (only null is supported)`);
      continue;
    }
    if (key === 'dtype') out.dtype = isObject(value) ? dtypeIn(value, where) : value;
    else if (key === 'activation' && isObject(value)) {
      if (!isBuiltinActivation(value)) throw new ConfigError(`${where}: activation ${JSON.stringify(value).slice(0, 80)} is not a built-in activation`);
      out.activation = value.config;
    } else if ((key.endsWith('_initializer') || key.endsWith('_regularizer')) && isObject(value)) out[toCamel(key)] = objectIn(value, `${where}.${key}`);
    else out[toCamel(key)] = value;
  }
  return out;
}

/** A DTypePolicy ('float32', 'mixed_float16' …): Layerwise computes in the policy's variable dtype. */
function dtypeIn(policy: JsonObject, where: string): string {
  const name = isObject(policy.config) ? policy.config.name : undefined;
  if (typeof name !== 'string') throw new ConfigError(`${where}: dtype policy without a name`);
  if (name.startsWith('mixed_')) throw new ConfigError(`${where}: dtype policy '${name}' (mixed precision) is not supported by Layerwise`);
  return name;
}

/** A `{className, config}` of ours (initializer, regularizer) as Keras writes it. */
function objectOut(module: string, v: { className: string; config: Record<string, unknown> }): JsonObject {
  return { module, class_name: v.className, config: configOut(v.config, false), registered_name: null };
}

const isSerialized = (v: unknown): v is { className: string; config: Record<string, unknown> } =>
  typeof v === 'object' && v !== null && typeof (v as { className?: unknown }).className === 'string';

/**
 * Layerwise's layer config as Keras': snake_case keys, a DTypePolicy (`policy`: layers do,
 * InputLayer and initializers do not), Keras' `{module, class_name, config, registered_name}`.
 */
export function configOut(config: Record<string, unknown>, policy = true): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'batchInputShape') continue; // the model's InputLayer carries it
    if (key === 'dtype' && policy && typeof value === 'string') {
      out.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: value }, registered_name: null };
    } else if (key.endsWith('Initializer') && isSerialized(value)) out[toSnake(key)] = objectOut('keras.initializers', value);
    else if (key.endsWith('Regularizer') && isSerialized(value)) out[toSnake(key)] = objectOut('keras.regularizers', value);
    else if (value !== undefined) out[toSnake(key)] = value as Json;
  }
  return out;
}
