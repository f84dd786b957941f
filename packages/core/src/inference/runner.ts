import type { Backend, DeviceValue, Executable } from '../backend/backend.js';
import { runBound } from '../backend/bind.js';
import type { Value } from '../ir/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../engine/model.js';
import type { InferenceStep } from './inference-step.js';

/**
 * An inference graph ready to run batch after batch: compiled once, the weights uploaded once
 * (every batch of an evaluate or predict reuses them, a generator's too), freed by close().
 */
export class InferenceRunner {
  private constructor(
    private readonly exe: Executable,
    readonly step: InferenceStep,
    private readonly backend: Backend,
    private readonly weights: Map<Value, DeviceValue>,
  ) {}

  static async open(model: Model, kind: 'test' | 'predict'): Promise<InferenceRunner> {
    const { exe, layout: step, backend } = await model.executable<InferenceStep>(kind);
    const weights = new Map([...step.feeds.weights].map(([v, input]) => [input, backend.upload(v.value)]));
    return new InferenceRunner(exe, step, backend, weights);
  }

  /** Run one batch (x…, then y… for a test step, as host arrays); the fetches come back as host tensors by graph value. */
  async run(arrays: Tensor[]): Promise<Map<Value, Tensor>> {
    const feeds = new Map(this.weights);
    const inputs = [...this.step.feeds.x, ...this.step.feeds.y];
    const uploaded = inputs.map((v, i) => {
      const a = arrays[i].dtype === v.dtype ? arrays[i] : arrays[i].astype(v.dtype);
      const d = this.backend.upload(a);
      feeds.set(v, d);
      return d;
    });
    const outs = await runBound(this.exe, this.step.graph, feeds);
    uploaded.forEach((d) => d.dispose());
    const host = new Map<Value, Tensor>();
    await Promise.all([...outs].map(async ([v, d]) => host.set(v, await d.read())));
    outs.forEach((d) => d.dispose());
    return host;
  }

  close(): void {
    this.weights.forEach((w) => w.dispose());
  }
}
