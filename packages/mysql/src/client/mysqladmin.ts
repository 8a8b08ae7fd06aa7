import { sleep, wait } from "@ksim/sim";
import type { Executable } from "@ksim/kube";
import { DEFAULT_SOCKET } from "../protocol.js";
import { MYSQL_VERSION, VERSION_COMMENT } from "../server/server.js";
import { LineInput } from "../lines.js";
import { MysqlConnection } from "./connection.js";
import { niceTime } from "./format.js";
import { applyOptionFiles, connectOptionsFor, ORACLE_COPYRIGHT, parseArgs, UsageError } from "./mysql-cli.js";

/** A line of dashes across mysqladmin's table (print_top). */
function top(widths: readonly number[]): string {
  return `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+\n`;
}

/**
 * A result set as mysqladmin prints it (print_header, print_row, print_top): every column as wide
 * as its longest value or its name, every value left-aligned, NULL as blank.
 */
export function adminTable(names: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => Buffer.byteLength(r[i] ?? ""))));
  const line = (cells: readonly (string | null)[]) => `|${cells.map((c, i) => ` ${(c ?? "").padEnd(widths[i]! + 1)}|`).join("")}\n`;
  return top(widths) + line(names) + top(widths) + rows.map(line).join("") + top(widths);
}

/** The listing commands: the query each sends and how mysqladmin words its failure. */
const LISTINGS: Readonly<Record<string, { readonly query: (verbose: boolean) => string; readonly failure: string }>> = {
  processlist: { query: (verbose) => (verbose ? "show full processlist" : "show processlist"), failure: "process list failed" },
  variables: { query: () => "show /*!40003 GLOBAL */ variables", failure: "unable to show variables" },
  "extended-status": { query: () => "show /*!50002 GLOBAL */ status", failure: "unable to show status" },
};

/** Commands that are one statement: what each sends, and the word its failure starts with. */
const STATEMENTS: Readonly<Record<string, { readonly sql: string; readonly failure: string }>> = {
  reload: { sql: "flush privileges", failure: "reload" },
  "flush-privileges": { sql: "flush privileges", failure: "reload" },
  "flush-tables": { sql: "flush tables", failure: "refresh" },
  "flush-status": { sql: "flush status", failure: "refresh" },
  "flush-hosts": { sql: "flush hosts", failure: "refresh" },
  "flush-logs": { sql: "FLUSH LOGS", failure: "refresh" },
  // COM_REFRESH with every flag but grants, status and the read lock: tables and logs.
  refresh: { sql: "flush tables; flush logs", failure: "refresh" },
};

/** command_names, in mysqladmin's order; a command may be shortened to any prefix only it has. */
const COMMANDS = [
  "create", "drop", "shutdown", "reload", "refresh", "processlist", "status", "kill", "debug", "variables", "flush-logs", "flush-hosts",
  "flush-tables", "password", "ping", "extended-status", "flush-status", "flush-privileges", "start-slave", "stop-slave", "flush-threads", "version",
];

function findCommand(word: string): string | undefined {
  const w = word.toLowerCase();
  if (COMMANDS.includes(w)) return w;
  const matches = COMMANDS.filter((c) => c.startsWith(w));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * `mysqladmin COMMAND…`, each in turn as execute_commands runs them: a failure on the server
 * stops the rest (exit 1), and so does a malformed command. `ping` exits 0 whenever a server
 * answered, even if it refused the login, which is what health checks rely on; `shutdown` returns
 * once the local server has removed its pid file, so the next server can start on the same data
 * directory; `drop` asks first unless --force.
 */
export const mysqladmin: Executable = function* (ctx) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(ctx.argv.slice(1));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`mysqladmin: [ERROR] ${e.message}\n`);
    return 1;
  }
  const o = parsed.options;
  if (o.version) {
    ctx.stdout.write(`mysqladmin  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\n`);
    return 0;
  }
  applyOptionFiles(ctx, o);
  const commands = parsed.positional;
  if (commands.length === 0) {
    ctx.stdout.write(`mysqladmin  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\nUsage: mysqladmin [OPTIONS] command command....\n`);
    return 1;
  }
  if (o.passwordOnCommandLine) ctx.stderr.write("mysqladmin: [Warning] Using a password on the command line interface can be insecure.\n");
  const conn = yield* MysqlConnection.connect(ctx.sim, ctx.net, connectOptionsFor(ctx, o, "mysqladmin"));
  if (!(conn instanceof MysqlConnection)) {
    const where = o.host === undefined || o.host === "localhost" ? "localhost" : o.host;
    ctx.stderr.write(`mysqladmin: connect to server at '${where}' failed\nerror: '${conn.message}'\n`);
    if (conn.code === 2002) ctx.stderr.write(`Check that mysqld is running and that the socket: '${o.socket ?? DEFAULT_SOCKET}' exists!\n`);
    else if (conn.code === 2003) ctx.stderr.write(`Check that mysqld is running on ${where} and that the port is ${o.port ?? 3306}.\nYou can check this by doing 'telnet ${where} ${o.port ?? 3306}'\n`);
    // A server that answered is alive, whatever it said about the login.
    return commands[0] === "ping" && conn.code < 2000 ? 0 : 1;
  }
  const fail = (message: string): number => {
    ctx.stderr.write(`mysqladmin: ${message}\n`);
    conn.close();
    return 1;
  };
  for (let i = 0; i < commands.length; i++) {
    const command = findCommand(commands[i]!);
    const argument = (): string | undefined => (i + 1 < commands.length ? commands[++i] : undefined);
    if (command === "ping") {
      ctx.stdout.write("mysqld is alive\n");
      continue;
    }
    if (command === "status") {
      // mysqladmin prints mysql_stat's line and, when it failed, nothing at all.
      const r = yield* conn.statistics();
      if (r.statistics !== undefined) ctx.stdout.write(`${r.statistics}\n`);
      continue;
    }
    if (command === "version") {
      const where = "socket" in conn.endpoint ? `UNIX socket\t\t${conn.endpoint.socket}` : `TCP port\t\t${conn.endpoint.port}`;
      ctx.stdout.write(
        `mysqladmin  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\n${ORACLE_COPYRIGHT}\n` +
          `Server version\t\t${conn.serverVersion}\nProtocol version\t10\nConnection\t\t${conn.hostInfo}\n${where}\n`,
      );
      // mysql_stat's line, its first field (the uptime) as a duration on a line of its own.
      const stat = (yield* conn.statistics()).statistics;
      const m = stat === undefined ? null : /^(\S+) (\d+) *(.*)$/.exec(stat);
      if (m !== null) ctx.stdout.write(`${m[1]}\t\t\t${niceTime(Number(m[2]), false)}\n\n${m[3]}\n`);
      continue;
    }
    const listing = command === undefined ? undefined : LISTINGS[command];
    if (listing !== undefined) {
      const r = yield* conn.query(listing.query(o.verbose));
      const result = r.results[0];
      if (r.error !== undefined || result?.kind !== "rows") return fail(`${listing.failure}; error: '${r.error?.message ?? ""}'`);
      ctx.stdout.write(adminTable(result.columns.map((c) => c.name), result.rows));
      continue;
    }
    const statement = command === undefined ? undefined : STATEMENTS[command];
    if (statement !== undefined) {
      const r = yield* conn.query(statement.sql);
      if (r.error !== undefined) return fail(`${statement.failure} failed; error: '${r.error.message}'`);
      continue;
    }
    if (command === "create") {
      const db = argument();
      if (db === undefined) return fail("Too few arguments to create");
      const r = yield* conn.query(`create database \`${db}\``);
      if (r.error !== undefined) return fail(`CREATE DATABASE failed; error: '${r.error.message.slice(0, 200)}'`);
      continue;
    }
    if (command === "drop") {
      const db = argument();
      if (db === undefined) return fail("Too few arguments to drop");
      if (!o.force) {
        ctx.stdout.write(`Dropping the database is potentially a very bad thing to do.\nAny data stored in the database will be destroyed.\n\nDo you really want to drop the '${db}' database [y/N] `);
        const answer = yield* new LineInput(ctx.stdin).line();
        if (answer === null || !/^[yY]/.test(answer)) {
          ctx.stdout.write("\nOK, aborting database drop!\n");
          conn.close();
          return 1;
        }
      }
      const r = yield* conn.query(`drop database \`${db}\``);
      if (r.error !== undefined) return fail(`DROP DATABASE ${db} failed;\nerror: '${r.error.message}'`);
      ctx.stdout.write(`Database "${db}" dropped\n`);
      continue;
    }
    if (command === "kill") {
      const ids = argument();
      if (ids === undefined) return fail("Too few arguments to 'kill'");
      let failed = false;
      for (const id of ids.split(",")) {
        // strtoull: the leading digits, 0 when there are none.
        const n = /^\s*(\d*)/.exec(id)![1]!.replace(/^0+(?=\d)/, "") || "0";
        const r = yield* conn.query(`KILL ${n}`);
        if (r.error !== undefined) {
          ctx.stderr.write(`mysqladmin: kill failed on ${n}; error: '${r.error.message}'\n`);
          failed = true;
        }
      }
      if (failed) {
        conn.close();
        return 1;
      }
      continue;
    }
    if (command === "shutdown") {
      const pid = yield* conn.query("SELECT @@pid_file");
      const first = pid.results[0];
      const pidFile = first?.kind === "rows" ? first.rows[0]?.[0] : undefined;
      const r = yield* conn.query("SHUTDOWN");
      if (r.error !== undefined) return fail(`shutdown failed; error: '${r.error.message}'`);
      conn.close();
      while (pidFile != null && ctx.fs.exists(pidFile)) yield* wait(sleep(ctx.sim, 100));
      return 0;
    }
    return fail(`Unknown command: '${commands[i]!.slice(0, 60)}'`);
  }
  conn.close();
  return 0;
};
