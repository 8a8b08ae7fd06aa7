import type { Proc, Random } from "@ksim/sim";
import type { CqlDriver } from "../client/driver.js";
import type { ConsistencyLevel } from "../core/protocol.js";
import { CqlWorkload, definitelyNotApplied, describe, type CqlWorkloadOptions } from "./cql-workload.js";

/**
 * A counter workload: clients add one to a few counters (`UPDATE ... SET n = n + 1`). A counter
 * update is not idempotent, so one that times out is `info` — applied or not, and a client
 * cannot retry it safely — and one refused before anything was sent is `fail`. After the run
 * every counter is read once more (`final-read`): it must hold at least the acknowledged
 * increments and at most those plus the indeterminate ones.
 */

export interface CounterWorkloadOptions extends CqlWorkloadOptions {
  readonly writeConsistency: ConsistencyLevel;
  readonly replicationFactor?: number;
  readonly keyspace?: string;
  readonly counters?: number;
}

export interface IncrementInput {
  readonly key: number;
}
export interface CounterOutput {
  /** The counter's value; a counter never incremented reads as null, counted here as 0. */
  readonly value: number;
}

export class CounterWorkload extends CqlWorkload<CounterWorkloadOptions> {
  readonly keyspace: string;
  readonly table = "counts";

  constructor(options: CounterWorkloadOptions) {
    super(options);
    this.keyspace = options.keyspace ?? "tally";
  }

  private get counters(): number {
    return this.options.counters ?? 5;
  }

  /** Creates the keyspace and the counter table (retrying until the cluster answers), and waits for schema agreement. */
  *setup(): Proc<void> {
    const d = yield* this.connected();
    const rf = this.options.replicationFactor ?? 3;
    yield* this.createSchema(d, [
      `CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
      `CREATE TABLE IF NOT EXISTS ${this.keyspace}.${this.table} (k int PRIMARY KEY, n counter)`,
    ]);
    d.close();
  }

  protected *operation(d: CqlDriver, process: string, random: Random): Proc<void> {
    const key = random.int(0, this.counters - 1);
    const op = this.history.invoke<IncrementInput>(process, "increment", { key });
    const o = yield* d.execute(`UPDATE ${this.keyspace}.${this.table} SET n = n + 1 WHERE k = ${key}`, this.options.writeConsistency);
    if (o.kind === "response" && o.response.kind !== "ERROR") this.history.ok(op);
    else if (definitelyNotApplied(o)) this.history.fail(op, describe(o));
    else this.history.info(op, describe(o));
  }

  /** Reads every counter at `cl` until each read succeeds (or `maxMs` passes), as `final-read`. */
  *finalReads(cl: ConsistencyLevel = "ALL", maxMs = 300_000): Proc<void> {
    const keys = Array.from({ length: this.counters }, (_, k) => k);
    yield* this.readEach(keys, (d, key) => this.readCounter(d, key, cl), maxMs);
  }

  private *readCounter(d: CqlDriver, key: number, cl: ConsistencyLevel): Proc<boolean> {
    const op = this.history.invoke<IncrementInput>("final", "final-read", { key });
    const o = yield* d.execute(`SELECT n FROM ${this.keyspace}.${this.table} WHERE k = ${key}`, cl);
    if (o.kind === "response" && o.response.kind === "ROWS") {
      const n = o.response.rows[0]?.[0];
      this.history.ok(op, { value: n === undefined || n === null ? 0 : Number(n) } satisfies CounterOutput);
      return true;
    }
    this.history.fail(op, describe(o));
    return false;
  }
}
