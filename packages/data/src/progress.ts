/**
 * A Keras-like download progress bar on stderr:
 *   11490434/11490434 ━━━━━━━━━━━━━━━━━━━━ 2s 5.4 MB/s
 * Redrawn in place on a terminal; elsewhere (CI logs) only the final line is written.
 */
export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number | undefined,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (!this.out.isTTY || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.out.write(`\r${this.line(done)}`);
  }

  finish(done: number): void {
    this.out.write(`${this.out.isTTY ? '\r' : ''}${this.line(done)}\n`);
  }

  private line(done: number): string {
    const seconds = (Date.now() - this.start) / 1000;
    const rate = `${(done / Math.max(seconds, 1e-3) / 1e6).toFixed(1)} MB/s`;
    const time = `${Math.round(seconds)}s`;
    if (!this.total) return `${done} bytes ${time} ${rate}`;
    const width = 20;
    const filled = Math.min(width, Math.floor((done / this.total) * width));
    const pad = String(this.total).length;
    return `${String(done).padStart(pad)}/${this.total} ${'━'.repeat(filled)}${'─'.repeat(width - filled)} ${time} ${rate}`;
  }
}
