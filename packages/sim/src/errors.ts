/** Base class for errors raised by the kernel itself (not by simulated programs). */
export class SimError extends Error {
  override name = "SimError";
}

/**
 * Too many events ran at one simulated instant: something keeps scheduling zero-delay work.
 * Raised instead of hanging so a broken model fails fast and names the events that looped.
 */
export class LivelockError extends SimError {
  override name = "LivelockError";
  constructor(
    readonly time: number,
    readonly events: number,
    readonly recentLabels: readonly string[],
  ) {
    super(
      `livelock: ${events} events ran at t=${time}ms without simulated time advancing` +
        (recentLabels.length > 0 ? `; most recent: ${recentLabels.join(", ")}` : ""),
    );
  }
}

/** A run exceeded the number of events it was allowed, e.g. runUntilIdle with periodic timers. */
export class EventBudgetExceeded extends SimError {
  override name = "EventBudgetExceeded";
  constructor(
    readonly budget: number,
    readonly time: number,
  ) {
    super(`event budget of ${budget} exhausted at t=${time}ms`);
  }
}
