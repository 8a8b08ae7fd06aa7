import type { Proc, Random } from "@ksim/sim";
import { sleep, wait } from "@ksim/sim";
import type { CqlDriver, Outcome } from "../client/driver.js";
import type { ConsistencyLevel } from "../core/protocol.js";
import { CqlWorkload, definitelyNotApplied, describe, type CqlWorkloadOptions } from "./cql-workload.js";

/**
 * A register workload: clients write unique values to a few keys and read them back at chosen
 * consistency levels, through ordinary drivers, recording every operation in a History. A write
 * that times out (coordinator WriteTimeout, client time-out, lost connection) is `info` — it may
 * have happened; Unavailable is `fail` — nothing was sent. After the run every key is read once
 * more (`final-read`), so checkers can tell whether acknowledged writes survived.
 *
 * With `lwt`, the registers are compare-and-set ones, as Jepsen's Cassandra LWT test has them:
 * each key starts at 0 (`INSERT ... IF NOT EXISTS` at setup), writes are `UPDATE ... IF EXISTS`
 * and compare-and-sets `UPDATE ... IF v = old` of small values, both through Paxos; one whose
 * condition did not hold is `fail`. Reads are at the read level (SERIAL for linearizable reads).
 */

export interface RegisterWorkloadOptions extends CqlWorkloadOptions {
  readonly writeConsistency: ConsistencyLevel;
  readonly readConsistency: ConsistencyLevel;
  readonly replicationFactor?: number;
  readonly keyspace?: string;
  readonly keys?: number;
  /** Fraction of operations that are reads. */
  readonly readFraction?: number;
  /** Compare-and-set registers through lightweight transactions (see above). */
  readonly lwt?: boolean;
  /** Fraction of (plain) writes that are DELETEs of the key's row, recorded as writes of null. */
  readonly deleteFraction?: number;
  /** The table's gc_grace_seconds (Cassandra's default, 10 days, when not given). */
  readonly gcGraceSeconds?: number;
}

export interface WriteInput {
  readonly key: number;
  /** The value written; null for a DELETE. */
  readonly value: number | null;
}
export interface ReadInput {
  readonly key: number;
}
export interface ReadOutput {
  readonly value: number | null;
}
export interface CasInput {
  readonly key: number;
  readonly from: number;
  readonly to: number;
}

/** The values an LWT register takes: few, so that compare-and-sets often find what they expect. */
const LWT_VALUES = 5;

export class RegisterWorkload extends CqlWorkload<RegisterWorkloadOptions> {
  readonly keyspace: string;
  readonly table = "registers";
  private nextValue = 1;

  constructor(options: RegisterWorkloadOptions) {
    super(options);
    this.keyspace = options.keyspace ?? "jepsen";
  }

  /** Creates the keyspace and table (retrying until the cluster answers), and waits for schema agreement. */
  *setup(): Proc<void> {
    const sim = this.options.sim;
    const d = yield* this.connected();
    const rf = this.options.replicationFactor ?? 3;
    yield* this.createSchema(d, [
      `CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
      `CREATE TABLE IF NOT EXISTS ${this.keyspace}.${this.table} (k int PRIMARY KEY, v int)` +
        (this.options.gcGraceSeconds === undefined ? "" : ` WITH gc_grace_seconds = ${this.options.gcGraceSeconds}`),
    ]);
    if (this.options.lwt === true) {
      for (let key = 0; key < (this.options.keys ?? 5); key++) {
        for (;;) {
          const o = yield* d.execute(`INSERT INTO ${this.keyspace}.${this.table} (k, v) VALUES (${key}, 0) IF NOT EXISTS`, "QUORUM");
          if (o.kind === "response" && o.response.kind === "ROWS") break;
          yield* wait(sleep(sim, 1000));
        }
      }
    }
    d.close();
  }

  protected *operation(d: CqlDriver, process: string, random: Random): Proc<void> {
    const key = random.int(0, (this.options.keys ?? 5) - 1);
    if (random.float() < (this.options.readFraction ?? 0.5)) yield* this.read(d, process, key, this.options.readConsistency, "read");
    else if (this.options.lwt === true) {
      if (random.float() < 0.5) yield* this.lwtWrite(d, process, key, random.int(0, LWT_VALUES - 1));
      else yield* this.cas(d, process, key, random.int(0, LWT_VALUES - 1), random.int(0, LWT_VALUES - 1));
    } else if ((this.options.deleteFraction ?? 0) > 0 && random.float() < this.options.deleteFraction!) yield* this.delete(d, process, key);
    else yield* this.write(d, process, key);
  }

  private *delete(d: CqlDriver, process: string, key: number): Proc<void> {
    const op = this.history.invoke<WriteInput>(process, "write", { key, value: null });
    this.unconditional(op, yield* d.execute(`DELETE FROM ${this.keyspace}.${this.table} WHERE k = ${key}`, this.options.writeConsistency));
  }

  private *write(d: CqlDriver, process: string, key: number): Proc<void> {
    const value = this.nextValue++;
    const op = this.history.invoke<WriteInput>(process, "write", { key, value });
    this.unconditional(op, yield* d.execute(`INSERT INTO ${this.keyspace}.${this.table} (k, v) VALUES (${key}, ${value})`, this.options.writeConsistency));
  }

  /** A plain write's outcome: done, certainly not done, or either. */
  private unconditional(op: number, o: Outcome): void {
    if (o.kind === "response" && o.response.kind !== "ERROR") this.history.ok(op);
    else if (definitelyNotApplied(o)) this.history.fail(op, describe(o));
    else this.history.info(op, describe(o));
  }

  /** A write through Paxos: applied whenever the row exists, which it does from setup on. */
  private *lwtWrite(d: CqlDriver, process: string, key: number, value: number): Proc<void> {
    const op = this.history.invoke<WriteInput>(process, "write", { key, value });
    this.conditional(op, yield* d.execute(`UPDATE ${this.keyspace}.${this.table} SET v = ${value} WHERE k = ${key} IF EXISTS`, this.options.writeConsistency, "SERIAL"));
  }

  private *cas(d: CqlDriver, process: string, key: number, from: number, to: number): Proc<void> {
    const op = this.history.invoke<CasInput>(process, "cas", { key, from, to });
    this.conditional(op, yield* d.execute(`UPDATE ${this.keyspace}.${this.table} SET v = ${to} WHERE k = ${key} IF v = ${from}`, this.options.writeConsistency, "SERIAL"));
  }

  /** A lightweight transaction's outcome: `[applied]` says whether it happened. */
  private conditional(op: number, o: Outcome): void {
    if (o.kind === "response" && o.response.kind === "ROWS") {
      if (o.response.rows[0]?.[0] === true) this.history.ok(op);
      else this.history.fail(op, "not applied");
    } else if (definitelyNotApplied(o)) this.history.fail(op, describe(o));
    else this.history.info(op, describe(o));
  }

  private *read(d: CqlDriver, process: string, key: number, cl: ConsistencyLevel, f: string): Proc<boolean> {
    const op = this.history.invoke<ReadInput>(process, f, { key });
    const o = yield* d.execute(`SELECT v FROM ${this.keyspace}.${this.table} WHERE k = ${key}`, cl);
    if (o.kind === "response" && o.response.kind === "ROWS") {
      const v = o.response.rows[0]?.[0];
      this.history.ok(op, { value: typeof v === "number" ? v : null } satisfies ReadOutput);
      return true;
    }
    // A read changes nothing (read repair aside), so a read that did not answer simply failed.
    this.history.fail(op, describe(o));
    return false;
  }

  /** Reads every key at `cl` until each read succeeds (or `maxMs` passes), as `final-read`. */
  *finalReads(cl: ConsistencyLevel = "ALL", maxMs = 300_000): Proc<void> {
    const keys = Array.from({ length: this.options.keys ?? 5 }, (_, key) => key);
    yield* this.readEach(keys, (d, key) => this.read(d, "final", key, cl, "final-read"), maxMs);
  }
}
