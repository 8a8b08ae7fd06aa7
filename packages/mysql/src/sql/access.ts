import type { Trx } from "../innodb/engine.js";
import type { Table } from "../innodb/table.js";
import type { TableRef } from "./ast.js";
import { ER } from "./errors.js";
import { columnValueType, type FunctionEnv, type ScopeColumn } from "./eval.js";
import { hasAnyPrivilegeOn, hasPrivilege } from "./privileges.js";
import type { Session } from "./session.js";
import { checkTableAccess } from "./table-locks.js";
import { formatDatetime, parseSqlMode, type SqlMode } from "./values.js";
import { isKnownVariable } from "./variables.js";

/** Schemas every account may see and use; ksim keeps no tables in them. */
export const VIRTUAL_SCHEMAS = ["information_schema", "performance_schema"];

/** The database a statement addresses: explicit, or the session's current one. */
export function resolveDb(session: Session, ref: { db?: string }): string {
  const db = ref.db ?? session.db;
  if (db === null) throw ER.noDb();
  return db;
}

/** ER_TABLEACCESS_DENIED_ERROR unless the account holds `privilege` on db.table. */
export function requireTablePrivilege(session: Session, privilege: string, db: string, table: string): void {
  if (hasPrivilege(session.account, privilege, db, table)) return;
  throw ER.tableAccessDenied(privilege, session.user, session.host, table);
}

/** ER_DBACCESS_DENIED_ERROR unless the account holds `privilege` on db. */
export function requireDbPrivilege(session: Session, privilege: string, db: string): void {
  if (hasPrivilege(session.account, privilege, db)) return;
  throw ER.dbAccessDenied(session.user, session.host, db);
}

/** ER_SPECIFIC_ACCESS_DENIED_ERROR unless the account holds a global privilege. */
export function requireGlobalPrivilege(session: Session, privilege: string): void {
  if (session.account.global.includes(privilege)) return;
  throw ER.specificAccessDenied(privilege);
}

export function canSeeDatabase(session: Session, db: string): boolean {
  return VIRTUAL_SCHEMAS.includes(db) || session.account.global.includes("SHOW DATABASES") || hasAnyPrivilegeOn(session.account, db);
}

/** A table for a statement: privilege first (so a hidden table is not revealed), then existence. */
export function openTable(session: Session, ref: TableRef, privilege: string): Table {
  const db = resolveDb(session, ref);
  requireTablePrivilege(session, privilege, db, ref.name);
  const table = session.server.engine.table(db, ref.name);
  if (table === undefined) throw ER.noSuchTable(db, ref.name);
  checkTableAccess(session, db, ref.name, privilege !== "SELECT");
  session.server.tableOpened(table);
  return table;
}

export function tableScope(table: Table, alias?: string): ScopeColumn[] {
  return table.def.columns.map((c) => ({ name: c.name, table: alias ?? table.def.name, type: columnValueType(c.type, c.notNull) }));
}

export function sqlMode(session: Session): SqlMode {
  return parseSqlMode(String(session.variable("sql_mode") ?? ""));
}

/** The session and server facts functions see, fixed at the start of a statement (NOW() included). */
export function functionEnv(session: Session): FunctionEnv {
  const nowEpochMs = session.server.epochMs();
  return {
    now: formatDatetime(nowEpochMs),
    nowEpochMs,
    version: session.server.version,
    database: session.db,
    user: `${session.user}@${session.host}`,
    currentUser: `${session.account.user}@${session.account.host}`,
    connectionId: session.id,
    lastInsertId: session.lastInsertId,
    foundRows: session.foundRows,
    sysvar(name, scope) {
      if (!isKnownVariable(name)) throw ER.unknownSystemVariable(name);
      return scope === "GLOBAL" ? (session.server.globals.get(name) ?? null) : session.variable(name);
    },
    uservar(name) {
      return session.userVars.get(name.toLowerCase()) ?? null;
    },
  };
}

/**
 * The transaction a statement runs in: the open one, or a new one. Returns whether the statement
 * owns it (autocommit without BEGIN: it commits or rolls back when the statement ends).
 */
export function statementTrx(session: Session): { trx: Trx; own: boolean } {
  if (session.trx !== undefined) return { trx: session.trx, own: false };
  const trx = session.server.engine.begin();
  session.trx = trx;
  if (!session.autocommit) session.explicitTrx = true;
  return { trx, own: !session.explicitTrx };
}

/**
 * Ends the session's transaction with a commit; the LSN to wait for is noted on the session.
 * A COMMIT (or an autocommitted statement) that the binary log records is two-phase: the
 * transaction stays prepared, its rows locked and unseen, until the server has logged it and
 * commits it; implicit commits are done at once and logged after.
 */
export function commitSession(session: Session, options: { twoPhase?: boolean } = {}): void {
  const trx = session.trx;
  session.trx = undefined;
  session.explicitTrx = false;
  if (trx === undefined) return;
  const logged = session.server.binaryLog !== undefined && Number(session.variable("sql_log_bin")) !== 0;
  if (options.twoPhase && logged && trx.undo.length > 0) {
    session.pendingBinlog.push({ trx, committed: false });
    return;
  }
  const lsn = session.server.engine.commit(trx);
  if (lsn === 0) return;
  if (lsn > session.pendingCommitLsn) session.pendingCommitLsn = lsn;
  session.pendingBinlog.push({ trx, committed: true });
}

export function rollbackSession(session: Session): void {
  const trx = session.trx;
  session.trx = undefined;
  session.explicitTrx = false;
  if (trx !== undefined) session.server.engine.rollback(trx);
}

/** DDL and account statements commit the open transaction first, as MySQL does implicitly. */
export function implicitCommit(session: Session): void {
  if (session.trx !== undefined) commitSession(session);
}
