import { LoadAverage } from "./load-average.js";

/**
 * What a machine's kernel counts about its CPUs: the demand processes put on them (the sum of
 * their steady CPU fractions, which the load average follows), the CPU time they have been
 * busy, and the forks since boot. Busy time is the integral of the demand, capped at the number
 * of CPUs, brought up to date whenever the demand changes or is read: /proc/stat and
 * /proc/uptime grow with time and keep what exited processes used, with no timer.
 */
export class SchedStats {
  private averages: LoadAverage;
  private busy = 0;
  private since: number;
  private forkCount = 0;

  constructor(
    private readonly now: () => number,
    private readonly cpus: () => number,
  ) {
    this.averages = new LoadAverage(now);
    this.since = now();
  }

  get load(): LoadAverage {
    return this.averages;
  }

  /** The machine booted again: every count starts from nothing. */
  reset(): void {
    this.averages = new LoadAverage(this.now);
    this.busy = 0;
    this.since = this.now();
    this.forkCount = 0;
  }

  /** A process's CPU use changed by `delta` (of one CPU) from now on. */
  change(delta: number): void {
    this.settle();
    this.load.change(delta);
  }

  /** CPU milliseconds all CPUs together have spent running processes since boot. */
  busyMs(): number {
    this.settle();
    return this.busy;
  }

  /** A process was created (the kernel's total_forks, /proc/stat's `processes`). */
  forked(): void {
    this.forkCount++;
  }

  get forks(): number {
    return this.forkCount;
  }

  private settle(): void {
    const now = this.now();
    if (now === this.since) return;
    this.busy += Math.min(this.load.runnable, this.cpus()) * (now - this.since);
    this.since = now;
  }
}
