import { Pipe, StringSink } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { initializedServer, TestCluster } from "./harness.js";

const WARNING = "mysql: [Warning] Using a password on the command line interface can be insecure.\n";

function server() {
  const c = new TestCluster(5);
  const pod = initializedServer(c);
  pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10)); INSERT INTO t VALUES (1, 'tab\there'), (2, NULL)"]);
  const client = c.pod("client", { image: "mysql:8.0", command: ["sleep", "infinity"] });
  return { c, pod, client };
}

/** A terminal: stdout and stdin that say they are TTYs, as `kubectl exec -it` provides. */
function terminal() {
  const stdin = Object.assign(new Pipe(), { isTTY: true });
  const stdout = Object.assign(new StringSink(), { isTTY: true });
  const stderr = Object.assign(new StringSink(), { isTTY: true });
  return { stdin, stdout, stderr };
}

describe("the mysql client", () => {
  it("prints tab-separated results with a header when stdout is not a terminal", () => {
    const { pod } = server();
    const r = pod.run(["mysql", "-uroot", "-psecret", "wordpress", "-e", "SELECT * FROM t; SELECT COUNT(*) FROM t"]);
    expect(r).toEqual({ out: "id\tname\n1\ttab\\there\n2\tNULL\nCOUNT(*)\n2\n", err: WARNING, status: 0 });
    expect(pod.run(["mysql", "-uroot", "-psecret", "-N", "-e", "SELECT name FROM wordpress.t ORDER BY id"]).out).toBe("tab\\there\nNULL\n");
    expect(pod.run(["mysql", "-uroot", "-psecret", "--raw", "--skip-column-names", "-e", "SELECT name FROM wordpress.t WHERE id = 1"]).out).toBe("tab\there\n");
    expect(pod.run(["mysql", "-uroot", "-psecret", "-t", "-e", "SELECT 1 + 1"]).out).toBe("+-------+\n| 1 + 1 |\n+-------+\n|     2 |\n+-------+\n");
  });

  it("reads statements from stdin and stops at the first error, naming its line", () => {
    const { pod } = server();
    const r = pod.run(["mysql", "-uroot", "-psecret", "wordpress"], "SELECT 1;\nINSERT INTO t VALUES (3, 'x');\nSELECT * FROM nope;\nSELECT 2;\n");
    expect(r).toEqual({ out: "1\n1\n", err: `${WARNING}ERROR 1146 (42S02) at line 3: Table 'wordpress.nope' doesn't exist\n`, status: 1 });
    const force = pod.run(["mysql", "-uroot", "-psecret", "--force", "wordpress"], "SELECT * FROM nope;\nSELECT 2;\n");
    expect(force.out).toBe("2\n2\n");
    expect(force.status).toBe(1);
  });

  it("lays out -e results as a table, without the summary line, when stdout is a terminal", () => {
    const { c, pod } = server();
    const t = terminal();
    const p = pod.table.spawn(["mysql", "-uroot", "-psecret", "wordpress", "-e", "SELECT * FROM t"], { stdout: t.stdout, stderr: t.stderr, stdin: t.stdin });
    let status: number | undefined;
    p.exited.subscribe((s) => (status = s));
    c.advance(1_000);
    expect(status).toBe(0);
    expect(t.stdout.text()).toBe("+----+----------+\n| id | name     |\n+----+----------+\n|  1 | tab\there |\n|  2 | NULL     |\n+----+----------+\n");
  });

  it("is the interactive monitor on a terminal", () => {
    const { c, pod } = server();
    const t = terminal();
    pod.table.spawn(["mysql", "-uroot", "-p"], { stdout: t.stdout, stderr: t.stderr, stdin: t.stdin });
    for (const line of ["secret", "SELECT VERSION();", "use wordpress", "INSERT INTO t", "VALUES (5, 'five');", "SELECT * FROM nope;", "SELECT id FROM t WHERE id > 4;", "exit"]) {
      t.stdin.write(`${line}\n`);
      c.advance(100);
    }
    expect(t.stderr.text()).toBe("Enter password: \nERROR 1146 (42S02): Table 'wordpress.nope' doesn't exist\n");
    expect(t.stdout.text()).toBe(
      "Welcome to the MySQL monitor.  Commands end with ; or \\g.\n" +
        "Your MySQL connection id is 9\n" +
        "Server version: 8.0.36 MySQL Community Server - GPL\n\n" +
        "Copyright (c) 2000, 2024, Oracle and/or its affiliates.\n\n" +
        "Oracle is a registered trademark of Oracle Corporation and/or its\naffiliates. Other names may be trademarks of their respective\nowners.\n\n" +
        "Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n" +
        "mysql> +-----------+\n| VERSION() |\n+-----------+\n| 8.0.36    |\n+-----------+\n1 row in set (0.00 sec)\n\n" +
        "mysql> Reading table information for completion of table and column names\nYou can turn off this feature to get a quicker startup with -A\n\nDatabase changed\n" +
        "mysql>     -> Query OK, 1 row affected (0.00 sec)\n\n" +
        "mysql> \x07" +
        "mysql> +----+\n| id |\n+----+\n|  5 |\n+----+\n1 row in set (0.00 sec)\n\n" +
        "mysql> Bye\n",
    );
  });

  it("prints the connection's status with status or \\s", () => {
    const { c, pod, client } = server();
    const t = terminal();
    pod.table.spawn(["mysql", "-uroot", "-psecret", "wordpress"], { stdout: t.stdout, stderr: t.stderr, stdin: t.stdin });
    c.advance(65_000);
    t.stdin.write("\\s\n");
    c.advance(100);
    const report = t.stdout.text().split("mysql> ")[1];
    expect(report).toMatch(
      new RegExp(
        "^--------------\nmysql  Ver 8\\.0\\.36 for Linux on x86_64 \\(MySQL Community Server - GPL\\)\n\n" +
          "Connection id:\t\t\\d+\nCurrent database:\twordpress\nCurrent user:\t\troot@localhost\nSSL:\t\t\tNot in use\n" +
          "Current pager:\t\tstdout\nUsing outfile:\t\t''\nUsing delimiter:\t;\nServer version:\t\t8\\.0\\.36 MySQL Community Server - GPL\n" +
          "Protocol version:\t10\nConnection:\t\tLocalhost via UNIX socket\n" +
          "Server characterset:\tutf8mb4\nDb     characterset:\tutf8mb4\nClient characterset:\t\\w+\nConn.  characterset:\t\\w+\n" +
          "UNIX socket:\t\t/var/run/mysqld/mysqld\\.sock\nBinary data as:\t\tHexadecimal\n" +
          "Uptime:\t\t\t\\d+ min \\d+ sec\n\nThreads: 2  Questions: \\d+  Slow queries: 0  Opens: \\d+  Flush tables: 1  Open tables: \\d+  Queries per second avg: \\d+\\.\\d{3}\n--------------\n\n$",
      ),
    );
    // Over TCP, from another pod, in batch mode: TLS is negotiated, and binary data is not shown as hex.
    const remote = client.run(["mysql", "-uroot", "-psecret", "-h", "wordpress-mysql", "-e", "status"]).out;
    expect(remote).toContain("\nCurrent database:\t\nCurrent user:\t\troot@10.");
    expect(remote).toContain("\nSSL:\t\t\tCipher in use is TLS_AES_256_GCM_SHA384\n");
    expect(remote).toContain("\nConnection:\t\twordpress-mysql via TCP/IP\n");
    expect(remote).toContain("\nTCP port:\t\t3306\nUptime:");
    expect(client.run(["mysql", "-uroot", "-psecret", "-h", "wordpress-mysql", "--ssl-mode=DISABLED", "-e", "\\s"]).out).toContain("\nSSL:\t\t\tNot in use\n");
  });

  it("reports connection failures as the real client does", () => {
    const { c, pod, client } = server();
    expect(client.run(["mysql", "-uroot", "-psecret", "-e", "SELECT 1"]).err).toBe(`${WARNING}ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n`);
    expect(client.run(["mysql", "-uroot", "-psecret", "-h", "nowhere", "-e", "SELECT 1"]).err).toBe(`${WARNING}ERROR 2005 (HY000): Unknown MySQL server host 'nowhere' (-2)\n`);
    expect(client.run(["mysql", "-uroot", "-pwrong", "-h", "wordpress-mysql", "-e", "SELECT 1"]).err).toBe(
      `${WARNING}ERROR 1045 (28000): Access denied for user 'root'@'${client.ip}' (using password: YES)\n`,
    );
    expect(client.run(["mysql", "-uroot", "-h", "wordpress-mysql", "-e", "SELECT 1"]).err).toBe(`ERROR 1045 (28000): Access denied for user 'root'@'${client.ip}' (using password: NO)\n`);
    pod.signal("SIGTERM");
    c.advance(5_000);
    const refused = client.run(["mysql", "-uroot", "-psecret", "-h", "wordpress-mysql", "-e", "SELECT 1"]);
    expect(refused).toEqual({ out: "", err: `${WARNING}ERROR 2003 (HY000): Can't connect to MySQL server on 'wordpress-mysql:3306' (111)\n`, status: 1 });
    expect(client.run(["mysql", "--bogus"]).err).toBe("mysql: [ERROR] unknown option '--bogus'.\n");
  });

  it("answers mysqladmin ping, also when the login is refused", () => {
    const { pod } = server();
    expect(pod.run(["mysqladmin", "ping", "-uroot", "-psecret"]).out).toBe("mysqld is alive\n");
    const denied = pod.run(["mysqladmin", "ping", "-uroot", "-pnope"]);
    expect(denied.status).toBe(0);
    expect(denied.err).toContain("error: 'Access denied for user 'root'@'localhost' (using password: YES)'");
  });

  it("lists threads and variables with mysqladmin processlist and variables, in mysqladmin's left-aligned tables", () => {
    const { pod } = server();
    const list = pod.run(["mysqladmin", "-uroot", "-psecret", "processlist"]);
    expect(list.status).toBe(0);
    expect(list.out).toMatch(
      new RegExp(
        [
          String.raw`^\+----\+-----------------\+-----------\+----\+---------\+------\+------------------------\+------------------\+`,
          String.raw`\| Id \| User            \| Host      \| db \| Command \| Time \| State                  \| Info             \|`,
          String.raw`\+----\+-----------------\+-----------\+----\+---------\+------\+------------------------\+------------------\+`,
          String.raw`\| 5  \| event_scheduler \| localhost \|    \| Daemon  \| \d+ +\| Waiting on empty queue \|                  \|`,
          String.raw`\| \d+ +\| root            \| localhost \|    \| Query   \| 0    \| init                   \| show processlist \|`,
          String.raw`\+----\+-----------------\+-----------\+----\+---------\+------\+------------------------\+------------------\+\n$`,
        ].join("\n"),
      ),
    );
    expect(pod.run(["mysqladmin", "-uroot", "-psecret", "-v", "processlist"]).out).toContain("| show full processlist |");
    const vars = pod.run(["mysqladmin", "-uroot", "-psecret", "variables"]).out.split("\n");
    expect(vars[1]).toMatch(/^\| Variable_name +\| Value +\|$/);
    expect(vars.find((l) => l.startsWith("| max_connections "))).toMatch(/^\| max_connections +\| 151 +\|$/);
  });

  it("prints the server's summary line with mysqladmin status and its status variables with extended-status", () => {
    const { c, pod } = server();
    c.advance(20_000);
    const line = /^Uptime: (\d+)  Threads: 2  Questions: (\d+)  Slow queries: 0  Opens: (\d+)  Flush tables: (\d+)  Open tables: (\d+)  Queries per second avg: (\d+\.\d{3})\n$/;
    const before = line.exec(pod.run(["mysqladmin", "-uroot", "-psecret", "status"]).out);
    expect(before?.slice(3, 6)).toEqual(["1", "1", "1"]);
    const uptime = Number(before![1]);
    expect(uptime).toBeGreaterThan(20);
    expect(before![6]).toBe((Math.floor((Number(before![2]) * 1000) / uptime) / 1000).toFixed(3));
    // FLUSH TABLES empties the table cache; opening the table again counts another open.
    pod.run(["mysql", "-uroot", "-psecret", "-e", "FLUSH TABLES"]);
    expect(line.exec(pod.run(["mysqladmin", "-uroot", "-psecret", "status"]).out)?.slice(3, 6)).toEqual(["1", "2", "0"]);
    pod.run(["mysql", "-uroot", "-psecret", "-e", "SELECT * FROM wordpress.t"]);
    expect(line.exec(pod.run(["mysqladmin", "-uroot", "-psecret", "status"]).out)?.slice(3, 6)).toEqual(["2", "2", "1"]);

    // version adds the server's uptime as a duration, and the rest of the summary line.
    const version = pod.run(["mysqladmin", "-uroot", "-psecret", "version"]).out;
    expect(version).toMatch(
      new RegExp(
        "^mysqladmin  Ver 8\\.0\\.36 for Linux on x86_64 \\(MySQL Community Server - GPL\\)\nCopyright \\(c\\) 2000, 2024, Oracle and/or its affiliates\\.\n\n(?:.+\n){3}\n" +
          "Server version\t\t8\\.0\\.36\nProtocol version\t10\nConnection\t\tLocalhost via UNIX socket\nUNIX socket\t\t/var/run/mysqld/mysqld\\.sock\n" +
          "Uptime:\t\t\t(?:1 min )?\\d+ sec\n\nThreads: 2  Questions: \\d+  Slow queries: 0  Opens: 2  Flush tables: 2  Open tables: 1  Queries per second avg: \\d+\\.\\d{3}\n$",
      ),
    );

    const extended = pod.run(["mysqladmin", "-uroot", "-psecret", "extended-status"]).out.split("\n");
    expect(extended[1]).toMatch(/^\| Variable_name +\| Value +\|$/);
    expect(extended.find((l) => l.startsWith("| Threads_connected "))).toMatch(/^\| Threads_connected +\| 1 +\|$/);
    expect(extended.find((l) => l.startsWith("| Com_show_status "))).toMatch(/^\| Com_show_status +\| 5 +\|$/);
  });

  it("creates and drops databases, kills threads and flushes with mysqladmin, as execute_commands does", () => {
    const { pod } = server();
    const admin = (args: string[], stdin?: string) => pod.run(["mysqladmin", "-uroot", "-psecret", ...args], stdin);
    const databases = () => pod.run(["mysql", "-uroot", "-psecret", "-N", "-e", "SHOW DATABASES"]).out;
    expect(admin(["create", "shop"]).status).toBe(0);
    expect(databases()).toContain("shop\n");
    expect(admin(["create", "shop"]).err).toContain("mysqladmin: CREATE DATABASE failed; error: 'Can't create database 'shop'; database exists'\n");
    // drop asks first; anything but y keeps the database.
    const kept = admin(["drop", "shop"], "n\n");
    expect(kept.out).toBe("Dropping the database is potentially a very bad thing to do.\nAny data stored in the database will be destroyed.\n\nDo you really want to drop the 'shop' database [y/N] \nOK, aborting database drop!\n");
    expect(kept.status).toBe(1);
    expect(databases()).toContain("shop\n");
    expect(admin(["-f", "drop", "shop"]).out).toBe('Database "shop" dropped\n');
    expect(databases()).not.toContain("shop\n");
    expect(admin(["drop"]).err).toContain("mysqladmin: Too few arguments to drop\n");
    // A failing command stops the ones after it.
    const killed = admin(["kill", "4242,x9", "ping"]);
    expect(killed.err).toContain("mysqladmin: kill failed on 4242; error: 'Unknown thread id: 4242'\nmysqladmin: kill failed on 0; error: 'Unknown thread id: 0'\n");
    expect(killed).toMatchObject({ out: "", status: 1 });
    // Commands may be shortened to a prefix only they have.
    expect(admin(["proc"]).out).toContain("| show processlist |");
    expect(admin(["fl"]).err).toContain("mysqladmin: Unknown command: 'fl'\n");
    const opens = () => /Flush tables: (\d+)  Open tables: (\d+)/.exec(admin(["status"]).out)?.slice(1);
    pod.run(["mysql", "-uroot", "-psecret", "-e", "SELECT * FROM wordpress.t"]);
    expect(opens()).toEqual(["1", "1"]);
    expect(admin(["flush-tables"]).status).toBe(0);
    expect(opens()).toEqual(["2", "0"]);
    expect(admin(["refresh", "flush-privileges", "reload", "flush-logs", "flush-hosts", "flush-status"]).status).toBe(0);
    expect(opens()).toEqual(["3", "0"]);
  });
});
