import { encodeText, type Proc } from "@ksim/sim";
import { isEnvironmentIoError, writeWhatFits, type Executable, type ProcessContext } from "@ksim/kube";
import type { ResultColumn } from "../sql/session.js";
import { MYSQL_VERSION } from "../server/server.js";
import { MysqlConnection, type QueryResult } from "./connection.js";
import { applyOptionFiles, connectOptionsFor, type CliOptions } from "./mysql-cli.js";

/**
 * mysqldump 8.0 with its default --opt: per table DROP TABLE IF EXISTS, the CREATE TABLE the
 * server shows, and the rows as one extended INSERT between LOCK TABLES and UNLOCK TABLES, all
 * wrapped in the versioned SET comments a restore through `mysql` runs. `db [tables]`,
 * `--databases`, `--all-databases`, `--no-data`, `--no-create-info`, `--skip-comments`,
 * `--result-file`. Errors are mysqldump's (`Got error: 1049: …`, exit 2).
 */

interface DumpOptions {
  readonly client: CliOptions;
  databases: boolean;
  all: boolean;
  noData: boolean;
  noCreateInfo: boolean;
  comments: boolean;
  addDropTable: boolean;
  /** --lock-tables: each database's tables are READ-locked on the server while they are dumped. */
  lockTables: boolean;
  /** --add-locks: the dump wraps each table's rows in LOCK TABLES … WRITE / UNLOCK TABLES. */
  addLocks: boolean;
  resultFile: string | undefined;
}

/** Databases --all-databases leaves out, as mysqldump 8.0 does. */
const SKIPPED = new Set(["information_schema", "performance_schema", "sys"]);

/** Types mysqldump writes without quotes (its IS_NUM test: TIMESTAMP is quoted). */
const UNQUOTED = new Set(["TINY", "SHORT", "INT24", "LONG", "LONGLONG", "NEWDECIMAL", "FLOAT", "DOUBLE"]);

class DumpUsageError extends Error {}

function parse(args: readonly string[]): { options: DumpOptions; names: string[] } {
  const client: CliOptions = {
    promptPassword: false, passwordOnCommandLine: false, batch: true, silent: 0, columnNames: true, table: false, vertical: false,
    raw: false, force: false, comments: false, autoRehash: false, noDefaults: false, help: false, version: false, verbose: false,
  };
  const o: DumpOptions = { client, databases: false, all: false, noData: false, noCreateInfo: false, comments: true, addDropTable: true, lockTables: true, addLocks: true, resultFile: undefined };
  const names: string[] = [];
  const WITH_ARG: Record<string, (v: string) => void> = {
    user: (v) => (client.user = v),
    host: (v) => (client.host = v),
    port: (v) => (client.port = Number(v)),
    socket: (v) => (client.socket = v),
    protocol: (v) => (client.protocol = v.toLowerCase() === "tcp" ? "tcp" : "socket"),
    "result-file": (v) => (o.resultFile = v),
    "default-character-set": () => {},
    "set-gtid-purged": () => {},
  };
  const FLAGS: Record<string, () => void> = {
    databases: () => (o.databases = true),
    "all-databases": () => (o.all = true),
    "no-data": () => (o.noData = true),
    "no-create-info": () => (o.noCreateInfo = true),
    "skip-comments": () => (o.comments = false),
    comments: () => (o.comments = true),
    "skip-add-drop-table": () => (o.addDropTable = false),
    "add-drop-table": () => (o.addDropTable = true),
    "skip-lock-tables": () => (o.lockTables = false),
    "lock-tables": () => (o.lockTables = true),
    // A consistent snapshot instead of locks: the engine's reads are already consistent per query.
    "single-transaction": () => (o.lockTables = false),
    "add-locks": () => (o.addLocks = true),
    "skip-add-locks": () => (o.addLocks = false),
    opt: () => {},
    quick: () => {},
    routines: () => {},
    triggers: () => {},
    events: () => {},
    "no-defaults": () => (client.noDefaults = true),
  };
  const SHORT: Record<string, string> = { u: "user", h: "host", P: "port", S: "socket", r: "result-file", B: "databases", A: "all-databases", d: "no-data", t: "no-create-info", q: "quick", R: "routines", E: "events" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (name === "password") {
        if (eq < 0) client.promptPassword = true;
        else {
          client.password = arg.slice(eq + 1);
          client.passwordOnCommandLine = true;
        }
        continue;
      }
      const withArg = WITH_ARG[name];
      if (withArg !== undefined) {
        const v = eq < 0 ? args[++i] : arg.slice(eq + 1);
        if (v === undefined) throw new DumpUsageError(`option '--${name}' requires an argument.`);
        withArg(v);
        continue;
      }
      const flag = FLAGS[name];
      if (flag === undefined) throw new DumpUsageError(`unknown option '--${name}'.`);
      flag();
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        if (c === "p") {
          if (j + 1 < arg.length) {
            client.password = arg.slice(j + 1);
            client.passwordOnCommandLine = true;
          } else client.promptPassword = true;
          break;
        }
        const long = SHORT[c];
        if (long === undefined) throw new DumpUsageError(`unknown option '-${c}'.`);
        const withArg = WITH_ARG[long];
        if (withArg !== undefined) {
          const v = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (v === undefined) throw new DumpUsageError(`option '-${c}' requires an argument.`);
          withArg(v);
          break;
        }
        FLAGS[long]!();
      }
      continue;
    }
    names.push(arg);
  }
  return { options: o, names };
}

/** mysql_real_escape_string inside single quotes, as mysqldump writes string values. */
function quoteValue(v: string): string {
  return `'${v.replace(/[\0\n\r\\'"\x1a]/g, (c) => ({ "\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z" })[c]!)}'`;
}

function ident(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

function rowsOf(r: QueryResult | undefined): readonly (readonly (string | null)[])[] {
  return r?.kind === "rows" ? r.rows : [];
}

/** `2024-01-01  0:05:00`: mysqldump pads the hour with a space. */
function dumpTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${String(d.getUTCHours()).padStart(2, " ")}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

class DumpError extends Error {}

export const mysqldump: Executable = function* (ctx: ProcessContext) {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(ctx.argv.slice(1));
  } catch (e) {
    if (!(e instanceof DumpUsageError)) throw e;
    ctx.stderr.write(`mysqldump: [ERROR] ${e.message}\n`);
    return 7;
  }
  const { options: o, names } = parsed;
  if (!o.all && names.length === 0) {
    ctx.stdout.write(`Usage: mysqldump [OPTIONS] database [tables]\nOR     mysqldump [OPTIONS] --databases [OPTIONS] DB1 [DB2 DB3...]\nOR     mysqldump [OPTIONS] --all-databases [OPTIONS]\nFor more options, use mysqldump --help\n`);
    return 1;
  }
  applyOptionFiles(ctx, o.client);
  if (o.client.passwordOnCommandLine) ctx.stderr.write("mysqldump: [Warning] Using a password on the command line interface can be insecure.\n");
  const conn = yield* MysqlConnection.connect(ctx.sim, ctx.net, connectOptionsFor(ctx, o.client, "mysqldump"));
  if (!(conn instanceof MysqlConnection)) {
    ctx.stderr.write(`mysqldump: Got error: ${conn.code}: ${conn.message} when trying to connect\n`);
    return 2;
  }
  const query = function* (sql: string, context: string): Proc<readonly QueryResult[]> {
    const r = yield* conn.query(sql);
    if (r.error !== undefined) throw new DumpError(`Got error: ${r.error.code}: ${r.error.message} ${context}`);
    return r.results;
  };
  let out = "";
  try {
    let plan: { db: string; tables: string[] | undefined; createDb: boolean }[];
    if (o.all) {
      const dbs = rowsOf((yield* query("SHOW DATABASES", "when selecting the database"))[0]).map((r) => r[0]!);
      plan = dbs.filter((d) => !SKIPPED.has(d)).map((db) => ({ db, tables: undefined, createDb: true }));
    } else if (o.databases) plan = names.map((db) => ({ db, tables: undefined, createDb: true }));
    else plan = [{ db: names[0]!, tables: names.length > 1 ? names.slice(1) : undefined, createDb: false }];
    const host = o.client.host ?? "localhost";
    if (o.comments) {
      const dbLabel = plan.length === 1 ? plan[0]!.db : "";
      out += `-- MySQL dump 10.13  Distrib ${MYSQL_VERSION}, for Linux (x86_64)\n--\n-- Host: ${host}    Database: ${dbLabel}\n-- ------------------------------------------------------\n-- Server version\t${conn.serverVersion}\n\n`;
    }
    out +=
      "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n" +
      "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n/*!50503 SET NAMES utf8mb4 */;\n/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n" +
      "/*!40103 SET TIME_ZONE='+00:00' */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n" +
      "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n" +
      "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n";
    for (const step of plan) {
      const select = yield* conn.query(`USE ${ident(step.db)}`);
      if (select.error !== undefined) throw new DumpError(`Got error: ${select.error.code}: ${select.error.message} when selecting the database`);
      if (step.createDb) {
        const created = rowsOf((yield* query(`SHOW CREATE DATABASE IF NOT EXISTS ${ident(step.db)}`, "when selecting the database"))[0])[0]?.[1] ?? "";
        if (o.comments) out += `\n--\n-- Current Database: ${ident(step.db)}\n--\n`;
        out += `\n${created};\n\nUSE ${ident(step.db)};\n`;
      }
      const all = rowsOf((yield* query("SHOW TABLES", "when retrieving the table list"))[0]).map((r) => r[0]!);
      for (const wanted of step.tables ?? []) if (!all.includes(wanted)) throw new DumpError(`Couldn't find table: "${wanted}"`);
      const tables = step.tables ?? all;
      // dump_all_tables_in_db: the whole database is READ-locked while its tables are read, so
      // writers wait and the dump is consistent across tables.
      if (o.lockTables && tables.length > 0) yield* query(`LOCK TABLES ${tables.map((t) => `${ident(t)} READ /*!32311 LOCAL */`).join(",")}`, "when using LOCK TABLES");
      for (const table of tables) {
        if (!o.noCreateInfo) {
          const create = rowsOf((yield* query(`SHOW CREATE TABLE ${ident(table)}`, `when dumping table ${ident(table)}`))[0])[0]?.[1] ?? "";
          if (o.comments) out += `\n--\n-- Table structure for table ${ident(table)}\n--\n`;
          out += "\n";
          if (o.addDropTable) out += `DROP TABLE IF EXISTS ${ident(table)};\n`;
          out += `/*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!50503 SET character_set_client = utf8mb4 */;\n${create};\n/*!40101 SET character_set_client = @saved_cs_client */;\n`;
        }
        if (o.noData) continue;
        const data = (yield* query(`SELECT * FROM ${ident(table)}`, `when dumping table ${ident(table)} at row: 0`))[0];
        if (o.comments) out += `\n--\n-- Dumping data for table ${ident(table)}\n--\n`;
        out += "\n";
        if (o.addLocks) out += `LOCK TABLES ${ident(table)} WRITE;\n`;
        out += `/*!40000 ALTER TABLE ${ident(table)} DISABLE KEYS */;\n`;
        if (data?.kind === "rows" && data.rows.length > 0) out += `INSERT INTO ${ident(table)} VALUES ${data.rows.map((row) => `(${row.map((v, i) => literal(v, data.columns[i]!)).join(",")})`).join(",")};\n`;
        out += `/*!40000 ALTER TABLE ${ident(table)} ENABLE KEYS */;\n`;
        if (o.addLocks) out += "UNLOCK TABLES;\n";
      }
      if (o.lockTables && tables.length > 0) yield* query("UNLOCK TABLES", "when using UNLOCK TABLES");
    }
  } catch (e) {
    if (!(e instanceof DumpError)) throw e;
    conn.close();
    // What was dumped so far is written before the error, as mysqldump streams its output.
    if (!emit(ctx, o.resultFile, out)) return EX_EOF;
    ctx.stderr.write(`mysqldump: ${e.message}\n`);
    return 2;
  }
  conn.close();
  out +=
    "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n" +
    "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n" +
    "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n" +
    "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n";
  if (o.comments) out += `\n-- Dump completed on ${dumpTime(ctx.sim.epochMs())}\n`;
  return emit(ctx, o.resultFile, out) ? 0 : EX_EOF;
};

/** mysqldump's exit status when its output cannot be written (check_io). */
const EX_EOF = 5;

function literal(v: string | null, column: ResultColumn): string {
  if (v === null) return "NULL";
  return UNQUOTED.has(column.type) ? v : quoteValue(v);
}

/**
 * Writes the dump to stdout or the --result-file; a full or read-only disk stops it as check_io
 * does ("Got errno 28 on write"), keeping what fitted. Returns whether it all went out.
 */
function emit(ctx: ProcessContext, resultFile: string | undefined, text: string): boolean {
  try {
    if (resultFile === undefined) ctx.stdout.write(text);
    else {
      const path = ctx.resolve(resultFile);
      ctx.fs.writeFile(path, new Uint8Array());
      const written = writeWhatFits(ctx.fs, path, encodeText(text));
      if (written.error !== undefined) throw written.error;
    }
    return true;
  } catch (e) {
    if (!isEnvironmentIoError(e)) throw e;
    ctx.stderr.write(`mysqldump: Got errno ${e.errno} on write\n`);
    return false;
  }
}
