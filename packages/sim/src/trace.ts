import { createHash, type Hash } from "node:crypto";
import { Unpackr } from "msgpackr";
import { MsgpackWriter } from "./msgpack-writer.js";

/** One trace record as read back: simulated time, event type, payload. */
export interface TraceEvent {
  readonly time: number;
  readonly type: string;
  readonly data: unknown;
}

/** Records are hashed and handed to the sink in batches, each one msgpack array. */
const BATCH_RECORDS = 2048;

/**
 * The trace: every observable event (messages sent, delivered, dropped; state changes; faults).
 * The file is a sequence of msgpack arrays, each a batch of `[time, type, data]` records; it is
 * hashed with sha256 as it is written and handed to an optional sink (the CLI writes it to a
 * file; the kernel never does I/O itself). Same seed and inputs give the same bytes, hence the
 * same hash. Data passed to `record` is encoded at once, so callers may reuse it afterwards.
 */
export class Trace {
  private readonly writer = new MsgpackWriter();
  private readonly hash: Hash = createHash("sha256");
  private clock: { readonly now: number } = { now: 0 };
  private finished: string | undefined;
  private observers: { prefix: string; fn: (event: TraceEvent) => void }[] = [];
  /** Number of records written. */
  count = 0;

  constructor(
    private readonly sink?: (chunk: Uint8Array) => void,
    /** When false, records are dropped without encoding (benchmarks of the bare kernel). */
    readonly enabled = true,
  ) {}

  bindClock(clock: { readonly now: number }): void {
    this.clock = clock;
  }

  record(type: string, data?: unknown): void {
    if (this.observers.length > 0) {
      for (const o of this.observers) {
        if (type.startsWith(o.prefix)) o.fn({ time: this.clock.now, type, data: data ?? null });
      }
    }
    if (!this.enabled) return;
    if (this.finished !== undefined) throw new Error("trace already finished");
    this.writer.record(this.clock.now, type, data ?? null);
    this.count++;
    if (this.writer.pending >= BATCH_RECORDS) this.flush();
  }

  /**
   * Calls `fn` for every record whose type starts with `prefix`, as it is recorded. Checkers use
   * this to watch what the system observably did (roles, commits, faults) without reaching into
   * model internals. Returns a function that stops the subscription.
   */
  observe(prefix: string, fn: (event: TraceEvent) => void): () => void {
    const o = { prefix, fn };
    this.observers = [...this.observers, o];
    return () => {
      this.observers = this.observers.filter((x) => x !== o);
    };
  }

  /** Flushes, closes the hash and returns `sha256:<hex>`. Further records are refused. */
  finish(): string {
    if (this.finished === undefined) {
      this.flush();
      this.finished = `sha256:${this.hash.digest("hex")}`;
    }
    return this.finished;
  }

  private flush(): void {
    const batch = this.writer.takeBatch();
    if (batch === undefined) return;
    this.hash.update(batch);
    // The batch is a view of the writer's reusable buffer: the sink gets its own copy.
    this.sink?.(batch.slice());
  }
}

/** Decodes a whole trace file. Throws TraceFormatError on bytes that are not a ksim trace. */
export function readTrace(bytes: Uint8Array): TraceEvent[] {
  const unpackr = new Unpackr({ useRecords: false });
  let batches: unknown[];
  try {
    batches = unpackr.unpackMultiple(bytes) as unknown[];
  } catch (e) {
    throw new TraceFormatError(`not a ksim trace: ${(e as Error).message}`);
  }
  const values: unknown[] = [];
  for (const [i, b] of batches.entries()) {
    if (!Array.isArray(b)) throw new TraceFormatError(`batch ${i} is not an array of records`);
    for (const r of b) values.push(r);
  }
  return values.map((v, i) => {
    if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== "number" || typeof v[1] !== "string") {
      throw new TraceFormatError(`record ${i} is not [time, type, data]`);
    }
    return { time: v[0], type: v[1], data: v[2] };
  });
}

/** sha256 of trace bytes, in the same `sha256:<hex>` form Trace.finish returns. */
export function hashTrace(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export class TraceFormatError extends Error {
  override name = "TraceFormatError";
}
