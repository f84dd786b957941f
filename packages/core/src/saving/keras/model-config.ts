/**
 * A model's architecture from Keras' config (config.json, a legacy .h5's model_config, a
 * tfjs-layers modelTopology) to Layerwise's configs: Sequential
 * (a list of layers), Functional (layers with their `inbound_nodes`, each argument a
 * `__keras_tensor__` whose `keras_history` is [layer, node index, tensor index]) and models
 * nested as layers of either. Keras 2's node lists (`[[layer, node, tensor, kwargs]]`, in
 * legacy .h5 and tfjs-layers files) are read too.
 */
import { ConfigError } from '../../errors.js';
import { getLayerClass, layerArgKeys } from '../../engine/layer.js';
import type { SavedLayer } from '../validate.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { configIn } from './layer-config.js';

export type Ref = [string, number, number];

const MODEL_CLASSES = new Set(['Functional', 'Model']);

const fail = (where: string, what: string): never => {
  throw new ConfigError(`${where}: ${what}`);
};

/** A Keras layer entry (`{class_name, config, …}`) as Layerwise's `{className, config}`. */
export function layerIn(entry: Json, where: string): SavedLayer {
  if (!isObject(entry) || typeof entry.class_name !== 'string') return fail(where, 'expected a layer {class_name, config}');
  if (!isObject(entry.config)) return fail(where, `layer '${entry.class_name}' has no config object`);
  const className = entry.class_name;
  const named = `${where} (${className}${typeof entry.config.name === 'string' ? ` '${entry.config.name}'` : ''})`;
  if (className === 'Sequential') return { className, config: sequentialIn(entry.config, named) };
  if (MODEL_CLASSES.has(className)) return { className: 'Functional', config: functionalIn(entry.config, named) };
  if (!isRegistered(className))
    return fail(
      named,
      `unknown layer class '${className}'${typeof entry.module === 'string' ? ` (Python module '${entry.module}')` : ''}. If a Layerwise plugin provides it, import that package before loading ` +
        `(the catalogue: import '@layerwise/layers'); for your own layer, write it as a Layer subclass with static className = '${className}' and call registerLayer(${className.replace(/\W/g, '') || 'YourLayer'}).`,
    );
  const config = configIn(entry.config, named);
  dropHarmlessUnknowns(className, config);
  // Keras 2 spellings: InputLayer's batch_input_shape; a normalization axis as a one-element list.
  if (className === 'InputLayer' && config.batchInputShape !== undefined && config.batchShape === undefined) {
    config.batchShape = config.batchInputShape;
    delete config.batchInputShape;
  }
  if ((className === 'BatchNormalization' || className === 'LayerNormalization') && Array.isArray(config.axis) && config.axis.length === 1) config.axis = config.axis[0];
  return { className, config };
}

function isRegistered(className: string): boolean {
  try {
    getLayerClass(className);
    return true;
  } catch {
    return false;
  }
}

function sequentialIn(config: JsonObject, where: string): Record<string, unknown> {
  if (!Array.isArray(config.layers)) return fail(where, "'layers' must be a list");
  const layers = config.layers.map((l, i) => layerIn(l, `${where}.layers[${i}]`));
  // Keras 2 repeats the input shape on the first layer after its InputLayer: the InputLayer holds it.
  if (layers[0]?.className === 'InputLayer') for (const l of layers.slice(1)) delete l.config.batchInputShape;
  return { name: config.name, layers };
}

/** A [layer, node, tensor] reference, checked. */
function refIn(v: Json, where: string): Ref {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || !Number.isSafeInteger(v[1]) || !Number.isSafeInteger(v[2]) || (v[1] as number) < 0 || (v[2] as number) < 0)
    return fail(where, `expected [layer name, node index, tensor index], got ${JSON.stringify(v).slice(0, 80)}`);
  return [v[0], v[1] as number, v[2] as number];
}

/** The tensors a Keras 3 node's `args` hold, in order (a merge layer's list is one argument). */
function tensorsIn(v: Json, where: string, out: Ref[]): Ref[] {
  if (Array.isArray(v)) v.forEach((x, i) => tensorsIn(x, `${where}[${i}]`, out));
  else if (isObject(v) && v.class_name === '__keras_tensor__') {
    if (!isObject(v.config)) return fail(where, 'a tensor without a config');
    out.push(refIn(v.config.keras_history, `${where}.keras_history`));
  } else if (v !== null) fail(where, `a call argument Layerwise cannot replay: ${JSON.stringify(v).slice(0, 80)}`);
  return out;
}

/** The tensors one inbound node consumes: Keras 3's `{args, kwargs}` or Keras 2's `[[layer, node, tensor, kwargs], …]`. */
function nodeInputs(node: Json, where: string): Ref[] {
  if (Array.isArray(node)) return node.map((r, i) => refIn(r, `${where}[${i}]`));
  if (!isObject(node)) return fail(where, 'expected {args, kwargs}');
  if (isObject(node.kwargs))
    for (const [k, v] of Object.entries(node.kwargs)) {
      // `mask: null` is every Keras 3 call; `training` only picks a mode, which fit/predict decide here.
      if (v !== null && k !== 'training') fail(`${where}.kwargs.${k}`, `call argument '${k}' = ${JSON.stringify(v).slice(0, 60)} is not supported`);
    }
  return tensorsIn(node.args ?? [], `${where}.args`, []);
}

/** `input_layers` / `output_layers`: one reference or a list of them. */
function refsIn(v: Json | undefined, where: string): Ref[] {
  if (!Array.isArray(v)) return fail(where, 'expected a list of [layer, node, tensor]');
  if (typeof v[0] === 'string') return [refIn(v, where)];
  return v.map((r, i) => refIn(r, `${where}[${i}]`));
}

/**
 * Keras' functional config as ours: the layers, and every layer call ordered so that each
 * comes after the calls producing its inputs (Keras lists layers, not calls, and a shared
 * layer's later call may consume a later layer's output).
 */
function functionalIn(config: JsonObject, where: string): Record<string, unknown> {
  if (!Array.isArray(config.layers)) return fail(where, "'layers' must be a list");
  const layers: SavedLayer[] = [];
  const pending: { layer: string; call: number; inputs: Ref[]; legacy: boolean }[] = [];
  const names = new Set<string>();
  config.layers.forEach((entry, i) => {
    const at = `${where}.layers[${i}]`;
    const saved = layerIn(entry, at);
    const name = (entry as JsonObject).name ?? saved.config.name;
    if (typeof name !== 'string') return fail(at, 'a layer without a name');
    if (names.has(name)) return fail(at, `two layers are named '${name}'`);
    names.add(name);
    saved.config.name = name;
    if (saved.className !== 'InputLayer') delete saved.config.batchInputShape; // the graph's InputLayers hold the shapes
    layers.push(saved);
    const inbound = (entry as JsonObject).inbound_nodes ?? [];
    if (!Array.isArray(inbound)) return fail(at, "'inbound_nodes' must be a list");
    if (!inbound.length && saved.className === 'InputLayer') pending.push({ layer: name, call: 0, inputs: [], legacy: false });
    inbound.forEach((node, call) => pending.push({ layer: name, call, inputs: nodeInputs(node, `${at}.inbound_nodes[${call}]`), legacy: Array.isArray(node) }));
  });
  // Keras counts a nested functional model's own construction as its node 0 in these lists
  // (and in Keras 2's node lists), not in Keras 3's call arguments. Keras 2's Sequential is a
  // functional model; Keras 3's is not (Keras 3 entries carry a `module`).
  const keras2 = config.layers.every((l) => isObject(l) && l.module === undefined);
  const nested = new Set(keras2 ? ['Functional', 'Sequential'] : ['Functional']);
  const models = new Set(layers.filter((l) => nested.has(l.className)).map((l) => l.config.name as string));
  const shift = (r: Ref): Ref => (models.has(r[0]) && r[1] > 0 ? [r[0], r[1] - 1, r[2]] : r);
  const inputs = refsIn(config.input_layers, `${where}.input_layers`).map(shift);
  const outputs = refsIn(config.output_layers, `${where}.output_layers`).map(shift);
  for (const p of pending) if (p.legacy) p.inputs = p.inputs.map(shift);
  for (const [name] of [...inputs, ...outputs, ...pending.flatMap((p) => p.inputs)])
    if (!names.has(name)) fail(where, `a tensor comes from layer '${name}', which the model does not list`);

  const calls = new Map<string, number>();
  const ready = ([name, call]: Ref) => (calls.get(name) ?? 0) > call;
  const nodes: { layer: string; inputs: Ref[] }[] = [];
  while (pending.length) {
    const i = pending.findIndex((p) => p.call === (calls.get(p.layer) ?? 0) && p.inputs.every(ready));
    if (i < 0) return fail(where, `the calls of layer(s) ${[...new Set(pending.map((p) => `'${p.layer}'`))].join(', ')} consume tensors no call produces (a cycle or a missing node)`);
    const [p] = pending.splice(i, 1);
    calls.set(p.layer, p.call + 1);
    nodes.push({ layer: p.layer, inputs: p.inputs });
  }
  for (const r of [...inputs, ...outputs]) if (!ready(r)) fail(where, `model input/output [${r.join(', ')}] is not produced by any call`);
  return { name: config.name, trainable: config.trainable ?? true, layers, nodes, inputs, outputs };
}

/**
 * Options Keras writes for classes whose Layerwise twin lacks them, at the value that changes
 * nothing (tf.keras' SeparableConv2D writes its Conv base's `groups: 1`, `kernel_initializer`,
 * `kernel_regularizer: null`, which it never uses): dropped, so the layer's own option check
 * sees only what matters. At any other value they stay, and the check names them.
 */
const ANY = Symbol('any value');
const HARMLESS_AT: Record<string, unknown> = { groups: 1, kernelInitializer: ANY, kernelRegularizer: null };
function dropHarmlessUnknowns(className: string, config: Record<string, unknown>): void {
  const cls = getLayerClass(className) as { optionKeys?: readonly string[] };
  const known = new Set<string>([...layerArgKeys, ...(cls.optionKeys ?? [])]);
  for (const [key, off] of Object.entries(HARMLESS_AT)) if (key in config && !known.has(key) && (off === ANY || config[key] === off)) delete config[key];
}
