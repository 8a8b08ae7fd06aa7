import { spawn, type Proc, type Task } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { MysqlConnection, type QueryOutcome } from "../src/client/connection.js";
import { hostNet } from "../src/workload/inserts.js";
import { TestCluster } from "./harness.js";

/** A server and a client host with the client library, as a workload uses it. */
function setup() {
  const c = new TestCluster(9);
  const pod = c.pod("db", { image: "mysql:8.0", env: { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "app" }, volumes: { "/var/lib/mysql": c.volume("pv") } });
  c.dns.set("db", [pod.ip]);
  c.advance(30_000);
  const net = hostNet(c.net.addHost("client", "10.244.9.9"), (n) => c.dns.get(n) ?? []);
  const connect = (): MysqlConnection => {
    let conn: MysqlConnection | undefined;
    const t = spawn(c.sim, (function* (): Proc<void> {
      const r = yield* MysqlConnection.connect(c.sim, net, { host: "db", user: "root", password: "secret", database: "app" });
      if (r instanceof MysqlConnection) conn = r;
    })());
    c.sim.runWhile(() => !t.done);
    return conn!;
  };
  /** Starts a query; the task settles with its outcome. */
  const query = (conn: MysqlConnection, sql: string): Task<QueryOutcome> => spawn(c.sim, conn.query(sql));
  const done = (t: Task<QueryOutcome>): QueryOutcome => {
    c.sim.runWhile(() => !t.done, c.sim.now + 120_000);
    const r = t.result!;
    if (!r.ok) throw new Error("query task failed");
    return r.value;
  };
  const run = (conn: MysqlConnection, sql: string) => done(query(conn, sql));
  return { c, pod, connect, query, done, run };
}

describe("the server", () => {
  it("makes a writer wait for a row lock, then times out with ER_LOCK_WAIT_TIMEOUT", () => {
    const { c, connect, query, done, run } = setup();
    const a = connect();
    const b = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(a, "INSERT INTO t VALUES (1, 0), (2, 0)");
    run(a, "BEGIN");
    run(a, "UPDATE t SET v = 1 WHERE id = 1");
    const started = c.sim.now;
    const blocked = query(b, "UPDATE t SET v = 2 WHERE id = 1");
    const r = done(blocked);
    expect(r.error?.message).toBe("Lock wait timeout exceeded; try restarting transaction");
    expect(r.error?.code).toBe(1205);
    expect(c.sim.now - started).toBeGreaterThanOrEqual(50_000);
    // Once the holder commits, the same statement goes through.
    const retried = query(b, "UPDATE t SET v = 2 WHERE id = 1");
    c.advance(1_000);
    expect(retried.done).toBe(false);
    run(a, "COMMIT");
    expect(done(retried).error).toBeUndefined();
  });

  it("counts statements, connections and row lock waits in SHOW STATUS, each session's own and the server's sums", () => {
    const { c, connect, query, done, run } = setup();
    const status = (conn: MysqlConnection, sql: string): Record<string, string> => {
      const r = run(conn, sql).results[0];
      return Object.fromEntries(r?.kind === "rows" ? r.rows.map(([k, v]) => [k, v]) : []);
    };
    const a = connect();
    const b = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 0); SELECT * FROM t; SELECT 1");
    const mine = status(a, "SHOW STATUS");
    expect(mine).toMatchObject({ Com_select: "2", Com_insert: "1", Com_create_table: "1", Com_show_status: "1", Questions: "5", Threads_connected: "2", Connections: "9", Slow_queries: "0" });
    expect(Object.keys(mine)).toEqual(Object.keys(mine).sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)));
    expect(status(b, "SHOW SESSION STATUS LIKE 'com\\_select'")).toEqual({ Com_select: "0" });
    expect(status(b, "SHOW GLOBAL STATUS LIKE 'Com_select'")).toEqual({ Com_select: "2" });

    // A writer held 12 s behind another transaction's row lock: a row lock wait, and a slow query.
    run(a, "BEGIN; UPDATE t SET v = 1 WHERE id = 1");
    const blocked = query(b, "UPDATE t SET v = 2 WHERE id = 1");
    c.advance(12_000);
    expect(status(a, "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock%'")).toMatchObject({ Innodb_row_lock_current_waits: "1", Innodb_row_lock_waits: "1" });
    run(a, "COMMIT");
    expect(done(blocked).error).toBeUndefined();
    const locks = status(a, "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock%'");
    expect(locks).toMatchObject({ Innodb_row_lock_current_waits: "0", Innodb_row_lock_waits: "1" });
    expect(Number(locks.Innodb_row_lock_time)).toBeGreaterThanOrEqual(12_000);
    expect(locks.Innodb_row_lock_time_max).toBe(locks.Innodb_row_lock_time);
    expect(status(b, "SHOW STATUS LIKE 'Slow_queries'")).toEqual({ Slow_queries: "1" });
    expect(status(a, "SHOW STATUS LIKE 'Slow_queries'")).toEqual({ Slow_queries: "0" });

    // A killed connection is an aborted client; FLUSH STATUS starts the session's counters again.
    const bId = run(b, "SELECT CONNECTION_ID()").results[0];
    run(a, `KILL ${bId?.kind === "rows" ? bId.rows[0]![0] : ""}`);
    c.advance(100);
    run(a, "FLUSH STATUS");
    expect(status(a, "SHOW STATUS LIKE 'Com_select'")).toEqual({ Com_select: "0" });
    expect(status(a, "SHOW STATUS LIKE 'Aborted_clients'")).toEqual({ Aborted_clients: "1" });
    expect(status(a, "SHOW STATUS LIKE 'Max_used_connections'")).toEqual({ Max_used_connections: "1" });
    expect(Number(status(a, "SHOW GLOBAL STATUS LIKE 'Com_select'").Com_select)).toBeGreaterThanOrEqual(3);
  });

  it("holds writers behind LOCK TABLES … READ until UNLOCK TABLES, showing them waiting in the processlist", () => {
    const { c, connect, query, done, run } = setup();
    const a = connect();
    const b = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY)");
    expect(run(a, "LOCK TABLES t READ").error).toBeUndefined();
    // The holder may read what it locked, and nothing else; readers elsewhere are not held up.
    expect(run(a, "INSERT INTO t VALUES (1)").error?.message).toBe("Table 't' was locked with a READ lock and can't be updated");
    expect(run(a, "SELECT * FROM u").error?.message).toBe("Table 'u' was not locked with LOCK TABLES");
    expect(run(b, "SELECT * FROM t").error).toBeUndefined();
    const insert = query(b, "INSERT INTO t VALUES (2)");
    c.advance(10_000);
    expect(insert.done).toBe(false);
    const list = run(a, "SHOW PROCESSLIST").results[0];
    const waiting = list?.kind === "rows" ? list.rows.find((r) => r[7] === "INSERT INTO t VALUES (2)") : undefined;
    expect(waiting?.[6]).toBe("Waiting for table metadata lock");
    run(a, "UNLOCK TABLES");
    expect(done(insert).error).toBeUndefined();
    // lock_wait_timeout bounds the wait; a disconnect releases the locks.
    run(a, "LOCK TABLES t WRITE");
    run(b, "SET SESSION lock_wait_timeout = 3");
    const started = c.sim.now;
    const read = done(query(b, "SELECT * FROM t"));
    expect(read.error?.code).toBe(1205);
    expect(c.sim.now - started).toBeGreaterThanOrEqual(3_000);
    const again = query(b, "SELECT * FROM t");
    c.advance(1_000);
    a.close();
    expect(done(again).error).toBeUndefined();
  });

  it("stops every write under FLUSH TABLES WITH READ LOCK, the holder's own included", () => {
    const { c, connect, query, done, run } = setup();
    const a = connect();
    const b = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY)");
    run(a, "FLUSH TABLES WITH READ LOCK");
    expect(run(a, "INSERT INTO t VALUES (1)").error?.message).toBe("Can't execute the query because you have a conflicting read lock");
    expect(run(b, "SELECT * FROM t").error).toBeUndefined();
    const insert = query(b, "INSERT INTO t VALUES (2)");
    c.advance(5_000);
    expect(insert.done).toBe(false);
    const list = run(a, "SHOW PROCESSLIST").results[0];
    expect(list?.kind === "rows" ? list.rows.map((r) => r[6]) : []).toContain("Waiting for global read lock");
    run(a, "UNLOCK TABLES");
    expect(done(insert).error).toBeUndefined();
  });

  it("detects a deadlock and rolls back the transaction that closed the cycle", () => {
    const { c, connect, query, done, run } = setup();
    const a = connect();
    const b = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(a, "INSERT INTO t VALUES (1, 0), (2, 0)");
    run(a, "BEGIN");
    run(b, "BEGIN");
    run(a, "UPDATE t SET v = 1 WHERE id = 1");
    run(b, "UPDATE t SET v = 2 WHERE id = 2");
    const aWaits = query(a, "UPDATE t SET v = 1 WHERE id = 2");
    c.advance(100);
    const victim = run(b, "UPDATE t SET v = 2 WHERE id = 1");
    expect(victim.error?.message).toBe("Deadlock found when trying to get lock; try restarting transaction");
    expect(done(aWaits).error).toBeUndefined();
    run(a, "COMMIT");
    const rows = run(b, "SELECT id, v FROM t ORDER BY id").results[0];
    expect(rows?.kind === "rows" && rows.rows).toEqual([["1", "1"], ["2", "1"]]);
  });

  it("answers commits only once the log is durable, and says so in the trace", () => {
    const { c, connect, run } = setup();
    const events: { durable: boolean; flush: number }[] = [];
    c.sim.trace.observe("mysql.commit", (e) => events.push(e.data as { durable: boolean; flush: number }));
    const a = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY)");
    run(a, "INSERT INTO t VALUES (1)");
    run(a, "SET GLOBAL innodb_flush_log_at_trx_commit = 2");
    run(a, "INSERT INTO t VALUES (2)");
    expect(events.map((e) => [e.flush, e.durable])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("makes each commit wait for the redo log's fsync, so a slow disk slows commits unless the log is not flushed at commit", () => {
    const { c, pod, connect, run } = setup();
    const a = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY)");
    const timed = (sql: string) => {
      const t0 = c.sim.now;
      run(a, sql);
      return c.sim.now - t0;
    };
    expect(timed("INSERT INTO t VALUES (1)")).toBeLessThan(100);
    pod.fsyncDelayMs = 2_000;
    expect(timed("INSERT INTO t VALUES (2)")).toBeGreaterThanOrEqual(2_000);
    run(a, "SET GLOBAL innodb_flush_log_at_trx_commit = 2");
    expect(timed("INSERT INTO t VALUES (3)")).toBeLessThan(100);
  });

  it("lists connections in SHOW PROCESSLIST, with the event scheduler", () => {
    const { connect, run } = setup();
    const a = connect();
    const r = run(a, "SHOW PROCESSLIST").results[0];
    expect(r?.kind === "rows" && r.columns.map((col) => col.name)).toEqual(["Id", "User", "Host", "db", "Command", "Time", "State", "Info"]);
    expect(r?.kind === "rows" && r.rows.map((row) => [row[1], row[4], row[7]])).toEqual([
      ["event_scheduler", "Daemon", null],
      ["root", "Query", "SHOW PROCESSLIST"],
    ]);
  });

  it("loses the connection of a client whose server dies mid-transaction", () => {
    const { c, pod, connect, run } = setup();
    const a = connect();
    run(a, "CREATE TABLE t (id INT PRIMARY KEY)");
    run(a, "BEGIN");
    run(a, "INSERT INTO t VALUES (1)");
    pod.signal("SIGKILL");
    c.advance(100);
    expect(run(a, "COMMIT").error?.message).toBe("Lost connection to MySQL server during query");
    expect(run(a, "SELECT 1").error?.message).toBe("MySQL server has gone away");
  });
});
