import { ConfigError } from '../errors.js';
import type { Backend, Executable } from '../backend/backend.js';
import type { DataDtypes } from '../batches/streams.js';
import { buildTrainStep, type TrainStep } from '../training/train-step.js';
import { buildInferenceStep, type InferenceStep } from '../inference/inference-step.js';
import type { Model } from './model.js';
import { withTrainable } from './trainable.js';

export type StepKind = 'train' | 'test' | 'predict';
type Entry = Promise<{ exe: Executable; layout: TrainStep | InferenceStep }>;

/**
 * A model's compiled step graphs, one per backend, mode, trainable flags, data dtypes and
 * chained step count: fit, evaluate and predict compile once and reuse them across calls.
 */
export class StepCache {
  private readonly entries = new Map<string, Entry>();

  async get(model: Model, backend: Backend, kind: StepKind, dtypes: DataDtypes | undefined, steps: number): Promise<{ exe: Executable; layout: TrainStep | InferenceStep }> {
    // Training sees the flags fixed at the first fit after compile(); the key follows them so a recompile rebuilds.
    const snapshot = kind === 'train' ? model.fixTrainable() : model.compiledTrainable;
    const trainable = new Set(withTrainable(snapshot, () => model.trainableWeights));
    const trainableKey = model.weights.map((w) => (trainable.has(w) ? 1 : 0)).join('');
    const key = `${backend.name}:${kind}:${trainableKey}:${dtypes ? [...dtypes.x, ...dtypes.y].join(',') : ''}:${steps}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = (async () => {
        const layout = withTrainable(snapshot, () => build(model, kind, dtypes, steps));
        return { exe: await backend.compile(layout.graph, { name: kind }), layout };
      })();
      this.entries.set(key, entry);
      entry.catch(() => this.entries.delete(key));
    }
    return entry;
  }

  /** Drop every compiled graph (after compile() or a backend change), freeing what backends hold for them. */
  clear(): void {
    for (const entry of this.entries.values()) entry.then(({ exe }) => exe.dispose(), () => {});
    this.entries.clear();
  }
}

function build(model: Model, kind: StepKind, dtypes: DataDtypes | undefined, steps: number): TrainStep | InferenceStep {
  const what = { train: 'fit', test: 'evaluate', predict: 'predict' }[kind];
  if (kind === 'predict') return buildInferenceStep(model);
  if (!model.objectives || !model.optimizer) throw new ConfigError(`You must call compile() before ${what}()`);
  if (kind === 'test') return buildInferenceStep(model, model.objectives);
  if (!dtypes) throw new Error('internal: a train step needs the data dtypes');
  return buildTrainStep(model, model.objectives, model.optimizer, dtypes, steps);
}
