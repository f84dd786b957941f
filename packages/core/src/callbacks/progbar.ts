import { Callback, type Logs } from './callback.js';

/** How Keras formats a metric value in the progress line. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v).toLowerCase();
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`)
    .join('');
}

/** Keras' time format: 3s, 1:05, 1:02:03, or ms/µs per step. */
export function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}
export function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/**
 * Keras 3's progress output for fit: "Epoch 1/10", then
 * verbose 1: `1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8512 - loss: 0.4201`, redrawn in place;
 * verbose 2: `1875/1875 - 2s - 1ms/step - accuracy: 0.8512 - loss: 0.4201`, once per epoch.
 */
export class ProgbarLogger extends Callback {
  private epochStart = 0;
  private lastDraw = 0;
  private seen = 0;
  constructor(
    private verbose = 1,
    private write: (s: string) => void = (s) => process.stdout.write(s),
  ) {
    super();
  }
  private get steps(): number {
    return this.params.steps;
  }
  override onEpochBegin(epoch: number): void {
    this.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.seen = 0;
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    if (this.verbose !== 1) return;
    this.seen = batch + 1;
    const now = performance.now();
    // Keras redraws at most every 50 ms.
    if (now - this.lastDraw < 50 && batch + 1 < this.steps) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const perStep = elapsed / (batch + 1);
    const eta = perStep * (this.steps - batch - 1);
    this.write(`\r${this.bar(batch + 1)} ${formatDuration(eta)} ${formatPerStep(perStep)}${formatLogs(logs)}\x1b[K`);
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const perStep = formatPerStep(elapsed / Math.max(1, this.steps));
    if (this.verbose === 1) this.write(`\r${this.bar(this.steps)} ${formatDuration(elapsed)} ${perStep}${formatLogs(logs)}\x1b[K\n`);
    else if (this.verbose === 2) this.write(`${this.steps}/${this.steps} - ${formatDuration(elapsed)} - ${perStep}${formatLogs(logs)}\n`);
  }
  private bar(done: number): string {
    const width = 20;
    const filled = Math.floor((done / this.steps) * width);
    const count = String(this.steps);
    return `${String(done).padStart(count.length)}/${count} ${'━'.repeat(filled)}${' '.repeat(width - filled)}`.replace(/ +$/, (m) => m) ;
  }
}
