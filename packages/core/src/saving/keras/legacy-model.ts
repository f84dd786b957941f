/**
 * Keras 2's whole-model `.h5` (tf.keras `model.save('x.h5')`): root attributes `model_config`
 * (the architecture, Keras 2's dialect) and `training_config` (optimizer_config, loss,
 * metrics), the weights under `/model_weights` in the legacy layout. As Keras 3 does with
 * these files, the optimizer's own variables are not restored (compile is).
 */
import { ConfigError, WeightsError } from '../../errors.js';
import type { Model } from '../../engine/model.js';
import { writeAtomically } from '../atomic.js';
import { withWeightGuard } from '../guard.js';
import { H5File } from '../h5/file.js';
import { LEGACY_KERAS_VERSION, planLegacy, writeLegacy } from '../h5/legacy.js';
import { layerFromConfig } from '../save.js';
import { compileFromConfig, compileToConfig } from './compile.js';
import { datasetShapes } from './h5-shapes.js';
import { isObject, parseKerasJson, stringifyKeras } from './json.js';
import { layerIn } from './model-config.js';
import { modelOut } from './model-out.js';

function attribute(f: H5File, name: string): string | undefined {
  const v = f.strings('/', name);
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new ConfigError(`'${f.path}': attribute '${name}' should hold one string`);
  return v[0];
}

export async function loadLegacyModel(path: string, options: { compile?: boolean } = {}): Promise<Model> {
  const f = await H5File.open(path, 'r');
  try {
    const text = attribute(f, 'model_config');
    if (text === undefined)
      throw new WeightsError(`'${path}' is a Keras weights file (no model_config): build the model in code and call model.loadWeights('${path}')`);
    const config = parseKerasJson(text, path, 'model_config');
    if (!isObject(config)) throw new ConfigError(`'${path}': model_config must hold an object`);
    const saved = layerIn(config, `'${path}': model_config`);
    if (saved.className !== 'Sequential' && saved.className !== 'Functional') throw new ConfigError(`'${path}': model_config holds a ${saved.className} layer, not a model`);
    if (f.kind('/model_weights') !== 'group') throw new WeightsError(`'${path}' has a model_config but no /model_weights group`);
    const model = withWeightGuard(path, datasetShapes(f, '/model_weights'), new Map(), () => layerFromConfig(saved)) as Model;
    await planLegacy(f, model, '/model_weights', {}).apply();
    const training = attribute(f, 'training_config');
    if (training !== undefined && options.compile !== false) {
      const t = parseKerasJson(training, path, 'training_config');
      if (!isObject(t)) throw new ConfigError(`'${path}': training_config must hold an object`);
      compileFromConfig(model, { optimizer: t.optimizer_config ?? null, loss: t.loss ?? null, metrics: t.metrics ?? null }, `'${path}': training_config`);
    }
    return model;
  } finally {
    f.close();
  }
}

/** tf.keras' training_config for a compiled model. */
function trainingConfig(model: Model): Record<string, unknown> {
  const c = compileToConfig(model);
  const opt = c.optimizer as { class_name: string; config: Record<string, unknown> };
  return { loss: c.loss, metrics: c.metrics, weighted_metrics: null, loss_weights: c.loss_weights, optimizer_config: { class_name: opt.class_name, config: opt.config } };
}

export async function saveLegacyModel(model: Model, path: string): Promise<void> {
  await writeAtomically(path, async (temp) => {
    const f = await H5File.open(temp, 'w', path);
    try {
      f.setStrings('/', 'backend', 'tensorflow');
      f.setStrings('/', 'keras_version', LEGACY_KERAS_VERSION);
      f.setStrings('/', 'model_config', stringifyKeras(modelOut(model, 'keras2')));
      if (model.optimizer && model.loss) f.setStrings('/', 'training_config', stringifyKeras(trainingConfig(model)));
      writeLegacy(f, model, '/model_weights');
    } finally {
      f.close();
    }
  });
}
