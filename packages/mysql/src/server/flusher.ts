import { Future, type Waitable } from "@ksim/sim";
import type { Engine } from "../innodb/engine.js";

/**
 * When a commit may be acknowledged, per innodb_flush_log_at_trx_commit:
 *  1 — write the log and fsync it first (commits waiting together share one fsync: group commit);
 *  2 — write it (the OS has it; mysqld may die, the node may not) and acknowledge;
 *  0 — acknowledge at once; the log buffer reaches the file within a second.
 * Independently, once per innodb_flush_log_at_timeout the log is written and fsynced.
 */
export class LogFlusher {
  private waiters: { lsn: number; done: Future<void> }[] = [];
  private flushing = false;

  constructor(
    private readonly engine: Engine,
    private readonly timer: (ms: number, fn: () => void) => void,
    /** How long an fsync of the redo log takes. */
    private readonly fsyncLatency: () => number,
    private readonly policy: () => number,
    /** Told each time the durable LSN advances. */
    private readonly onDurable: (lsn: number) => void,
  ) {}

  acknowledge(lsn: number): Waitable<void> {
    const done = new Future<void>();
    const redo = this.engine.redo;
    const policy = this.policy();
    if (policy === 1 && redo.flushedLsn < lsn) {
      this.waiters.push({ lsn, done });
      this.flush();
      return done;
    }
    if (policy === 2) redo.write();
    done.resolve();
    return done;
  }

  /** The once-a-second flush (also what shutdown relies on). */
  periodic(): void {
    const redo = this.engine.redo;
    if (this.flushing || redo.flushedLsn >= redo.currentLsn) return;
    redo.write();
    redo.fsync();
    this.onDurable(redo.flushedLsn);
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    this.engine.redo.write();
    this.timer(this.fsyncLatency(), () => {
      const redo = this.engine.redo;
      redo.fsync();
      this.flushing = false;
      this.onDurable(redo.flushedLsn);
      const ready = this.waiters.filter((w) => w.lsn <= redo.flushedLsn);
      this.waiters = this.waiters.filter((w) => w.lsn > redo.flushedLsn);
      for (const w of ready) w.done.resolve();
      if (this.waiters.length > 0) this.flush();
    });
  }
}
