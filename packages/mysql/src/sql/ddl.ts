import { implicitCommit, requireDbPrivilege, requireTablePrivilege, resolveDb, sqlMode, VIRTUAL_SCHEMAS } from "./access.js";
import type { ColumnDef, CreateTable, Statement } from "./ast.js";
import { ER, SqlError, warning } from "./errors.js";
import type { Session, StatementResult } from "./session.js";
import { isIntegerType, isTemporalType, parseTemporal, toNumber } from "./values.js";

/** CREATE/DROP DATABASE, CREATE/DROP TABLE, TRUNCATE: each commits the open transaction first. */

const OK0: StatementResult = { kind: "ok", affectedRows: 0, insertId: 0 };

export function createDatabase(session: Session, s: Extract<Statement, { kind: "createDatabase" }>): StatementResult {
  implicitCommit(session);
  requireDbPrivilege(session, "CREATE", s.name);
  const engine = session.server.engine;
  if (engine.hasDatabase(s.name) || VIRTUAL_SCHEMAS.includes(s.name.toLowerCase())) {
    if (!s.ifNotExists) throw ER.dbCreateExists(s.name);
    session.warnings.push(warning("Note", ER.dbCreateExists(s.name)));
    return { kind: "ok", affectedRows: 1, insertId: 0 };
  }
  engine.createDatabase(s.name);
  return { kind: "ok", affectedRows: 1, insertId: 0 };
}

export function dropDatabase(session: Session, s: Extract<Statement, { kind: "dropDatabase" }>): StatementResult {
  implicitCommit(session);
  if (VIRTUAL_SCHEMAS.includes(s.name.toLowerCase())) throw ER.dbAccessDenied(session.user, session.host, s.name);
  requireDbPrivilege(session, "DROP", s.name);
  if (s.name === "mysql") throw new SqlError(3552, "HY000", "Access to system schema 'mysql' is rejected.");
  const engine = session.server.engine;
  if (!engine.hasDatabase(s.name)) {
    if (!s.ifExists) throw ER.dbDropExists(s.name);
    session.warnings.push(warning("Note", ER.dbDropExists(s.name)));
    return OK0;
  }
  const dropped = engine.dropDatabase(s.name);
  if (session.db === s.name) session.db = null;
  return { kind: "ok", affectedRows: dropped, insertId: 0 };
}

export function createTable(session: Session, s: CreateTable): StatementResult {
  implicitCommit(session);
  const db = resolveDb(session, s.table);
  requireTablePrivilege(session, "CREATE", db, s.table.name);
  const engine = session.server.engine;
  if (!engine.hasDatabase(db)) throw ER.badDb(db);
  const columns = checkDefinition(session, s);
  if (engine.table(db, s.table.name) !== undefined) {
    if (!s.ifNotExists) throw ER.tableExists(s.table.name);
    session.warnings.push(warning("Note", ER.tableExists(s.table.name)));
    return OK0;
  }
  engine.createTable({ db, name: s.table.name, columns, indexes: s.indexes, options: s.options });
  return OK0;
}

/** The checks MySQL makes on a table definition; returns the columns with primary key parts made NOT NULL. */
function checkDefinition(session: Session, s: CreateTable): ColumnDef[] {
  const names = new Set<string>();
  for (const c of s.columns) {
    const lower = c.name.toLowerCase();
    if (names.has(lower)) throw ER.dupFieldName(c.name);
    names.add(lower);
  }
  const primaries = s.indexes.filter((i) => i.kind === "primary");
  if (primaries.length > 1) throw ER.multiplePrimaryKey();
  const keyNames = new Set<string>();
  for (const i of s.indexes) {
    for (const p of i.parts) if (!names.has(p.column.toLowerCase())) throw ER.keyColumnMissing(p.column);
    if (i.kind === "primary") continue;
    if (keyNames.has(i.name.toLowerCase())) throw ER.dupKeyName(i.name);
    keyNames.add(i.name.toLowerCase());
  }
  const autos = s.columns.filter((c) => c.autoIncrement);
  for (const c of autos) {
    if (!isIntegerType(c.type.name) && c.type.name !== "FLOAT" && c.type.name !== "DOUBLE") {
      throw new SqlError(1063, "42000", `Incorrect column specifier for column '${c.name}'`);
    }
  }
  if (autos.length > 1 || (autos.length === 1 && !s.indexes.some((i) => i.parts[0]?.column.toLowerCase() === autos[0]!.name.toLowerCase()))) {
    throw ER.wrongAutoKey();
  }
  const mode = sqlMode(session);
  const pkColumns = new Set(primaries.flatMap((p) => p.parts.map((x) => x.column.toLowerCase())));
  return s.columns.map((c) => {
    const notNull = c.notNull || pkColumns.has(c.name.toLowerCase());
    checkDefault(c, notNull, mode.noZeroDate && mode.strict);
    return notNull === c.notNull ? c : { ...c, notNull };
  });
}

function checkDefault(c: ColumnDef, notNull: boolean, rejectZeroDate: boolean): void {
  const d = c.default;
  if (d === undefined) return;
  const t = c.type.name;
  if (d.kind === "now") {
    if (t !== "DATETIME" && t !== "TIMESTAMP") throw ER.invalidDefault(c.name);
    return;
  }
  if (d.value === null) {
    if (notNull) throw ER.invalidDefault(c.name);
    return;
  }
  if (/TEXT|BLOB/.test(t)) throw new SqlError(1101, "42000", `BLOB, TEXT, GEOMETRY or JSON column '${c.name}' can't have a default value`);
  if (isIntegerType(t) || t === "DECIMAL" || t === "FLOAT" || t === "DOUBLE") {
    if (typeof d.value === "string" && !/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(d.value)) throw ER.invalidDefault(c.name);
    if (isIntegerType(t) && c.type.unsigned && (toNumber(d.value) ?? 0) < 0) throw ER.invalidDefault(c.name);
  }
  if (isTemporalType(t)) {
    const parsed = parseTemporal(String(d.value), t);
    if (parsed === undefined || (rejectZeroDate && parsed.startsWith("0000-00-00"))) throw ER.invalidDefault(c.name);
  }
}

export function dropTable(session: Session, s: Extract<Statement, { kind: "dropTable" }>): StatementResult {
  implicitCommit(session);
  const engine = session.server.engine;
  const targets = s.tables.map((t) => ({ db: resolveDb(session, t), name: t.name }));
  for (const t of targets) requireTablePrivilege(session, "DROP", t.db, t.name);
  const missing = targets.filter((t) => engine.table(t.db, t.name) === undefined);
  if (missing.length > 0 && !s.ifExists) throw ER.badTable(missing.map((t) => `${t.db}.${t.name}`).join(","));
  for (const t of missing) session.warnings.push(warning("Note", ER.badTable(`${t.db}.${t.name}`)));
  for (const t of targets) if (engine.table(t.db, t.name) !== undefined) engine.dropTable(t.db, t.name);
  return OK0;
}

export function truncateTable(session: Session, s: Extract<Statement, { kind: "truncate" }>): StatementResult {
  implicitCommit(session);
  const db = resolveDb(session, s.table);
  requireTablePrivilege(session, "DROP", db, s.table.name);
  session.server.engine.truncateTable(db, s.table.name);
  return OK0;
}
