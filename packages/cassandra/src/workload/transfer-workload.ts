import type { Proc, Random } from "@ksim/sim";
import type { CqlDriver } from "../client/driver.js";
import type { ConsistencyLevel } from "../core/protocol.js";
import { CqlWorkload, definitelyNotApplied, describe, type CqlWorkloadOptions } from "./cql-workload.js";

/**
 * A transfer workload, what batches are for: each transfer writes a debit entry into one
 * account's partition and the matching credit entry into another's, in one batch (logged by
 * default, the atomic kind, or unlogged). A transfer that times out is `info` — it may have
 * happened, in whole or in part; one refused before anything was sent (Unavailable) is `fail`.
 * After the run every account is read once more (`final-read`), so a checker can tell whether
 * any transfer came out half-applied.
 */

export interface TransferWorkloadOptions extends CqlWorkloadOptions {
  readonly writeConsistency: ConsistencyLevel;
  /** BEGIN BATCH (the batchlog) or BEGIN UNLOGGED BATCH. */
  readonly logged?: boolean;
  readonly replicationFactor?: number;
  readonly keyspace?: string;
  readonly accounts?: number;
}

export interface TransferInput {
  /** The entry's id, unique across the run: the debit's and the credit's clustering key. */
  readonly entry: number;
  readonly from: number;
  readonly to: number;
}
export interface AccountInput {
  readonly account: number;
}
export interface AccountOutput {
  /** Every entry the account's partition holds. */
  readonly entries: readonly number[];
}

export class TransferWorkload extends CqlWorkload<TransferWorkloadOptions> {
  readonly keyspace: string;
  readonly table = "ledger";
  private nextEntry = 1;

  constructor(options: TransferWorkloadOptions) {
    super(options);
    this.keyspace = options.keyspace ?? "bank";
  }

  private get accounts(): number {
    return this.options.accounts ?? 6;
  }

  /** Creates the keyspace and the ledger (retrying until the cluster answers), and waits for schema agreement. */
  *setup(): Proc<void> {
    const d = yield* this.connected();
    const rf = this.options.replicationFactor ?? 3;
    yield* this.createSchema(d, [
      `CREATE KEYSPACE IF NOT EXISTS ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
      `CREATE TABLE IF NOT EXISTS ${this.keyspace}.${this.table} (account int, entry int, amount int, PRIMARY KEY (account, entry))`,
    ]);
    d.close();
  }

  protected *operation(d: CqlDriver, process: string, random: Random): Proc<void> {
    const from = random.int(0, this.accounts - 1);
    const to = (from + random.int(1, this.accounts - 1)) % this.accounts;
    const amount = random.int(1, 100);
    const entry = this.nextEntry++;
    const op = this.history.invoke<TransferInput>(process, "transfer", { entry, from, to });
    const t = `${this.keyspace}.${this.table}`;
    const o = yield* d.execute(
      `BEGIN ${this.options.logged === false ? "UNLOGGED " : ""}BATCH ` +
        `INSERT INTO ${t} (account, entry, amount) VALUES (${from}, ${entry}, ${-amount}); ` +
        `INSERT INTO ${t} (account, entry, amount) VALUES (${to}, ${entry}, ${amount}); APPLY BATCH`,
      this.options.writeConsistency,
    );
    if (o.kind === "response" && o.response.kind !== "ERROR") this.history.ok(op);
    else if (definitelyNotApplied(o)) this.history.fail(op, describe(o));
    else this.history.info(op, describe(o));
  }

  /** Reads every account's entries at `cl` until each read succeeds (or `maxMs` passes), as `final-read`. */
  *finalReads(cl: ConsistencyLevel = "ALL", maxMs = 300_000): Proc<void> {
    const accounts = Array.from({ length: this.accounts }, (_, a) => a);
    yield* this.readEach(accounts, (d, account) => this.readAccount(d, account, cl), maxMs);
  }

  private *readAccount(d: CqlDriver, account: number, cl: ConsistencyLevel): Proc<boolean> {
    const op = this.history.invoke<AccountInput>("final", "final-read", { account });
    const o = yield* d.execute(`SELECT entry FROM ${this.keyspace}.${this.table} WHERE account = ${account}`, cl);
    if (o.kind === "response" && o.response.kind === "ROWS") {
      this.history.ok(op, { entries: o.response.rows.map((r) => r[0] as number) } satisfies AccountOutput);
      return true;
    }
    this.history.fail(op, describe(o));
    return false;
  }
}
