/**
 * A model's architecture as Keras writes it, in two dialects:
 *
 *   keras3   config.json of a .keras file: layers with `module`, dtype as a DTypePolicy,
 *            InputLayer `batch_shape`, each call `{args: [__keras_tensor__…], kwargs}`
 *   keras2   a legacy .h5's model_config and tfjs-layers' modelTopology: dtype a string,
 *            InputLayer `batch_input_shape`, each call a list `[[layer, node, tensor, {}], …]`
 *
 * Keras counts a nested functional model's construction as its node 0 wherever it lists nodes
 * by index, except in Keras 3's call arguments.
 */
import type { Layer, LayerNode, SymbolicTensor } from '../../engine/layer.js';
import type { Model } from '../../engine/model.js';
import type { SavedLayer } from '../validate.js';
import type { Json, JsonObject } from './json.js';
import { configOut } from './layer-config.js';
import type { Ref } from './model-config.js';

export type Dialect = 'keras3' | 'keras2';

const isModel = (layer: Layer): layer is Model => Array.isArray((layer as Partial<Model>).layers);
/** A nested model whose construction Keras counts as node 0 (Keras 2: any model; Keras 3: functional ones). */
const countsConstruction = (layer: Layer, dialect: Dialect) => isModel(layer) && (dialect === 'keras2' || layer.className !== 'Sequential');

function entry(dialect: Dialect, className: string, config: JsonObject, module = 'keras.layers'): JsonObject {
  return dialect === 'keras3' ? { module, class_name: className, config, registered_name: null } : { class_name: className, config };
}

function inputLayerOut(config: Record<string, unknown>, dialect: Dialect): JsonObject {
  const shapeKey = dialect === 'keras3' ? 'batch_shape' : 'batch_input_shape';
  return entry(dialect, 'InputLayer', { [shapeKey]: config.batchShape as Json, dtype: (config.dtype as string) ?? 'float32', sparse: false, ragged: false, name: config.name as string });
}

/** A layer (or nested model) entry, without its graph fields. */
export function layerOut(layer: Layer, dialect: Dialect): JsonObject {
  if (isModel(layer)) return modelOut(layer, dialect);
  if (layer.className === 'InputLayer') return inputLayerOut(layer.getConfig(), dialect);
  return entry(dialect, layer.className, configOut(layer.getConfig(), dialect === 'keras3'));
}

function sequentialOut(model: Model, dialect: Dialect): JsonObject {
  const saved = model.getConfig().layers as SavedLayer[];
  const first = saved[0];
  const layers: JsonObject[] = [];
  const batchShape = (first?.className === 'InputLayer' ? first.config.batchShape : first?.config.batchInputShape) as Json | undefined;
  if (first?.className === 'InputLayer') layers.push(inputLayerOut(first.config, dialect));
  else if (batchShape) layers.push(inputLayerOut({ batchShape, name: `${model.name}_input` }, dialect));
  layers.push(...model.layers.map((l) => layerOut(l, dialect)));
  const config: JsonObject = { name: model.name, trainable: model.trainable, layers };
  if (dialect === 'keras2') return { class_name: 'Sequential', config };
  config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  return { ...entry(dialect, 'Sequential', config, 'keras'), ...(batchShape ? { build_config: { input_shape: batchShape } } : {}) };
}

/** Keras' config of a model (Sequential or Functional). */
export function modelOut(model: Model, dialect: Dialect): JsonObject {
  if (model.className === 'Sequential') return sequentialOut(model, dialect);
  const nodes: LayerNode[] = model.layerNodes;
  const callIndex = new Map<LayerNode, number>();
  const perLayer = new Map<Layer, number>();
  for (const n of nodes) {
    callIndex.set(n, perLayer.get(n.layer) ?? 0);
    perLayer.set(n.layer, callIndex.get(n)! + 1);
  }
  const ref = (t: SymbolicTensor): Ref => [t.node.layer.name, callIndex.get(t.node)!, t.index];
  const counted = (t: SymbolicTensor): Ref => {
    const r = ref(t);
    return countsConstruction(t.node.layer, dialect) ? [r[0], r[1] + 1, r[2]] : r;
  };
  const call = (n: LayerNode): Json => {
    if (dialect === 'keras2') return n.inputs.map((t) => [...counted(t), {}]);
    const args = n.inputs.map((t): JsonObject => ({ class_name: '__keras_tensor__', config: { shape: [...t.shape], dtype: t.dtype, keras_history: ref(t) } }));
    return { args: [args.length === 1 ? args[0] : args], kwargs: {} };
  };
  const layers = model.layers.map((layer) => ({
    ...layerOut(layer, dialect),
    name: layer.name,
    inbound_nodes: nodes.filter((n) => n.layer === layer && n.inputs.length).map(call),
  }));
  const config: JsonObject = { name: model.name, trainable: model.trainable, layers, input_layers: model.inputs.map(counted), output_layers: model.outputs.map(counted) };
  if (dialect === 'keras2') return { class_name: 'Functional', config };
  return { ...entry(dialect, 'Functional', config, 'keras.src.models.functional'), registered_name: 'Functional' };
}
