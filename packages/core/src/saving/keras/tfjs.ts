/**
 * TensorFlow.js' layers-model format: `model.json` (modelTopology: the architecture in Keras
 * 2's dialect; weightsManifest: each weight's name, shape and dtype, and the shard files that
 * hold them in order; trainingConfig) beside binary shards (`group1-shard1of1.bin`, raw
 * little-endian values). What tfjs-layers' `model.save('file://dir')` writes and
 * `tf.loadLayersModel` reads, and what tfjs' Python converter writes from a Keras file.
 *
 * Weights are paired per layer: the manifest names `<layer>/<weight>`, each layer's weights in
 * Keras 2's order (trainable, then non-trainable). The optimizer's weights (`group:
 * 'optimizer'`) are not restored: tfjs names them by its own variable counter.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, DataError, WeightsError } from '../../errors.js';
import type { Layer } from '../../engine/layer.js';
import type { Model } from '../../engine/model.js';
import { Tensor } from '../../tensor/tensor.js';
import { writeAtomically } from '../atomic.js';
import { withWeightGuard } from '../guard.js';
import { isModel, legacyWeights } from '../h5/plan.js';
import { layerFromConfig } from '../save.js';
import { compileFromConfig, compileToConfig } from './compile.js';
import { isObject, parseKerasJson, stringifyKeras, type Json, type JsonObject } from './json.js';
import { toCamel } from './layer-config.js';
import { layerIn } from './model-config.js';
import { modelOut } from './model-out.js';

const MAX_JSON_BYTES = 64 * 2 ** 20;
const SHARD = 'group1-shard1of1.bin';
export const TFJS_LAYERS_VERSION = '4.22.0';

/** Where tfjs' weight names differ from Keras': DepthwiseConv2D's kernel. */
const TFJS_NAME: Record<string, Record<string, string>> = { DepthwiseConv2D: { kernel: 'depthwise_kernel' } };

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in the concatenated shards. */
  offset: number;
  optimizer: boolean;
}

/** `path` is model.json itself or the folder holding it. */
export function modelJsonPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
}

/** The layers that own weights, nested models walked through, in Keras' order. */
function weightedLayers(model: Model): Layer[] {
  return model.layers.flatMap((l) => (isModel(l) ? weightedLayers(l) : legacyWeights(l).length ? [l] : []));
}

/** The manifest, checked: names, shapes, dtypes, shard files that are plain names beside model.json, sizes that add up. */
function readManifest(json: JsonObject, dir: string, file: string): { weights: ManifestWeight[]; bytes: Uint8Array } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new DataError(`'${file}': weightsManifest must be a list`);
  const weights: ManifestWeight[] = [];
  const shards: Uint8Array[] = [];
  let total = 0;
  manifest.forEach((group, g) => {
    const where = `'${file}': weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new DataError(`${where}: expected {paths, weights}`);
    let groupBytes = 0;
    group.weights.forEach((w, i) => {
      const at = `${where}.weights[${i}]`;
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new DataError(`${at}: expected {name, shape, dtype}`);
      if (w.quantization !== undefined) throw new DataError(`${at}: quantized weights are not supported`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new DataError(`${at}: dtype ${JSON.stringify(w.dtype)} is not supported (float32, int32)`);
      if (!w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw new DataError(`${at}: shape ${JSON.stringify(w.shape)} is not a list of whole numbers ≥ 0`);
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(size * 4)) throw new DataError(`${at}: shape [${shape.join(', ')}] is too large`);
      weights.push({ name: w.name, shape, dtype: w.dtype, offset: total + groupBytes, optimizer: w.group === 'optimizer' });
      groupBytes += size * 4;
    });
    let held = 0;
    for (const p of group.paths) {
      if (typeof p !== 'string' || p !== basename(p) || p === '..' || p === '.' || p.includes('\\')) throw new DataError(`${where}: shard path ${JSON.stringify(p)} must be a file name beside model.json`);
      const shard = join(dir, p);
      if (!existsSync(shard)) throw new DataError(`${where}: shard '${shard}' does not exist`);
      held += statSync(shard).size;
      if (held > groupBytes) break;
    }
    if (held !== groupBytes) throw new DataError(`${where}: the weights need ${groupBytes} bytes but the shard files hold ${held}`);
    for (const p of group.paths as string[]) shards.push(readFileSync(join(dir, p)));
    total += groupBytes;
  });
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    bytes.set(s, o);
    o += s.length;
  }
  return { weights, bytes };
}

export async function loadTfjsModel(path: string, options: { compile?: boolean } = {}): Promise<Model> {
  const file = modelJsonPath(path);
  if (!existsSync(file)) throw new DataError(`'${file}' does not exist`);
  if (statSync(file).size > MAX_JSON_BYTES) throw new DataError(`'${file}' is larger than ${MAX_JSON_BYTES} bytes: not a model.json`);
  const json = parseKerasJson(readFileSync(file, 'utf8'), file, 'model.json');
  if (!isObject(json) || !isObject(json.modelTopology)) throw new ConfigError(`'${file}': not a TensorFlow.js layers model (no modelTopology)`);
  // tfjs-layers writes the model's config itself; tfjs' converter wraps it in model_config.
  const topology: JsonObject = isObject(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  const training = json.trainingConfig ?? json.modelTopology.training_config;
  const saved = layerIn(topology, `'${file}': modelTopology`);
  if (saved.className !== 'Sequential' && saved.className !== 'Functional') throw new ConfigError(`'${file}': modelTopology holds a ${saved.className} layer, not a model`);
  const { weights, bytes } = readManifest(json, dirname(file), file);
  const own = weights.filter((w) => !w.optimizer);
  const model = withWeightGuard(file, own.map((w) => [w.name, w.shape]), new Map(), () => layerFromConfig(saved)) as Model;
  assignTfjsWeights(model, own, bytes, file);
  if (options.compile !== false && isObject(training)) {
    const t = training as JsonObject;
    compileFromConfig(model, { optimizer: t.optimizer_config ?? null, loss: t.loss ?? null, metrics: t.metrics ?? null }, `'${file}': trainingConfig`);
  }
  return model;
}

/** Pair each layer's weights with the manifest's `<layer>/…` entries, check every shape, then assign. */
function assignTfjsWeights(model: Model, manifest: ManifestWeight[], bytes: Uint8Array, file: string): void {
  const byLayer = new Map<string, ManifestWeight[]>();
  for (const w of manifest) {
    const parts = w.name.split('/');
    const layer = parts.length > 1 ? parts[parts.length - 2] : '';
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), w]);
  }
  const problems: string[] = [];
  const pairs: [Layer, ManifestWeight[]][] = [];
  for (const layer of weightedLayers(model)) {
    const vars = legacyWeights(layer);
    const saved = byLayer.get(layer.name) ?? [];
    byLayer.delete(layer.name);
    if (saved.length !== vars.length) problems.push(`layer '${layer.name}' has ${vars.length} weights, the manifest ${saved.length}`);
    else {
      vars.forEach((v, i) => {
        if (saved[i].shape.join() !== v.shape.join()) problems.push(`'${saved[i].name}' has shape [${saved[i].shape.join(', ')}], weight '${v.name}' [${v.shape.join(', ')}]`);
        else if (saved[i].dtype !== 'float32') problems.push(`'${saved[i].name}' is ${saved[i].dtype}, weight '${v.name}' float32`);
      });
      pairs.push([layer, saved]);
    }
  }
  for (const [name, rest] of byLayer) problems.push(`the manifest holds ${rest.length} weight(s) of '${name}', which the model has no layer for`);
  if (problems.length) throw new WeightsError(`Cannot load the weights of '${file}' into model '${model.name}':\n${problems.slice(0, 20).map((p) => `  - ${p}`).join('\n')}`);
  for (const [layer, saved] of pairs)
    legacyWeights(layer).forEach((v, i) => {
      const w = saved[i];
      const values = new Float32Array(v.value.size);
      new Uint8Array(values.buffer).set(bytes.subarray(w.offset, w.offset + values.length * 4));
      v.assign(new Tensor(values, [...v.shape], 'float32'));
    });
}

/**
 * An optimizer as tfjs names it: camelCase options, RMSprop is 'RMSProp' (its rho is `decay`),
 * SGD with momentum is 'Momentum' (`useNesterov`).
 */
function tfjsOptimizer(opt: { class_name: string; config: Record<string, Json> }): JsonObject {
  const config: JsonObject = Object.fromEntries(Object.entries(opt.config).filter(([k]) => k !== 'name').map(([k, v]) => [toCamel(k), v]));
  if (opt.class_name === 'RMSprop') {
    const { rho, ...rest } = config;
    return { class_name: 'RMSProp', config: { ...rest, decay: rho } };
  }
  if (opt.class_name === 'SGD' && config.momentum) {
    const { nesterov, ...rest } = config;
    return { class_name: 'Momentum', config: { ...rest, useNesterov: nesterov } };
  }
  return { class_name: opt.class_name, config };
}

/** tfjs knows one regularizer class, L1L2: Keras' L1 and L2 written as it. */
function l1l2Only(v: Json): Json {
  if (Array.isArray(v)) return v.map(l1l2Only);
  if (!isObject(v)) return v;
  if ((v.class_name === 'L1' || v.class_name === 'L2') && isObject(v.config))
    return { class_name: 'L1L2', config: { l1: v.config.l1 ?? 0, l2: v.config.l2 ?? 0 } };
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, l1l2Only(x)]));
}

/** tfjs' name of a weight: `<layer>/<name>`, as tfjs-layers creates it. */
function tfjsName(layer: Layer, variableName: string): string {
  const short = variableName.slice(variableName.lastIndexOf('/') + 1);
  return `${layer.name}/${TFJS_NAME[layer.className]?.[short] ?? short}`;
}

export async function saveTfjsModel(model: Model, path: string): Promise<void> {
  if (basename(path) !== 'model.json' && !path.endsWith('.json')) throw new ConfigError(`saveTfjsModel: '${path}' must be a model.json path`);
  const dir = dirname(path);
  if (!existsSync(dir)) throw new DataError(`Cannot write '${path}': the folder '${dir}' does not exist`);
  const specs: JsonObject[] = [];
  const parts: Float32Array[] = [];
  for (const layer of weightedLayers(model))
    for (const v of legacyWeights(layer)) {
      specs.push({ name: tfjsName(layer, v.name), shape: [...v.shape], dtype: 'float32' });
      parts.push(v.value.data as Float32Array);
    }
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const bin = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    bin.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  const json: JsonObject = {
    modelTopology: { ...(l1l2Only(modelOut(model, 'keras2')) as JsonObject), keras_version: `tfjs-layers ${TFJS_LAYERS_VERSION}`, backend: 'tensor_flow.js' },
    format: 'layers-model',
    generatedBy: 'Layerwise',
    convertedBy: null,
    weightsManifest: [{ paths: [SHARD], weights: specs }],
  };
  if (model.optimizer && model.loss) {
    const c = compileToConfig(model);
    json.trainingConfig = { loss: c.loss, metrics: c.metrics, optimizer_config: tfjsOptimizer(c.optimizer as { class_name: string; config: Record<string, Json> }) };
  }
  await writeAtomically(join(dir, SHARD), (temp) => writeFileSync(temp, bin));
  await writeAtomically(path, (temp) => writeFileSync(temp, stringifyKeras(json)));
}
