/**
 * Keras 2's HDF5 weights layout (tf.keras `save_weights('x.h5')`, and the files Keras
 * publishes for keras.applications, e.g. vgg16_weights_tf_dim_ordering_tf_kernels.h5):
 *
 *   /                 attrs: layer_names = [every layer's name], backend, keras_version
 *   /<layer>          attrs: weight_names = ['<layer>/kernel:0', '<layer>/bias:0', …]
 *   /<layer>/<weight name>   one dataset per weight, in the layer's legacy order
 *
 * A whole-model file (model.save('x.h5')) holds the same under /model_weights.
 */
import { WeightsError } from '../../errors.js';
import type { Model } from '../../engine/model.js';
import { writeDataset } from './datasets.js';
import type { H5File } from './file.js';
import { legacyWeights, WeightsPlan, type LoadWeightsOptions } from './plan.js';

/** Written as keras_version: Keras only treats "1" specially (Keras 1 kernels are converted). */
export const LEGACY_KERAS_VERSION = '2.21.0';

interface FileLayer {
  name: string;
  weightNames: string[];
  datasets: string[];
}

/** The group that holds layer_names ('/' or '/model_weights'), or undefined if this is not a legacy file. */
export function legacyRoot(f: H5File): string | undefined {
  if (f.chunkedStrings('/', 'layer_names')) return '/';
  if (f.kind('/model_weights') === 'group' && f.chunkedStrings('/model_weights', 'layer_names')) return '/model_weights';
  return undefined;
}

const join = (root: string, name: string) => (root === '/' ? `/${name}` : `${root}/${name}`);

function fileLayers(f: H5File, root: string): FileLayer[] {
  return f.chunkedStrings(root, 'layer_names')!.map((name) => {
    const group = join(root, name);
    if (f.kind(group) !== 'group') throw new WeightsError(`'${f.path}' lists layer '${name}' in layer_names but has no group '${group}'`);
    const weightNames = f.chunkedStrings(group, 'weight_names') ?? [];
    const datasets = weightNames.map((w) => `${group}/${w}`);
    for (const d of datasets) if (f.kind(d) !== 'dataset') throw new WeightsError(`'${f.path}': layer '${name}' lists weight '${d.slice(group.length + 1)}' but there is no dataset '${d}'`);
    return { name, weightNames, datasets };
  });
}

const list = (names: string[], max = 12) => (names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', '));

/** Pair the model's weights with the file's datasets, by layer order (Keras' default) or by layer name. */
export function planLegacy(f: H5File, model: Model, root: string, options: LoadWeightsOptions): WeightsPlan {
  const plan = new WeightsPlan(f, model.name, options);
  const saved = fileLayers(f, root);
  if (options.byName) {
    const byName = new Map(saved.map((l) => [l.name, l]));
    for (const layer of model.layers) {
      const s = byName.get(layer.name);
      if (!s) continue;
      const vars = legacyWeights(layer);
      if (vars.length !== s.datasets.length)
        plan.mismatch(
          `layer '${layer.name}': the model has ${vars.length} weight(s) [${list(vars.map((v) => v.name))}] but the file has ${s.datasets.length} [${list(s.weightNames)}]`,
          true,
        );
      else plan.addLayer(`layer '${layer.name}'`, vars, s.datasets);
    }
  } else {
    const layers = model.layers.filter((l) => legacyWeights(l).length > 0);
    const withWeights = saved.filter((l) => l.datasets.length > 0);
    if (layers.length !== withWeights.length) {
      plan.mismatch(
        `the file holds weights for ${withWeights.length} layers [${list(withWeights.map((l) => l.name))}] but the model has ` +
          `${layers.length} layers with weights [${list(layers.map((l) => l.name))}]. ` +
          `Layers are matched in order; { byName: true } matches them by name instead`,
        false,
      );
    } else {
      layers.forEach((layer, k) => {
        const s = withWeights[k];
        const vars = legacyWeights(layer);
        const where = `layer #${k} '${layer.name}'${s.name === layer.name ? '' : ` (in the file: '${s.name}')`}`;
        if (vars.length !== s.datasets.length)
          plan.mismatch(`${where}: the model has ${vars.length} weight(s) [${list(vars.map((v) => v.name))}] but the file has ${s.datasets.length} [${list(s.weightNames)}]`, false);
        else plan.addLayer(where, vars, s.datasets);
      });
    }
  }
  const topLevel = join(root, 'top_level_model_weights');
  const extra = f.kind(topLevel) === 'group' ? (f.chunkedStrings(topLevel, 'weight_names') ?? []) : [];
  if (extra.length) plan.mismatch(`the file holds ${extra.length} top-level model weight(s) [${list(extra)}], which a Layerwise model does not have`, true);
  return plan;
}

/**
 * Write the model's weights in Keras 2's layout (what tf.keras' save_weights('x.h5') writes),
 * under `root`: '/' for a weights file, '/model_weights' in a whole-model file.
 */
export function writeLegacy(f: H5File, model: Model, root = '/'): void {
  const layers = model.layers;
  const groups = new Set<string>(['/']);
  if (root !== '/') {
    f.createGroup(root);
    groups.add(root);
  }
  f.setStrings(root, 'backend', 'tensorflow');
  f.setStrings(root, 'keras_version', LEGACY_KERAS_VERSION);
  f.setStrings(root, 'layer_names', layers.map((l) => l.name));
  const ensureGroup = (path: string) => {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const g = `/${parts.slice(0, i).join('/')}`;
      if (!groups.has(g)) {
        f.createGroup(g);
        groups.add(g);
      }
    }
  };
  for (const layer of layers) {
    const group = join(root, layer.name);
    if (groups.has(group)) throw new WeightsError(`Cannot write '${f.path}': two layers are named '${layer.name}'`);
    ensureGroup(group);
    const weights = legacyWeights(layer);
    const names = weights.map((w) => `${w.name}:0`);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new WeightsError(`Cannot write '${f.path}': layer '${layer.name}' has two weights named '${dup}'`);
    f.setStrings(group, 'weight_names', names);
    weights.forEach((w, i) => {
      const path = `${group}/${names[i]}`;
      ensureGroup(path.slice(0, path.lastIndexOf('/')));
      writeDataset(f, path, w.value.data, w.shape, w.value.dtype);
    });
  }
  ensureGroup(join(root, 'top_level_model_weights'));
  f.setStrings(join(root, 'top_level_model_weights'), 'weight_names', []);
}
