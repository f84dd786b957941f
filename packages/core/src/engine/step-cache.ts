import { ConfigError } from '../errors.js';
import type { Backend, Executable, StepKind } from '../backend/backend.js';
import type { DataDtypes } from '../batches/streams.js';
import { shapesKey, type SymShape } from '../ir/graph.js';
import { paddingKnown } from '../ops/conv.js';
import { buildTrainStep, type TrainStep } from '../training/train-step.js';
import { buildInferenceStep, newestVersion, type InferenceStep } from '../inference/inference-step.js';
import type { Model } from './model.js';
import type { Variable } from './variable.js';
import { withTrainable, type TrainableSnapshot } from './trainable.js';

export type { StepKind };
type Compiled = { exe: Executable; layout: TrainStep | InferenceStep };
/** A compiled step handed out for use: `release()` it when done (an out-of-date or evicted step is freed once nobody uses it). */
export type StepLease = Compiled & { release: () => void };

interface Entry {
  key: string;
  kind: StepKind;
  /** Traced for one input size of a model built for any size (`shapes` given). */
  sized: boolean;
  compiled: Promise<Compiled>;
  ready: Compiled | null;
  users: number;
  /** When it was last handed out (a counter): the least recently used sizes are evicted first. */
  used: number;
  /** Out of the cache: freed when its last user releases it. */
  retired: boolean;
  disposed: boolean;
}

/** Sizes kept per step kind for a model built for any input size (each size is its own graph). */
const MAX_SIZES = 4;

/**
 * A model's compiled step graphs, one per backend, mode, trainable flags, data dtypes, chained
 * step count and, for a model built for any input size, concrete input shapes: fit, evaluate and
 * predict compile once and reuse them across calls.
 *
 * A predict or evaluate graph may hold weights as constants (where the backend asks for it, see
 * `Backend.bakeWeight`): it is rebuilt once one of them has a new value. An out-of-date graph, and
 * sizes beyond the MAX_SIZES most recently used, leave the cache and are freed (with what the
 * backend holds for them) as soon as no caller still uses them.
 */
export class StepCache {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  async get(model: Model, backend: Backend, kind: StepKind, dtypes: DataDtypes | undefined, steps: number, shapes?: SymShape[]): Promise<StepLease> {
    this.sweep();
    // Training sees the flags fixed at the first fit after compile(); the key follows them so a recompile rebuilds.
    // Predict's graph (the forward pass in inference mode) does not depend on the flags.
    const snapshot = kind === 'train' ? model.fixTrainable() : model.compiledTrainable;
    const trainableKey = kind === 'predict' ? '' : flagsKey(model, snapshot);
    const sizes = shapesKey(shapes);
    const key = `${backend.name}:${kind}:${trainableKey}:${dtypes ? [...dtypes.x, ...dtypes.y].join(',') : ''}:${steps}:${sizes}`;
    for (;;) {
      let entry = this.entries.get(key);
      if (!entry) {
        entry = this.start(key, kind, shapes !== undefined, async () => {
          const layout = withTrainable(snapshot, () => build(model, backend, kind, dtypes, steps, shapes));
          return { exe: await backend.compile(layout.graph, { name: kind, kind }), layout };
        });
      }
      const held = entry;
      held.users++;
      held.used = ++this.clock;
      if (held.sized) this.evictSizes(kind);
      let compiled: Compiled;
      try {
        compiled = await held.compiled;
      } catch (e) {
        this.release(held);
        throw e;
      }
      let released = false;
      const release = () => {
        if (!released) (released = true), this.release(held);
      };
      if (!outOfDate(compiled)) return { ...compiled, release };
      // A weight it holds changed while it compiled: drop it and build again.
      release();
      this.retire(held);
    }
  }

  /** Drop every compiled graph (after compile() or a backend change), freeing what backends hold for them once unused. */
  clear(): void {
    for (const entry of [...this.entries.values()]) this.retire(entry);
  }

  private start(key: string, kind: StepKind, sized: boolean, make: () => Promise<Compiled>): Entry {
    const entry: Entry = { key, kind, sized, compiled: make(), ready: null, users: 0, used: 0, retired: false, disposed: false };
    this.entries.set(key, entry);
    entry.compiled.then(
      (compiled) => (entry.ready = compiled),
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return entry;
  }

  /** Retire the graphs whose constant weights have changed since they were built. */
  private sweep(): void {
    for (const entry of [...this.entries.values()]) if (entry.ready && outOfDate(entry.ready)) this.retire(entry);
  }

  /** Keep the MAX_SIZES most recently used sizes of a kind. */
  private evictSizes(kind: StepKind): void {
    const sized = [...this.entries.values()].filter((e) => e.sized && e.kind === kind).sort((a, b) => b.used - a.used);
    sized.slice(MAX_SIZES).forEach((e) => this.retire(e));
  }

  private retire(entry: Entry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.retired = true;
    if (entry.users === 0) this.dispose(entry);
  }

  private release(entry: Entry): void {
    entry.users--;
    if (entry.retired && entry.users === 0) this.dispose(entry);
  }

  private dispose(entry: Entry): void {
    if (entry.disposed) return;
    entry.disposed = true;
    entry.compiled.then(({ exe }) => exe.dispose(), () => {});
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
 * `shapes`: the input shapes to trace with (a model built for any input size).
 */
function build(model: Model, backend: Backend, kind: StepKind, dtypes: DataDtypes | undefined, steps: number, shapes?: SymShape[]): TrainStep | InferenceStep {
  const what = { train: 'fit', test: 'evaluate', predict: 'predict' }[kind];
  const bake = backend.bakeWeight && ((v: Variable) => backend.bakeWeight!(v));
  let layout: TrainStep | InferenceStep;
  if (kind === 'predict') layout = buildInferenceStep(model, undefined, bake, shapes);
  else if (!model.objectives || !model.optimizer) throw new ConfigError(`You must call compile() before ${what}()`);
  else if (kind === 'test') layout = buildInferenceStep(model, model.objectives, bake, shapes);
  else if (!dtypes) throw new Error('internal: a train step needs the data dtypes');
  else layout = buildTrainStep(model, model.objectives, model.optimizer, dtypes, steps, shapes);
  // Unknown sizes left a padding unknown: the caller should have given the data's shapes.
  if (!paddingKnown(layout.graph.nodes)) throw new Error(`internal: ${what}'s graph of model '${model.name}' was traced without the input sizes its padding needs`);
  return layout;
}
