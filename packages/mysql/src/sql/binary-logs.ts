import type { Statement } from "./ast.js";
import { ER, SqlError } from "./errors.js";
import { evaluate } from "./eval.js";
import { functionEnv } from "./access.js";
import type { ResultColumn, Session, StatementResult } from "./session.js";
import { parseTemporal, toText } from "./values.js";

/** SHOW BINARY LOGS, SHOW MASTER STATUS and PURGE BINARY LOGS: looking at and freeing the binary log's files. */

const text = (name: string): ResultColumn => ({ name, type: "VAR_STRING", notNull: true });
const count = (name: string): ResultColumn => ({ name, type: "LONGLONG", notNull: true });

function requireAny(session: Session, privileges: readonly string[]): void {
  if (privileges.some((p) => session.account.global.includes(p))) return;
  throw ER.specificAccessDenied(privileges.join(", "));
}

export function showBinaryLogs(session: Session): StatementResult {
  requireAny(session, ["SUPER", "REPLICATION CLIENT"]);
  const log = session.server.binaryLog;
  if (log === undefined) throw new SqlError(1381, "HY000", "You are not using binary logging");
  return {
    kind: "rows",
    columns: [text("Log_name"), count("File_size"), text("Encrypted")],
    rows: log.files().map((f) => [f.name, String(f.size), "No"]),
  };
}

export function showMasterStatus(session: Session): StatementResult {
  requireAny(session, ["SUPER", "REPLICATION CLIENT"]);
  const current = session.server.binaryLog?.files().at(-1);
  return {
    kind: "rows",
    columns: [text("File"), count("Position"), text("Binlog_Do_DB"), text("Binlog_Ignore_DB"), text("Executed_Gtid_Set")],
    rows: current === undefined ? [] : [[current.name, String(current.size), "", "", ""]],
  };
}

export function purgeBinaryLogs(session: Session, s: Extract<Statement, { kind: "purgeBinaryLogs" | "purgeBinaryLogsBefore" }>): StatementResult {
  requireAny(session, ["SUPER", "BINLOG_ADMIN"]);
  const log = session.server.binaryLog;
  if (s.kind === "purgeBinaryLogs") {
    if (log !== undefined && !log.purgeTo(s.to)) throw new SqlError(1373, "HY000", "Target log not found in binlog index");
  } else {
    const value = toText(evaluate(s.before, { fn: functionEnv(session), columns: [], row: [], group: undefined, clause: "field list" }));
    const datetime = value === null ? undefined : parseTemporal(value, "DATETIME");
    if (datetime === undefined) throw new SqlError(1210, "HY000", "Incorrect arguments to PURGE LOGS BEFORE");
    log?.purgeBefore(Date.parse(`${datetime.replace(" ", "T")}Z`));
  }
  return { kind: "ok", affectedRows: 0, insertId: 0 };
}
