import type { Statement } from "./ast.js";

/**
 * Status variables (SHOW STATUS): the counters a connection keeps, which the server also sums,
 * as MySQL's status_var does. Only what the model really counts is reported; a real 8.0 server
 * lists about 480 names, most about caches, handlers and plugins ksim does not have.
 */

/** The Com_xxx counter each statement increments (sql_parse.cc's com_stat, by SQLCOM). */
const COM: Readonly<Record<Statement["kind"], string>> = {
  select: "Com_select",
  createDatabase: "Com_create_db",
  dropDatabase: "Com_drop_db",
  use: "Com_change_db",
  createTable: "Com_create_table",
  dropTable: "Com_drop_table",
  truncate: "Com_truncate",
  lockTables: "Com_lock_tables",
  unlockTables: "Com_unlock_tables",
  alterTableKeys: "Com_alter_table",
  insert: "Com_insert",
  update: "Com_update",
  delete: "Com_delete",
  showDatabases: "Com_show_databases",
  showTables: "Com_show_tables",
  showColumns: "Com_show_fields",
  showCreateTable: "Com_show_create_table",
  showCreateDatabase: "Com_show_create_db",
  showVariables: "Com_show_variables",
  showBinaryLogs: "Com_show_binlogs",
  showMasterStatus: "Com_show_master_status",
  purgeBinaryLogs: "Com_purge",
  purgeBinaryLogsBefore: "Com_purge_before_date",
  showStatus: "Com_show_status",
  showWarnings: "Com_show_warnings",
  showGrants: "Com_show_grants",
  showProcesslist: "Com_show_processlist",
  begin: "Com_begin",
  commit: "Com_commit",
  rollback: "Com_rollback",
  set: "Com_set_option",
  setNames: "Com_set_option",
  setPassword: "Com_set_password",
  createUser: "Com_create_user",
  dropUser: "Com_drop_user",
  alterUser: "Com_alter_user",
  grant: "Com_grant",
  grantProxy: "Com_grant",
  revoke: "Com_revoke",
  flush: "Com_flush",
  flushTablesWithReadLock: "Com_flush",
  shutdown: "Com_shutdown",
  kill: "Com_kill",
};

const COM_NAMES = [...new Set(Object.values(COM))];

/** long_query_time's default: a statement that took longer is counted in Slow_queries. */
export const LONG_QUERY_TIME_MS = 10_000;

export class StatusCounters {
  private readonly com = new Map<string, number>();
  /** Statements the clients sent (each of a multi-statement query counts). */
  questions = 0;
  slowQueries = 0;

  statement(kind: Statement["kind"]): void {
    const name = COM[kind];
    this.com.set(name, (this.com.get(name) ?? 0) + 1);
  }

  reset(): void {
    this.com.clear();
    this.questions = 0;
    this.slowQueries = 0;
  }

  /** Name and value of every counter, zero included, as SHOW STATUS lists them. */
  variables(): [string, string][] {
    const out: [string, string][] = COM_NAMES.map((n) => [n, String(this.com.get(n) ?? 0)]);
    // Queries also counts statements of stored programs, which the model does not have.
    out.push(["Queries", String(this.questions)], ["Questions", String(this.questions)], ["Slow_queries", String(this.slowQueries)]);
    return out;
  }
}
