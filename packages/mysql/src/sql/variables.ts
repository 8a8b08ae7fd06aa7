import { ER, SqlError } from "./errors.js";
import { toNumber, toText, type SqlValue } from "./values.js";

/**
 * System variables the model uses or people look at, with MySQL 8.0's defaults and scopes.
 * Booleans are stored as 0/1: `SELECT @@autocommit` gives 1, SHOW VARIABLES prints ON.
 * Changing innodb_flush_log_at_trx_commit with SET GLOBAL takes effect at the next commit.
 */

interface VariableSpec {
  readonly scope: "global" | "session" | "both";
  readonly kind: "bool" | "int" | "string";
  /** Not settable at runtime (startup options only). */
  readonly readOnly?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

export const DEFAULT_SQL_MODE = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

const SQL_MODES = [
  "REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "ONLY_FULL_GROUP_BY", "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE",
  "ANSI", "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE", "NO_ZERO_DATE",
  "ALLOW_INVALID_DATES", "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL", "HIGH_NOT_PRECEDENCE", "NO_ENGINE_SUBSTITUTION", "PAD_CHAR_TO_FULL_LENGTH",
  "TIME_TRUNCATE_FRACTIONAL",
];

const SPECS: Readonly<Record<string, VariableSpec>> = {
  autocommit: { scope: "both", kind: "bool" },
  binlog_expire_logs_seconds: { scope: "global", kind: "int", min: 0, max: 4294967295 },
  bind_address: { scope: "global", kind: "string", readOnly: true },
  character_set_client: { scope: "both", kind: "string" },
  character_set_connection: { scope: "both", kind: "string" },
  character_set_database: { scope: "both", kind: "string" },
  character_set_results: { scope: "both", kind: "string" },
  character_set_server: { scope: "both", kind: "string" },
  collation_connection: { scope: "both", kind: "string" },
  collation_server: { scope: "both", kind: "string" },
  datadir: { scope: "global", kind: "string", readOnly: true },
  default_storage_engine: { scope: "both", kind: "string" },
  foreign_key_checks: { scope: "both", kind: "bool" },
  hostname: { scope: "global", kind: "string", readOnly: true },
  innodb_buffer_pool_size: { scope: "global", kind: "int", readOnly: true },
  innodb_flush_log_at_timeout: { scope: "global", kind: "int", min: 1, max: 2700 },
  innodb_flush_method: { scope: "global", kind: "string", readOnly: true },
  innodb_flush_log_at_trx_commit: { scope: "global", kind: "int", min: 0, max: 2 },
  innodb_lock_wait_timeout: { scope: "both", kind: "int", min: 1, max: 1073741824 },
  innodb_redo_log_capacity: { scope: "global", kind: "int", min: 8388608, max: 137438953472 },
  lock_wait_timeout: { scope: "both", kind: "int", min: 1, max: 31536000 },
  log_bin: { scope: "global", kind: "bool", readOnly: true },
  log_error_verbosity: { scope: "global", kind: "int", min: 1, max: 3 },
  lower_case_table_names: { scope: "global", kind: "int", readOnly: true },
  max_allowed_packet: { scope: "both", kind: "int" },
  max_binlog_size: { scope: "global", kind: "int", min: 4096, max: 1073741824 },
  max_connections: { scope: "global", kind: "int", min: 1, max: 100000 },
  pid_file: { scope: "global", kind: "string", readOnly: true },
  port: { scope: "global", kind: "int", readOnly: true },
  read_only: { scope: "global", kind: "bool" },
  server_id: { scope: "global", kind: "int" },
  skip_name_resolve: { scope: "global", kind: "bool", readOnly: true },
  skip_networking: { scope: "global", kind: "bool", readOnly: true },
  socket: { scope: "global", kind: "string", readOnly: true },
  sql_log_bin: { scope: "session", kind: "bool" },
  sql_mode: { scope: "both", kind: "string" },
  sql_notes: { scope: "both", kind: "bool" },
  sync_binlog: { scope: "global", kind: "int" },
  system_time_zone: { scope: "global", kind: "string", readOnly: true },
  time_zone: { scope: "both", kind: "string" },
  transaction_isolation: { scope: "both", kind: "string", values: ["READ-UNCOMMITTED", "READ-COMMITTED", "REPEATABLE-READ", "SERIALIZABLE"] },
  unique_checks: { scope: "both", kind: "bool" },
  version: { scope: "global", kind: "string", readOnly: true },
  version_comment: { scope: "global", kind: "string", readOnly: true },
  wait_timeout: { scope: "both", kind: "int", min: 1, max: 31536000 },
};

/** Defaults that do not depend on how the server was started. */
export const DEFAULTS: Readonly<Record<string, SqlValue>> = {
  autocommit: 1,
  binlog_expire_logs_seconds: 2592000,
  character_set_client: "utf8mb4",
  character_set_connection: "utf8mb4",
  character_set_database: "utf8mb4",
  character_set_results: "utf8mb4",
  character_set_server: "utf8mb4",
  collation_connection: "utf8mb4_0900_ai_ci",
  collation_server: "utf8mb4_0900_ai_ci",
  default_storage_engine: "InnoDB",
  foreign_key_checks: 1,
  innodb_buffer_pool_size: 134217728,
  innodb_flush_log_at_timeout: 1,
  innodb_flush_log_at_trx_commit: 1,
  // Unix's default: writes through the page cache, made durable with fsync() (what the model's redo log and tablespaces do).
  innodb_flush_method: "fsync",
  innodb_lock_wait_timeout: 50,
  innodb_redo_log_capacity: 104857600,
  lock_wait_timeout: 31536000,
  log_bin: 1,
  log_error_verbosity: 2,
  lower_case_table_names: 0,
  max_allowed_packet: 67108864,
  max_binlog_size: 1073741824,
  max_connections: 151,
  read_only: 0,
  server_id: 1,
  sql_log_bin: 1,
  sql_mode: DEFAULT_SQL_MODE,
  sql_notes: 1,
  sync_binlog: 1,
  system_time_zone: "UTC",
  time_zone: "SYSTEM",
  transaction_isolation: "REPEATABLE-READ",
  unique_checks: 1,
  version_comment: "MySQL Community Server - GPL",
  wait_timeout: 28800,
};

/** Whether SELECT @@name gives a number (booleans are 0/1) or text. */
export function isNumericVariable(name: string): boolean {
  const kind = SPECS[name]?.kind;
  return kind === "bool" || kind === "int";
}

export function isKnownVariable(name: string): boolean {
  return name in SPECS;
}

export function hasSessionScope(name: string): boolean {
  return SPECS[name]?.scope !== "global";
}

/** Checks and normalizes a value for a SET; throws the error MySQL gives. */
export function validateSet(name: string, value: SqlValue, scope: "GLOBAL" | "SESSION"): SqlValue {
  const spec = SPECS[name];
  if (spec === undefined) throw ER.unknownSystemVariable(name);
  if (spec.readOnly) throw new SqlError(1238, "HY000", `Variable '${name}' is a read only variable`);
  if (scope === "SESSION" && spec.scope === "global") {
    throw new SqlError(1229, "HY000", `Variable '${name}' is a GLOBAL variable and should be set with SET GLOBAL`);
  }
  if (scope === "GLOBAL" && spec.scope === "session") throw new SqlError(1228, "HY000", `Variable '${name}' is a SESSION variable and can't be used with SET GLOBAL`);
  const shown = value === null ? "NULL" : toText(value)!;
  switch (spec.kind) {
    case "bool": {
      if (typeof value === "string") {
        const u = value.toUpperCase();
        if (u === "ON" || u === "TRUE") return 1;
        if (u === "OFF" || u === "FALSE") return 0;
        throw ER.wrongValueForVar(name, shown);
      }
      if (value === 0 || value === 1) return value;
      throw ER.wrongValueForVar(name, shown);
    }
    case "int": {
      const n = typeof value === "number" ? value : null;
      if (n === null || !Number.isInteger(n)) throw new SqlError(1232, "42000", `Incorrect argument type to variable '${name}'`);
      // Out-of-range integers are clamped with a warning in MySQL; the model clamps silently.
      return Math.min(spec.max ?? n, Math.max(spec.min ?? n, n));
    }
    case "string": {
      if (value === null) throw ER.wrongValueForVar(name, shown);
      const s = toText(value)!;
      if (name === "sql_mode") return normalizeSqlMode(s, shown);
      if (spec.values !== undefined && !spec.values.includes(s.toUpperCase())) throw ER.wrongValueForVar(name, shown);
      return spec.values !== undefined ? s.toUpperCase() : s;
    }
  }
}

function normalizeSqlMode(s: string, shown: string): string {
  const modes = s.split(",").map((m) => m.trim().toUpperCase()).filter((m) => m !== "");
  for (const m of modes) if (!SQL_MODES.includes(m)) throw ER.wrongValueForVar("sql_mode", shown);
  return SQL_MODES.filter((m) => modes.includes(m)).join(",");
}

/** How SHOW VARIABLES prints a value. */
export function showValue(name: string, value: SqlValue): string {
  if (SPECS[name]?.kind === "bool") return toNumber(value) ? "ON" : "OFF";
  return value === null ? "" : toText(value)!;
}

export function variableNames(): string[] {
  return Object.keys(SPECS).sort();
}
