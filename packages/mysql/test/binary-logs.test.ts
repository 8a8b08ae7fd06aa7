import { describe, expect, it } from "vitest";
import { TestCluster } from "./harness.js";

const ENV = { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress", MYSQL_USER: "wordpress", MYSQL_PASSWORD: "secret" };

function mysqlPod(capacity?: number) {
  const c = new TestCluster(3);
  const pv = c.volume("pvc-mysql", capacity);
  const pod = c.pod("wordpress-mysql-7d4c5b8f9-x5dzt", { image: "mysql:8.0", env: ENV, volumes: { "/var/lib/mysql": pv } });
  c.advance(30_000);
  const sql = (statements: string) => pod.run(["mysql", "-uroot", "-psecret", "-N", "wordpress", "-e", statements]);
  /** SHOW BINARY LOGS as name → size. */
  const logs = () => Object.fromEntries(sql("SHOW BINARY LOGS").out.trim().split("\n").map((l) => l.split("\t")).map(([name, size]) => [name!, Number(size)]));
  return { c, pv, pod, sql, logs };
}

/** Fills the current binary log's last 4 KiB block, leaving less room than any event needs (table t(id, v) exists). */
function fillLastBlock(sql: (s: string) => { out: string }, logs: () => Record<string, number>): void {
  const current = () => Object.values(logs()).at(-1)!;
  const before = current();
  sql("INSERT INTO t VALUES (2, 'x')");
  const overhead = current() - before - 1;
  const room = 4096 - (current() % 4096);
  sql(`INSERT INTO t VALUES (3, REPEAT('x', ${room - overhead - 40}))`);
  expect(4096 - (current() % 4096)).toBeLessThan(100);
}

describe("the binary log's files", () => {
  it("are listed, rotated by FLUSH and by max_binlog_size, and purged", () => {
    const { c, pod, sql, logs } = mysqlPod();
    // The initialization's temporary server wrote binlog.000001 (the database, user and grant); this start opened 000002.
    expect(Object.keys(logs())).toEqual(["binlog.000001", "binlog.000002"]);
    expect(logs()["binlog.000002"]).toBe(157);
    expect(sql("SHOW MASTER STATUS").out).toBe("binlog.000002\t157\t\t\t\n");
    expect(sql("FLUSH BINARY LOGS").status).toBe(0);
    // A Rotate event naming the next file closes the old one.
    expect(logs()).toMatchObject({ "binlog.000002": 201, "binlog.000003": 157 });
    sql("SET GLOBAL max_binlog_size = 4096; CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
    for (let i = 1; i <= 6; i++) sql(`INSERT INTO t VALUES (${i}, REPEAT('x', 3000))`);
    const names = Object.keys(logs());
    expect(names.length).toBeGreaterThanOrEqual(6);
    expect(sql("PURGE BINARY LOGS TO 'binlog.000004'").status).toBe(0);
    expect(Object.keys(logs())[0]).toBe("binlog.000004");
    expect(pod.run(["ls", "/var/lib/mysql"]).out).not.toContain("binlog.000003");
    expect(sql("PURGE BINARY LOGS TO 'binlog.000099'").err).toContain("ERROR 1373 (HY000) at line 1: Target log not found in binlog index");
    expect(sql("PURGE BINARY LOGS BEFORE 'yesterday'").err).toContain("ERROR 1210 (HY000) at line 1: Incorrect arguments to PURGE LOGS BEFORE");
    // A file deleted by hand stays in the index, listed with size 0, until a purge drops it.
    pod.run(["rm", `/var/lib/mysql/${names[names.length - 2]}`]);
    expect(logs()[names[names.length - 2]!]).toBe(0);
    // Everything last written before now goes, except the file being written.
    c.advance(2_000);
    expect(sql("PURGE BINARY LOGS BEFORE NOW()").status).toBe(0);
    expect(Object.keys(logs())).toEqual([names[names.length - 1]]);
    expect(pod.run(["cat", "/var/lib/mysql/binlog.index"]).out).toBe(`./${names[names.length - 1]}\n`);
  });

  it("holds a DROP TABLE whose event does not fit, freeing nothing until there is room", () => {
    const { c, pv, pod, sql, logs } = mysqlPod(1024 ** 3);
    sql("CREATE TABLE t (id INT PRIMARY KEY, v MEDIUMTEXT); INSERT INTO t VALUES (1, REPEAT('x', 100000))");
    fillLastBlock(sql, logs);
    pv.occupyFreeSpace();
    const drop = pod.exec(["mysql", "-uroot", "-psecret", "wordpress", "-e", "DROP TABLE t"]);
    c.advance(5 * 60_000);
    expect(drop.status()).toBeUndefined();
    expect(pod.run(["ls", "/var/lib/mysql/wordpress"]).out).toBe("t.ibd\n");
    expect(sql("SHOW PROCESSLIST").out).toMatch(/\twaiting for handler commit\tDROP TABLE t\n/);
    expect(pod.output.text()).toContain("[ERROR] [MY-000035] [Server] Disk is full writing './binlog.000002' (OS errno 28 - No space left on device). Waiting for someone to free space... Retry in 60 secs. Message reprinted in 600 secs.");
    pv.releaseOccupied();
    c.advance(61_000);
    expect(drop.status()).toBe(0);
    expect(pod.run(["ls", "/var/lib/mysql/wordpress"]).out).toBe("");
  });

  it("takes max_binlog_size and binlog_expire_logs_seconds at startup, expiring old files when it starts", () => {
    const c = new TestCluster(3);
    const pv = c.volume("pvc-mysql");
    const args = ["mysqld", "--max-binlog-size=10000", "--binlog-expire-logs-seconds=3600"];
    const pod = c.pod("wordpress-mysql-7d4c5b8f9-x5dzt", { image: "mysql:8.0", env: ENV, args, volumes: { "/var/lib/mysql": pv } });
    c.advance(30_000);
    const sql = (statements: string) => pod.run(["mysql", "-uroot", "-psecret", "-N", "-e", statements]).out;
    expect(sql("SELECT @@max_binlog_size, @@binlog_expire_logs_seconds")).toBe("8192\t3600\n");
    pod.signal("SIGTERM");
    c.advance(2 * 3600_000);
    const again = c.pod("wordpress-mysql-7d4c5b8f9-a1b2c", { image: "mysql:8.0", env: ENV, args, volumes: { "/var/lib/mysql": pv } });
    c.advance(30_000);
    // binlog.000001 and 000002 were last written two hours ago: the new start removed them.
    expect(again.run(["mysql", "-uroot", "-psecret", "-N", "-e", "SHOW BINARY LOGS"]).out).toBe("binlog.000003\t157\tNo\n");
  });

  it("keeps a commit that waits for the binary log prepared: its rows stay locked and unseen, and a killed server rolls it back", () => {
    const { c, pv, pod, sql, logs } = mysqlPod(1024 ** 3);
    sql("CREATE TABLE t (id INT PRIMARY KEY, v MEDIUMTEXT); INSERT INTO t VALUES (1, 'a')");
    fillLastBlock(sql, logs);
    pv.occupyFreeSpace();
    const update = pod.exec(["mysql", "-uroot", "-psecret", "wordpress", "-e", "UPDATE t SET v = 'b' WHERE id = 1"]);
    c.advance(10_000);
    expect(update.status()).toBeUndefined();
    expect(sql("SELECT v FROM t WHERE id = 1").out).toBe("a\n");
    const blocked = pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "SET innodb_lock_wait_timeout = 1; UPDATE t SET v = 'c' WHERE id = 1"]);
    expect(blocked.err).toContain("ERROR 1205 (HY000) at line 1: Lock wait timeout exceeded; try restarting transaction");
    pod.signal("SIGKILL");
    c.advance(1_000);
    pv.releaseOccupied();
    const again = c.pod("wordpress-mysql-7d4c5b8f9-a1b2c", { image: "mysql:8.0", env: ENV, volumes: { "/var/lib/mysql": pv } });
    c.advance(30_000);
    expect(again.run(["mysql", "-uroot", "-psecret", "-N", "wordpress", "-e", "SELECT v FROM t WHERE id = 1"]).out).toBe("a\n");
  });

  it("cannot start when the last binary log the index lists was deleted by hand, and skips a missing first one", () => {
    const c = new TestCluster(3);
    const pv = c.volume("pvc-mysql");
    const start = (name: string) => {
      const pod = c.pod(name, { image: "mysql:8.0", env: ENV, volumes: { "/var/lib/mysql": pv } });
      c.advance(30_000);
      return pod;
    };
    const first = start("wordpress-mysql-7d4c5b8f9-x5dzt");
    first.signal("SIGTERM");
    c.advance(5_000);
    pv.unlink("binlog.000001");
    const second = start("wordpress-mysql-7d4c5b8f9-a1b2c");
    expect(second.exitStatus).toBeUndefined();
    expect(second.output.text()).toContain("mysqld: File './binlog.000001' not found (OS errno 2 - No such file or directory)\n");
    expect(second.output.text()).toMatch(/ 0 \[ERROR\] \[MY-010958\] \[Server\] Could not open log file\.\n/);
    second.signal("SIGTERM");
    c.advance(5_000);
    pv.unlink("binlog.000003");
    const third = start("wordpress-mysql-7d4c5b8f9-b2c3d");
    expect(third.exitStatus).toBe(1);
    const tail = third.output.text().trim().split("\n").slice(-5).map((l) => l.replace(/^\S+Z 0 /, ""));
    expect(tail).toEqual([
      "mysqld: File './binlog.000003' not found (OS errno 2 - No such file or directory)",
      "[ERROR] [MY-010958] [Server] Could not open log file.",
      "[ERROR] [MY-010041] [Server] Can't init tc log",
      "[ERROR] [MY-010119] [Server] Aborting",
      "[System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.0.36)  MySQL Community Server - GPL.",
    ]);
  });
});
