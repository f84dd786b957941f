import { ConfigError, WeightsError } from '../errors.js';
import { argsFromConfig, getLayerClass, type Layer } from '../engine/layer.js';
import type { Model } from '../engine/model.js';
import { getOptimizer } from '../optimizers/optimizers.js';
import { readContainer, writeContainer } from './container.js';
import type { Tensor } from '../tensor/tensor.js';

interface SavedLayer {
  className: string;
  config: Record<string, unknown>;
}
interface ModelHeader {
  kind: 'model' | 'weights';
  producer: string;
  model?: SavedLayer;
  /** compile()'s arguments: one output `loss: string, metrics: string[]`; several: a loss, a weight and a metric list per output. */
  training?: { optimizer: SavedLayer; loss: string | string[]; lossWeights?: number[]; metrics: string[] | string[][]; iterations: number };
  weights: string[];
}

/**
 * Build a layer (or model) from its saved class name and config: a registry lookup, never code
 * from the file. A class without `fromConfig` is constructed from the config as its args object.
 */
export function layerFromConfig(saved: SavedLayer): Layer {
  const cls = getLayerClass(saved.className);
  return cls.fromConfig ? cls.fromConfig(saved.config) : new cls(argsFromConfig(saved.config));
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

export function loadModelFile(path: string, options: { compile?: boolean } = {}): Model {
  const { header, arrays } = readContainer<ModelHeader>(path);
  if (header.kind !== 'model' || !header.model) throw new WeightsError(`'${path}' holds weights only; build the model in code and call model.loadWeights('${path}')`);
  const model = layerFromConfig(header.model) as Model;
  if (!('fit' in model)) throw new ConfigError(`'${path}' does not hold a model (top-level class ${header.model.className})`);
  const index = assignWeights(model, arrays, path);
  if (header.training && options.compile !== false) {
    const { loss, lossWeights, metrics } = header.training;
    model.compile({ optimizer: getOptimizer(header.training.optimizer), loss, lossWeights, metrics });
    model.optimizerState.iterations = header.training.iterations;
    model.weights.forEach((w, i) => {
      const slots: Tensor[] = [];
      const key = (j: number) => `slot${index[i]}.${j}:${w.name}`;
      for (let j = 0; arrays.has(key(j)); j++) slots.push(arrays.get(key(j))!);
      if (slots.length) model.optimizerState.slots.set(w, slots);
    });
  }
  return model;
}

export function saveWeightsFile(model: Model, path: string): void {
  writeContainer(path, { kind: 'weights', producer: 'layerwise', weights: model.weights.map((w) => w.name) }, weightArrays(model));
}

export function loadWeightsFile(model: Model, path: string): void {
  assignWeights(model, readContainer<ModelHeader>(path).arrays, path);
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
  const saved = [...arrays.entries()].filter(([k]) => k.startsWith('w'));
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
