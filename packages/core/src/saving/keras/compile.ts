/**
 * Keras 3's `compile_config` (optimizer with its hyperparameters, loss, metrics) and the
 * optimizer's variables in model.weights.h5 (`/optimizer/vars/0…`), so training resumes on
 * the same trajectory whichever tool saved the file.
 *
 * Keras' optimizer variables: 0 = iteration (int64), 1 = learning_rate, then the slots. Each
 * `add_optimizer_variables` call of the optimizer's build makes one block: for each trainable
 * variable (model.trainable_variables order), each of the call's slot names. Adam makes
 * [m, v] then (amsgrad) [v_hat]; RMSprop [velocity], [momentum], [average_gradient];
 * Adadelta [accumulated_grad, accumulated_delta_var]; SGD [momentum]; Adagrad [accumulator].
 */
import { ConfigError, WeightsError } from '../../errors.js';
import type { Model } from '../../engine/model.js';
import { losses, type Loss } from '../../losses/losses.js';
import type { LossArg, LossWeightsArg, MetricsArg } from '../../training/objectives.js';
import { getOptimizer, type Optimizer } from '../../optimizers/optimizers.js';
import { Tensor } from '../../tensor/tensor.js';
import { datasetInfo, readInto, writeDataset } from '../h5/datasets.js';
import type { H5File } from '../h5/file.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { toCamel, toSnake } from './layer-config.js';

/** Keras optimizer options Layerwise lacks, at the value meaning "off". */
const OFF: Record<string, Json> = {
  weight_decay: null,
  clipnorm: null,
  global_clipnorm: null,
  clipvalue: null,
  use_ema: false,
  ema_overwrite_frequency: null,
  loss_scale_factor: null,
  gradient_accumulation_steps: null,
};
const IGNORED = new Set(['name', 'ema_momentum', 'jit_compile', 'is_legacy_optimizer']);

function optimizerIn(v: Json | undefined, where: string): Optimizer {
  if (typeof v === 'string') return getOptimizer(v);
  if (!isObject(v) || typeof v.class_name !== 'string' || !isObject(v.config)) throw new ConfigError(`${where}: expected {class_name, config}`);
  const config: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v.config)) {
    if (k in OFF) {
      if (JSON.stringify(x) !== JSON.stringify(OFF[k])) throw new ConfigError(`${where}: optimizer option '${k}' = ${JSON.stringify(x)} is not supported by Layerwise`);
    } else if (k === 'learning_rate' && typeof x !== 'number') throw new ConfigError(`${where}: learning_rate ${JSON.stringify(x).slice(0, 80)} (a schedule) is not supported by Layerwise; give a number`);
    else if (!IGNORED.has(k)) config[toCamel(k)] = x;
  }
  // tf.keras writes its optimizers as 'Custom>Adam'; tfjs names RMSprop 'RMSProp' (rho: `decay`)
  // and SGD with momentum 'Momentum' (`useNesterov`).
  let className = v.class_name.replace(/^Custom>/, '');
  if (className === 'RMSProp') {
    className = 'RMSprop';
    if (config.rho === undefined && config.decay !== undefined) {
      config.rho = config.decay;
      delete config.decay;
    }
  } else if (className === 'Momentum') {
    className = 'SGD';
    if (config.useNesterov !== undefined) {
      config.nesterov = config.useNesterov;
      delete config.useNesterov;
    }
  }
  return getOptimizer({ className, config });
}

/** One loss as Keras writes it: 'mse', or {class_name: 'SparseCategoricalCrossentropy', config: {from_logits, …}}. */
function lossLeaf(v: Json, where: string): string | Loss {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.class_name === 'string') {
    const cls = (losses as unknown as Record<string, new (args: { fromLogits?: boolean }) => Loss>)[v.class_name];
    if (!cls || v.class_name === 'get') throw new ConfigError(`${where}: unknown loss class '${v.class_name}'`);
    const c = isObject(v.config) ? v.config : {};
    return new cls(typeof c.from_logits === 'boolean' ? { fromLogits: c.from_logits } : {});
  }
  throw new ConfigError(`${where}: loss ${JSON.stringify(v).slice(0, 80)} is not supported; load with { compile: false } and compile in code`);
}

/** The loss argument: one loss, a list per output, or a dict by output name (Keras' shapes, kept). */
function lossIn(v: Json | undefined, where: string): LossArg {
  if (Array.isArray(v)) return v.map((x, i) => lossLeaf(x, `${where}[${i}]`));
  if (isObject(v) && typeof v.class_name !== 'string') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lossLeaf(x, `${where}.${k}`)]));
  if (v === undefined || v === null) throw new ConfigError(`${where}: no loss`);
  return lossLeaf(v, where);
}

const SHORT_METRIC: Record<string, string> = { mean_absolute_error: 'mae', mean_squared_error: 'mse' };

/** One metric: its name ('accuracy'), or tf.keras' MeanMetricWrapper, whose `name` may carry an output's prefix ('p_mae'). */
function metricLeaf(m: Json, where: string): string {
  if (typeof m === 'string') return m;
  if (isObject(m) && isObject(m.config) && typeof m.config.name === 'string') {
    const { name, fn } = m.config;
    if (typeof fn !== 'string' || name === 'accuracy' || name === 'acc' || name === fn) return name;
    return SHORT_METRIC[fn] ?? fn;
  }
  throw new ConfigError(`${where}: metric ${JSON.stringify(m).slice(0, 80)} is not supported`);
}

/** Metrics: a list (or a list per output), or a dict by output name. */
function metricsIn(v: Json | undefined, where: string): MetricsArg | undefined {
  if (v === null || v === undefined) return undefined;
  const list = (x: Json, at: string): string[] | string => (Array.isArray(x) ? x.map((m, i) => metricLeaf(m, `${at}[${i}]`)) : metricLeaf(x, at));
  if (Array.isArray(v)) return v.map((x, i) => list(x, `${where}[${i}]`)) as MetricsArg;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, list(x, `${where}.${k}`)])) as MetricsArg;
  return [metricLeaf(v, where)];
}

function lossWeightsIn(v: Json | undefined, where: string): LossWeightsArg | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v) || isObject(v)) return v as LossWeightsArg;
  throw new ConfigError(`${where}: loss_weights must be a list or a dict`);
}

/** compile() as the file's compile_config says (per-output losses, loss weights and metrics too). */
export function compileFromConfig(model: Model, config: JsonObject, where: string): void {
  const optimizer = optimizerIn(config.optimizer, `${where}.optimizer`);
  const loss = lossIn(config.loss, `${where}.loss`);
  model.compile({ optimizer, loss, lossWeights: lossWeightsIn(config.loss_weights, `${where}.loss_weights`), metrics: metricsIn(config.metrics, `${where}.metrics`) });
}

export function compileToConfig(model: Model): JsonObject {
  const opt = model.optimizer!;
  const objectives = model.objectives!.toConfig();
  const cfg: JsonObject = { name: kerasName(opt) };
  for (const [k, v] of Object.entries(opt.getConfig())) if (k !== 'decay') cfg[toSnake(k)] = v as Json;
  return {
    optimizer: { module: 'keras.optimizers', class_name: opt.className, config: cfg, registered_name: null },
    loss: objectives.loss,
    loss_weights: objectives.lossWeights ?? null,
    metrics: objectives.metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** The optimizer's default name in Keras ('adam', 'SGD', 'rmsprop', …). */
const kerasName = (opt: Optimizer) => (opt.className === 'SGD' ? 'SGD' : opt.className.toLowerCase());

/** Our slot indices in Keras' blocks (see the file comment). */
function blocks(opt: Optimizer): number[][] {
  const n = opt.slots().length;
  const first = opt.className === 'Adam' || opt.className === 'Adadelta' ? Math.min(2, n) : Math.min(1, n);
  const out = first ? [Array.from({ length: first }, (_, i) => i)] : [];
  for (let i = first; i < n; i++) out.push([i]);
  return out;
}

/** Keras' list of optimizer variables after iteration and learning_rate: [weight index, slot index] each. */
function layout(model: Model): [number, number][] {
  const n = model.trainableWeights.length;
  return blocks(model.optimizer!).flatMap((block) => Array.from({ length: n }, (_, w) => block.map((s): [number, number] => [w, s])).flat());
}

/** Write /optimizer/vars as Keras does (slots not yet created by a fit are their initial values). */
export function writeOptimizerVars(f: H5File, model: Model): void {
  const opt = model.optimizer!;
  f.createGroup('/optimizer');
  f.createGroup('/optimizer/vars');
  f.setStrings('/optimizer/vars', 'name', kerasName(opt));
  writeDataset(f, '/optimizer/vars/0', Int32Array.of(model.optimizerState.iterations), [], 'int32');
  writeDataset(f, '/optimizer/vars/1', Float32Array.of(opt.learningRate), [], 'float32');
  const weights = model.trainableWeights;
  const inits = opt.slots();
  layout(model).forEach(([w, s], i) => {
    const weight = weights[w];
    const slot = model.optimizerState.slots.get(weight)?.[s];
    const data = slot ? (slot.data as Float32Array) : new Float32Array(weight.value.size).fill(inits[s].init);
    writeDataset(f, `/optimizer/vars/${i + 2}`, data, [...weight.shape], 'float32');
  });
}

/** Read /optimizer/vars into the (compiled) model's optimizer state; every shape checked first. */
export function readOptimizerVars(f: H5File, model: Model): void {
  if (f.kind('/optimizer/vars') !== 'group') return;
  const places = layout(model);
  const count = f.keys('/optimizer/vars').filter((k) => /^\d+$/.test(k)).length;
  // A compiled model that never trained: Keras saves iteration and learning_rate only.
  if (count === 2 && places.length) {
    const it = new Int32Array(1);
    readInto(f, '/optimizer/vars/0', it);
    model.optimizerState = { iterations: it[0], slots: new Map() };
    return;
  }
  if (count !== places.length + 2)
    throw new WeightsError(
      `'${f.path}': the optimizer has ${count} variables but ${model.optimizer!.className} over ${model.trainableWeights.length} trainable weights needs ${places.length + 2}`,
    );
  const weights = model.trainableWeights;
  places.forEach(([w], i) => {
    const shape = datasetInfo(f, `/optimizer/vars/${i + 2}`).shape;
    if (shape.join() !== weights[w].shape.join())
      throw new WeightsError(`'${f.path}': optimizer variable ${i + 2} has shape [${shape.join(', ')}], its weight '${weights[w].name}' [${weights[w].shape.join(', ')}]`);
  });
  const it = new Int32Array(1);
  readInto(f, '/optimizer/vars/0', it);
  const slots = new Map(weights.map((w) => [w, [] as Tensor[]]));
  places.forEach(([w, s], i) => {
    const values = new Float32Array(weights[w].value.size);
    readInto(f, `/optimizer/vars/${i + 2}`, values);
    slots.get(weights[w])![s] = new Tensor(values, [...weights[w].shape], 'float32');
  });
  model.optimizerState = { iterations: it[0], slots: places.length ? slots : new Map() };
}
