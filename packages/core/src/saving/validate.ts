/**
 * The structure of a model file's header, checked before any layer is built: every field
 * the loader reads has the type it needs, every layer class is registered, and a functional
 * graph only refers to layers and calls that exist and come before (no unknown nodes, no
 * cycles). Errors name the file and the field (`'m.lw': model.config.layers[2].config: …`).
 * Layer arguments themselves are the layers' to check; what they would allocate is checked
 * against the file by the weight guard (guard.ts).
 */
import { ConfigError, WeightsError } from '../errors.js';
import { getLayerClass } from '../engine/layer.js';
import { describe, isCount, isObject } from './fields.js';

export interface SavedLayer {
  className: string;
  config: Record<string, unknown>;
}
/** compile()'s arguments: one output `loss: string, metrics: string[]`; several: a loss, a weight and a metric list per output. */
export interface TrainingConfig {
  optimizer: SavedLayer;
  loss: string | string[];
  lossWeights?: number[];
  metrics: string[] | string[][];
  iterations: number;
}
export interface ModelHeader {
  kind: 'model' | 'weights';
  producer?: string;
  model?: SavedLayer;
  training?: TrainingConfig;
  weights?: string[];
}

/** Deeper nesting than any real model (a model inside a model inside …): refused before recursing. */
const MAX_DEPTH = 64;

/** Where each validated layer config sits in the file, for errors raised while building it. */
export const fieldOf = new WeakMap<object, string>();

/** Layer name → where its config is in the file and its class (the first layer of that name). */
export type LayerFields = Map<string, string>;

/**
 * The header of a model or weights file, checked (see the top). `layers` is filled with
 * where each named layer's config sits (`model.config.layers[1] (Dense 'dense')`).
 */
export function validateHeader(header: Record<string, unknown>, path: string, layers: LayerFields = new Map()): ModelHeader {
  const bad = (field: string, why: string) => new WeightsError(`'${path}': ${field}: ${why}`);
  const { kind, model, training, weights, producer } = header;
  if (kind !== 'model' && kind !== 'weights') throw bad('header.kind', `expected 'model' or 'weights', got ${describe(kind)}`);
  if (producer !== undefined && typeof producer !== 'string') throw bad('header.producer', `expected a string, got ${describe(producer)}`);
  if (weights !== undefined && !(Array.isArray(weights) && weights.every((w) => typeof w === 'string'))) throw bad('header.weights', `expected a list of weight names, got ${describe(weights)}`);
  if (kind === 'model') {
    if (model === undefined) throw bad('header.model', 'missing (a model file holds the architecture)');
    validateLayer(model, 'model', path, 0, layers);
  }
  if (training !== undefined) validateTraining(training, path);
  return header as unknown as ModelHeader;
}

function validateTraining(training: unknown, path: string): void {
  const bad = (field: string, why: string) => new ConfigError(`'${path}': training${field}: ${why}`);
  if (!isObject(training)) throw bad('', `expected an object, got ${describe(training)}`);
  const { optimizer, loss, metrics, iterations } = training;
  if (!isObject(optimizer) || typeof optimizer.className !== 'string' || !isObject(optimizer.config))
    throw bad('.optimizer', `expected { className, config }, got ${describe(optimizer)}`);
  // One output: a loss name and a metric list; several: a loss, a weight and a metric list per output.
  const names = (xs: unknown) => Array.isArray(xs) && xs.every((m) => typeof m === 'string');
  if (typeof loss !== 'string' && !names(loss)) throw bad('.loss', `expected a loss name or one per output, got ${describe(loss)}`);
  if (!names(metrics) && !(Array.isArray(metrics) && metrics.every(names))) throw bad('.metrics', `expected a list of metric names (or one list per output), got ${describe(metrics)}`);
  const { lossWeights } = training;
  if (lossWeights !== undefined && !(Array.isArray(lossWeights) && lossWeights.every((w) => typeof w === 'number' && Number.isFinite(w))))
    throw bad('.lossWeights', `expected a list of numbers, got ${describe(lossWeights)}`);
  if (!isCount(iterations)) throw bad('.iterations', `expected a whole number ≥ 0, got ${describe(iterations)}`);
}

/** One saved layer ({ className, config }) at `field`, recursing into models. */
function validateLayer(saved: unknown, field: string, path: string, depth: number, layers: LayerFields): void {
  const bad = (at: string, why: string) => new ConfigError(`'${path}': ${field}${at}: ${why}`);
  if (depth > MAX_DEPTH) throw bad('', `models nested more than ${MAX_DEPTH} deep`);
  if (!isObject(saved)) throw bad('', `expected a layer { className, config }, got ${describe(saved)}`);
  const { className, config } = saved;
  if (typeof className !== 'string') throw bad('.className', `expected a class name, got ${describe(className)}`);
  if (!isObject(config)) throw bad('.config', `expected an object, got ${describe(config)}`);
  try {
    getLayerClass(className);
  } catch (e) {
    throw bad('.className', (e as Error).message);
  }
  if (config.name !== undefined && typeof config.name !== 'string') throw bad('.config.name', `expected a string, got ${describe(config.name)}`);
  fieldOf.set(saved, field);
  if (typeof config.name === 'string' && !layers.has(config.name)) layers.set(config.name, `${field} (${className} '${config.name}')`);
  if (className === 'Sequential') {
    if (!Array.isArray(config.layers)) throw bad('.config.layers', `expected a list of layers, got ${describe(config.layers)}`);
    config.layers.forEach((l: unknown, i) => validateLayer(l, `${field}.config.layers[${i}]`, path, depth + 1, layers));
  } else if (className === 'Functional') validateGraph(config, field, path, depth, layers);
  else if (className === 'InputLayer') {
    const shape = config.batchShape;
    if (!Array.isArray(shape) || !shape.every((d) => d === null || isCount(d))) throw bad('.config.batchShape', `expected a list of sizes (null for any), got ${describe(shape)}`);
  }
}

/**
 * A functional model's graph: layers with unique names; nodes that call a listed layer on
 * outputs of calls made before them (so no unknown reference and no cycle); inputs and
 * outputs that refer to calls that exist, inputs to InputLayers.
 */
function validateGraph(config: Record<string, unknown>, field: string, path: string, depth: number, layerFields: LayerFields): void {
  const bad = (at: string, why: string) => new ConfigError(`'${path}': ${field}.config${at}: ${why}`);
  const { layers, nodes, inputs, outputs } = config;
  if (!Array.isArray(layers)) throw bad('.layers', `expected a list of layers, got ${describe(layers)}`);
  const classOf = new Map<string, string>();
  layers.forEach((l: unknown, i) => {
    validateLayer(l, `${field}.config.layers[${i}]`, path, depth + 1, layerFields);
    const name = (l as SavedLayer).config.name;
    if (typeof name !== 'string') throw bad(`.layers[${i}].config.name`, `a functional model's layers need names, got ${describe(name)}`);
    if (classOf.has(name)) throw bad(`.layers[${i}].config.name`, `'${name}' is the name of two layers`);
    classOf.set(name, (l as SavedLayer).className);
  });
  if (!Array.isArray(nodes)) throw bad('.nodes', `expected a list of layer calls, got ${describe(nodes)}`);
  const calls = new Map<string, number>(); // layer name → calls made so far
  const checkRef = (ref: unknown, at: string) => {
    if (!Array.isArray(ref) || ref.length !== 3 || typeof ref[0] !== 'string' || !isCount(ref[1]) || !isCount(ref[2]))
      throw bad(at, `expected [layer name, call index, output index], got ${describe(ref)}`);
    if (!classOf.has(ref[0])) throw bad(at, `refers to layer '${ref[0]}', which is not in the model's layers`);
    if (ref[1] >= (calls.get(ref[0]) ?? 0))
      throw bad(at, `refers to call ${ref[1]} of layer '${ref[0]}', which is not made before this point (an unknown node or a cycle)`);
  };
  nodes.forEach((n: unknown, i) => {
    if (!isObject(n) || typeof n.layer !== 'string' || !Array.isArray(n.inputs)) throw bad(`.nodes[${i}]`, `expected { layer, inputs }, got ${describe(n)}`);
    if (!classOf.has(n.layer)) throw bad(`.nodes[${i}].layer`, `'${n.layer}' is not in the model's layers`);
    const isInput = classOf.get(n.layer) === 'InputLayer';
    if (isInput ? n.inputs.length !== 0 : n.inputs.length === 0) throw bad(`.nodes[${i}].inputs`, isInput ? 'an InputLayer takes no inputs' : `layer '${n.layer}' is called on nothing`);
    n.inputs.forEach((ref: unknown, j) => checkRef(ref, `.nodes[${i}].inputs[${j}]`));
    calls.set(n.layer, (calls.get(n.layer) ?? 0) + 1);
  });
  for (const [key, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
    if (!Array.isArray(list) || list.length === 0) throw bad(`.${key}`, `expected a list of [layer, call, output] references, got ${describe(list)}`);
    list.forEach((ref: unknown, j) => {
      checkRef(ref, `.${key}[${j}]`);
      if (key === 'inputs' && classOf.get((ref as string[])[0]) !== 'InputLayer') throw bad(`.inputs[${j}]`, `refers to layer '${(ref as string[])[0]}', which is not an InputLayer`);
    });
  }
}
