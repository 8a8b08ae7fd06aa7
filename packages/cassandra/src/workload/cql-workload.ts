import type { Proc, Random, Sim, Task } from "@ksim/sim";
import { History, sleep, spawn, wait } from "@ksim/sim";
import { CqlDriver, type Dialer, type Outcome } from "../client/driver.js";
import { ErrorCode } from "../core/protocol.js";

/**
 * What every CQL workload does around its own operations: drivers that look the contact points
 * up afresh, schema made once the cluster answers, clients that each run an operation and pause
 * (exponentially distributed) until stopped, and reads at the end retried until they succeed.
 */

export interface CqlWorkloadOptions {
  readonly sim: Sim;
  /** Where the clients connect from (a simulated host outside the ring, or a pod's network). */
  readonly dialer: Dialer;
  /** The addresses to start from, asked afresh for each driver as a contact point's DNS name is resolved when a client starts. */
  readonly contactPoints: () => readonly string[];
  readonly random: Random;
  readonly clients?: number;
  /** Mean pause between one client's operations (exponentially distributed). */
  readonly meanIntervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly history?: History;
}

/** How an operation that did not succeed is recorded. */
export function describe(o: Outcome): string {
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
export function definitelyNotApplied(o: Outcome): boolean {
  if (o.kind === "no-host") return true;
  if (o.kind !== "response" || o.response.kind !== "ERROR") return false;
  const code = o.response.code;
  return code === ErrorCode.UNAVAILABLE || code === ErrorCode.INVALID || code === ErrorCode.SYNTAX_ERROR || code === ErrorCode.CONFIG_ERROR;
}

export abstract class CqlWorkload<O extends CqlWorkloadOptions = CqlWorkloadOptions> {
  readonly history: History;
  private stopAt = 0;
  /** Set by stop(): a run that has not started yet (setup still going) must not start. */
  private stopped = false;

  constructor(readonly options: O) {
    this.history = options.history ?? new History(options.sim);
  }

  protected driver(): CqlDriver {
    return new CqlDriver(this.options.sim, this.options.dialer, {
      contactPoints: this.options.contactPoints(),
      requestTimeoutMs: this.options.requestTimeoutMs ?? 12_000,
      registerEvents: true,
    });
  }

  /** A connected driver, retrying every second until the cluster answers. */
  protected *connected(): Proc<CqlDriver> {
    const d = this.driver();
    for (;;) {
      const c = yield* d.connect();
      if (c.ok) return d;
      yield* wait(sleep(this.options.sim, 1000));
    }
  }

  /** Runs each schema statement until it succeeds, waiting for schema agreement after each. */
  protected *createSchema(d: CqlDriver, ddl: readonly string[]): Proc<void> {
    for (const q of ddl) {
      for (;;) {
        const o = yield* d.execute(q, "ONE");
        if (o.kind === "response" && o.response.kind !== "ERROR") {
          yield* d.waitForSchemaAgreement(o.host);
          break;
        }
        yield* wait(sleep(this.options.sim, 1000));
      }
    }
  }

  /** One operation of one client. */
  protected abstract operation(d: CqlDriver, process: string, random: Random): Proc<void>;

  /** Runs the clients for `durationMs`; returns once every client has finished its last operation. */
  *run(durationMs: number): Proc<void> {
    const sim = this.options.sim;
    this.stopAt = this.stopped ? sim.now : sim.now + durationMs;
    const tasks: Task<void>[] = [];
    for (let i = 0; i < (this.options.clients ?? 3); i++) tasks.push(spawn(sim, this.client(`client-${i}`, this.options.random.fork(`client-${i}`)), `cassandra-workload:${i}`));
    for (const t of tasks) yield* wait(t);
  }

  private *client(name: string, random: Random): Proc<void> {
    const sim = this.options.sim;
    const d = this.driver();
    yield* d.connect();
    const mean = this.options.meanIntervalMs ?? 200;
    while (sim.now < this.stopAt) {
      yield* this.operation(d, name, random);
      yield* wait(sleep(sim, Math.round(random.exponential(mean))));
    }
    d.close();
  }

  /** Ends the run early: each client finishes the operation it has in flight. */
  stop(): void {
    this.stopped = true;
    this.stopAt = Math.min(this.stopAt, this.options.sim.now);
  }

  /**
   * Runs `read` for each item until it succeeds (or `maxMs` passes). After a failed read it starts
   * over with a fresh driver, which looks the contact points up again.
   */
  protected *readEach<T>(items: readonly T[], read: (d: CqlDriver, item: T) => Proc<boolean>, maxMs: number): Proc<void> {
    const sim = this.options.sim;
    const deadline = sim.now + maxMs;
    let d = this.driver();
    yield* d.connect();
    for (const item of items) {
      while (!(yield* read(d, item)) && sim.now < deadline) {
        yield* wait(sleep(sim, 2000));
        d.close();
        d = this.driver();
        yield* d.connect();
      }
    }
    d.close();
  }
}
