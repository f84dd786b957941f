import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import { checkOptions, keysOf } from '../options.js';
import type { Variable } from '../engine/variable.js';
import type { Tensor } from '../tensor/tensor.js';
import { atomicWrite } from '../saving/container.js';
import { Callback, type Logs } from './callback.js';

type Mode = 'auto' | 'min' | 'max';

/** Keras' rule for 'auto': accuracy-like metrics go up, everything else goes down. */
function improves(mode: Mode, monitor: string): (current: number, best: number, minDelta: number) => boolean {
  const max = mode === 'max' || (mode === 'auto' && /acc|auc|precision|recall|^fmeasure/.test(monitor));
  return max ? (c, b, d) => c - d > b : (c, b, d) => c + d < b;
}

function monitored(logs: Logs | undefined, monitor: string, who: string): number | undefined {
  const v = logs?.[monitor];
  if (v === undefined)
    process.stderr.write(`${who} conditioned on metric \`${monitor}\` which is not available. Available metrics are: ${Object.keys(logs ?? {}).join(',')}\n`);
  return v;
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: number;
  mode?: Mode;
  baseline?: number | null;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
}
const earlyStoppingKeys = keysOf<EarlyStoppingArgs>()({
  monitor: true, minDelta: true, patience: true, verbose: true, mode: true, baseline: true, restoreBestWeights: true, startFromEpoch: true,
});

/** Stop training when a monitored metric has stopped improving (keras.callbacks.EarlyStopping). */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  private better: ReturnType<typeof improves>;
  wait = 0;
  stoppedEpoch = 0;
  best = NaN;
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkOptions('EarlyStopping', args, earlyStoppingKeys);
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.verbose = args.verbose ?? 0;
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.better = improves(args.mode ?? 'auto', this.monitor);
  }
  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = NaN;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }
  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = monitored(logs, this.monitor, 'Early stopping');
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model.weights.map((w) => w.value);
    this.wait += 1;
    const reference = Number.isNaN(this.best) ? this.baseline : this.best;
    if (reference === null || this.better(current, reference, this.minDelta)) {
      if (Number.isNaN(this.best) || this.better(current, this.best, this.minDelta)) {
        this.best = current;
        this.bestEpoch = epoch;
        if (this.restoreBestWeights) this.bestWeights = this.model.weights.map((w) => w.value);
      }
      if (this.baseline === null || this.better(current, this.baseline, 0)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }
  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) process.stdout.write(`Epoch ${this.stoppedEpoch + 1}: early stopping\n`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) process.stdout.write(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.\n`);
      this.model.weights.forEach((w: Variable, i) => w.assign(this.bestWeights![i]));
    }
  }
}

/** Python-style `{epoch:02d}` / `{val_loss:.2f}` / `{loss}` placeholders, as Keras' filepath formatting. */
export function formatFilepath(template: string, values: Record<string, number>): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, spec?: string) => {
    const v = values[key];
    if (v === undefined) throw new ConfigError(`ModelCheckpoint: filepath '${template}' uses {${key}}, which is not in the logs (${Object.keys(values).join(', ')})`);
    if (!spec) return String(v);
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/.exec(spec);
    if (!m) return whole;
    const [, zero, width, precision, type] = m;
    let s = type === 'd' ? String(Math.trunc(v)) : type === 'e' ? v.toExponential(Number(precision ?? 6)) : precision !== undefined || type === 'f' ? v.toFixed(Number(precision ?? 6)) : String(v);
    if (width) s = s.padStart(Number(width), zero ? '0' : ' ');
    return s;
  });
}

export interface ModelCheckpointArgs {
  monitor?: string;
  verbose?: number;
  saveBestOnly?: boolean;
  saveWeightsOnly?: boolean;
  mode?: Mode;
  /** 'epoch' (default) or a number of batches. */
  saveFreq?: 'epoch' | number;
  initialValueThreshold?: number | null;
}
const modelCheckpointKeys = keysOf<ModelCheckpointArgs>()({
  monitor: true, verbose: true, saveBestOnly: true, saveWeightsOnly: true, mode: true, saveFreq: true, initialValueThreshold: true,
});

/** Save the model (or its weights) every epoch, or only when the monitored metric improves. */
export class ModelCheckpoint extends Callback {
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  best: number;
  private better: ReturnType<typeof improves>;
  private batchesSinceSave = 0;
  private currentEpoch = 0;

  constructor(
    readonly filepath: string,
    args: ModelCheckpointArgs = {},
  ) {
    super();
    checkOptions('ModelCheckpoint', args, modelCheckpointKeys);
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.saveFreq = args.saveFreq ?? 'epoch';
    this.better = improves(args.mode ?? 'auto', this.monitor);
    const maxMode = this.better(1, 0, 0);
    this.best = args.initialValueThreshold ?? (maxMode ? -Infinity : Infinity);
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0))
      throw new ConfigError(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer, got ${this.saveFreq}`);
  }
  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }
  override onTrainBatchEnd(_batch: number, logs?: Logs): Promise<void> | void {
    if (this.saveFreq === 'epoch') return;
    if (++this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      return this.save(this.currentEpoch, logs ?? {});
    }
  }
  override get wantsBatchHooks(): boolean {
    return this.saveFreq !== 'epoch';
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> | void {
    if (this.saveFreq === 'epoch') return this.save(epoch, logs);
  }
  private async save(epoch: number, logs: Logs): Promise<void> {
    const path = formatFilepath(this.filepath, { ...logs, epoch: epoch + 1 });
    if (this.saveBestOnly) {
      const current = monitored(logs, this.monitor, 'Can save best model only with');
      if (current === undefined) return;
      if (!this.better(current, this.best, 0)) {
        if (this.verbose > 0) process.stdout.write(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}\n`);
        return;
      }
      if (this.verbose > 0) process.stdout.write(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${path}\n`);
      this.best = current;
    } else if (this.verbose > 0) process.stdout.write(`\nEpoch ${epoch + 1}: saving model to ${path}\n`);
    const dir = dirname(path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    if (this.saveWeightsOnly) return this.model.saveWeights(path);
    return this.model.save(path);
  }
}

/** Stop when the loss becomes NaN or infinite (keras.callbacks.TerminateOnNaN). */
export class TerminateOnNaN extends Callback {
  /** The batch at which the loss went bad, or null. */
  terminatedAt: number | null = null;
  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      process.stdout.write(`Batch ${batch}: Invalid loss, terminating training\n`);
      this.terminatedAt = batch;
      this.model.stopTraining = true;
    }
  }
}

/** Set the learning rate at the start of each epoch from `schedule(epoch, lr)`; logs it as `learning_rate`. */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, lr: number) => number,
    readonly verbose = 0,
  ) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    const opt = this.model.optimizer;
    if (!opt) throw new ConfigError('LearningRateScheduler: the model has no optimizer; call compile() first');
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) throw new ConfigError(`LearningRateScheduler: the schedule must return a finite number, got ${lr} at epoch ${epoch}`);
    opt.learningRate = lr;
    if (this.verbose > 0) process.stdout.write(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.\n`);
  }
  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs) logs.learning_rate = this.model.optimizer!.learningRate;
  }
}

/** Stream epoch results to a CSV file: a header of sorted keys, one row per epoch. */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  private needsHeader = true;
  constructor(
    readonly filename: string,
    readonly separator = ',',
    readonly append = false,
  ) {
    super();
  }
  override onTrainBegin(): void {
    this.keys = null;
    this.needsHeader = !this.append || !existsSync(this.filename) || statSync(this.filename).size === 0;
    if (!this.append) atomicWrite(this.filename, '');
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.keys ??= Object.keys(logs).sort();
    const row = [epoch, ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))].join(this.separator);
    const header = this.needsHeader ? ['epoch', ...this.keys].join(this.separator) + '\n' : '';
    this.needsHeader = false;
    appendFileSync(this.filename, header + row + '\n');
  }
}
