import type { Proc } from "@ksim/sim";
import type { Executable, InputStream, OutputStream, ProcessContext } from "@ksim/kube";
import { LineInput } from "../lines.js";
import { readOptionFile } from "../option-files.js";
import { formatError, type SqlError } from "../sql/errors.js";
import { MYSQL_VERSION, VERSION_COMMENT } from "../server/server.js";
import { MysqlConnection, type ConnectOptions, type QueryResult } from "./connection.js";
import { formatTab, formatTable, formatVertical, niceTime } from "./format.js";
import { StatementReader, type ReaderItem } from "./reader.js";
import { statusReport } from "./status-report.js";

/**
 * The `mysql` command-line client. With a terminal on both ends and no -e it is the interactive
 * monitor (banner, `mysql>` prompt, bordered tables, "1 row in set (0.00 sec)"); otherwise it runs
 * in batch mode: tab-separated output when stdout is not a terminal, errors as
 * `ERROR 1146 (42S02) at line 1: …` on stderr, and it stops at the first error unless --force.
 */

export interface CliOptions {
  user?: string;
  password?: string;
  /** -p without a value: ask for it. */
  promptPassword: boolean;
  passwordOnCommandLine: boolean;
  host?: string;
  port?: number;
  socket?: string;
  protocol?: "tcp" | "socket";
  database?: string;
  execute?: string;
  batch: boolean;
  silent: number;
  columnNames: boolean;
  table: boolean;
  vertical: boolean;
  raw: boolean;
  force: boolean;
  comments: boolean;
  autoRehash: boolean;
  connectTimeout?: number;
  initCommand?: string;
  defaultsExtraFile?: string;
  noDefaults: boolean;
  help: boolean;
  version: boolean;
  /** -v: mysqladmin processlist shows whole statements (SHOW FULL PROCESSLIST). */
  verbose: boolean;
  /** False after --skip-ssl or --ssl-mode=DISABLED; TLS is the default otherwise. */
  ssl?: boolean;
  /** --binary-as-hex given (otherwise on only in an interactive session). */
  binaryAsHex?: boolean;
}

export class UsageError extends Error {}

const SHORT_WITH_ARG = new Set(["u", "h", "P", "S", "e", "D"]);
const LONG_WITH_ARG = new Set([
  "user", "host", "port", "socket", "execute", "database", "protocol", "connect-timeout", "init-command", "defaults-extra-file", "defaults-file",
  "default-character-set", "ssl-mode", "ssl-ca", "ssl-cert", "ssl-key", "tls-version", "get-server-public-key", "server-public-key-path",
  "prompt", "pager", "tee", "delimiter", "max-allowed-packet", "net-buffer-length", "local-infile", "plugin-dir", "default-auth",
]);

/** Parses mysql/mysqladmin style arguments; non-option words are returned in order. */
export function parseArgs(args: readonly string[]): { options: CliOptions; positional: string[] } {
  const o: CliOptions = {
    promptPassword: false,
    passwordOnCommandLine: false,
    verbose: false,
    batch: false,
    silent: 0,
    columnNames: true,
    table: false,
    vertical: false,
    raw: false,
    force: false,
    comments: false,
    autoRehash: true,
    noDefaults: false,
    help: false,
    version: false,
  };
  const positional: string[] = [];
  const set = (name: string, value: string | undefined) => {
    switch (name) {
      case "user":
        o.user = value;
        return;
      case "password":
        if (value === undefined) o.promptPassword = true;
        else {
          o.password = value;
          o.passwordOnCommandLine = true;
        }
        return;
      case "host":
        o.host = value;
        return;
      case "port":
        o.port = Number(value);
        return;
      case "socket":
        o.socket = value;
        return;
      case "protocol": {
        const p = value?.toLowerCase();
        if (p !== "tcp" && p !== "socket") throw new UsageError(`Unknown option to protocol: ${value}`);
        o.protocol = p;
        return;
      }
      case "database":
        o.database = value;
        return;
      case "execute":
        o.execute = value;
        o.batch = true;
        return;
      case "batch":
        o.batch = true;
        o.silent = Math.max(o.silent, 1);
        return;
      case "silent":
        o.silent++;
        return;
      case "skip-column-names":
        o.columnNames = false;
        return;
      case "column-names":
        o.columnNames = true;
        return;
      case "table":
        o.table = true;
        return;
      case "vertical":
        o.vertical = true;
        return;
      case "raw":
        o.raw = true;
        return;
      case "force":
        o.force = true;
        return;
      case "comments":
        o.comments = true;
        return;
      case "skip-comments":
        o.comments = false;
        return;
      case "no-auto-rehash":
      case "skip-auto-rehash":
        o.autoRehash = false;
        return;
      case "connect-timeout":
        o.connectTimeout = Number(value);
        return;
      case "init-command":
        o.initCommand = value;
        return;
      case "defaults-extra-file":
      case "defaults-file":
        o.defaultsExtraFile = value;
        return;
      case "no-defaults":
        o.noDefaults = true;
        return;
      case "help":
        o.help = true;
        return;
      case "version":
        o.version = true;
        return;
      case "verbose":
        o.verbose = true;
        return;
      case "skip-ssl":
        o.ssl = false;
        return;
      case "ssl-mode":
        o.ssl = value?.toUpperCase() !== "DISABLED";
        return;
      case "binary-as-hex":
        o.binaryAsHex = true;
        return;
      case "skip-binary-as-hex":
        o.binaryAsHex = false;
        return;
    }
    if (LONG_WITH_ARG.has(name) || ["ssl", "show-warnings", "unbuffered", "quick", "reconnect", "skip-reconnect", "line-numbers", "skip-line-numbers", "auto-rehash"].includes(name)) return;
    throw new UsageError(`unknown option '--${name}'.`);
  };
  const SHORT: Record<string, string> = { u: "user", h: "host", P: "port", S: "socket", e: "execute", D: "database", B: "batch", s: "silent", N: "skip-column-names", t: "table", E: "vertical", r: "raw", f: "force", c: "comments", A: "no-auto-rehash", V: "version", "?": "help", I: "help", v: "verbose", q: "quick", C: "compress" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      let value = eq < 0 ? undefined : arg.slice(eq + 1);
      if (value === undefined && LONG_WITH_ARG.has(name)) {
        value = args[++i];
        if (value === undefined) throw new UsageError(`option '--${name}' requires an argument.`);
      }
      set(name, value);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        if (c === "p") {
          set("password", j + 1 < arg.length ? arg.slice(j + 1) : undefined);
          break;
        }
        const long = SHORT[c];
        if (long === undefined) throw new UsageError(`unknown option '-${c}'.`);
        if (SHORT_WITH_ARG.has(c)) {
          let value: string | undefined = arg.slice(j + 1);
          if (value === "") value = args[++i];
          if (value === undefined) throw new UsageError(`option '-${c}' requires an argument.`);
          set(long, value);
          break;
        }
        if (long === "compress") continue;
        set(long, undefined);
      }
      continue;
    }
    positional.push(arg);
  }
  return { options: o, positional };
}

/** Streams a terminal is attached to say so (the exec session sets `isTTY`). */
function isTty(stream: InputStream | OutputStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** [client] and [mysql] settings from option files fill in what the command line left out. */
export function applyOptionFiles(ctx: ProcessContext, o: CliOptions): void {
  if (o.noDefaults) return;
  const entries = readOptionFile(ctx.fs, "/etc/my.cnf", ["client", "mysql"]);
  if (o.defaultsExtraFile !== undefined) entries.push(...readOptionFile(ctx.fs, ctx.resolve(o.defaultsExtraFile), ["client", "mysql"]));
  for (const [rawName, value] of entries) {
    const name = rawName.replace(/_/g, "-").toLowerCase();
    if (value === undefined) continue;
    if (name === "user" && o.user === undefined) o.user = value;
    else if (name === "password" && o.password === undefined) o.password = value;
    else if (name === "host" && o.host === undefined) o.host = value;
    else if (name === "port" && o.port === undefined) o.port = Number(value);
    else if (name === "socket" && o.socket === undefined) o.socket = value;
    else if (name === "database" && o.database === undefined) o.database = value;
  }
}

/** How to reach the server: options, then MYSQL_PWD; the user defaults to the login name. */
export function connectOptionsFor(ctx: ProcessContext, o: CliOptions, program: string): ConnectOptions {
  return {
    host: o.host,
    port: o.port,
    socket: o.socket,
    protocol: o.protocol,
    user: o.user ?? (ctx.cred.uid === 0 ? "root" : (ctx.environ.get("USER") ?? "root")),
    password: o.password ?? ctx.environ.get("MYSQL_PWD"),
    database: o.database,
    connectTimeoutMs: o.connectTimeout === undefined ? undefined : o.connectTimeout * 1000,
    fs: ctx.fs,
    program,
  };
}

/** `mysql> `, and the continuation prompts `    -> `, `    '> `, `   /*> `. */
function prompt(continuation: string | undefined): string {
  if (continuation === undefined) return "mysql> ";
  return continuation === "/*" ? "   /*> " : `    ${continuation} `;
}

const WELCOME = `Welcome to the MySQL monitor.  Commands end with ; or \\g.`;
/** ORACLE_WELCOME_COPYRIGHT_NOTICE("2000"), which the monitor and mysqladmin version print. */
export const ORACLE_COPYRIGHT = `Copyright (c) 2000, 2024, Oracle and/or its affiliates.

Oracle is a registered trademark of Oracle Corporation and/or its
affiliates. Other names may be trademarks of their respective
owners.
`;

const COPYRIGHT = `${ORACLE_COPYRIGHT}
Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.
`;

export const mysqlClient: Executable = function* (ctx) {
  let o: CliOptions;
  try {
    const parsed = parseArgs(ctx.argv.slice(1));
    o = parsed.options;
    if (o.database === undefined) o.database = parsed.positional[0];
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(`mysql: [ERROR] ${e.message}\n`);
    return 1;
  }
  if (o.version) {
    ctx.stdout.write(`mysql  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\n`);
    return 0;
  }
  if (o.help) {
    ctx.stdout.write(`mysql  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\nUsage: mysql [OPTIONS] [database]\n`);
    return 0;
  }
  applyOptionFiles(ctx, o);
  const terminal = isTty(ctx.stdin) && isTty(ctx.stdout);
  const batch = o.batch || !terminal;
  if (!terminal) o.silent = Math.max(o.silent, 1);
  const input = new LineInput(ctx.stdin);
  if (o.passwordOnCommandLine) ctx.stderr.write("mysql: [Warning] Using a password on the command line interface can be insecure.\n");
  if (o.promptPassword) {
    ctx.stderr.write("Enter password: ");
    o.password = (yield* input.line()) ?? "";
    ctx.stderr.write("\n");
  }
  const connectOptions = connectOptionsFor(ctx, o, "mysql");
  const conn = yield* MysqlConnection.connect(ctx.sim, ctx.net, connectOptions);
  const printError = (e: SqlError, line: number) => {
    if (batch) ctx.stderr.write(`ERROR ${e.code} (${e.sqlState})${line > 0 ? ` at line ${line}` : ""}: ${e.message}\n`);
    else {
      ctx.stdout.write("\x07");
      ctx.stderr.write(`${formatError(e)}\n`);
    }
  };
  if (!(conn instanceof MysqlConnection)) {
    printError(conn, 0);
    return 1;
  }
  if (o.initCommand !== undefined) yield* conn.query(o.initCommand);
  if (!batch) {
    ctx.stdout.write(`${WELCOME}\nYour MySQL connection id is ${conn.connectionId}\nServer version: ${conn.serverVersion} ${VERSION_COMMENT}\n\n${COPYRIGHT}\n`);
  }
  const reader = new StatementReader(o.comments);
  let status = 0;
  let quit = false;

  const run = function* (item: ReaderItem): Proc<boolean> {
    if (item.kind === "command") {
      if (item.name === "quit") {
        quit = true;
        return true;
      }
      if (item.name === "delimiter") return true;
      if (item.name === "status") {
        const report = yield* statusReport(conn, { delimiter: reader.delimiter, ssl: o.ssl !== false, binaryAsHex: o.binaryAsHex ?? !batch });
        if (report !== undefined) ctx.stdout.write(report);
        return true;
      }
      const r = yield* conn.selectDb(item.arg);
      if (r.error !== undefined) {
        printError(r.error, item.line);
        return false;
      }
      if (!batch) {
        if (o.autoRehash) {
          const tables = yield* conn.query("SHOW TABLES");
          const first = tables.results[0];
          if (first?.kind === "rows" && first.rows.length > 0) {
            ctx.stdout.write("Reading table information for completion of table and column names\nYou can turn off this feature to get a quicker startup with -A\n\n");
          }
        }
        ctx.stdout.write("Database changed\n");
      }
      return true;
    }
    const started = ctx.sim.now;
    const outcome = yield* conn.query(item.text);
    const elapsed = ` (${niceTime((ctx.sim.now - started) / 1000)})`;
    for (const r of outcome.results) printResult(r, item.vertical, elapsed);
    if (outcome.error !== undefined) {
      printError(outcome.error, item.line);
      return false;
    }
    return true;
  };

  const printResult = (r: QueryResult, vertical: boolean, elapsed: string) => {
    const out = ctx.stdout;
    const warnings = r.warnings > 0 ? `, ${r.warnings} warning${r.warnings === 1 ? "" : "s"}` : "";
    if (r.kind === "rows") {
      if (r.rows.length === 0) {
        if (!batch) out.write(`Empty set${warnings}${elapsed}\n\n`);
        return;
      }
      if (vertical || o.vertical) out.write(formatVertical(r.columns, r.rows));
      else if (o.silent > 0 && !o.table) out.write(formatTab(r.columns, r.rows, { header: o.silent < 2 && o.columnNames, raw: o.raw }));
      else out.write(formatTable(r.columns, r.rows, o.columnNames));
      if (!batch) out.write(`${r.rows.length} ${r.rows.length === 1 ? "row" : "rows"} in set${warnings}${elapsed}\n\n`);
      return;
    }
    if (batch) return;
    out.write(`Query OK, ${r.affectedRows} ${r.affectedRows === 1 ? "row" : "rows"} affected${warnings}${elapsed}\n`);
    if (r.info !== undefined) out.write(`${r.info}\n`);
    out.write("\n");
  };

  if (o.execute !== undefined) {
    const items = [...o.execute.split("\n").flatMap((l) => reader.feed(l)), ...reader.end()];
    for (const item of items) {
      if (!(yield* run(item))) {
        status = 1;
        if (!o.force) break;
      }
      if (quit) break;
    }
  } else {
    for (;;) {
      if (!batch) ctx.stdout.write(prompt(reader.continuation));
      const line = yield* input.line();
      const items = line === null ? reader.end() : reader.feed(line);
      for (const item of items) {
        const ok = yield* run(item);
        if (!ok && batch) {
          status = 1;
          if (!o.force) quit = true;
        }
        if (quit) break;
      }
      if (quit || line === null) break;
    }
    if (!batch) ctx.stdout.write("Bye\n");
  }
  conn.close();
  return status;
};
