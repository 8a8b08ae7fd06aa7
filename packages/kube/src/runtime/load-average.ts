/**
 * The kernel's load average (calc_global_load): every 5 s each of the 1, 5 and 15 minute
 * averages moves towards the number of runnable tasks by the fixed-point factors EXP_1, EXP_5
 * and EXP_15. A process here uses a steady fraction of a CPU (its stats' `cpu`), so the
 * runnable count a tick samples is, on average, the sum of those fractions: that sum is the
 * demand the averages follow. It changes only when a process starts using CPU, changes how much,
 * or exits, so the averages are brought up to date then and when read, tick by tick in closed
 * form, with no timer of their own.
 */

const LOAD_FREQ_MS = 5_000;
const FIXED_1 = 2048;
/** 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) as the kernel's fixed-point constants. */
const DECAY = [1884 / FIXED_1, 2014 / FIXED_1, 2037 / FIXED_1] as const;

export class LoadAverage {
  private readonly averages = [0, 0, 0];
  private demand = 0;
  private tick: number;

  constructor(private readonly now: () => number) {
    this.tick = Math.floor(now() / LOAD_FREQ_MS);
  }

  /** A process's CPU use changed by `delta` (of one CPU) from now on. */
  change(delta: number): void {
    this.advance();
    this.demand = Math.max(0, this.demand + delta);
  }

  /** The 1, 5 and 15 minute averages as of the last 5 s tick. */
  read(): readonly [number, number, number] {
    this.advance();
    return [this.averages[0]!, this.averages[1]!, this.averages[2]!];
  }

  /** Runnable tasks on average right now. */
  get runnable(): number {
    return this.demand;
  }

  private advance(): void {
    const tick = Math.floor(this.now() / LOAD_FREQ_MS);
    const ticks = tick - this.tick;
    if (ticks <= 0) return;
    this.tick = tick;
    for (let i = 0; i < 3; i++) this.averages[i] = this.demand + (this.averages[i]! - this.demand) * DECAY[i]! ** ticks;
  }
}

/** How /proc/loadavg and uptime print an average: two decimals, rounded as the kernel's FIXED_1/200. */
export function formatLoad(load: number): string {
  const hundredths = Math.floor((load + 0.005) * 100 + 1e-9);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}
