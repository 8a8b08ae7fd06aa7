import { sleep, spawn, wait, type CheckResult, type History, type Host, type Proc, type Sim, type Violation } from "@ksim/sim";
import { MysqlConnection, type ClientNet } from "../client/connection.js";

/**
 * A write workload against MySQL: clients insert numbered rows in explicit transactions and
 * record each attempt in a History. An acknowledged COMMIT is `ok`; an error before COMMIT is
 * `fail` (the transaction never committed); losing the connection or timing out during COMMIT
 * is `info` (it may or may not have committed). A final read records what survived, and
 * checkInserts compares the two.
 */

export interface InsertWorkloadOptions {
  /** Host name (resolved through DNS) or IP of the MySQL server. */
  readonly host: string;
  readonly port?: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly table?: string;
  readonly clients?: number;
  /** Pause between one client's transactions. */
  readonly intervalMs?: number;
  /** Stop starting transactions after this much simulated time. */
  readonly durationMs: number;
  /** A deadline the caller can move (to stop the workload early); overrides durationMs. */
  readonly deadline?: { at: number };
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

export interface InsertInput {
  readonly client: number;
  readonly seq: number;
}

export const DEFAULT_TABLE = "ksim_writes";

/** A bare simulated host as a client network, with a resolver standing in for cluster DNS. */
export function hostNet(host: Host, resolve: (name: string) => string[]): ClientNet {
  return { connect: (ip, port, options) => host.connect(ip, port, options), resolve };
}

function connectOptions(o: InsertWorkloadOptions) {
  return {
    host: o.host,
    port: o.port,
    protocol: "tcp" as const,
    user: o.user,
    password: o.password,
    database: o.database,
    connectTimeoutMs: o.connectTimeoutMs ?? 5_000,
    readTimeoutMs: o.queryTimeoutMs ?? 10_000,
    program: "ksim-inserts",
  };
}

/** Runs the clients until `durationMs` has passed (setup retries until the table exists). */
export function* insertWorkload(sim: Sim, net: ClientNet, history: History, o: InsertWorkloadOptions): Proc<void> {
  const table = o.table ?? DEFAULT_TABLE;
  const end = o.deadline ?? { at: sim.now + o.durationMs };
  const interval = o.intervalMs ?? 100;
  while (sim.now < end.at) {
    const conn = yield* MysqlConnection.connect(sim, net, connectOptions(o));
    if (conn instanceof MysqlConnection) {
      const r = yield* conn.query(`CREATE TABLE IF NOT EXISTS \`${table}\` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, client INT NOT NULL, seq INT NOT NULL, UNIQUE KEY client_seq (client, seq))`);
      conn.close();
      if (r.error === undefined) break;
    }
    yield* wait(sleep(sim, 1000));
  }
  const tasks = [];
  for (let c = 0; c < (o.clients ?? 2); c++) tasks.push(spawn(sim, client(sim, net, history, o, table, c, end, interval), `inserts-${c}`));
  for (const t of tasks) yield* wait(t);
}

function* client(sim: Sim, net: ClientNet, history: History, o: InsertWorkloadOptions, table: string, c: number, end: { at: number }, interval: number): Proc<void> {
  const name = `client-${c}`;
  let conn: MysqlConnection | undefined;
  let seq = 0;
  while (sim.now < end.at) {
    if (conn === undefined || !conn.open) {
      const attempt = yield* MysqlConnection.connect(sim, net, connectOptions(o));
      if (!(attempt instanceof MysqlConnection)) {
        yield* wait(sleep(sim, interval));
        continue;
      }
      conn = attempt;
    }
    const input: InsertInput = { client: c, seq: seq++ };
    const op = history.invoke(name, "insert", input);
    const begin = yield* conn.query("BEGIN");
    const insert = begin.error === undefined ? yield* conn.query(`INSERT INTO \`${table}\` (client, seq) VALUES (${input.client}, ${input.seq})`) : begin;
    if (insert.error !== undefined) {
      // Nothing was committed: the server rolls back an interrupted transaction.
      history.fail(op, insert.error.message);
      if (insert.error.code >= 2000) conn = undefined;
      else yield* conn.query("ROLLBACK");
    } else {
      const commit = yield* conn.query("COMMIT");
      if (commit.error === undefined) history.ok(op);
      else if (commit.error.code >= 2000) {
        history.info(op, commit.error.message);
        conn = undefined;
      } else history.fail(op, commit.error.message);
    }
    yield* wait(sleep(sim, interval));
  }
  conn?.close();
}

/**
 * Reads every row back, retrying until the server answers or `deadlineMs` passes, and records
 * the result as a `read` operation for checkInserts.
 */
export function* readInserts(sim: Sim, net: ClientNet, history: History, o: Omit<InsertWorkloadOptions, "durationMs">, deadlineMs: number): Proc<void> {
  const table = o.table ?? DEFAULT_TABLE;
  const op = history.invoke("reader", "read", null);
  const end = sim.now + deadlineMs;
  let last = "no attempt";
  while (sim.now < end) {
    const conn = yield* MysqlConnection.connect(sim, net, connectOptions({ ...o, durationMs: 0 }));
    if (conn instanceof MysqlConnection) {
      const r = yield* conn.query(`SELECT client, seq FROM \`${table}\``);
      conn.close();
      const result = r.results[0];
      if (r.error === undefined && result?.kind === "rows") {
        history.ok(op, result.rows.map((row) => ({ client: Number(row[0]), seq: Number(row[1]) })));
        return;
      }
      last = r.error?.message ?? "no result";
      // The table missing altogether is an answer too: nothing survived.
      if (r.error?.code === 1146) {
        history.ok(op, []);
        return;
      }
    } else last = conn.message;
    yield* wait(sleep(sim, 1000));
  }
  history.info(op, last);
}

/**
 * Every acknowledged insert is in the final read (nothing a client was told is committed got
 * lost), and nothing the clients were told failed shows up there.
 */
export function checkInserts(history: History): CheckResult {
  const ops = history.operations;
  const read = [...ops].reverse().find((o) => o.f === "read" && o.outcome === "ok");
  const violations: Violation[] = [];
  const key = (i: InsertInput) => `${i.client}/${i.seq}`;
  if (read === undefined) {
    return {
      invariant: "acknowledged inserts survive",
      ok: false,
      violations: [{ invariant: "acknowledged inserts survive", time: ops[ops.length - 1]?.invokedAt ?? 0, message: "the final read never succeeded" }],
      metrics: {},
    };
  }
  const present = new Set((read.output as InsertInput[]).map(key));
  let acknowledged = 0;
  let lost = 0;
  let indeterminate = 0;
  let indeterminatePresent = 0;
  for (const op of ops) {
    if (op.f !== "insert") continue;
    const k = key(op.input as InsertInput);
    if (op.outcome === "ok") {
      acknowledged++;
      if (!present.has(k)) {
        lost++;
        violations.push({ invariant: "acknowledged inserts survive", time: op.completedAt!, message: `insert ${k} was acknowledged at ${op.completedAt} ms and is missing` });
      }
    } else if (op.outcome === "fail") {
      if (present.has(k)) violations.push({ invariant: "failed inserts leave no row", time: op.completedAt!, message: `insert ${k} failed (${op.error}) but its row exists` });
    } else {
      indeterminate++;
      if (present.has(k)) indeterminatePresent++;
    }
  }
  return {
    invariant: "acknowledged inserts survive",
    ok: violations.length === 0,
    violations,
    metrics: { acknowledged, lost, indeterminate, indeterminatePresent, rows: present.size },
  };
}
