import type { Proc, Random, Sim, Task } from "@ksim/sim";
import { History, sleep, spawn, wait } from "@ksim/sim";
import { CqlDriver, type Dialer, type Outcome } from "../client/driver.js";
import { ErrorCode, type ConsistencyLevel } from "../core/protocol.js";

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

export interface RegisterWorkloadOptions {
  readonly sim: Sim;
  /** Where the clients connect from (a simulated host outside the ring, or a pod's network). */
  readonly dialer: Dialer;
  /** The addresses to start from, asked afresh for each driver as a contact point's DNS name is resolved when a client starts. */
  readonly contactPoints: () => readonly string[];
  readonly random: Random;
  readonly writeConsistency: ConsistencyLevel;
  readonly readConsistency: ConsistencyLevel;
  readonly replicationFactor?: number;
  readonly keyspace?: string;
  readonly clients?: number;
  readonly keys?: number;
  /** Fraction of operations that are reads. */
  readonly readFraction?: number;
  /** Compare-and-set registers through lightweight transactions (see above). */
  readonly lwt?: boolean;
  /** Mean pause between one client's operations (exponentially distributed). */
  readonly meanIntervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly history?: History;
}

export interface WriteInput {
  readonly key: number;
  readonly value: number;
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

function describe(o: Outcome): string {
  switch (o.kind) {
    case "response":
      return o.response.kind === "ERROR" ? o.response.message : o.response.kind;
    case "timeout":
      return "client timeout";
    case "connection-lost":
      return "connection lost";
    case "no-host":
      return "no host available";
  }
}

/** Whether a failed write certainly did not happen (nothing reached a replica). */
function definitelyNotApplied(o: Outcome): boolean {
  if (o.kind === "no-host") return true;
  if (o.kind !== "response" || o.response.kind !== "ERROR") return false;
  const code = o.response.code;
  return code === ErrorCode.UNAVAILABLE || code === ErrorCode.INVALID || code === ErrorCode.SYNTAX_ERROR || code === ErrorCode.CONFIG_ERROR;
}

export class RegisterWorkload {
  readonly history: History;
  readonly keyspace: string;
  readonly table = "registers";
  private nextValue = 1;
  private stopAt = 0;
  /** Set by stop(): a run that has not started yet (setup still going) must not start. */
  private stopped = false;

  constructor(readonly options: RegisterWorkloadOptions) {
    this.history = options.history ?? new History(options.sim);
    this.keyspace = options.keyspace ?? "jepsen";
  }

  private driver(): CqlDriver {
    return new CqlDriver(this.options.sim, this.options.dialer, {
      contactPoints: this.options.contactPoints(),
      requestTimeoutMs: this.options.requestTimeoutMs ?? 12_000,
      registerEvents: true,
    });
  }

  /** Creates the keyspace and table (retrying until the cluster answers), and waits for schema agreement. */
  *setup(): Proc<void> {
    const sim = this.options.sim;
    const d = this.driver();
    for (;;) {
      const c = yield* d.connect();
      if (c.ok) break;
      yield* wait(sleep(sim, 1000));
    }
    const rf = this.options.replicationFactor ?? 3;
    const ddl = [
      `CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
      `CREATE TABLE IF NOT EXISTS ${this.keyspace}.${this.table} (k int PRIMARY KEY, v int)`,
    ];
    for (const q of ddl) {
      for (;;) {
        const o = yield* d.execute(q, "ONE");
        if (o.kind === "response" && o.response.kind !== "ERROR") {
          yield* d.waitForSchemaAgreement(o.host);
          break;
        }
        yield* wait(sleep(sim, 1000));
      }
    }
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

  /** Runs the clients for `durationMs`; returns once every client has finished its last operation. */
  *run(durationMs: number): Proc<void> {
    const sim = this.options.sim;
    this.stopAt = this.stopped ? sim.now : sim.now + durationMs;
    const tasks: Task<void>[] = [];
    const n = this.options.clients ?? 3;
    for (let i = 0; i < n; i++) tasks.push(spawn(sim, this.client(`client-${i}`, this.options.random.fork(`client-${i}`)), `cassandra-workload:${i}`));
    for (const t of tasks) yield* wait(t);
  }

  private *client(name: string, random: Random): Proc<void> {
    const sim = this.options.sim;
    const d = this.driver();
    yield* d.connect();
    const keys = this.options.keys ?? 5;
    const readFraction = this.options.readFraction ?? 0.5;
    const mean = this.options.meanIntervalMs ?? 200;
    while (sim.now < this.stopAt) {
      const key = random.int(0, keys - 1);
      if (random.float() < readFraction) yield* this.read(d, name, key, this.options.readConsistency, "read");
      else if (this.options.lwt !== true) yield* this.write(d, name, key);
      else if (random.float() < 0.5) yield* this.lwtWrite(d, name, key, random.int(0, LWT_VALUES - 1));
      else yield* this.cas(d, name, key, random.int(0, LWT_VALUES - 1), random.int(0, LWT_VALUES - 1));
      yield* wait(sleep(sim, Math.round(random.exponential(mean))));
    }
    d.close();
  }

  private *write(d: CqlDriver, process: string, key: number): Proc<void> {
    const value = this.nextValue++;
    const op = this.history.invoke<WriteInput>(process, "write", { key, value });
    const o = yield* d.execute(`INSERT INTO ${this.keyspace}.${this.table} (k, v) VALUES (${key}, ${value})`, this.options.writeConsistency);
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

  /** Ends the run early: each client finishes the operation it has in flight. */
  stop(): void {
    this.stopped = true;
    this.stopAt = Math.min(this.stopAt, this.options.sim.now);
  }

  /**
   * Reads every key at `cl` until each read succeeds (or `maxMs` passes), as `final-read`. After a
   * failed read it starts over with a fresh driver, which looks the contact points up again.
   */
  *finalReads(cl: ConsistencyLevel = "ALL", maxMs = 300_000): Proc<void> {
    const sim = this.options.sim;
    const deadline = sim.now + maxMs;
    let d = this.driver();
    yield* d.connect();
    for (let key = 0; key < (this.options.keys ?? 5); key++) {
      while (!(yield* this.read(d, "final", key, cl, "final-read")) && sim.now < deadline) {
        yield* wait(sleep(sim, 2000));
        d.close();
        d = this.driver();
        yield* d.connect();
      }
    }
    d.close();
  }
}
