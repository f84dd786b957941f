import type { Backend, DeviceValue } from '../backend/backend.js';
import { Binding } from '../backend/bind.js';
import { shapesKey, type SymShape, type Value } from '../ir/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../engine/model.js';
import { traceShapes } from '../engine/input-sizes.js';
import type { InferenceStep } from './inference-step.js';

type Kind = 'test' | 'predict';
type Fetch = (step: InferenceStep) => Value[];

/**
 * An inference graph ready to run batch after batch: compiled once, the weights it takes as
 * inputs uploaded and bound once (every batch of an evaluate or predict reuses them, a
 * generator's too), freed by close(). Each run returns the values asked for at open().
 */
export class InferenceRunner {
  private constructor(
    readonly step: InferenceStep,
    private readonly binding: Binding,
    private readonly inputs: Value[],
    private readonly backend: Backend,
    private readonly weights: DeviceValue[],
    private readonly release: () => void,
  ) {}

  /** `fetch`: which of the step's values each run returns (its outputs for predict, its logged values for evaluate); `shapes`: see InferenceRunners. */
  static async open(model: Model, kind: Kind, fetch: Fetch, shapes?: SymShape[]): Promise<InferenceRunner> {
    const { exe, layout: step, backend, release } = await model.executable<InferenceStep>(kind, undefined, 1, shapes);
    const weights = new Map([...step.feeds.weights].map(([v, input]) => [input, backend.upload(v.value)]));
    const inputs = [...step.feeds.x, ...step.feeds.y];
    const binding = new Binding(exe, step.graph, weights, inputs, fetch(step));
    return new InferenceRunner(step, binding, inputs, backend, [...weights.values()], release);
  }

  /** Run one batch (x…, then y… for a test step, as host arrays); the fetched values come back as host tensors. */
  async run(arrays: Tensor[]): Promise<Tensor[]> {
    const uploaded = this.inputs.map((v, i) => this.backend.upload(arrays[i].dtype === v.dtype ? arrays[i] : arrays[i].astype(v.dtype)));
    const outs = await this.binding.run(uploaded);
    uploaded.forEach((d) => d.dispose());
    const host = await Promise.all(outs.map((o) => o.read()));
    new Set(outs).forEach((o) => o.dispose());
    return host;
  }

  close(): void {
    this.weights.forEach((w) => w.dispose());
    this.release();
  }
}

/**
 * The runners of one evaluate or predict call: a single one, or for a model built for any input
 * size one per size its batches come in (each size is traced and compiled on its own).
 */
export class InferenceRunners {
  private readonly open = new Map<string, Promise<InferenceRunner>>();

  constructor(
    private readonly model: Model,
    private readonly kind: Kind,
    private readonly fetch: Fetch,
  ) {}

  /** The runner for a batch (x… first). */
  for(arrays: Tensor[]): Promise<InferenceRunner> {
    const shapes = traceShapes(this.model, arrays.slice(0, this.model.inputs.length));
    const key = shapesKey(shapes);
    let runner = this.open.get(key);
    if (!runner) this.open.set(key, (runner = InferenceRunner.open(this.model, this.kind, this.fetch, shapes)));
    return runner;
  }

  async close(): Promise<void> {
    const runners = await Promise.allSettled(this.open.values());
    for (const r of runners) if (r.status === 'fulfilled') r.value.close();
  }
}
