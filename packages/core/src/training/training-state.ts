import type { Backend, DeviceValue } from '../backend/backend.js';
import type { Value } from '../ir/graph.js';
import { Tensor } from '../tensor/tensor.js';
import type { Model } from '../engine/model.js';
import type { Variable } from '../engine/variable.js';
import type { TrainStep } from './train-step.js';

/**
 * Weights, optimizer slots and the iteration count as device values between steps, by variable.
 * Each step's outputs become the next step's inputs (never written into an input's buffer).
 */
export class TrainingState {
  iterations: DeviceValue;
  readonly weights = new Map<Variable, DeviceValue>();
  readonly slots = new Map<Variable, DeviceValue[]>();

  constructor(
    private readonly model: Model,
    step: TrainStep,
    backend: Backend,
  ) {
    const os = model.optimizerState;
    const slotSpecs = model.optimizer!.slots();
    this.iterations = backend.upload(Tensor.scalar(os.iterations));
    for (const v of step.feeds.weights.keys()) this.weights.set(v, backend.upload(v.value));
    for (const v of step.feeds.slots.keys()) {
      let host = os.slots.get(v);
      if (!host) os.slots.set(v, (host = slotSpecs.map((s) => Tensor.full(v.shape, s.init))));
      this.slots.set(v, host.map((t) => backend.upload(t)));
    }
  }

  /** Bind the state to a step's inputs. */
  bind(step: TrainStep, feeds: Map<Value, DeviceValue>): void {
    feeds.set(step.feeds.iterations, this.iterations);
    for (const [v, input] of step.feeds.weights) feeds.set(input, this.weights.get(v)!);
    for (const [v, inputs] of step.feeds.slots) inputs.forEach((input, j) => feeds.set(input, this.slots.get(v)![j]));
  }

  /** Take a step's new state from its outputs, freeing the values it replaces. */
  advance(step: TrainStep, outs: Map<Value, DeviceValue>): void {
    const old: DeviceValue[] = [this.iterations];
    this.iterations = outs.get(step.fetches.iterations)!;
    for (const [v, out] of step.fetches.weights) {
      old.push(this.weights.get(v)!);
      this.weights.set(v, outs.get(out)!);
    }
    for (const [v, out] of step.fetches.slots) {
      old.push(...this.slots.get(v)!);
      this.slots.set(v, out.map((o) => outs.get(o)!));
    }
    const live = new Set(this.values());
    for (const d of old) if (!live.has(d)) d.dispose();
  }

  /** Copy device state back into host Variables and the optimizer state. */
  async writeBack(): Promise<void> {
    const os = this.model.optimizerState;
    os.iterations = (await this.iterations.read()).data[0];
    const weights = [...this.weights];
    const values = await Promise.all(weights.map(([, d]) => d.read()));
    weights.forEach(([v], i) => (v.value = values[i]));
    for (const [v, slots] of this.slots) os.slots.set(v, await Promise.all(slots.map((s) => s.read())));
  }

  values(): DeviceValue[] {
    return [this.iterations, ...this.weights.values(), ...[...this.slots.values()].flat()];
  }

  dispose(): void {
    this.values().forEach((d) => d.dispose());
  }
}
