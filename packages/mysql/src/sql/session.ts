import type { Engine, Trx } from "../innodb/engine.js";
import type { Table } from "../innodb/table.js";
import type { SqlWarning } from "./errors.js";
import type { WireType } from "./eval.js";
import type { AccountData } from "./privileges.js";
import { StatusCounters } from "./status.js";
import { DEFAULTS, hasSessionScope } from "./variables.js";
import type { SqlValue } from "./values.js";

/** What a statement needs from the server around it. */
export interface ServerContext {
  readonly engine: Engine;
  readonly version: string;
  /** Simulated wall-clock time, Unix epoch milliseconds. */
  epochMs(): number;
  /** Global system variables (the server fills in the ones that depend on how it was started). */
  readonly globals: Map<string, SqlValue>;
  processlist(): ProcessRow[];
  /** Every connection's counters summed (SHOW GLOBAL STATUS). */
  readonly status: StatusCounters;
  /** The status variables only the server keeps: uptime, connections, row lock waits, the table cache. */
  serverStatus(): [string, string][];
  /** A statement opened a table: the table cache keeps it until FLUSH TABLES. */
  tableOpened(table: Table): void;
  /** FLUSH STATUS and FLUSH TABLES. */
  flush(what: "STATUS" | "TABLES", by: Session): void;
  /** The sessions holding table locks (LOCK TABLES or the global read lock), which statements may have to wait for. */
  readonly lockHolders: Set<Session>;
  /** A session gave up its table locks: statements waiting on them try again. */
  tableLocksReleased(session: Session): void;
  /** KILL: returns an error for an unknown id or a thread the user may not kill. */
  kill(id: number, queryOnly: boolean, by: Session): Error | undefined;
  /** SHUTDOWN (privilege already checked). */
  shutdown(by: Session): void;
  /** The binary log, when log_bin is on. */
  readonly binaryLog: BinaryLogAccess | undefined;
  /** FLUSH BINARY LOGS: the next file, and expired ones deleted. */
  flushBinaryLogs(): void;
}

/** The binary log as statements see it: SHOW BINARY LOGS, SHOW MASTER STATUS, PURGE BINARY LOGS. */
export interface BinaryLogAccess {
  files(): readonly { readonly name: string; readonly size: number }[];
  /** Deletes the files before `name`; false when `name` is not in the index. */
  purgeTo(name: string): boolean;
  /** Deletes the files last written before `epochMs`, never the current one. */
  purgeBefore(epochMs: number): void;
}

export interface ProcessRow {
  readonly id: number;
  readonly user: string;
  readonly host: string;
  readonly db: string | null;
  readonly command: string;
  readonly time: number;
  readonly state: string | null;
  readonly info: string | null;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: WireType;
  readonly notNull: boolean;
}

export type StatementResult =
  | { readonly kind: "ok"; readonly affectedRows: number; readonly insertId: number; readonly info?: string }
  | { readonly kind: "rows"; readonly columns: readonly ResultColumn[]; readonly rows: readonly (readonly (string | null)[])[] };

/** One client connection's state: who it is, where it is, and its open transaction. */
export class Session {
  db: string | null = null;
  trx: Trx | undefined;
  /** BEGIN was issued (or autocommit is off): the transaction spans statements. */
  explicitTrx = false;
  readonly vars = new Map<string, SqlValue>();
  readonly userVars = new Map<string, SqlValue>();
  /** Warnings of the last statement, for SHOW WARNINGS and the OK packet's count. */
  warnings: SqlWarning[] = [];
  lastInsertId = 0;
  foundRows = 0;
  /** What SHOW PROCESSLIST shows for this connection. */
  command = "Sleep";
  info: string | null = null;
  commandSince = 0;
  /** LOCK TABLES held, by lower-case `db.table`. */
  readonly tableLocks = new Map<string, "READ" | "WRITE">();
  /** FLUSH TABLES WITH READ LOCK held. */
  globalReadLock = false;
  /** What SHOW PROCESSLIST's State shows while the statement waits for a lock. */
  waitState: string | undefined;
  /** The highest LSN this session's commits need durable before it answers. */
  pendingCommitLsn = 0;
  /** Transactions the statement ended, whose events go to the binary log before it answers; the prepared ones commit after. */
  pendingBinlog: { readonly trx: Trx; readonly committed: boolean }[] = [];
  /** SHOW SESSION STATUS's counters. */
  readonly status = new StatusCounters();

  constructor(
    readonly server: ServerContext,
    readonly id: number,
    /** USER(): the name the client sent. */
    readonly user: string,
    /** The client's host: an IP, or localhost over the socket. */
    readonly host: string,
    /** CURRENT_USER(): the account that authenticated. */
    readonly account: AccountData,
    /** The client sent a password (what "using password: YES" reports). */
    readonly usedPassword: boolean,
  ) {
    for (const [name, value] of server.globals) if (hasSessionScope(name)) this.vars.set(name, value);
  }

  variable(name: string): SqlValue {
    return this.vars.get(name) ?? this.server.globals.get(name) ?? DEFAULTS[name] ?? null;
  }

  get autocommit(): boolean {
    return this.variable("autocommit") === 1;
  }
}
