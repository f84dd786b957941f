import type { Backend, DeviceValue } from '../backend/backend.js';
import { Binding } from '../backend/bind.js';
import type { Value } from '../ir/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../engine/model.js';
import type { InferenceStep } from './inference-step.js';

/**
 * An inference graph ready to run batch after batch: compiled once, the weights uploaded and
 * bound once (every batch of an evaluate or predict reuses them, a generator's too), freed by
 * close(). Each run returns the values asked for at open().
 */
export class InferenceRunner {
  private constructor(
    readonly step: InferenceStep,
    private readonly binding: Binding,
    private readonly inputs: Value[],
    private readonly backend: Backend,
    private readonly weights: DeviceValue[],
  ) {}

  /** `fetch`: which of the step's values each run returns (its outputs for predict, its logged values for evaluate). */
  static async open(model: Model, kind: 'test' | 'predict', fetch: (step: InferenceStep) => Value[]): Promise<InferenceRunner> {
    const { exe, layout: step, backend } = await model.executable<InferenceStep>(kind);
    const weights = new Map([...step.feeds.weights].map(([v, input]) => [input, backend.upload(v.value)]));
    const inputs = [...step.feeds.x, ...step.feeds.y];
    const binding = new Binding(exe, step.graph, weights, inputs, fetch(step));
    return new InferenceRunner(step, binding, inputs, backend, [...weights.values()]);
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
  }
}
