/**
 * Keras 3's `.weights.h5` layout (model.save_weights('x.weights.h5'), and model.weights.h5
 * inside a .keras file):
 *
 *   /layers/<key>/vars/0, 1, …          a layer's variables (group attribute name = the layer's name)
 *   /layers/<key>/layers/<key>/vars/…   the layers of a nested model
 *   /vars                               the model's own (no variables)
 *
 * <key> is NOT the layer's name: it is the snake_case class name, numbered within its
 * container in the order of `model.layers` (conv2d, conv2d_1, batch_normalization, …),
 * as Keras' saving_lib does so that files do not depend on generated names.
 */
import { toSnakeCase, type Layer } from '../../engine/layer.js';
import type { Model } from '../../engine/model.js';
import { writeDataset } from './datasets.js';
import type { H5File } from './file.js';
import { isModel, ownVariables, WeightsPlan, type LoadWeightsOptions } from './plan.js';

/** True when the file has Keras 3's layout (a top-level `layers` group). */
export function isKeras3Layout(f: H5File): boolean {
  return f.kind('/layers') === 'group';
}

/** Each layer of a container with its key, as Keras' _save_container_state names them. */
function keyed(layers: Layer[]): { layer: Layer; key: string }[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = toSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return { layer, key: n === undefined ? base : `${base}_${n + 1}` };
  });
}

/** Variable datasets 0…n-1 under `group` (the file's count, whatever the model expects). */
function varDatasets(f: H5File, group: string): string[] {
  if (f.kind(group) !== 'group') return [];
  const names = f.keys(group).filter((k) => /^\d+$/.test(k) && f.kind(`${group}/${k}`) === 'dataset');
  return names.map(Number).sort((a, b) => a - b).map((i) => `${group}/${i}`);
}

export function planKeras3(f: H5File, model: Model, options: LoadWeightsOptions): WeightsPlan {
  const plan = new WeightsPlan(f, model.name, options);
  const walk = (container: Model, prefix: string) => {
    for (const { layer, key } of keyed(container.layers)) {
      const path = `${prefix}/layers/${key}`;
      if (isModel(layer)) {
        walk(layer, path);
        continue;
      }
      const vars = ownVariables(layer);
      const datasets = varDatasets(f, `${path}/vars`);
      const where = `layer '${layer.name}' (${path})`;
      if (vars.length !== datasets.length) {
        const missing = f.kind(path) !== 'group' ? ' (the file has no such group: is it a different architecture?)' : '';
        plan.mismatch(`${where}: the model has ${vars.length} variable(s) [${vars.map((v) => v.name).join(', ')}] but the file has ${datasets.length}${missing}`, true);
      } else if (vars.length) plan.addLayer(where, vars, datasets, true);
    }
  };
  walk(model, '');
  return plan;
}

/** Write the model's weights in Keras 3's layout. */
export function writeKeras3(f: H5File, model: Model): void {
  const walk = (container: Model, prefix: string) => {
    f.createGroup(`${prefix}/layers`);
    for (const { layer, key } of keyed(container.layers)) {
      const path = `${prefix}/layers/${key}`;
      f.createGroup(path);
      if (isModel(layer)) walk(layer, path);
      else {
        f.createGroup(`${path}/vars`);
        f.setStrings(`${path}/vars`, 'name', layer.name);
        ownVariables(layer).forEach((v, i) => writeDataset(f, `${path}/vars/${i}`, v.value.data, v.shape, v.value.dtype));
      }
    }
    f.createGroup(`${prefix}/vars`);
    f.setStrings(`${prefix}/vars`, 'name', container.name);
  };
  walk(model, '');
}
