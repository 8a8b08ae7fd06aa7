import type { Trx } from "../innodb/engine.js";
import { Table } from "../innodb/table.js";
import { commitSession, functionEnv, openTable, requireTablePrivilege, rollbackSession, sqlMode, statementTrx, tableScope } from "./access.js";
import type { Assignment, ColumnDef, Expr, OrderItem, Statement } from "./ast.js";
import { ER, SqlError, warning } from "./errors.js";
import { evaluate, validate, type EvalEnv, type FunctionEnv } from "./eval.js";
import type { Session, StatementResult } from "./session.js";
import { coerceForColumn, compareForSort, isIntegerType, isNumericType, isTemporalType, toNumber, truth, type SqlMode, type SqlValue, ZERO_DATETIME } from "./values.js";

/**
 * INSERT, UPDATE and DELETE. Each runs inside the session's transaction (or its own, under
 * autocommit); a failing statement undoes exactly its own changes, as InnoDB's statement
 * rollback does, and a row held by another transaction makes the statement wait (LockWait).
 */

type Insert = Extract<Statement, { kind: "insert" }>;
type Update = Extract<Statement, { kind: "update" }>;
type Delete = Extract<Statement, { kind: "delete" }>;

/** Runs `body` in the statement's transaction with statement-level rollback on any failure. */
function inTransaction<T>(session: Session, body: (trx: Trx) => T): T {
  const engine = session.server.engine;
  const { trx, own } = statementTrx(session);
  const savepoint = engine.savepoint(trx);
  let result: T;
  try {
    result = body(trx);
  } catch (e) {
    engine.rollbackTo(trx, savepoint);
    if (own) rollbackSession(session);
    throw e;
  }
  if (own) commitSession(session, { twoPhase: true });
  return result;
}

function columnIndex(table: Table, name: string, clause: string): number {
  const i = table.def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw ER.badField(name, clause);
  return i;
}

/** The value MySQL stores when a NOT NULL column gets nothing and strict mode is off. */
function implicitDefault(col: ColumnDef): SqlValue {
  if (isNumericType(col.type.name)) return 0;
  if (isTemporalType(col.type.name)) return col.type.name === "DATE" ? "0000-00-00" : ZERO_DATETIME;
  return "";
}

function columnDefault(col: ColumnDef, fn: FunctionEnv, mode: SqlMode, session: Session): SqlValue {
  if (col.default?.kind === "now") return fn.now;
  if (col.default?.kind === "value") return col.default.value;
  if (col.autoIncrement || !col.notNull) return null;
  if (mode.strict) throw ER.noDefaultForField(col.name);
  session.warnings.push(warning("Warning", ER.noDefaultForField(col.name)));
  return implicitDefault(col);
}

/** A NULL for a NOT NULL column: an error in strict mode or single-row statements, else the implicit default. */
function nullIntoNotNull(col: ColumnDef, mode: SqlMode, singleRow: boolean, session: Session): SqlValue {
  if (mode.strict || singleRow) throw ER.badNull(col.name);
  session.warnings.push(warning("Warning", ER.badNull(col.name)));
  return implicitDefault(col);
}

export function runInsert(session: Session, s: Insert): StatementResult {
  const table = openTable(session, s.table, "INSERT");
  if (s.onDuplicate !== undefined) requireTablePrivilege(session, "UPDATE", table.def.db, table.def.name);
  const cols = table.def.columns;
  const targets = s.columns === undefined ? cols.map((_, i) => i) : s.columns.map((c) => columnIndex(table, c, "field list"));
  for (const [i, t] of targets.entries()) {
    if (targets.indexOf(t) !== i) throw new SqlError(1110, "42000", `Column '${cols[t]!.name}' specified twice`);
  }
  const mode = sqlMode(session);
  const fn = functionEnv(session);
  const scope = tableScope(table);
  const check = { columns: scope, clause: "field list", database: session.db };
  for (const row of s.rows) for (const e of row) if (e !== "DEFAULT") validate(e, check);
  for (const a of s.onDuplicate ?? []) {
    columnIndex(table, a.column, "field list");
    validate(a.value, check);
  }
  const engine = session.server.engine;
  const singleRow = s.rows.length === 1;
  let affected = 0;
  let duplicates = 0;
  let firstGenerated = 0;
  inTransaction(session, (trx) => {
    for (const [r, exprs] of s.rows.entries()) {
      const rowNo = r + 1;
      if (exprs.length !== targets.length && !(exprs.length === 0 && s.columns === undefined)) throw ER.wrongValueCount(rowNo);
      const values: SqlValue[] = cols.map(() => null);
      const given = new Set<number>();
      const env: EvalEnv = { fn, columns: scope, row: values, group: undefined, clause: "field list" };
      for (const [j, e] of exprs.entries()) {
        const i = targets[j]!;
        values[i] = e === "DEFAULT" ? columnDefault(cols[i]!, fn, mode, session) : evaluate(e, env);
        given.add(i);
      }
      for (const [i, col] of cols.entries()) if (!given.has(i)) values[i] = columnDefault(col, fn, mode, session);
      for (const [i, col] of cols.entries()) {
        let v = values[i] ?? null;
        if (col.autoIncrement && (v === null || toNumber(v) === 0)) {
          v = table.autoInc;
          if (firstGenerated === 0) firstGenerated = v;
        } else if (v === null && col.notNull) v = nullIntoNotNull(col, mode, singleRow, session);
        values[i] = coerceForColumn(v, col, rowNo, mode, session.warnings);
      }
      if (s.onDuplicate !== undefined) {
        const conflict = engine.conflictKey(trx, table, values);
        if (conflict !== undefined) {
          duplicates++;
          const old = engine.lockingRead(trx, table, conflict)!;
          const updated = applyAssignments(session, table, old, s.onDuplicate, { ...env, insertRow: values }, rowNo, mode);
          if (updated !== undefined) {
            engine.update(trx, table, conflict, updated);
            affected += 2;
          }
          continue;
        }
      }
      try {
        engine.insert(trx, table, values);
        affected++;
      } catch (e) {
        if (!(s.ignore && e instanceof SqlError && e.code === 1062)) throw e;
        duplicates++;
        session.warnings.push(warning("Warning", e));
      }
    }
  });
  if (firstGenerated !== 0) session.lastInsertId = firstGenerated;
  const info = s.rows.length > 1 ? `Records: ${s.rows.length}  Duplicates: ${duplicates}  Warnings: ${session.warnings.length}` : undefined;
  return { kind: "ok", affectedRows: affected, insertId: firstGenerated, info };
}

/**
 * The row after SET assignments (evaluated left to right, each seeing the previous), or
 * undefined when nothing changed. ON UPDATE CURRENT_TIMESTAMP columns follow a real change.
 */
function applyAssignments(session: Session, table: Table, old: readonly SqlValue[], set: readonly Assignment[], env: EvalEnv, rowNo: number, mode: SqlMode): SqlValue[] | undefined {
  const cols = table.def.columns;
  const row = [...old];
  const assigned = new Set<number>();
  for (const a of set) {
    const i = columnIndex(table, a.column, "field list");
    const col = cols[i]!;
    let v = evaluate(a.value, { ...env, row });
    if (v === null && col.notNull) v = nullIntoNotNull(col, mode, false, session);
    row[i] = coerceForColumn(v, col, rowNo, mode, session.warnings);
    assigned.add(i);
  }
  if (row.every((v, i) => v === old[i])) return undefined;
  for (const [i, col] of cols.entries()) if (col.onUpdateNow && !assigned.has(i)) row[i] = env.fn.now;
  return row;
}

/**
 * Rows a searched UPDATE or DELETE examines, with locking reads. `WHERE pk = constant` goes
 * straight to the row, as the clustered index would; anything else scans the table.
 */
function matchingRows(session: Session, trx: Trx, table: Table, where: Expr | undefined, env: EvalEnv): [string, readonly SqlValue[]][] {
  const engine = session.server.engine;
  const point = where === undefined ? undefined : pointKey(table, where);
  const keys = point === undefined ? table.keys() : [point];
  const out: [string, readonly SqlValue[]][] = [];
  for (const key of [...keys]) {
    const values = engine.lockingRead(trx, table, key);
    if (values === undefined) continue;
    env.row = values;
    if (where === undefined || truth(evaluate(where, env)) === true) out.push([key, values]);
  }
  return out;
}

function pointKey(table: Table, where: Expr): string | undefined {
  const pk = table.pkColumns;
  if (pk === null || pk.length !== 1) return undefined;
  const col = table.def.columns[pk[0]!]!;
  const conjuncts: Expr[] = [];
  const flatten = (e: Expr) => {
    if (e.kind === "binary" && e.op === "AND") {
      flatten(e.left);
      flatten(e.right);
    } else conjuncts.push(e);
  };
  flatten(where);
  for (const c of conjuncts) {
    if (c.kind !== "binary" || c.op !== "=") continue;
    const [ref, lit] = c.left.kind === "column" ? [c.left, c.right] : [c.right, c.left];
    if (ref.kind !== "column" || lit.kind !== "literal" || lit.value === null) continue;
    if (ref.name.toLowerCase() !== col.name.toLowerCase()) continue;
    if (isIntegerType(col.type.name)) {
      const n = typeof lit.value === "number" ? lit.value : /^\s*-?\d+\s*$/.test(lit.value) ? Number(lit.value) : undefined;
      if (n === undefined) return undefined;
      return Table.keyOf([n]);
    }
    if (typeof lit.value === "string" && !isNumericType(col.type.name)) return Table.keyOf([lit.value]);
  }
  return undefined;
}

function ordered(rows: [string, readonly SqlValue[]][], orderBy: readonly OrderItem[], limit: number | undefined, env: EvalEnv): [string, readonly SqlValue[]][] {
  let out = rows;
  if (orderBy.length > 0) {
    const keyed = out.map((r) => {
      env.row = r[1];
      return { r, keys: orderBy.map((o) => evaluate(o.expr, env)) };
    });
    keyed.sort((a, b) => {
      for (let i = 0; i < orderBy.length; i++) {
        const c = compareForSort(a.keys[i] ?? null, b.keys[i] ?? null);
        if (c !== 0) return orderBy[i]!.desc ? -c : c;
      }
      return 0;
    });
    out = keyed.map((k) => k.r);
  }
  return limit === undefined ? out : out.slice(0, limit);
}

export function runUpdate(session: Session, s: Update): StatementResult {
  const table = openTable(session, s.table, "UPDATE");
  const scope = tableScope(table);
  for (const a of s.set) {
    columnIndex(table, a.column, "field list");
    validate(a.value, { columns: scope, clause: "field list", database: session.db });
  }
  if (s.where !== undefined) validate(s.where, { columns: scope, clause: "where clause", database: session.db });
  for (const o of s.orderBy) validate(o.expr, { columns: scope, clause: "order clause", database: session.db });
  const mode = sqlMode(session);
  const env: EvalEnv = { fn: functionEnv(session), columns: scope, row: undefined, group: undefined, clause: "where clause" };
  const engine = session.server.engine;
  let matched = 0;
  let changed = 0;
  inTransaction(session, (trx) => {
    const rows = ordered(matchingRows(session, trx, table, s.where, env), s.orderBy, s.limit, env);
    for (const [key, old] of rows) {
      matched++;
      const updated = applyAssignments(session, table, old, s.set, env, matched, mode);
      if (updated === undefined) continue;
      engine.update(trx, table, key, updated);
      changed++;
    }
  });
  return { kind: "ok", affectedRows: changed, insertId: 0, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${session.warnings.length}` };
}

export function runDelete(session: Session, s: Delete): StatementResult {
  const table = openTable(session, s.table, "DELETE");
  const scope = tableScope(table);
  if (s.where !== undefined) validate(s.where, { columns: scope, clause: "where clause", database: session.db });
  for (const o of s.orderBy) validate(o.expr, { columns: scope, clause: "order clause", database: session.db });
  const env: EvalEnv = { fn: functionEnv(session), columns: scope, row: undefined, group: undefined, clause: "where clause" };
  const engine = session.server.engine;
  let deleted = 0;
  inTransaction(session, (trx) => {
    for (const [key] of ordered(matchingRows(session, trx, table, s.where, env), s.orderBy, s.limit, env)) {
      engine.delete(trx, table, key);
      deleted++;
    }
  });
  return { kind: "ok", affectedRows: deleted, insertId: 0 };
}
