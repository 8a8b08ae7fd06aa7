import { describe, expect, it } from "vitest";
import { sqlWorld } from "./sql-helpers.js";

function world() {
  const w = sqlWorld();
  const s = w.session();
  for (const sql of ["CREATE DATABASE d", "USE d", "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))"]) w.run(s, sql);
  const count = () => {
    const fresh = w.session();
    w.run(fresh, "USE d");
    return w.run(fresh, "SELECT COUNT(*) AS n FROM t").split("\n")[3]!.replace(/[| ]/g, "");
  };
  /** The log writer's two steps, as the server takes them. */
  const write = () => w.engine().redo.write();
  const fsync = () => {
    w.engine().redo.write();
    w.engine().redo.fsync();
  };
  return { ...w, s, count, write, fsync };
}

describe("InnoDB redo log and crash recovery", () => {
  it("keeps what was fsynced and loses what was not when the node crashes", () => {
    const w = world();
    w.run(w.s, "INSERT INTO t (v) VALUES ('a'), ('b')");
    w.fsync();
    w.run(w.s, "INSERT INTO t (v) VALUES ('c')");
    w.write();
    w.volume.crash();
    const recovery = w.reopen();
    expect(recovery.crashed).toBe(true);
    expect(w.count()).toBe("2");
  });

  it("keeps what was written but not fsynced when only mysqld dies (the page cache survives)", () => {
    const w = world();
    w.run(w.s, "INSERT INTO t (v) VALUES ('a')");
    w.write();
    w.run(w.s, "INSERT INTO t (v) VALUES ('never written')");
    const recovery = w.reopen();
    expect(recovery.crashed).toBe(true);
    expect(w.count()).toBe("1");
  });

  it("rolls back a transaction that never committed, even when a checkpoint wrote its rows", () => {
    const w = world();
    const other = w.session();
    w.run(other, "USE d");
    w.run(w.s, "BEGIN");
    w.run(w.s, "INSERT INTO t (v) VALUES ('uncommitted')");
    w.engine().checkpoint();
    w.run(other, "INSERT INTO t (v) VALUES ('committed')");
    w.fsync();
    w.volume.crash();
    const recovery = w.reopen();
    expect(recovery.rolledBack).toEqual([{ trx: expect.any(Number), rows: 1 }]);
    const s = w.session();
    w.run(s, "USE d");
    expect(w.run(s, "SELECT v FROM t")).toBe("+-----------+\n| v         |\n+-----------+\n| committed |\n+-----------+\n");
    // The auto-increment value the rolled-back insert took is not reused.
    w.run(s, "INSERT INTO t (v) VALUES ('next')");
    expect(w.run(s, "SELECT MAX(id) FROM t")).toContain("|       3 |");
  });

  it("ignores a torn tail of the log, and a later crash recovers what followed", () => {
    const w = world();
    w.run(w.s, "INSERT INTO t (v) VALUES ('durable')");
    w.fsync();
    for (let i = 0; i < 50; i++) w.run(w.s, `INSERT INTO t (v) VALUES ('maybe ${i}')`);
    w.write();
    w.volume.crash({ tear: true, random: w.sim.random.fork("tear") });
    w.reopen();
    const survived = Number(w.count());
    expect(survived).toBeGreaterThanOrEqual(1);
    expect(survived).toBeLessThanOrEqual(51);
    const s = w.session();
    w.run(s, "USE d");
    for (let i = 0; i < 5; i++) w.run(s, `INSERT INTO t (v) VALUES ('after ${i}')`);
    w.engine().redo.write();
    w.engine().redo.fsync();
    w.volume.crash();
    w.reopen();
    expect(Number(w.count())).toBe(survived + 5);
  });

  it("makes DDL durable at once and skips log records of dropped tables", () => {
    const w = world();
    w.run(w.s, "CREATE TABLE gone (x INT)");
    w.run(w.s, "INSERT INTO gone VALUES (1)");
    w.fsync();
    w.run(w.s, "DROP TABLE gone");
    w.run(w.s, "CREATE TABLE kept (x INT)");
    w.volume.crash();
    w.reopen();
    const s = w.session();
    expect(w.run(s, "SHOW TABLES FROM d")).toBe("+-------------+\n| Tables_in_d |\n+-------------+\n| kept        |\n| t           |\n+-------------+\n");
  });

  it("keeps the log in 32 preallocated files that checkpoints recycle, and does not recover after a clean shutdown", () => {
    const w = world();
    const files = () => w.volume.readdir("/data/#innodb_redo");
    const inUse = () => files().filter((n) => !n.endsWith("_tmp"));
    const bytes = () => files().reduce((sum, n) => sum + w.volume.stat(`/data/#innodb_redo/${n}`).size, 0);
    expect(files()).toHaveLength(32);
    const atStart = inUse().length;
    expect(bytes()).toBe(100 * 1024 * 1024);
    w.run(w.s, "CREATE TABLE big (id INT PRIMARY KEY, v MEDIUMTEXT)");
    for (let i = 0; i < 80; i++) w.run(w.s, `INSERT INTO big VALUES (${i}, '${"x".repeat(100_000)}')`);
    w.fsync();
    expect(inUse().length).toBeGreaterThan(2);
    w.engine().checkpoint();
    w.run(w.s, "INSERT INTO t (v) VALUES ('one more')");
    w.engine().checkpoint();
    expect(inUse().length).toBeLessThanOrEqual(atStart);
    expect(files()).toHaveLength(32);
    expect(bytes()).toBe(100 * 1024 * 1024);
    w.engine().shutdown();
    const recovery = w.reopen();
    expect(recovery.crashed).toBe(false);
    expect(w.count()).toBe("1");
  });

  it("takes innodb_redo_log_capacity: spares are remade at the new size at once, files in use when recycled", () => {
    const w = world();
    const sizes = () => w.volume.readdir("/data/#innodb_redo").map((n) => w.volume.stat(`/data/#innodb_redo/${n}`).size);
    w.run(w.s, "SET GLOBAL innodb_redo_log_capacity = 8388608");
    expect(sizes().filter((n) => n === 262_144).length).toBeGreaterThanOrEqual(30);
    expect(w.run(w.s, "SELECT @@innodb_redo_log_capacity AS c")).toContain("8388608");
    // Enough log to move past the files in use: they come back as spares of the new size.
    w.run(w.s, "CREATE TABLE big (id INT PRIMARY KEY, v MEDIUMTEXT)");
    for (let i = 0; i < 6; i++) w.run(w.s, `INSERT INTO big VALUES (${i}, '${"x".repeat(100_000)}')`);
    w.engine().checkpoint();
    w.run(w.s, "INSERT INTO t (v) VALUES ('one more')");
    w.engine().checkpoint();
    expect(new Set(sizes())).toEqual(new Set([262_144]));
    // SET GLOBAL does not outlive the server: a start with the default takes the log back to 100M.
    w.engine().shutdown();
    w.reopen();
    expect(sizes().filter((n) => n === 3_276_800).length).toBeGreaterThanOrEqual(30);
  });
});
