import type { Sim, Timer } from "@ksim/sim";

/**
 * A controller's work queue (client-go workqueue semantics): a key is queued at most once, keys
 * are processed in the order they were added, a key added while being processed is processed
 * again afterwards, and failures are retried with per-key exponential back-off.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, Timer>();
  private flushTimer: Timer | undefined;
  private processing = false;

  constructor(
    private readonly sim: Sim,
    readonly name: string,
    private readonly process: (key: string) => void,
    /** How long after an add the controller reacts (informer propagation and worker pickup). */
    private readonly latencyMs = 1,
  ) {}

  add(key: string): void {
    this.queued.add(key);
    if (this.flushTimer === undefined && !this.processing) {
      this.flushTimer = this.sim.schedule(this.latencyMs, () => this.flush(), `queue:${this.name}`);
    }
  }

  /** Adds `key` after `ms`, unless an earlier delayed add for it is already pending. */
  addAfter(key: string, ms: number): void {
    const existing = this.delayed.get(key);
    if (existing !== undefined && existing.time <= this.sim.now + ms) return;
    this.sim.cancel(existing);
    this.delayed.set(key, this.sim.schedule(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    }, `queue-after:${this.name}`));
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.processing = true;
    try {
      while (this.queued.size > 0) {
        const key: string = this.queued.values().next().value!;
        this.queued.delete(key);
        try {
          this.process(key);
          this.failures.delete(key);
        } catch (e) {
          // 5 ms doubling to 1000 s, as DefaultControllerRateLimiter's per-item back-off.
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          this.sim.trace.record("controller.error", { controller: this.name, key, error: String(e) });
          this.addAfter(key, Math.min(5 * 2 ** (n - 1), 1_000_000));
        }
      }
    } finally {
      this.processing = false;
    }
  }
}
