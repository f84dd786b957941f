// What every application shares: its options, Keras' argument checks, the image input, the
// classifier or pooling head, and the model with its weights.
import { checkOptions, ConfigError, Input, keysOf, Model, SymbolicTensor, deferInitialValues } from '@layerwise/core';
import { Dense, GlobalAveragePooling2D, GlobalMaxPooling2D } from '@layerwise/layers';
import { obtainInputShape, validateActivation, type InputShape } from './imagenet-utils.js';
import type { ArgumentMessages } from './messages.js';
import { checkWeightsArgument, loadApplicationWeights, type WeightsFile } from './weights.js';

/** The arguments of keras.applications' model functions, in camelCase. */
export interface ApplicationOptions {
  /** Include the classifier at the top (Keras' include_top). Default true. */
  includeTop?: boolean;
  /** 'imagenet' (Keras' file, downloaded and cached like Keras does), null (random), or a weights file. Default 'imagenet'. */
  weights?: 'imagenet' | (string & {}) | null;
  /** A symbolic tensor (from Input() or a layer) to build the model on. */
  inputTensor?: SymbolicTensor | null;
  /** One image's shape [height, width, channels], when includeTop is false (or weights are not ImageNet's). */
  inputShape?: InputShape | null;
  /** Without the top: 'avg' or 'max' global pooling of the last feature map, or none (a 4-D output). */
  pooling?: 'avg' | 'max' | null;
  /** Classes of the classifier (1000 with ImageNet weights). */
  classes?: number;
  /** Activation of the classifier; null gives the logits. Default 'softmax'. */
  classifierActivation?: string | null;
  /** The model's name. */
  name?: string;
}

export const applicationKeys = keysOf<ApplicationOptions>()({
  includeTop: true, weights: true, inputTensor: true, inputShape: true, pooling: true, classes: true, classifierActivation: true, name: true,
});

export interface Resolved {
  includeTop: boolean;
  weights: string | null;
  inputTensor: SymbolicTensor | null;
  inputShape: InputShape | null;
  pooling: 'avg' | 'max' | null;
  classes: number;
  classifierActivation: string | null;
  name: string;
}

/** Unknown keys refused (`include_top` → did you mean 'includeTop'?), defaults filled in, and Keras' two first checks (weights, then classes). */
export function resolveOptions(options: ApplicationOptions, defaultName: string, messages: ArgumentMessages, where = defaultName, extraKeys: readonly string[] = []): Resolved {
  checkOptions(where, options, [...applicationKeys, ...extraKeys]);
  const r: Resolved = {
    includeTop: options.includeTop ?? true,
    weights: options.weights === undefined ? 'imagenet' : options.weights,
    inputTensor: options.inputTensor ?? null,
    inputShape: options.inputShape ?? null,
    pooling: options.pooling ?? null,
    classes: options.classes ?? 1000,
    classifierActivation: options.classifierActivation === undefined ? 'softmax' : options.classifierActivation,
    name: options.name ?? defaultName,
  };
  checkWeightsArgument(r.weights, messages.weights);
  if (r.weights === 'imagenet' && r.includeTop && r.classes !== 1000) throw new ConfigError(messages.classes(r.classes));
  if (r.pooling !== null && r.pooling !== 'avg' && r.pooling !== 'max') throw new ConfigError(`pooling must be 'avg', 'max' or null, got '${r.pooling}'`);
  if (!Number.isInteger(r.classes) || r.classes < 1) throw new ConfigError(`classes must be a positive integer, got ${r.classes}`);
  if (r.inputTensor !== null && !(r.inputTensor instanceof SymbolicTensor))
    throw new ConfigError(`inputTensor must be a symbolic tensor (from Input() or a layer), got ${String(r.inputTensor)}`);
  return r;
}

/** Keras' obtain_input_shape for this model, then the image input (a new Input, or the given tensor). */
export function imageInput(r: Resolved, defaultSize: number, minSize: number): SymbolicTensor {
  const shape = obtainInputShape(r.inputShape, { defaultSize, minSize, dataFormat: 'channels_last', requireFlatten: r.includeTop, weights: r.weights });
  // Without the top and an inputShape, Keras' default is any image size, [null, null, 3]: the
  // model is traced and compiled for each size its data comes in (core's engine/input-sizes.ts).
  return r.inputTensor ?? Input({ shape });
}

/** The classifier (include_top) or the optional global pooling; Keras' layer names given as arguments. */
export function head(
  x: SymbolicTensor,
  r: Resolved,
  names: { topPool?: string; avg?: string; max?: string; classifier?: (x: SymbolicTensor) => SymbolicTensor } = {},
): SymbolicTensor {
  if (r.includeTop) {
    const features = names.classifier ? names.classifier(x) : new GlobalAveragePooling2D(names.topPool ? { name: names.topPool } : {}).apply(x);
    validateActivation(r.classifierActivation, r.weights);
    return new Dense(r.classes, { activation: r.classifierActivation, name: 'predictions' }).apply(features);
  }
  if (r.pooling === 'avg') return new GlobalAveragePooling2D(names.avg ? { name: names.avg } : {}).apply(x);
  if (r.pooling === 'max') return new GlobalMaxPooling2D(names.max ? { name: names.max } : {}).apply(x);
  return x;
}

/** Keras' get_source_inputs: the Input tensors a tensor comes from. */
export function sourceInputs(t: SymbolicTensor): SymbolicTensor[] {
  const found: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const visit = (s: SymbolicTensor) => {
    if (seen.has(s)) return;
    seen.add(s);
    if (s.node.inputs.length === 0) found.push(s);
    else s.node.inputs.forEach(visit);
  };
  visit(t);
  return found;
}

/**
 * Build a model whose weights a file will replace without drawing its random initial weights
 * first (VGG16's 138 M values: seconds of work and a second copy of the model in memory while
 * loading). `build` must create its layers before its first await (finishModel's load).
 */
export function buildDeferred<T>(options: ApplicationOptions, build: () => Promise<T>): Promise<T> {
  return options?.weights === null ? build() : deferInitialValues(build);
}

/** The functional model from the image input (or what feeds the given tensor) to `outputs`, with its weights loaded. */
export async function finishModel(imgInput: SymbolicTensor, outputs: SymbolicTensor, r: Resolved, imagenetFile: WeightsFile): Promise<Model> {
  const inputs = r.inputTensor ? sourceInputs(r.inputTensor) : imgInput;
  const model = new Model({ inputs, outputs, name: r.name });
  await loadApplicationWeights(model, r.weights, imagenetFile);
  return model;
}
