import { ConfigError } from '../errors.js';
import type { Backend, Executable } from '../backend/backend.js';
import type { DataDtypes } from '../batches/streams.js';
import { buildTrainStep, type TrainStep } from '../training/train-step.js';
import { buildInferenceStep, newestVersion, type InferenceStep } from '../inference/inference-step.js';
import type { Model } from './model.js';
import type { Variable } from './variable.js';
import { withTrainable, type TrainableSnapshot } from './trainable.js';

export type StepKind = 'train' | 'test' | 'predict';
type Compiled = { exe: Executable; layout: TrainStep | InferenceStep };

/**
 * A model's compiled step graphs, one per backend, mode, trainable flags, data dtypes and
 * chained step count: fit, evaluate and predict compile once and reuse them across calls.
 *
 * A predict or evaluate graph may hold weights as constants (where the backend asks for it, see
 * `Backend.bakeWeight`): it is rebuilt once one of them has a new value, and an out-of-date one
 * is dropped (freeing what the backend holds for it) at the model's next fit, evaluate or predict.
 */
export class StepCache {
  private readonly entries = new Map<string, Promise<Compiled>>();
  /** The entries whose compile has finished, for the sweep of out-of-date ones. */
  private readonly ready = new Map<string, Compiled>();
  /** Out-of-date graphs already disposed (two callers may find the same one out of date). */
  private readonly disposed = new WeakSet<Compiled>();

  async get(model: Model, backend: Backend, kind: StepKind, dtypes: DataDtypes | undefined, steps: number): Promise<Compiled> {
    this.sweep();
    // Training sees the flags fixed at the first fit after compile(); the key follows them so a recompile rebuilds.
    // Predict's graph (the forward pass in inference mode) does not depend on the flags.
    const snapshot = kind === 'train' ? model.fixTrainable() : model.compiledTrainable;
    const trainableKey = kind === 'predict' ? '' : flagsKey(model, snapshot);
    const key = `${backend.name}:${kind}:${trainableKey}:${dtypes ? [...dtypes.x, ...dtypes.y].join(',') : ''}:${steps}`;
    for (;;) {
      let entry = this.entries.get(key);
      if (!entry) {
        const started = (async () => {
          const layout = withTrainable(snapshot, () => build(model, backend, kind, dtypes, steps));
          return { exe: await backend.compile(layout.graph, { name: kind }), layout };
        })();
        this.entries.set(key, (entry = started));
        started.then(
          (compiled) => this.entries.get(key) === started && this.ready.set(key, compiled),
          () => this.entries.get(key) === started && this.entries.delete(key),
        );
      }
      const compiled = await entry;
      if (!outOfDate(compiled)) return compiled;
      // A weight it holds changed while it compiled: drop it and build again.
      this.drop(key, entry, compiled);
    }
  }

  /** Drop every compiled graph (after compile() or a backend change), freeing what backends hold for them. */
  clear(): void {
    for (const entry of this.entries.values()) entry.then(({ exe }) => exe.dispose(), () => {});
    this.entries.clear();
    this.ready.clear();
  }

  /** Drop the graphs whose constant weights have changed since they were built. */
  private sweep(): void {
    for (const [key, compiled] of this.ready) if (outOfDate(compiled)) this.drop(key, this.entries.get(key), compiled);
  }

  private drop(key: string, entry: Promise<Compiled> | undefined, compiled: Compiled): void {
    if (this.ready.get(key) === compiled) this.ready.delete(key);
    if (entry && this.entries.get(key) === entry) this.entries.delete(key);
    if (this.disposed.has(compiled)) return;
    this.disposed.add(compiled);
    compiled.exe.dispose();
  }
}

/** Which weights are trainable under these flags, as a key. */
function flagsKey(model: Model, snapshot: TrainableSnapshot | null): string {
  const trainable = new Set(withTrainable(snapshot, () => model.trainableWeights));
  return model.weights.map((w) => (trainable.has(w) ? 1 : 0)).join('');
}

/** True when a weight baked into the graph has been assigned since the graph was built. */
function outOfDate({ layout }: Compiled): boolean {
  return 'baked' in layout && layout.baked.weights.length > 0 && newestVersion(layout.baked.weights) !== layout.baked.version;
}

/**
 * predict and evaluate (fit's validation too) bake the weights the backend asks for. Validation
 * runs after each epoch, when the weights have just changed, so its graph is rebuilt once per
 * epoch; measured on ONNX that costs far less than it saves: the tutorial's CNN validated 10,000
 * images in ~8 s rebuild included against 12-15 s with the weights fed (and the MLP broke even).
 */
function build(model: Model, backend: Backend, kind: StepKind, dtypes: DataDtypes | undefined, steps: number): TrainStep | InferenceStep {
  const what = { train: 'fit', test: 'evaluate', predict: 'predict' }[kind];
  const bake = backend.bakeWeight && ((v: Variable) => backend.bakeWeight!(v));
  if (kind === 'predict') return buildInferenceStep(model, undefined, bake);
  if (!model.objectives || !model.optimizer) throw new ConfigError(`You must call compile() before ${what}()`);
  if (kind === 'test') return buildInferenceStep(model, model.objectives, bake);
  if (!dtypes) throw new Error('internal: a train step needs the data dtypes');
  return buildTrainStep(model, model.objectives, model.optimizer, dtypes, steps);
}
