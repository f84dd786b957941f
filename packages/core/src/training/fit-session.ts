import type { Backend, DeviceValue, Executable } from '../backend/backend.js';
import { runBound } from '../backend/bind.js';
import { Callback, CallbackList, History } from '../callbacks/callback.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Value } from '../ir/graph.js';
import { rng } from '../random/random.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import type { StreamBatch } from '../batches/streams.js';
import type { Model } from '../engine/model.js';
import { RunningMeans } from './running-means.js';
import { TrainingState } from './training-state.js';
import type { TrainStep } from './train-step.js';

/** A compiled train step and what it was compiled for. */
export interface CompiledStep {
  exe: Executable;
  layout: TrainStep;
}

/**
 * What one fit keeps while it runs: callbacks and History, the device state, the learning rate
 * on the device, the data arrays on the device, and the epoch's running means.
 */
export class FitSession {
  readonly history = new History();
  readonly callbacks: CallbackList;
  private readonly batchHooks: Callback[];
  private readonly state: TrainingState;
  private readonly logKeys: string[];
  private means!: RunningMeans;
  private lr = NaN;
  private lrValue: DeviceValue | null = null;
  /** The arrays on the device and the host arrays they came from (a new generator batch replaces them). */
  private data: { host: Tensor[]; device: DeviceValue[] } | null = null;

  constructor(
    private readonly model: Model,
    private readonly backend: Backend,
    first: TrainStep,
    /** dtypes the step was compiled for (x…, then y…): later generator batches are converted to them. */
    private readonly dtypes: DType[],
    params: { epochs: number; steps: number; samples: number; verbose: number; callbacks: Callback[]; print?: (s: string) => void },
  ) {
    const { verbose } = params;
    // As Keras orders them: the user's callbacks, then History, then the progress bar (so both see what the user added to logs).
    const cbs: Callback[] = [...params.callbacks, this.history, ...(verbose ? [new ProgbarLogger(verbose, params.print)] : [])];
    this.callbacks = new CallbackList(cbs);
    for (const c of cbs) {
      c.setModel(model);
      c.setParams({ epochs: params.epochs, steps: params.steps, verbose, samples: params.samples });
    }
    this.batchHooks = this.callbacks.batchCallbacks();
    model.history = this.history;
    model.stopTraining = false;
    this.state = new TrainingState(model, first, backend);
    this.logKeys = [...first.fetches.logs[0].keys()];
  }

  startEpoch(): void {
    this.means = new RunningMeans(this.logKeys);
  }

  /** The epoch's logs so far (sorted keys, as Keras logs them). */
  logs(): Record<string, number> {
    return this.means.logs();
  }

  /** One backend call running `batches.length` chained steps; then each step is replayed for the running means and batch callbacks. */
  async run(step: CompiledStep, batches: StreamBatch[], firstStep: number): Promise<void> {
    const { layout } = step;
    for (const c of this.batchHooks) await c.onTrainBatchBegin(firstStep, { batch: firstStep, size: batches[0].size });
    const feeds = new Map<Value, DeviceValue>();
    const data = this.upload(batches[0].arrays);
    [...layout.feeds.x, ...layout.feeds.y].forEach((v, i) => feeds.set(v, data[i]));
    const perCall = batches.map((b, j) => {
      const rows = b.rows ?? Int32Array.from({ length: b.size }, (_, i) => i);
      const d = this.backend.upload(new Tensor(rows, [rows.length], 'int32'));
      feeds.set(layout.feeds.batchIndices[j], d);
      return d;
    });
    for (const v of layout.graph.randomInputs) {
      // Random leaves (dropout masks) are filled from the seeded generator, sized for this call's batch.
      const t = Tensor.zeros(v.shape.map((d) => d ?? batches[0].size));
      rng().fillUniform(t.data as Float32Array);
      const d = this.backend.upload(t);
      feeds.set(v, d);
      perCall.push(d);
    }
    feeds.set(layout.feeds.learningRate, this.learningRate());
    this.state.bind(layout, feeds);
    const outs = await runBound(step.exe, layout.graph, feeds);
    perCall.forEach((v) => v.dispose());
    const logValues = layout.fetches.logs.map((logs) => this.logKeys.map((k) => outs.get(logs.get(k)!)!));
    const scalars = await Promise.all(logValues.flat().map((o) => o.read()));
    logValues.flat().forEach((o) => o.dispose());
    this.state.advance(layout, outs);
    const n = this.logKeys.length;
    for (let j = 0; j < batches.length; j++) {
      this.means.add(
        scalars.slice(j * n, (j + 1) * n).map((t) => t.data[0]),
        batches[j].size,
      );
      if (this.batchHooks.length) {
        const logs = this.means.logs();
        for (const c of this.batchHooks) {
          if (c.batchHooksPerExecution && j < batches.length - 1) continue;
          if (j > 0 && !c.batchHooksPerExecution) await c.onTrainBatchBegin(firstStep + j, { batch: firstStep + j, size: batches[j].size });
          await c.onTrainBatchEnd(firstStep + j, logs);
        }
      }
    }
  }

  /** Device copies of a batch's arrays: uploaded once while the same arrays come back (fit on arrays), replaced for a new generator batch. */
  private upload(host: Tensor[]): DeviceValue[] {
    if (this.data?.host === host) return this.data.device;
    this.data?.device.forEach((d) => d.dispose());
    const device = host.map((a, i) => this.backend.upload(a.dtype === this.dtypes[i] ? a : a.astype(this.dtypes[i])));
    this.data = { host, device };
    return device;
  }

  /** The learning rate as a device scalar, re-uploaded only when a callback changed it. */
  private learningRate(): DeviceValue {
    const lr = this.model.optimizer!.learningRate;
    if (lr !== this.lr || !this.lrValue) {
      this.lr = lr;
      this.lrValue?.dispose();
      this.lrValue = this.backend.upload(Tensor.scalar(lr));
    }
    return this.lrValue;
  }

  /** Copy the device state back into the model (at each epoch's end, so callbacks see the weights). */
  writeBack(): Promise<void> {
    return this.state.writeBack();
  }

  /** Free what this fit put on the backend besides the weights (which the model keeps as host tensors). */
  dispose(): void {
    this.lrValue?.dispose();
    this.lrValue = null;
    this.data?.device.forEach((d) => d.dispose());
    this.data = null;
    this.state.dispose();
  }
}
