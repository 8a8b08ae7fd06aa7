/**
 * A progress line on a terminal (stderr), redrawn in place; nothing when stderr is a file or
 * a pipe, so logs and CI output stay clean.
 */
export class Progress {
  private readonly started = process.hrtime.bigint();
  private readonly enabled = process.stderr.isTTY === true;
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(done: number, failed: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const rate = seconds > 0 ? (done / seconds).toFixed(1) : "0";
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} ${this.unit}, ${failed} failed, ${rate} ${this.unit}/s `);
  }

  end(): void {
    if (this.enabled) process.stderr.write("\r\x1b[K");
  }

  /** Wall seconds since the start (reported apart from summaries, which must not depend on it). */
  get seconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }
}
