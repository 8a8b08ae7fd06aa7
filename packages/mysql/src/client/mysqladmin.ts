import { sleep, wait } from "@ksim/sim";
import type { Executable } from "@ksim/kube";
import { DEFAULT_SOCKET } from "../protocol.js";
import { MYSQL_VERSION, VERSION_COMMENT } from "../server/server.js";
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

/**
 * `mysqladmin ping | shutdown | status | version | processlist | variables | extended-status`. `ping` exits 0 whenever a server answered, even if
 * it refused the login, which is what health checks rely on; `shutdown` returns once the local
 * server has removed its pid file, so the next server can start on the same data directory.
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
  for (const command of commands) {
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
    const listing = LISTINGS[command];
    if (listing !== undefined) {
      const r = yield* conn.query(listing.query(o.verbose));
      const result = r.results[0];
      if (r.error !== undefined || result?.kind !== "rows") {
        ctx.stderr.write(`mysqladmin: ${listing.failure}; error: '${r.error?.message ?? ""}'\n`);
        conn.close();
        return 1;
      }
      ctx.stdout.write(adminTable(result.columns.map((c) => c.name), result.rows));
      continue;
    }
    if (command === "shutdown") {
      const pid = yield* conn.query("SELECT @@pid_file");
      const first = pid.results[0];
      const pidFile = first?.kind === "rows" ? first.rows[0]?.[0] : undefined;
      const r = yield* conn.query("SHUTDOWN");
      if (r.error !== undefined) {
        ctx.stderr.write(`mysqladmin: shutdown failed; error: '${r.error.message}'\n`);
        return 1;
      }
      conn.close();
      while (pidFile != null && ctx.fs.exists(pidFile)) yield* wait(sleep(ctx.sim, 100));
      return 0;
    }
    ctx.stderr.write(`mysqladmin: Unknown command: '${command}'\n`);
    conn.close();
    return 1;
  }
  conn.close();
  return 0;
};
