/**
 * Histories of client operations, Jepsen-style: each operation is invoked, then completes as
 * `ok` (it happened), `fail` (it certainly did not happen) or `info` (unknown: a time-out, a lost
 * connection). Checkers read histories after the run, independently of the system's internals.
 */

export type Outcome = "ok" | "fail" | "info";

export interface Operation<I = unknown, O = unknown> {
  /** Index in the history, in invocation order. */
  readonly index: number;
  /** The client that issued it. */
  readonly process: string;
  /** What kind of operation: "write", "read", "create", "insert", ... */
  readonly f: string;
  readonly input: I;
  readonly invokedAt: number;
  /** Undefined while pending (and forever if the run ended first: treat as info). */
  readonly completedAt: number | undefined;
  readonly outcome: Outcome | undefined;
  readonly output: O | undefined;
  readonly error: string | undefined;
}

interface MutableOperation {
  index: number;
  process: string;
  f: string;
  input: unknown;
  invokedAt: number;
  completedAt: number | undefined;
  outcome: Outcome | undefined;
  output: unknown;
  error: string | undefined;
}

export class History {
  private readonly ops: MutableOperation[] = [];

  constructor(private readonly clock: { readonly now: number }) {}

  /** Records an invocation; complete it with ok, fail or info. */
  invoke<I>(process: string, f: string, input: I): number {
    const index = this.ops.length;
    this.ops.push({
      index,
      process,
      f,
      input,
      invokedAt: this.clock.now,
      completedAt: undefined,
      outcome: undefined,
      output: undefined,
      error: undefined,
    });
    return index;
  }

  ok(index: number, output?: unknown): void {
    this.complete(index, "ok", output, undefined);
  }

  fail(index: number, error: string): void {
    this.complete(index, "fail", undefined, error);
  }

  info(index: number, error: string): void {
    this.complete(index, "info", undefined, error);
  }

  get operations(): readonly Operation[] {
    return this.ops;
  }

  private complete(index: number, outcome: Outcome, output: unknown, error: string | undefined): void {
    const op = this.ops[index];
    if (op === undefined) throw new RangeError(`no operation ${index}`);
    if (op.outcome !== undefined) throw new Error(`operation ${index} already completed as ${op.outcome}`);
    op.outcome = outcome;
    op.completedAt = this.clock.now;
    op.output = output;
    op.error = error;
  }
}

export interface Violation {
  readonly invariant: string;
  /** Simulated time (ms) of the first evidence of the violation. */
  readonly time: number;
  readonly message: string;
}

/** The verdict of one checker. */
export interface CheckResult {
  readonly invariant: string;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** Figures the checker measured (availability, longest outage in ms, ...). */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Availability figures from a history: the fraction of completed operations that succeeded and
 * the longest stretch of simulated time without a successful operation of kind `f`.
 */
export function availability(ops: readonly Operation[], f: string, start: number, end: number): { fraction: number; longestGapMs: number } {
  let attempted = 0;
  let succeeded = 0;
  const okTimes: number[] = [];
  for (const op of ops) {
    if (op.f !== f) continue;
    attempted++;
    if (op.outcome === "ok") {
      succeeded++;
      okTimes.push(op.completedAt!);
    }
  }
  okTimes.sort((a, b) => a - b);
  let longest = 0;
  let prev = start;
  for (const t of okTimes) {
    longest = Math.max(longest, t - prev);
    prev = t;
  }
  longest = Math.max(longest, end - prev);
  return { fraction: attempted === 0 ? 1 : succeeded / attempted, longestGapMs: longest };
}
