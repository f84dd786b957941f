/**
 * Loading weights in two steps, so a mismatch never leaves a model half loaded: first every
 * weight is paired with its dataset and every shape is checked (nothing is read yet), then
 * each dataset is read straight into a new array that becomes the weight's value.
 */
import { WeightsError } from '../../errors.js';
import type { Layer } from '../../engine/layer.js';
import type { Model } from '../../engine/model.js';
import type { Variable } from '../../engine/variable.js';
import { arrayTypeFor, Tensor } from '../../tensor/tensor.js';
import { datasetInfo, readInto } from './datasets.js';
import type { H5File } from './file.js';

export interface LoadWeightsOptions {
  /**
   * Legacy `.h5` files only (Keras' `by_name`): load each layer from the file's layer of the
   * same name; layers the file lacks keep their weights. Default false: layers with weights
   * are matched in order.
   */
  byName?: boolean;
  /**
   * Keras' `skip_mismatch`: weights whose shape differs from the file (and, with byName,
   * layers whose number of weights differs) are skipped with a warning instead of failing.
   */
  skipMismatch?: boolean;
  /** Where skip warnings go; default: a line on stderr. */
  warn?: (message: string) => void;
}

/** A model weight and the dataset that holds its value. */
export interface PlannedWeight {
  variable: Variable;
  dataset: string;
}

/** A layer's weights as Keras' legacy HDF5 format lists them: trainable, then non-trainable (Keras' _legacy_weights). */
export function legacyWeights(layer: Layer): Variable[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/**
 * A layer's own variables in Keras 3's order (`_trainable_variables + _non_trainable_variables`):
 * those created trainable, then the others, each in creation order, whether or not the layer
 * is frozen now.
 */
export function ownVariables(layer: Layer): Variable[] {
  const all = legacyWeights(layer);
  return [...all.filter((v) => v.trainable), ...all.filter((v) => !v.trainable)];
}

/** Functional and Sequential models nest: their weights live in their layers. */
export function isModel(layer: Layer): layer is Model {
  return Array.isArray((layer as Partial<Model>).layers);
}

const shapeText = (s: number[]) => `[${s.join(', ')}]`;

/** Collects the pairs, the shape mismatches and the skips of one load. */
export class WeightsPlan {
  readonly weights: PlannedWeight[] = [];
  private readonly problems: string[] = [];
  private readonly warn: (message: string) => void;

  private shapeProblems = false;

  constructor(
    readonly file: H5File,
    readonly modelName: string,
    readonly options: LoadWeightsOptions,
  ) {
    this.warn = options.warn ?? ((m) => process.stderr.write(`Warning: ${m}\n`));
  }

  /** A count or structure mismatch: fatal, or skipped with a warning when `skippable` and skipMismatch. */
  mismatch(message: string, skippable: boolean): void {
    if (skippable && this.options.skipMismatch) this.warn(`Skipping ${message}`);
    else this.problems.push(message);
  }

  /**
   * Pair `variables` (one layer's, in file order) with `datasets`. `where` names the layer in
   * the model and in the file for messages. With `wholeLayer`, one bad shape skips the layer.
   */
  addLayer(where: string, variables: Variable[], datasets: string[], wholeLayer = false): void {
    const bad: string[] = [];
    const pairs: PlannedWeight[] = [];
    variables.forEach((variable, i) => {
      const info = datasetInfo(this.file, datasets[i]);
      if (info.storedAs.startsWith('an unsupported')) {
        this.problems.push(`${where}: weight ${i} '${datasets[i]}' holds ${info.storedAs}`);
        return;
      }
      const same = info.shape.length === variable.shape.length && info.shape.every((d, j) => d === variable.shape[j]);
      if (same) pairs.push({ variable, dataset: datasets[i] });
      else
        bad.push(
          `${where}: weight ${i} '${variable.name}' has shape ${shapeText(variable.shape)} in the model but ` +
            `${shapeText(info.shape)} in the file (dataset '${datasets[i]}')`,
        );
    });
    if (bad.length && !this.options.skipMismatch) {
      this.problems.push(...bad);
      this.shapeProblems = true;
    }
    else if (bad.length && wholeLayer) {
      this.warn(`Skipping ${where}: ${bad.map((b) => b.slice(where.length + 2)).join('; ')}`);
      return;
    } else bad.forEach((b) => this.warn(`Skipping ${b}`));
    this.weights.push(...pairs);
  }

  /** Throw every problem found, naming the file; nothing has been assigned yet. */
  check(): void {
    if (!this.problems.length) return;
    const shown = this.problems.slice(0, 20).map((p) => `  - ${p}`);
    if (this.problems.length > 20) shown.push(`  - … and ${this.problems.length - 20} more`);
    const hint = this.shapeProblems ? "\n(Like Keras' skip_mismatch, { skipMismatch: true } skips the weights whose shapes differ.)" : '';
    throw new WeightsError(`Cannot load weights from '${this.file.path}' into model '${this.modelName}':\n${shown.join('\n')}${hint}`);
  }

  /**
   * Read each dataset into a fresh array and make it the weight's value. Between weights the
   * event loop gets a turn, so V8's scheduled garbage collection can free the replaced arrays
   * (without it, all old and new weights coexist until the load ends); smallest first, so the
   * largest weight (VGG16's 411 MB fc1 kernel) is replaced last, when nothing else is pending.
   */
  async apply(): Promise<void> {
    this.check();
    const smallestFirst = [...this.weights].sort((a, b) => a.variable.size - b.variable.size);
    for (const { variable, dataset } of smallestFirst) {
      const dtype = variable.dtype;
      const values = new (arrayTypeFor(dtype))(variable.size);
      readInto(this.file, dataset, values);
      variable.assign(new Tensor(values, variable.shape, dtype));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
