import { EventQueue, type Timer } from "./event-queue.js";
import { EventBudgetExceeded, LivelockError } from "./errors.js";
import { Random } from "./random.js";
import { Trace } from "./trace.js";

export interface SimOptions {
  /** Root seed; every random stream in the simulation is derived from it. */
  readonly seed?: number | string;
  /** The instant simulated time 0 corresponds to, in Unix epoch milliseconds. */
  readonly startEpochMs?: number;
  /**
   * How many events may run at a single instant before the run is declared a livelock.
   * Large clusters legitimately run many events per millisecond; loops run forever.
   */
  readonly maxEventsPerInstant?: number;
  readonly trace?: Trace;
}

/** 2024-01-01T00:00:00Z: a fixed default so transcripts do not depend on when they were made. */
export const DEFAULT_START_EPOCH_MS = Date.UTC(2024, 0, 1);

/**
 * The deterministic kernel: a virtual clock in integer milliseconds and an event queue.
 * Nothing here reads real time; time moves only when the queue hands out the next timer.
 */
export class Sim {
  /** Simulated milliseconds since the start instant. */
  now = 0;
  readonly startEpochMs: number;
  readonly random: Random;
  readonly trace: Trace;
  private readonly queue = new EventQueue();
  private seq = 0;
  private readonly maxEventsPerInstant: number;
  private eventsAtInstant = 0;
  private instant = -1;
  private recentLabels: string[] = [];
  /** Total number of timers that have fired since creation. */
  eventsRun = 0;

  constructor(options: SimOptions = {}) {
    this.startEpochMs = options.startEpochMs ?? DEFAULT_START_EPOCH_MS;
    this.random = Random.fromSeed(options.seed ?? 1);
    this.maxEventsPerInstant = options.maxEventsPerInstant ?? 2_000_000;
    this.trace = options.trace ?? new Trace();
    this.trace.bindClock(this);
  }

  /** Current simulated wall-clock time in Unix epoch milliseconds. */
  epochMs(): number {
    return this.startEpochMs + this.now;
  }

  /** Runs `fn` after `delayMs` (rounded up to whole milliseconds, never negative). */
  schedule(delayMs: number, fn: () => void, label?: string): Timer {
    const d = delayMs > 0 ? Math.ceil(delayMs) : 0;
    const timer: Timer = { time: this.now + d, seq: this.seq++, fn, label };
    this.queue.push(timer);
    return timer;
  }

  /** Runs `fn` at absolute simulated time `time` (or now, if that is in the past). */
  at(time: number, fn: () => void, label?: string): Timer {
    return this.schedule(time - this.now, fn, label);
  }

  /** Cancels a timer; returns false if it already fired or was cancelled. */
  cancel(timer: Timer | undefined | null): boolean {
    return timer != null && this.queue.cancel(timer);
  }

  /** Number of live timers waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Time of the next live timer, or undefined when idle. */
  nextTime(): number | undefined {
    return this.queue.peek()?.time;
  }

  /** Runs exactly one timer. Returns false when there was nothing to run. */
  step(): boolean {
    const timer = this.queue.pop();
    if (timer === undefined) return false;
    this.fire(timer);
    return true;
  }

  /** Runs every timer due at or before `time`, then leaves the clock at `time`. */
  runUntil(time: number): void {
    const queue = this.queue;
    for (;;) {
      const top = queue.peek();
      if (top === undefined || top.time > time) break;
      queue.pop();
      this.fire(top);
    }
    if (time > this.now) this.now = time;
  }

  /** Advances the clock by `ms`, running everything due in between. */
  advance(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /**
   * Runs until no timers remain. A simulation with periodic timers never idles, so a budget
   * (events) bounds the run and raises EventBudgetExceeded rather than spinning forever.
   */
  runUntilIdle(maxEvents = 100_000_000): void {
    let budget = maxEvents;
    const queue = this.queue;
    for (;;) {
      const timer = queue.pop();
      if (timer === undefined) return;
      if (budget-- <= 0) {
        queue.push(timer);
        throw new EventBudgetExceeded(maxEvents, this.now);
      }
      this.fire(timer);
    }
  }

  /**
   * Runs timers while `condition()` holds, checking it before each timer, and never past
   * `deadline` (absolute simulated ms). Returns true if the condition became false.
   */
  runWhile(condition: () => boolean, deadline = Number.POSITIVE_INFINITY): boolean {
    const queue = this.queue;
    while (condition()) {
      const top = queue.peek();
      if (top === undefined || top.time > deadline) {
        if (deadline !== Number.POSITIVE_INFINITY && deadline > this.now) this.now = deadline;
        return !condition();
      }
      queue.pop();
      this.fire(top);
    }
    return true;
  }

  private fire(timer: Timer): void {
    const fn = timer.fn!;
    timer.fn = null;
    if (timer.time !== this.instant) {
      this.instant = timer.time;
      this.now = timer.time;
      this.eventsAtInstant = 0;
      if (this.recentLabels.length > 0) this.recentLabels = [];
    } else if (++this.eventsAtInstant >= this.maxEventsPerInstant - 16) {
      this.noteLivelockCandidate(timer);
    }
    this.eventsRun++;
    fn();
  }

  private noteLivelockCandidate(timer: Timer): void {
    this.recentLabels.push(timer.label ?? "(unlabelled)");
    if (this.eventsAtInstant >= this.maxEventsPerInstant) {
      throw new LivelockError(this.now, this.eventsAtInstant, this.recentLabels);
    }
  }
}
