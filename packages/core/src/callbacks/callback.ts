import type { Model } from '../engine/model.js';

export type Logs = Record<string, number>;

export interface TrainParams {
  epochs: number;
  steps: number;
  verbose: number;
  samples: number;
}

/** Keras' Callback: override the hooks you need. Hooks may be async; fit awaits them. */
export class Callback {
  model!: Model;
  params!: TrainParams;
  setModel(model: Model): void {
    this.model = model;
  }
  setParams(params: TrainParams): void {
    this.params = params;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  /**
   * When fit chains steps (stepsPerExecution), call this callback's batch hooks once per backend
   * call, for its last step, as Keras 3 does for every callback; false (the default): for every
   * step, replayed after the call. The progress bar uses this so its time per step and ETA count
   * every step the call ran.
   */
  get batchHooksPerExecution(): boolean {
    return false;
  }
  /** True if onTrainBatchBegin/End are overridden (fit skips the calls otherwise: they cost per step). */
  get wantsBatchHooks(): boolean {
    return this.onTrainBatchBegin !== Callback.prototype.onTrainBatchBegin || this.onTrainBatchEnd !== Callback.prototype.onTrainBatchEnd;
  }
}

/** Runs a list of callbacks in order. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}
  readonly batchCallbacks = () => this.callbacks.filter((c) => c.wantsBatchHooks);
  async call<K extends 'onTrainBegin' | 'onTrainEnd'>(hook: K, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c[hook](logs);
  }
  async epoch(hook: 'onEpochBegin' | 'onEpochEnd', epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c[hook](epoch, logs);
  }
}

/** Records every epoch's logs: `history.history.loss`, `history.history.val_accuracy` … */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override onTrainBegin(): void {
    this.epoch = [];
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
