import { describe, expect, it } from "vitest";
import { TestCluster } from "./harness.js";

const TUTORIAL_ENV = { MYSQL_ROOT_PASSWORD: "secret", MYSQL_DATABASE: "wordpress", MYSQL_USER: "wordpress", MYSQL_PASSWORD: "secret" };

function mysqlPod(env: Record<string, string> = TUTORIAL_ENV, args?: string[]) {
  const c = new TestCluster(3);
  const pv = c.volume("pvc-mysql");
  const pod = c.pod("wordpress-mysql-7d4c5b8f9-x5dzt", { image: "mysql:8.0", env, args, volumes: { "/var/lib/mysql": pv } });
  c.advance(30_000);
  return { c, pv, pod };
}

/** The entrypoint's own lines, without the timestamps. */
function entrypointLines(logs: string): string[] {
  return logs
    .split("\n")
    .filter((l) => l.includes("[Entrypoint]"))
    .map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00 /, ""));
}

/** mysqld's error log lines, without timestamp and thread. */
function serverLines(logs: string): string[] {
  return logs
    .split("\n")
    .filter((l) => /^\d{4}-\d\d-\d\dT/.test(l))
    .map((l) => l.replace(/^\S+ \d+ /, ""));
}

describe("the mysql:8.0 image", () => {
  it("initializes an empty data directory through a temporary server, then starts for real", () => {
    const { pod } = mysqlPod();
    expect(entrypointLines(pod.logs)).toEqual([
      "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.36-1.el8 started.",
      "[Note] [Entrypoint]: Switching to dedicated user 'mysql'",
      "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.36-1.el8 started.",
      "[Note] [Entrypoint]: Initializing database files",
      "[Note] [Entrypoint]: Database files initialized",
      "[Note] [Entrypoint]: Starting temporary server",
      "[Note] [Entrypoint]: Temporary server started.",
      "[Note] [Entrypoint]: Creating database wordpress",
      "[Note] [Entrypoint]: Creating user wordpress",
      "[Note] [Entrypoint]: Giving user wordpress access to schema wordpress",
      "[Note] [Entrypoint]: Stopping temporary server",
      "[Note] [Entrypoint]: Temporary server stopped",
      "[Note] [Entrypoint]: MySQL init process done. Ready for start up.",
    ]);
    const server = serverLines(pod.logs);
    expect(server).toContain("[System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 8.0.36) initializing of server in progress as process 2");
    expect(server).toContain("[Warning] [MY-010453] [Server] root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.");
    expect(server).toContain("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 0  MySQL Community Server - GPL.");
    expect(server).toContain("[System] [MY-013172] [Server] Received SHUTDOWN from user root. Shutting down mysqld (Version: 8.0.36).");
    expect(server[server.length - 1]).toBe("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.");
    expect(pod.logs).toContain("Giving user wordpress access to schema wordpress\n\n");
    expect(pod.logs).toContain("Temporary server stopped\n\n");
    // mysqld became pid 1 (exec), listening on 3306; the accounts and database the env asked for exist.
    expect(pod.table.list().map((p) => [p.pid, p.uid, p.commandLine])).toEqual([[1, 999, "mysqld"]]);
    // Oracle Linux slim: no procps, and the release files say what the image is.
    const ps = pod.run(["bash", "-c", "ps aux"]);
    expect(ps.status).toBe(127);
    expect(ps.err).toContain("ps: command not found");
    expect(pod.run(["cat", "/etc/oracle-release"]).out).toBe("Oracle Linux Server release 8.9\n");
    const r = pod.run(["mysql", "-uwordpress", "-psecret", "-h127.0.0.1", "-e", "SELECT CURRENT_USER(), DATABASE()", "wordpress"]);
    expect(r.out).toBe("CURRENT_USER()\tDATABASE()\nwordpress@%\twordpress\n");
    expect(pod.run(["ls", "/var/lib/mysql"]).out.split(/\s+/)).toEqual(expect.arrayContaining(["#innodb_redo", "auto.cnf", "binlog.000001", "binlog.000002", "binlog.index", "ibdata1", "mysql", "mysql.ibd", "sys", "wordpress"]));
    // mysqld runs as mysql and creates with its UMASK and UMASK_DIR defaults (0640, 0750); keys are private.
    const listing = pod.run(["ls", "-l", "/var/lib/mysql"]).out;
    expect(listing).toMatch(/^-rw-r----- 1 mysql mysql 12582912 .* ibdata1$/m);
    expect(listing).toMatch(/^drwxr-x--- 2 mysql mysql +4096 .* wordpress$/m);
    expect(listing).toMatch(/^-rw------- 1 mysql mysql +\d+ .* server-key\.pem$/m);
    expect(listing).toMatch(/^-rw-r--r-- 1 mysql mysql +\d+ .* server-cert\.pem$/m);
  });

  it("skips initialization when $DATADIR/mysql exists, ignoring the environment", () => {
    const { c, pv, pod } = mysqlPod();
    pod.signal("SIGTERM");
    c.advance(5_000);
    expect(pod.exitStatus).toBe(0);
    const again = c.pod("wordpress-mysql-7d4c5b8f9-a1b2c", { image: "mysql:8.0", env: { ...TUTORIAL_ENV, MYSQL_PASSWORD: "changed" }, volumes: { "/var/lib/mysql": pv } });
    c.advance(10_000);
    expect(entrypointLines(again.logs)).toEqual([
      "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.36-1.el8 started.",
      "[Note] [Entrypoint]: Switching to dedicated user 'mysql'",
      "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.36-1.el8 started.",
    ]);
    expect(serverLines(again.logs)).not.toContain("[System] [MY-010229] [Server] Starting XA crash recovery...");
    expect(again.run(["mysql", "-uwordpress", "-psecret", "-e", "SELECT 1"]).status).toBe(0);
    const denied = again.run(["mysql", "-uwordpress", "-pchanged", "-e", "SELECT 1"]);
    expect(denied.err).toBe("mysql: [Warning] Using a password on the command line interface can be insecure.\nERROR 1045 (28000): Access denied for user 'wordpress'@'localhost' (using password: YES)\n");
  });

  it("aborts at start when the disk has no room for ibtmp1, which a clean shutdown removed", () => {
    const c = new TestCluster(3);
    const pv = c.volume("pvc-mysql", 1024 ** 3);
    const pod = c.pod("wordpress-mysql-7d4c5b8f9-x5dzt", { image: "mysql:8.0", env: TUTORIAL_ENV, volumes: { "/var/lib/mysql": pv } });
    c.advance(30_000);
    pod.signal("SIGTERM");
    c.advance(5_000);
    pv.occupyFreeSpace();
    const again = c.pod("wordpress-mysql-7d4c5b8f9-a1b2c", { image: "mysql:8.0", env: TUTORIAL_ENV, volumes: { "/var/lib/mysql": pv } });
    c.advance(10_000);
    expect(again.exitStatus).toBe(1);
    const server = serverLines(again.logs);
    expect(server.slice(server.indexOf("[System] [MY-013576] [InnoDB] InnoDB initialization has started."))).toEqual([
      "[System] [MY-013576] [InnoDB] InnoDB initialization has started.",
      "[Warning] [MY-012638] [InnoDB] Retry attempts for writing partial data failed.",
      "[ERROR] [MY-012639] [InnoDB] Write to file ./ibtmp1 failed at offset 0, 1048576 bytes should have been written, only 0 were written. Operating system error number 28. Check that your OS and file system support files of this size. Check also that the disk is not full or a disk quota exceeded.",
      "[ERROR] [MY-012640] [InnoDB] Error number 28 means 'No space left on device'",
      "[ERROR] [MY-012267] [InnoDB] Could not set the file size of './ibtmp1'. Probably out of disk space",
      "[ERROR] [MY-012926] [InnoDB] Unable to create the shared innodb_temporary.",
      "[ERROR] [MY-012930] [InnoDB] Plugin initialization aborted with error Generic error.",
      "[ERROR] [MY-010334] [Server] Failed to initialize DD Storage Engine",
      "[ERROR] [MY-010020] [Server] Data Dictionary initialization failed.",
      "[ERROR] [MY-010119] [Server] Aborting",
      "[System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.0.36)  MySQL Community Server - GPL.",
    ]);
  });

  it("refuses to initialize without a password option", () => {
    const { pod } = mysqlPod({ MYSQL_DATABASE: "wordpress" });
    expect(pod.exitStatus).toBe(1);
    expect(pod.logs).toContain(
      "[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n",
    );
  });

  it("logs crash recovery after mysqld was killed, with InnoDB's notes at verbosity 3", () => {
    const { c, pod } = mysqlPod(TUTORIAL_ENV, ["mysqld", "--log-error-verbosity=3"]);
    pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2)"]);
    pod.signal("SIGKILL");
    c.advance(1_000);
    const before = pod.logs.length;
    pod.start();
    c.advance(10_000);
    const restart = serverLines(pod.logs.slice(before));
    expect(restart).toEqual(
      expect.arrayContaining([
        "[Note] [MY-012551] [InnoDB] Database was not shutdown normally!",
        "[Note] [MY-012552] [InnoDB] Starting crash recovery.",
        "[System] [MY-010229] [Server] Starting XA crash recovery...",
        "[System] [MY-010232] [Server] XA crash recovery finished.",
      ]),
    );
    expect(restart.indexOf("[Note] [MY-012552] [InnoDB] Starting crash recovery.")).toBeLessThan(restart.indexOf("[System] [MY-013577] [InnoDB] InnoDB initialization has ended."));
    expect(pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "SELECT COUNT(*) FROM t"]).out).toBe("COUNT(*)\n2\n");
  });

  it("shuts down cleanly on SIGTERM, so the next start needs no recovery", () => {
    const { c, pod } = mysqlPod();
    pod.signal("SIGTERM");
    c.advance(5_000);
    const lines = serverLines(pod.logs);
    expect(lines.slice(-2)).toEqual([
      "[System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.0.36).",
      "[System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.0.36)  MySQL Community Server - GPL.",
    ]);
    const before = pod.logs.length;
    pod.start();
    c.advance(10_000);
    expect(pod.logs.slice(before)).not.toContain("crash recovery");
  });

  it("runs /docker-entrypoint-initdb.d scripts on the first start only", () => {
    const c = new TestCluster(4);
    const pv = c.volume("pv");
    const pod = c.pod("db", { image: "mysql:8.0", env: TUTORIAL_ENV, volumes: { "/var/lib/mysql": pv } });
    // Written before the entrypoint reads the directory: the kubelet mounts a ConfigMap there in practice.
    pod.rootfs.view({ uid: 0, gid: 0 }).writeFile("/docker-entrypoint-initdb.d/seed.sql", "CREATE TABLE seeded (id INT PRIMARY KEY);\nINSERT INTO seeded VALUES (42);\n");
    c.advance(30_000);
    expect(entrypointLines(pod.logs)).toContain("[Note] [Entrypoint]: /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/seed.sql");
    expect(pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-N", "-e", "SELECT id FROM seeded"]).out).toBe("42\n");
  });
});
