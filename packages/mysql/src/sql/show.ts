import { canSeeDatabase, openTable, VIRTUAL_SCHEMAS } from "./access.js";
import type { ColumnDef, Statement } from "./ast.js";
import { ER } from "./errors.js";
import { likeToRegExp } from "./like.js";
import { showGrants } from "./privileges.js";
import type { ResultColumn, Session, StatementResult } from "./session.js";
import { toText, typeText } from "./values.js";
import { showValue, variableNames } from "./variables.js";
import type { Table } from "../innodb/table.js";

/** SHOW DATABASES/TABLES/COLUMNS/CREATE TABLE/CREATE DATABASE/VARIABLES/STATUS/WARNINGS/GRANTS/PROCESSLIST and DESCRIBE. */

const text = (name: string, notNull = true): ResultColumn => ({ name, type: "VAR_STRING", notNull });

function rows(columns: ResultColumn[], data: (string | null)[][]): StatementResult {
  return { kind: "rows", columns, rows: data };
}

function like(pattern: string | undefined): (s: string) => boolean {
  if (pattern === undefined) return () => true;
  const re = likeToRegExp(pattern, true);
  return (s) => re.test(s);
}

export function showDatabases(session: Session, s: Extract<Statement, { kind: "showDatabases" }>): StatementResult {
  const all = [...VIRTUAL_SCHEMAS, ...session.server.engine.databases()].sort();
  const match = like(s.like);
  const visible = all.filter((db) => canSeeDatabase(session, db) && match(db));
  return rows([text(s.like === undefined ? "Database" : `Database (${s.like})`)], visible.map((d) => [d]));
}

export function showTables(session: Session, s: Extract<Statement, { kind: "showTables" }>): StatementResult {
  const db = s.db ?? session.db;
  if (db === null) throw ER.noDb();
  const engine = session.server.engine;
  if (!engine.hasDatabase(db) && !VIRTUAL_SCHEMAS.includes(db)) throw ER.badDb(db);
  if (!canSeeDatabase(session, db)) throw ER.dbAccessDenied(session.user, session.host, db);
  const names = engine.tableNames(db).filter(like(s.like));
  const header = `Tables_in_${db}${s.like === undefined ? "" : ` (${s.like})`}`;
  if (s.full) return rows([text(header), text("Table_type")], names.map((n) => [n, "BASE TABLE"]));
  return rows([text(header)], names.map((n) => [n]));
}

function keyFlag(table: Table, col: ColumnDef): string {
  const lower = col.name.toLowerCase();
  const first = (kind: string) => table.def.indexes.some((i) => i.kind === kind && i.parts[0]?.column.toLowerCase() === lower);
  if (table.def.indexes.some((i) => i.kind === "primary" && i.parts.some((p) => p.column.toLowerCase() === lower))) return "PRI";
  if (table.def.indexes.some((i) => i.kind === "unique" && i.parts.length === 1 && i.parts[0]!.column.toLowerCase() === lower)) return "UNI";
  if (first("index") || first("unique") || first("fulltext")) return "MUL";
  return "";
}

function extra(col: ColumnDef): string {
  const parts: string[] = [];
  if (col.autoIncrement) parts.push("auto_increment");
  if (col.default?.kind === "now") parts.push("DEFAULT_GENERATED");
  if (col.onUpdateNow) parts.push("on update CURRENT_TIMESTAMP");
  return parts.join(" ");
}

function defaultText(col: ColumnDef): string | null {
  if (col.default === undefined) return null;
  if (col.default.kind === "now") return "CURRENT_TIMESTAMP";
  return toText(col.default.value);
}

export function showColumns(session: Session, s: Extract<Statement, { kind: "showColumns" }>): StatementResult {
  const table = openTable(session, s.table, "SELECT");
  const columns = [text("Field"), text("Type"), ...(s.full ? [text("Collation", false)] : []), text("Null"), text("Key"), text("Default", false), text("Extra")];
  if (s.full) columns.push(text("Privileges"), text("Comment"));
  const data = table.def.columns.map((c) => {
    const base = [c.name, typeText(c.type)];
    const collation = /CHAR|TEXT/.test(c.type.name) ? collationOf(table) : null;
    const tail = [c.notNull ? "NO" : "YES", keyFlag(table, c), defaultText(c), extra(c)];
    return s.full ? [...base, collation, ...tail, "select,insert,update,references", c.comment ?? ""] : [...base, ...tail];
  });
  return rows(columns, data);
}

function charsetOf(table: Table): string {
  const cs = table.def.options["CHARSET"];
  const coll = table.def.options["COLLATE"];
  if (typeof cs === "string") return cs;
  return typeof coll === "string" ? coll.split("_")[0]! : "utf8mb4";
}

function collationOf(table: Table): string {
  const coll = table.def.options["COLLATE"];
  if (typeof coll === "string") return coll;
  const cs = charsetOf(table);
  return cs === "utf8mb4" ? "utf8mb4_0900_ai_ci" : `${cs}_general_ci`;
}

/** SHOW CREATE DATABASE: every database here has the server's default character set and collation. */
export function showCreateDatabase(session: Session, s: Extract<Statement, { kind: "showCreateDatabase" }>): StatementResult {
  if (!session.server.engine.hasDatabase(s.db) && !VIRTUAL_SCHEMAS.includes(s.db)) throw ER.badDb(s.db);
  if (!canSeeDatabase(session, s.db)) throw ER.dbAccessDenied(session.user, session.host, s.db);
  const ddl = `CREATE DATABASE ${s.ifNotExists ? "/*!32312 IF NOT EXISTS*/ " : ""}\`${s.db}\` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */`;
  return rows([text("Database"), text("Create Database")], [[s.db, ddl]]);
}

/** SHOW CREATE TABLE, laid out as MySQL 8 prints it. */
export function showCreateTable(session: Session, s: Extract<Statement, { kind: "showCreateTable" }>): StatementResult {
  const table = openTable(session, s.table, "SELECT");
  const lines = table.def.columns.map((c) => {
    let line = `  \`${c.name}\` ${typeText(c.type)}`;
    if (c.notNull) line += " NOT NULL";
    if (c.autoIncrement) line += " AUTO_INCREMENT";
    if (c.default?.kind === "now") line += " DEFAULT CURRENT_TIMESTAMP";
    else if (c.default !== undefined) line += c.default.value === null ? " DEFAULT NULL" : ` DEFAULT '${toText(c.default.value)}'`;
    else if (!c.notNull && !/TEXT|BLOB/.test(c.type.name) && !c.autoIncrement) line += " DEFAULT NULL";
    if (c.onUpdateNow) line += " ON UPDATE CURRENT_TIMESTAMP";
    if (c.comment !== undefined) line += ` COMMENT '${c.comment.replace(/'/g, "''")}'`;
    return line;
  });
  const order = ["primary", "unique", "index", "fulltext"];
  const indexes = [...table.def.indexes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const i of indexes) {
    const parts = i.parts.map((p) => `\`${p.column}\`${p.length === undefined ? "" : `(${p.length})`}`).join(",");
    const kind = i.kind === "primary" ? "PRIMARY KEY" : i.kind === "unique" ? `UNIQUE KEY \`${i.name}\`` : i.kind === "fulltext" ? `FULLTEXT KEY \`${i.name}\`` : `KEY \`${i.name}\``;
    lines.push(`  ${kind} (${parts})`);
  }
  let options = "ENGINE=InnoDB";
  if (table.autoInc > 1) options += ` AUTO_INCREMENT=${table.autoInc}`;
  options += ` DEFAULT CHARSET=${charsetOf(table)} COLLATE=${collationOf(table)}`;
  const ddl = `CREATE TABLE \`${table.def.name}\` (\n${lines.join(",\n")}\n) ${options}`;
  return rows([text("Table"), text("Create Table")], [[table.def.name, ddl]]);
}

export function showVariables(session: Session, s: Extract<Statement, { kind: "showVariables" }>): StatementResult {
  const match = like(s.like);
  const data = variableNames()
    .filter(match)
    .map((name) => {
      const value = s.scope === "GLOBAL" ? (session.server.globals.get(name) ?? null) : session.variable(name);
      return [name, showValue(name, value)];
    });
  return rows([text("Variable_name"), text("Value", false)], data);
}

/** SHOW STATUS: the session's counters (or the server's sums) with the server-wide ones, by name. */
export function showStatus(session: Session, s: Extract<Statement, { kind: "showStatus" }>): StatementResult {
  const match = like(s.like);
  const counters = s.scope === "GLOBAL" ? session.server.status : session.status;
  const data = [...session.server.serverStatus(), ...counters.variables()]
    .filter(([name]) => match(name))
    .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  return rows([text("Variable_name"), text("Value", false)], data);
}

export function showWarnings(session: Session): StatementResult {
  return rows(
    [text("Level"), { name: "Code", type: "LONG", notNull: true }, text("Message")],
    session.warnings.map((w) => [w.level, String(w.code), w.message]),
  );
}

export function showGrantsFor(session: Session, s: Extract<Statement, { kind: "showGrants" }>): StatementResult {
  const acl = session.server.engine.acl;
  const account = s.user === undefined || s.user.user === "" ? session.account : acl.find(s.user);
  if (account === undefined) throw ER.nonexistingGrant(s.user!.user, s.user!.host);
  if (account !== session.account && !session.account.global.includes("SELECT")) {
    throw ER.dbAccessDenied(session.user, session.host, "mysql");
  }
  return rows([text(`Grants for ${account.user}@${account.host}`)], showGrants(account).map((g) => [g]));
}

export function showProcesslist(session: Session, s: Extract<Statement, { kind: "showProcesslist" }>): StatementResult {
  const all = session.account.global.includes("PROCESS");
  const data = session.server
    .processlist()
    .filter((p) => all || p.user === session.user)
    .map((p) => [String(p.id), p.user, p.host, p.db, p.command, String(p.time), p.state, p.info === null ? null : s.full ? p.info : p.info.slice(0, 100)]);
  return rows(
    [
      { name: "Id", type: "LONGLONG", notNull: true },
      text("User"),
      text("Host"),
      text("db", false),
      text("Command"),
      { name: "Time", type: "LONG", notNull: true },
      text("State", false),
      text("Info", false),
    ],
    data,
  );
}
