import { Callback, type Logs } from './callback.js';

/** How Keras formats a metric value in the progress line. */
export function formatLogValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`)
    .join('');
}

/** Keras' durations: 3s, 1:05, 1:02:03. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}
/** Keras' per-step time: 2s/step, 13ms/step, 640us/step. */
export function formatPerStep(seconds: number): string {
  if (seconds >= 1 || seconds === 0) return `${seconds.toFixed(0)}s/step`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/step`;
  return `${(seconds * 1e6).toFixed(0)}us/step`;
}

/**
 * keras.utils.Progbar: the progress line of fit/evaluate/predict. verbose 1 redraws one line
 * in place (at most every 50 ms, always at the end), verbose 2 prints only the final line.
 */
export class Progbar {
  private start = performance.now();
  private lastDraw = -Infinity;
  private prevWidth = 0;
  constructor(
    readonly target: number,
    readonly verbose: number,
    private write: (s: string) => void = (s) => process.stdout.write(s),
    private width = 20,
  ) {}

  update(current: number, logs: Logs = {}, finalize = current >= this.target): void {
    const now = performance.now();
    const elapsed = (now - this.start) / 1000;
    const perStep = current ? elapsed / current : 0;
    if (this.verbose === 2) {
      if (finalize) this.write(`${current}/${this.target} - ${formatDuration(elapsed)} - ${formatPerStep(perStep)}${formatLogs(logs)}\n`);
      return;
    }
    if (this.verbose !== 1 || (!finalize && now - this.lastDraw < 50)) return;
    this.lastDraw = now;
    const digits = String(this.target).length;
    const filled = Math.floor((this.width * current) / this.target);
    const bar =
      `\x1b[1m${String(current).padStart(digits)}/${this.target}\x1b[0m ` +
      (filled > 0 ? `\x1b[32m${'━'.repeat(filled)}\x1b[0m` : '') +
      `\x1b[37m${'━'.repeat(this.width - filled)}\x1b[0m`;
    const time = finalize ? formatDuration(elapsed) : formatDuration(perStep * (this.target - current));
    let line = `${bar} \x1b[1m${time}\x1b[0m ${formatPerStep(perStep)}${formatLogs(logs)}`;
    if (line.length < this.prevWidth) line += ' '.repeat(this.prevWidth - line.length);
    this.write(`${'\b'.repeat(this.prevWidth)}\r${line}${finalize ? '\n' : ''}`);
    this.prevWidth = finalize ? 0 : line.length;
  }
}

/** Prints "Epoch 1/10" and a Progbar per epoch, as Keras' fit does. */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  constructor(
    private verbose = 1,
    private write: (s: string) => void = (s) => process.stdout.write(s),
  ) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    this.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.bar = new Progbar(this.params.steps, this.verbose, this.write);
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    if (this.verbose === 1 && batch + 1 < this.params.steps) this.bar?.update(batch + 1, logs, false);
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.bar?.update(this.params.steps, logs, true);
  }
  override get wantsBatchHooks(): boolean {
    return this.verbose === 1;
  }
  /** Drawn after each backend call, at its last step: the time per step then divides by every step the call ran. */
  override get batchHooksPerExecution(): boolean {
    return true;
  }
}
