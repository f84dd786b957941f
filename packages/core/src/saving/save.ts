import { ConfigError, DataError, type LayerwiseError, WeightsError } from '../errors.js';
import { argsFromConfig, getLayerClass, type Layer } from '../engine/layer.js';
import type { Model } from '../engine/model.js';
import { getOptimizer } from '../optimizers/optimizers.js';
import { openContainer, readArrays, writeContainer, type OpenedContainer } from './container.js';
import { isLocated, loadingFrom, markLocated, withWeightGuard } from './guard.js';
import { fieldOf, validateHeader, type ModelHeader, type SavedLayer } from './validate.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `e` with the file and field in front: a WeightsError or DataError keeps its class, anything
 * else (a layer's ShapeError on the file's shapes, a TypeError on a value of the wrong type)
 * is the file's config at fault: a ConfigError.
 */
function locate(e: unknown, path: string, where: string): Error {
  if (isLocated(e)) return e as Error;
  const message = e instanceof Error ? e.message : String(e);
  const Cls = e instanceof WeightsError || e instanceof DataError ? (e.constructor as new (m: string) => LayerwiseError) : ConfigError;
  const err = new Cls(`'${path}': ${where}: ${message}`);
  if (e instanceof Error) err.cause = e;
  return markLocated(err);
}

/**
 * Build a layer (or model) from its saved class name and config: a registry lookup, never
 * code from the file (a class without `fromConfig` is constructed from the config as its args
 * object). While loading a file, errors name the file and the layer's field.
 */
export function layerFromConfig(saved: SavedLayer): Layer {
  try {
    const cls = getLayerClass(saved.className);
    return cls.fromConfig ? cls.fromConfig(saved.config) : new cls(argsFromConfig(saved.config));
  } catch (e) {
    const path = loadingFrom();
    if (!path) throw e;
    const name = typeof saved.config?.name === 'string' ? ` '${saved.config.name}'` : '';
    throw locate(e, path, `${fieldOf.get(saved) ?? 'model'} (${saved.className}${name})`);
  }
}

function weightArrays(model: Model): [string, Tensor][] {
  return model.weights.map((w, i) => [`w${i}:${w.name}`, w.value]);
}

/** Architecture, weights and optimizer state in one file (Keras' model.save). */
export function saveModel(model: Model, path: string): void {
  const header: ModelHeader = {
    kind: 'model',
    producer: 'layerwise',
    model: { className: model.className, config: model.getConfig() },
    weights: model.weights.map((w) => w.name),
  };
  const arrays = weightArrays(model);
  if (model.optimizer && model.objectives) {
    header.training = {
      optimizer: { className: model.optimizer.className, config: model.optimizer.getConfig() },
      ...model.objectives.toConfig(),
      iterations: model.optimizerState.iterations,
    };
    model.weights.forEach((w, i) => model.optimizerState.slots.get(w)?.forEach((s, j) => arrays.push([`slot${i}.${j}:${w.name}`, s])));
  }
  writeContainer(path, header as unknown as Record<string, unknown>, arrays);
}

const WEIGHT = /^w\d+:/;

/**
 * Loads a model file. Everything is checked before the model is built (the file's structure,
 * checksums and header: openContainer, validateHeader), and while it is built every weight
 * must be one the file holds (withWeightGuard): a file that lies fails before allocating.
 */
export function loadModelFile(path: string, options: { compile?: boolean } = {}): Model {
  const file = openContainer(path);
  const layers = new Map<string, string>();
  const header = validateHeader(file.header, path, layers);
  if (header.kind !== 'model' || !header.model) throw new WeightsError(`'${path}' holds weights only; build the model in code and call model.loadWeights('${path}')`);
  const saved = file.entries.filter((e) => WEIGHT.test(e.name)).map((e): [string, number[]] => [e.name.slice(e.name.indexOf(':') + 1), e.shape]);
  const model = withWeightGuard(path, saved, layers, () => layerFromConfig(header.model as SavedLayer)) as Model;
  if (!('fit' in model)) throw new ConfigError(`'${path}': model.className: '${header.model.className}' is a layer, not a model`);
  const arrays = readArrays(file);
  const index = assignWeights(model, arrays, path);
  if (header.training && options.compile !== false) restoreTraining(model, header, arrays, index, path);
  return model;
}

/** compile() as saved, the step counter and the optimizer slots (each slot the shape of its weight; `index`: each weight's saved array, from assignWeights). */
function restoreTraining(model: Model, header: ModelHeader, arrays: Map<string, Tensor>, index: number[], path: string): void {
  const training = header.training!;
  let optimizer;
  try {
    optimizer = getOptimizer(training.optimizer);
  } catch (e) {
    throw locate(e, path, 'training.optimizer');
  }
  try {
    model.compile({ optimizer, loss: training.loss, lossWeights: training.lossWeights, metrics: training.metrics });
  } catch (e) {
    throw locate(e, path, 'training (loss, metrics)');
  }
  model.optimizerState.iterations = training.iterations;
  model.weights.forEach((w, i) => {
    const slots: Tensor[] = [];
    const key = (j: number) => `slot${index[i]}.${j}:${w.name}`;
    for (let j = 0; arrays.has(key(j)); j++) {
      const s = arrays.get(key(j))!;
      if (s.shape.length !== w.shape.length || s.shape.some((d, k) => d !== w.shape[k]))
        throw new WeightsError(`'${path}': optimizer slot '${key(j)}' has shape [${s.shape.join(', ')}], its weight '${w.name}' [${w.shape.join(', ')}]`);
      slots.push(s);
    }
    if (slots.length) model.optimizerState.slots.set(w, slots);
  });
}

export function saveWeightsFile(model: Model, path: string): void {
  writeContainer(path, { kind: 'weights', producer: 'layerwise', weights: model.weights.map((w) => w.name) }, weightArrays(model));
}

export function loadWeightsFile(model: Model, path: string): void {
  const file: OpenedContainer = openContainer(path);
  validateHeader(file.header, path);
  assignWeights(model, readArrays(file), path);
}

/**
 * Which saved array index holds each model weight: by name when the file names exactly the
 * model's weights (a model loaded from its own file; files written before weights took Keras'
 * order list BatchNormalization's moving statistics last), else by position (Keras' order).
 */
function savedIndices(model: Model, savedNames: string[]): number[] {
  const weights = model.weights;
  const byName = new Map(savedNames.map((n, i) => [n, i]));
  const named = byName.size === savedNames.length && savedNames.length === weights.length && weights.every((w) => byName.has(w.name));
  return weights.map((w, i) => (named ? byName.get(w.name)! : i));
}

/** Weights and the arrays meant for them; every shape is checked before any weight changes. */
function assignWeights(model: Model, arrays: Map<string, Tensor>, path: string): number[] {
  const saved = [...arrays.entries()].filter(([k]) => WEIGHT.test(k));
  const weights = model.weights;
  if (saved.length !== weights.length)
    throw new WeightsError(`'${path}' holds ${saved.length} weight arrays but model '${model.name}' has ${weights.length} (${weights.map((w) => w.name).join(', ')})`);
  const index = savedIndices(
    model,
    saved.map(([k]) => k.slice(k.indexOf(':') + 1)),
  );
  weights.forEach((w, i) => {
    const [key, t] = saved[index[i]];
    if (t.shape.length !== w.shape.length || t.shape.some((d, j) => d !== w.shape[j]))
      throw new WeightsError(`Weight ${i} '${w.name}' has shape [${w.shape.join(', ')}] but '${path}' holds '${key.slice(key.indexOf(':') + 1)}' of shape [${t.shape.join(', ')}]`);
  });
  weights.forEach((w, i) => w.assign(saved[index[i]][1]));
  return index;
}
