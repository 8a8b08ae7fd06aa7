import { canSeeDatabase, commitSession, functionEnv, implicitCommit, openTable, requireGlobalPrivilege, requireTablePrivilege, resolveDb, rollbackSession, VIRTUAL_SCHEMAS } from "./access.js";
import { alterUser, createUser, dropUser, grant, revoke, setPassword } from "./accounts.js";
import type { Statement } from "./ast.js";
import { createDatabase, createTable, dropDatabase, dropTable, truncateTable } from "./ddl.js";
import { runDelete, runInsert, runUpdate } from "./dml.js";
import { ER } from "./errors.js";
import { evaluate } from "./eval.js";
import { runSelect } from "./select.js";
import type { Session, StatementResult } from "./session.js";
import { purgeBinaryLogs, showBinaryLogs, showMasterStatus } from "./binary-logs.js";
import { showColumns, showCreateDatabase, showCreateTable, showDatabases, showGrantsFor, showProcesslist, showStatus, showTables, showVariables, showWarnings } from "./show.js";
import { lockAllForRead, lockTables, unlockTables } from "./table-locks.js";
import { DEFAULTS, validateSet } from "./variables.js";

/**
 * Runs one parsed statement for a session. Errors are thrown as SqlError (the reply the client
 * gets); a statement that must wait for another transaction's row lock throws LockWait after
 * undoing its own partial work, and is simply run again once the lock is released.
 */
export function execute(session: Session, stmt: Statement): StatementResult {
  // SHOW WARNINGS reports the previous statement's warnings; everything else starts afresh.
  if (stmt.kind !== "showWarnings") session.warnings = [];
  switch (stmt.kind) {
    case "select":
      return runSelect(session, stmt);
    case "insert":
      return runInsert(session, stmt);
    case "update":
      return runUpdate(session, stmt);
    case "delete":
      return runDelete(session, stmt);
    case "use":
      return use(session, stmt.name);
    case "createDatabase":
      return createDatabase(session, stmt);
    case "dropDatabase":
      return dropDatabase(session, stmt);
    case "createTable":
      return createTable(session, stmt);
    case "dropTable":
      return dropTable(session, stmt);
    case "truncate":
      return truncateTable(session, stmt);
    case "showDatabases":
      return showDatabases(session, stmt);
    case "showTables":
      return showTables(session, stmt);
    case "showColumns":
      return showColumns(session, stmt);
    case "showCreateTable":
      return showCreateTable(session, stmt);
    case "showCreateDatabase":
      return showCreateDatabase(session, stmt);
    case "showVariables":
      return showVariables(session, stmt);
    case "showStatus":
      return showStatus(session, stmt);
    case "showWarnings":
      return showWarnings(session);
    case "showGrants":
      return showGrantsFor(session, stmt);
    case "showProcesslist":
      return showProcesslist(session, stmt);
    case "lockTables": {
      implicitCommit(session);
      unlockTables(session);
      const wanted = stmt.tables.map((t) => {
        requireTablePrivilege(session, "LOCK TABLES", resolveDb(session, t.table), t.table.name);
        const table = openTable(session, t.table, "SELECT");
        return { db: table.def.db, table: table.def.name, mode: t.mode };
      });
      lockTables(session, wanted);
      return OK0;
    }
    case "unlockTables":
      implicitCommit(session);
      unlockTables(session);
      return OK0;
    case "flushTablesWithReadLock":
      requireGlobalPrivilege(session, "RELOAD");
      implicitCommit(session);
      lockAllForRead(session);
      return OK0;
    case "alterTableKeys":
      // InnoDB has no non-unique index to disable: MySQL answers with a note (1031), which the
      // dump's SQL_NOTES=0 hides.
      openTable(session, stmt.table, "ALTER");
      return OK0;
    case "begin":
      implicitCommit(session);
      session.explicitTrx = true;
      return OK0;
    case "commit":
      commitSession(session, { twoPhase: true });
      return OK0;
    case "rollback":
      rollbackSession(session);
      return OK0;
    case "set":
      return set(session, stmt);
    case "setNames":
      for (const v of ["character_set_client", "character_set_connection", "character_set_results"]) session.vars.set(v, stmt.charset.toLowerCase());
      return OK0;
    case "setPassword":
      return setPassword(session, stmt);
    case "createUser":
      return createUser(session, stmt);
    case "dropUser":
      return dropUser(session, stmt);
    case "alterUser":
      return alterUser(session, stmt);
    case "grant":
      return grant(session, stmt);
    case "grantProxy":
      implicitCommit(session);
      return OK0;
    case "revoke":
      return revoke(session, stmt);
    case "flush":
      requireGlobalPrivilege(session, "RELOAD");
      implicitCommit(session);
      if (stmt.what === "STATUS" || stmt.what === "TABLES") session.server.flush(stmt.what, session);
      // FLUSH LOGS closes and reopens every log, the binary log included.
      if (stmt.what === "LOGS" || stmt.what === "BINARY") session.server.flushBinaryLogs();
      return OK0;
    case "showBinaryLogs":
      return showBinaryLogs(session);
    case "showMasterStatus":
      return showMasterStatus(session);
    case "purgeBinaryLogs":
    case "purgeBinaryLogsBefore":
      return purgeBinaryLogs(session, stmt);
    case "shutdown":
      requireGlobalPrivilege(session, "SHUTDOWN");
      session.server.shutdown(session);
      return OK0;
    case "kill": {
      const error = session.server.kill(stmt.id, stmt.queryOnly, session);
      if (error !== undefined) throw error;
      return OK0;
    }
  }
}

const OK0: StatementResult = { kind: "ok", affectedRows: 0, insertId: 0 };

/** USE db (also what a client's default database and COM_INIT_DB do). */
export function use(session: Session, db: string): StatementResult {
  if (!session.server.engine.hasDatabase(db) && !VIRTUAL_SCHEMAS.includes(db)) throw ER.badDb(db);
  if (!canSeeDatabase(session, db)) throw ER.dbAccessDenied(session.user, session.host, db);
  session.db = db;
  return OK0;
}

function set(session: Session, s: Extract<Statement, { kind: "set" }>): StatementResult {
  const env = { fn: functionEnv(session), columns: [], row: [], group: undefined, clause: "field list" };
  for (const { target, value } of s.assignments) {
    if (target.kind === "user") {
      session.userVars.set(target.name.toLowerCase(), value === "DEFAULT" ? null : evaluate(value, env));
      continue;
    }
    const name = target.name;
    // A bare word names a value for a system variable (SET character_set_client = utf8mb4), not a column.
    const word = value !== "DEFAULT" && value.kind === "column" && value.table === undefined ? value.name : undefined;
    const raw = value === "DEFAULT" ? (target.scope === "SESSION" ? (session.server.globals.get(name) ?? DEFAULTS[name] ?? null) : (DEFAULTS[name] ?? null)) : (word ?? evaluate(value, env));
    const v = validateSet(name, raw, target.scope);
    if (target.scope === "GLOBAL" || name === "sql_log_bin") requireGlobalPrivilege(session, "SUPER");
    if (target.scope === "GLOBAL") {
      session.server.globals.set(name, v);
      if (name === "innodb_redo_log_capacity") session.server.engine.redo.resize(Number(v));
      continue;
    }
    // Turning autocommit on commits the open transaction.
    if (name === "autocommit" && v === 1 && session.trx !== undefined) commitSession(session);
    if (name === "autocommit" && v === 1) session.explicitTrx = false;
    session.vars.set(name, v);
  }
  return OK0;
}
