/**
 * A Keras-like download progress bar on stderr:
 *   240517120/553467096 ━━━━━━━━──────────── 4s 55.1 MB/s ETA 6s
 *   553467096/553467096 ━━━━━━━━━━━━━━━━━━━━ 10s 54.9 MB/s
 * Redrawn in place on a terminal; elsewhere (CI logs) only the final line is written.
 * A resumed download starts at the bytes already there (the rate and ETA count this run's bytes).
 */
/**
 * Where progress lines go: process.stderr, or anything with `write` (a structural type, so the
 * package's types do not need @types/node in your project).
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number | undefined,
    private readonly out: ProgressStream = process.stderr,
    private readonly start = 0,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (!this.out.isTTY || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.out.write(`\r${this.line(done, false)}\x1b[K`);
  }

  finish(done: number): void {
    this.out.write(`${this.out.isTTY ? '\r' : ''}${this.line(done, true)}${this.out.isTTY ? '\x1b[K' : ''}\n`);
  }

  private line(done: number, final: boolean): string {
    const seconds = (Date.now() - this.started) / 1000;
    const bytesPerSecond = (done - this.start) / Math.max(seconds, 1e-3);
    const rate = `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
    const time = formatSeconds(seconds);
    if (!this.total) return `${done} bytes ${time} ${rate}`;
    const width = 20;
    const filled = Math.min(width, Math.floor((done / this.total) * width));
    const pad = String(this.total).length;
    const eta = !final && bytesPerSecond > 0 && done < this.total ? ` ETA ${formatSeconds((this.total - done) / bytesPerSecond)}` : '';
    return `${String(done).padStart(pad)}/${this.total} ${'━'.repeat(filled)}${'─'.repeat(width - filled)} ${time} ${rate}${eta}`;
  }
}

/** 7s, 2:05, 1:02:05 (Keras' Progbar style). */
function formatSeconds(s: number): string {
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
