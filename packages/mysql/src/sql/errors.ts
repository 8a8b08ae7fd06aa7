/**
 * MySQL 8.0 error replies: the code, SQLSTATE and English text the server sends (share/
 * messages_to_clients.txt) and the client library's own errors (libmysql errmsg.cc). Statements
 * never throw anything else: every failure a client can cause ends up as one of these.
 */

export class SqlError extends Error {
  override name = "SqlError";
  constructor(
    readonly code: number,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/** `ERROR 1146 (42S02): Table 'x.y' doesn't exist`, as the mysql client prints errors. */
export function formatError(e: { code: number; sqlState: string; message: string }): string {
  return `ERROR ${e.code} (${e.sqlState}): ${e.message}`;
}

/** printf's `%-.Ns`: at most N characters. */
function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

export const ER = {
  dbCreateExists: (db: string) => new SqlError(1007, "HY000", `Can't create database '${cut(db, 192)}'; database exists`),
  dbDropExists: (db: string) => new SqlError(1008, "HY000", `Can't drop database '${cut(db, 192)}'; database doesn't exist`),
  dbAccessDenied: (user: string, host: string, db: string) =>
    new SqlError(1044, "42000", `Access denied for user '${cut(user, 48)}'@'${cut(host, 64)}' to database '${cut(db, 192)}'`),
  accessDenied: (user: string, host: string, usingPassword: boolean) =>
    new SqlError(1045, "28000", `Access denied for user '${cut(user, 48)}'@'${cut(host, 64)}' (using password: ${usingPassword ? "YES" : "NO"})`),
  noDb: () => new SqlError(1046, "3D000", "No database selected"),
  badNull: (column: string) => new SqlError(1048, "23000", `Column '${cut(column, 192)}' cannot be null`),
  badDb: (db: string) => new SqlError(1049, "42000", `Unknown database '${cut(db, 192)}'`),
  tableExists: (table: string) => new SqlError(1050, "42S01", `Table '${cut(table, 192)}' already exists`),
  badTable: (qualified: string) => new SqlError(1051, "42S02", `Unknown table '${cut(qualified, 129)}'`),
  badField: (column: string, where: string) => new SqlError(1054, "42S22", `Unknown column '${cut(column, 192)}' in '${cut(where, 192)}'`),
  dupFieldName: (column: string) => new SqlError(1060, "42S21", `Duplicate column name '${cut(column, 192)}'`),
  dupKeyName: (key: string) => new SqlError(1061, "42000", `Duplicate key name '${cut(key, 192)}'`),
  dupEntry: (value: string, key: string) => new SqlError(1062, "23000", `Duplicate entry '${cut(value, 192)}' for key '${cut(key, 192)}'`),
  parse: (near: string, line: number) =>
    new SqlError(
      1064,
      "42000",
      `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${cut(near, 80)}' at line ${line}`,
    ),
  emptyQuery: () => new SqlError(1065, "42000", "Query was empty"),
  invalidDefault: (column: string) => new SqlError(1067, "42000", `Invalid default value for '${cut(column, 192)}'`),
  multiplePrimaryKey: () => new SqlError(1068, "42000", "Multiple primary key defined"),
  keyColumnMissing: (column: string) => new SqlError(1072, "42000", `Key column '${cut(column, 192)}' doesn't exist in table`),
  wrongAutoKey: () =>
    new SqlError(1075, "42000", "Incorrect table definition; there can be only one auto column and it must be defined as a key"),
  tableLockedForRead: (table: string) => new SqlError(1099, "HY000", `Table '${cut(table, 192)}' was locked with a READ lock and can't be updated`),
  tableNotLocked: (table: string) => new SqlError(1100, "HY000", `Table '${cut(table, 192)}' was not locked with LOCK TABLES`),
  invalidGroupFuncUse: () => new SqlError(1111, "HY000", "Invalid use of group function"),
  recordFileFull: (table: string) => new SqlError(1114, "HY000", `The table '${cut(table, 192)}' is full`),
  tooManyConnections: () => new SqlError(1040, "HY000", "Too many connections"),
  wrongValueCount: (row: number) => new SqlError(1136, "21S01", `Column count doesn't match value count at row ${row}`),
  nonexistingGrant: (user: string, host: string) =>
    new SqlError(1141, "42000", `There is no such grant defined for user '${cut(user, 48)}' on host '${cut(host, 64)}'`),
  tableAccessDenied: (command: string, user: string, host: string, table: string) =>
    new SqlError(1142, "42000", `${cut(command, 16)} command denied to user '${cut(user, 48)}'@'${cut(host, 64)}' for table '${cut(table, 192)}'`),
  noSuchTable: (db: string, table: string) => new SqlError(1146, "42S02", `Table '${cut(db, 192)}.${cut(table, 192)}' doesn't exist`),
  unknownSystemVariable: (name: string) => new SqlError(1193, "HY000", `Unknown system variable '${cut(name, 64)}'`),
  lockWaitTimeout: () => new SqlError(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"),
  deadlock: () => new SqlError(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"),
  conflictingReadLock: () => new SqlError(1223, "HY000", "Can't execute the query because you have a conflicting read lock"),
  specificAccessDenied: (privilege: string) =>
    new SqlError(1227, "42000", `Access denied; you need (at least one of) the ${cut(privilege, 128)} privilege(s) for this operation`),
  wrongValueForVar: (name: string, value: string) =>
    new SqlError(1231, "42000", `Variable '${cut(name, 64)}' can't be set to the value of '${cut(value, 200)}'`),
  notSupportedYet: (what: string) => new SqlError(1235, "42000", `This version of MySQL doesn't yet support '${what}'`),
  dataTruncated: (column: string, row: number) => new SqlError(1265, "01000", `Data truncated for column '${column}' at row ${row}`),
  outOfRange: (column: string, row: number) => new SqlError(1264, "22003", `Out of range value for column '${column}' at row ${row}`),
  incorrectDatetime: (value: string, column: string, row: number) =>
    new SqlError(1292, "22007", `Incorrect datetime value: '${cut(value, 128)}' for column '${cut(column, 192)}' at row ${row}`),
  functionMissing: (name: string) => new SqlError(1305, "42000", `FUNCTION ${name} does not exist`),
  noDefaultForField: (column: string) => new SqlError(1364, "HY000", `Field '${cut(column, 192)}' doesn't have a default value`),
  incorrectValue: (type: string, value: string, column: string, row: number) =>
    new SqlError(1366, "HY000", `Incorrect ${type} value: '${cut(value, 128)}' for column '${cut(column, 192)}' at row ${row}`),
  cannotUser: (operation: string, users: string) => new SqlError(1396, "HY000", `Operation ${operation} failed for ${cut(users, 256)}`),
  dataTooLong: (column: string, row: number) => new SqlError(1406, "22001", `Data too long for column '${column}' at row ${row}`),
  cantCreateUserWithGrant: () => new SqlError(1410, "42000", "You are not allowed to create a user with GRANT"),
  diskFullNowait: (table: string) => new SqlError(3675, "HY000", `Create table/tablespace '${cut(table, 192)}' failed, as disk is full`),
  schemaDirCreateFailed: (db: string, errno: number, text: string) =>
    new SqlError(3680, "HY000", `Failed to create schema directory '${cut(db, 192)}' (errno: ${errno} - ${text})`),
} as const;

/** Warnings (SHOW WARNINGS rows): the same catalogue, at Note or Warning level. */
export interface SqlWarning {
  readonly level: "Note" | "Warning" | "Error";
  readonly code: number;
  readonly message: string;
}

export function warning(level: SqlWarning["level"], e: SqlError): SqlWarning {
  return { level, code: e.code, message: e.message };
}

/** Client-library errors (CR_*): what the mysql client and drivers report on their own. */
export const CR = {
  connectionError: (socket: string, errno: number) =>
    new SqlError(2002, "HY000", `Can't connect to local MySQL server through socket '${cut(socket, 100)}' (${errno})`),
  connHostError: (host: string, port: number, errno: number) =>
    new SqlError(2003, "HY000", `Can't connect to MySQL server on '${cut(host, 100)}:${port}' (${errno})`),
  unknownHost: (host: string, errno: number) => new SqlError(2005, "HY000", `Unknown MySQL server host '${cut(host, 100)}' (${errno})`),
  serverGone: () => new SqlError(2006, "HY000", "MySQL server has gone away"),
  serverLost: () => new SqlError(2013, "HY000", "Lost connection to MySQL server during query"),
  serverLostAt: (stage: string, errno: number) =>
    new SqlError(2013, "HY000", `Lost connection to MySQL server at '${stage}', system error: ${errno}`),
} as const;
