import { Future, race, sleep, wait, type Connection, type Proc, type Waitable } from "@ksim/sim";
import { ProcessTasks, type ProcessContext } from "@ksim/kube";
import { LockWait, type Engine } from "../innodb/engine.js";
import { isClosed, Mailbox } from "../mailbox.js";
import type { ClientMessage, ServerMessage } from "../protocol.js";
import { rollbackSession } from "../sql/access.js";
import { TableLockWait, unlockTables } from "../sql/table-locks.js";
import { ER, SqlError } from "../sql/errors.js";
import { execute, use } from "../sql/executor.js";
import { parseScript } from "../sql/parser.js";
import { scramble } from "../sql/privileges.js";
import { Session, type ProcessRow, type ServerContext, type StatementResult } from "../sql/session.js";
import { LONG_QUERY_TIME_MS, StatusCounters } from "../sql/status.js";
import { formatDatetime, type SqlValue } from "../sql/values.js";
import type { Table } from "../innodb/table.js";
import { type BinaryLog, isBinlogged, queryEventBytes, transactionEventsBytes } from "./binlog.js";
import { LogFlusher } from "./flusher.js";
import type { ErrorLog } from "./log.js";

/**
 * The server side of client connections: greeting and login, then one command at a time.
 * Statements that hit a row lock wait for the holder to finish (innodb_lock_wait_timeout,
 * deadlock detection); a commit is answered only when the flush policy allows.
 */

export const MYSQL_VERSION = "8.0.36";
export const VERSION_COMMENT = "MySQL Community Server - GPL";

interface Client {
  readonly session: Session;
  readonly conn: Connection;
  readonly clientHost: string;
  readonly port: number;
}

/** The event scheduler thread every 8.0 server shows in SHOW PROCESSLIST. */
const EVENT_SCHEDULER_ID = 5;

export class MysqlServer implements ServerContext {
  readonly version = MYSQL_VERSION;
  readonly globals: Map<string, SqlValue>;
  readonly flusher: LogFlusher;
  private readonly clients = new Map<number, Client>();
  private readonly lockWaiters = new Map<number, Future<void>>();
  readonly lockHolders = new Set<Session>();
  /** Statements waiting for a session's table locks, by that session's id. */
  private readonly tableLockWaiters = new Map<number, Future<void>>();
  private readonly tasks: ProcessTasks;
  private nextId = 8;
  private readonly startedAt: number;
  readonly status = new StatusCounters();
  /** Connections that ended without COM_QUIT (the client died, or was killed). */
  private abortedClients = 0;
  /** Connection attempts that failed the login. */
  private abortedConnects = 0;
  private maxUsedConnections = 0;
  private maxUsedConnectionsAt: number | undefined;
  private statusFlushedAt: number;
  /** refresh_version: FLUSH TABLES counts up from 1. */
  private flushes = 1;
  /** The table cache: tables opened since the last FLUSH TABLES. */
  private readonly openTables = new Set<Table>();
  private openedTables = 0;
  private rowLockWaits = 0;
  private rowLockCurrentWaits = 0;
  private rowLockTimeMs = 0;
  private rowLockMaxMs = 0;
  shuttingDown = false;
  /** Settles when the commit writing the binary log now is done. */
  private binlogWriter: Future<void> | undefined;
  /** The connection whose statement runs now: the thread column of what the engine logs meanwhile. */
  executingThread = 0;

  constructor(
    private readonly ctx: ProcessContext,
    readonly engine: Engine,
    globals: Map<string, SqlValue>,
    readonly binaryLog: BinaryLog | undefined,
    private readonly log: ErrorLog,
    /** Starts a clean shutdown (SHUTDOWN statement): who asked, and their connection id, for the log. */
    private readonly requestShutdown: (by: string, thread: number) => void,
  ) {
    this.globals = globals;
    this.tasks = new ProcessTasks(ctx);
    this.startedAt = ctx.sim.now;
    this.statusFlushedAt = ctx.sim.now;
    const random = ctx.random.fork("fsync");
    this.flusher = new LogFlusher(
      engine,
      (ms, fn) => ctx.timer(ms, fn),
      // A slow disk (the node's) makes every fsync of the redo log longer.
      () => random.logNormal(1.5, 0.5) + ctx.fsyncDelayMs(),
      () => Number(this.globals.get("innodb_flush_log_at_trx_commit") ?? 1),
      (lsn) => ctx.sim.trace.record("mysql.flush", { host: ctx.hostname, lsn }),
    );
    engine.onRelease = (trx) => {
      const f = this.lockWaiters.get(trx);
      if (f !== undefined) {
        this.lockWaiters.delete(trx);
        f.resolve();
      }
    };
  }

  epochMs(): number {
    return this.ctx.epochMs();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Serves a new connection; `clientHost` is the peer's IP, or localhost for the socket. */
  accept(conn: Connection, clientHost: string): void {
    const mailbox = new Mailbox<ClientMessage>(conn);
    this.tasks.spawn(this.serve(conn, mailbox, clientHost), "mysql-conn");
  }

  private send(conn: Connection, m: ServerMessage): void {
    conn.send(m);
  }

  private sendError(conn: Connection, e: SqlError): void {
    this.send(conn, { t: "err", code: e.code, sqlState: e.sqlState, message: e.message });
  }

  private *serve(conn: Connection, mailbox: Mailbox<ClientMessage>, clientHost: string): Proc<void> {
    if (this.shuttingDown) {
      conn.end();
      return;
    }
    const maxConnections = Number(this.globals.get("max_connections") ?? 151);
    if (this.clients.size > maxConnections) {
      this.sendError(conn, ER.tooManyConnections());
      conn.end();
      return;
    }
    const id = this.nextId++;
    const salt = this.ctx.random.hex(40);
    this.send(conn, { t: "handshake", protocolVersion: 10, serverVersion: MYSQL_VERSION, connectionId: id, salt, authPlugin: "caching_sha2_password" });
    const login = yield* wait(mailbox.next());
    if (isClosed(login) || login.t !== "login") {
      this.abortedConnects++;
      conn.end();
      return;
    }
    const account = this.engine.acl.match(login.user, clientHost);
    const usingPassword = login.scramble !== "";
    if (account === undefined || scramble(salt, account.authString) !== login.scramble) {
      this.abortedConnects++;
      this.sendError(conn, ER.accessDenied(login.user, clientHost, usingPassword));
      conn.end();
      return;
    }
    if (account.locked) {
      this.abortedConnects++;
      this.sendError(conn, new SqlError(3118, "HY000", `Access denied for user '${login.user}'@'${clientHost}'. Account is locked.`));
      conn.end();
      return;
    }
    const session = new Session(this, id, login.user, clientHost, account, usingPassword);
    if (login.database !== undefined && login.database !== "") {
      try {
        use(session, login.database);
      } catch (e) {
        this.abortedConnects++;
        this.sendError(conn, e as SqlError);
        conn.end();
        return;
      }
    }
    const client: Client = { session, conn, clientHost, port: conn.remote.port };
    this.clients.set(id, client);
    if (this.clients.size > this.maxUsedConnections) {
      this.maxUsedConnections = this.clients.size;
      this.maxUsedConnectionsAt = this.ctx.epochMs();
    }
    session.commandSince = this.ctx.sim.now;
    try {
      this.send(conn, { t: "ok", affectedRows: 0, insertId: 0, warnings: 0, more: false });
      for (;;) {
        const m = yield* wait(mailbox.next());
        if (isClosed(m)) {
          // The client went away without COM_QUIT (a KILL counted itself already).
          if (this.clients.has(id)) this.abortedClients++;
          break;
        }
        if (m.t === "quit") break;
        if (m.t === "ping") this.send(conn, { t: "ok", affectedRows: 0, insertId: 0, warnings: 0, more: false });
        else if (m.t === "statistics") {
          this.count(session, (c) => c.statement("showStatus"));
          this.send(conn, { t: "statistics", text: this.statistics() });
        } else if (m.t === "init_db") {
          this.count(session, (c) => {
            c.questions++;
            c.statement("use");
          });
          try {
            use(session, m.db);
            this.send(conn, { t: "ok", affectedRows: 0, insertId: 0, warnings: 0, more: false });
          } catch (e) {
            this.sendError(conn, e as SqlError);
          }
        } else if (m.t === "query") yield* this.query(client, m.sql);
      }
    } finally {
      this.disconnect(client);
    }
  }

  private disconnect(client: Client): void {
    if (!this.clients.has(client.session.id)) return;
    this.clients.delete(client.session.id);
    unlockTables(client.session);
    const trx = client.session.trx;
    if (trx !== undefined) {
      this.engine.stopWaiting(trx);
      rollbackSession(client.session);
    }
    // A connection killed while its commit waited for the binary log leaves that transaction prepared: it rolls back.
    for (const p of client.session.pendingBinlog) if (!p.committed && this.engine.isActive(p.trx.id)) this.engine.rollback(p.trx);
    client.session.pendingBinlog = [];
    client.conn.end();
  }

  private *query(client: Client, sql: string): Proc<void> {
    const { session, conn } = client;
    session.command = "Query";
    session.info = sql;
    session.commandSince = this.ctx.sim.now;
    const parsed = parseScript(sql);
    if (parsed.length === 0) {
      this.count(session, (c) => c.questions++);
      this.sendError(conn, ER.emptyQuery());
    }
    for (const [i, p] of parsed.entries()) {
      this.count(session, (c) => c.questions++);
      if (p.error !== undefined) {
        this.sendError(conn, p.error);
        break;
      }
      const kind = p.statement!.kind;
      this.count(session, (c) => c.statement(kind));
      const started = this.ctx.sim.now;
      const outcome = yield* this.executeWaiting(session, p.statement!);
      yield* this.logAndCommit(session);
      if (!(outcome instanceof SqlError) && this.binaryLog !== undefined && Number(session.variable("sql_log_bin")) !== 0 && isBinlogged(p.statement!)) {
        // A DDL or account statement commits with its Query event in the binary log; only then are dropped files deleted.
        const text = sql.slice(p.start, parsed[i + 1]?.start ?? sql.length).trim();
        yield* this.writeBinlog(this.binaryLog, session, queryEventBytes(session.db ?? "", text));
      }
      this.engine.runPostDdl();
      if (outcome instanceof SqlError) {
        this.sendError(conn, outcome);
        break;
      }
      if (session.pendingCommitLsn > 0) {
        const lsn = session.pendingCommitLsn;
        session.pendingCommitLsn = 0;
        yield* wait(this.flusher.acknowledge(lsn));
        this.ctx.sim.trace.record("mysql.commit", {
          host: this.ctx.hostname,
          lsn,
          durable: this.engine.redo.flushedLsn >= lsn,
          flush: Number(this.globals.get("innodb_flush_log_at_trx_commit") ?? 1),
        });
      }
      if (this.ctx.sim.now - started > LONG_QUERY_TIME_MS) this.count(session, (c) => c.slowQueries++);
      const more = i < parsed.length - 1;
      const warnings = session.warnings.length;
      if (outcome.kind === "rows") this.send(conn, { t: "resultset", columns: outcome.columns, rows: outcome.rows, warnings, more });
      else this.send(conn, { t: "ok", affectedRows: outcome.affectedRows, insertId: outcome.insertId, warnings, info: outcome.info, more });
    }
    session.command = "Sleep";
    session.info = null;
    session.commandSince = this.ctx.sim.now;
  }

  /** Logs the transactions the statement ended, then commits those left prepared (the binlog's two-phase commit). */
  private *logAndCommit(session: Session): Proc<void> {
    const pending = session.pendingBinlog;
    if (pending.length === 0) return;
    if (this.binaryLog !== undefined && Number(session.variable("sql_log_bin")) !== 0) {
      yield* this.writeBinlog(this.binaryLog, session, pending.reduce((n, p) => n + transactionEventsBytes(p.trx), 0));
    }
    for (const { trx, committed } of pending) {
      // A shutdown may have rolled it back meanwhile.
      if (committed || !this.engine.isActive(trx.id)) continue;
      const lsn = this.engine.commit(trx);
      if (lsn > session.pendingCommitLsn) session.pendingCommitLsn = lsn;
    }
    session.pendingBinlog = [];
  }

  /**
   * The binary log's flush stage: one writer at a time, the others queue behind it. A disk
   * without room for the events makes the writer wait and retry each minute, as my_write does
   * with MY_WAIT_IF_FULL, logging so every tenth try; so every committer hangs until space frees.
   */
  private *writeBinlog(binlog: BinaryLog, session: Session, bytes: number): Proc<void> {
    session.waitState = "waiting for handler commit";
    while (this.binlogWriter !== undefined) yield* wait(this.binlogWriter);
    const done = (this.binlogWriter = new Future<void>());
    try {
      for (let tries = 0; ; tries++) {
        bytes -= binlog.append(bytes);
        if (bytes === 0) break;
        if (tries % 10 === 0) {
          this.log.line(
            "ERROR",
            35,
            "Server",
            `Disk is full writing './${binlog.file}' (OS errno 28 - No space left on device). Waiting for someone to free space... Retry in 60 secs. Message reprinted in 600 secs.`,
            session.id,
          );
        }
        yield* wait(sleep(this.ctx.sim, 60_000));
      }
      binlog.sync();
      if (binlog.size >= Number(this.globals.get("max_binlog_size"))) this.rotateBinlog(binlog);
    } finally {
      session.waitState = undefined;
      this.binlogWriter = undefined;
      done.resolve();
    }
  }

  /** Runs a statement, waiting out table locks of other sessions and row locks of other transactions. */
  private *executeWaiting(session: Session, stmt: Parameters<typeof execute>[1]): Proc<StatementResult | SqlError> {
    const timeoutMs = Number(session.variable("innodb_lock_wait_timeout") ?? 50) * 1000;
    const deadline = this.ctx.sim.now + timeoutMs;
    const tableDeadline = this.ctx.sim.now + Number(session.variable("lock_wait_timeout") ?? 31_536_000) * 1000;
    for (;;) {
      try {
        this.executingThread = session.id;
        return execute(session, stmt);
      } catch (e) {
        if (e instanceof SqlError) return e;
        if (e instanceof TableLockWait) {
          const left = tableDeadline - this.ctx.sim.now;
          session.waitState = e.state;
          const released = left > 0 ? yield* wait(race<unknown>([this.tableLocksFreed(e.holder), sleep(this.ctx.sim, left)])) : { index: 1 };
          session.waitState = undefined;
          if (released.index === 1) return ER.lockWaitTimeout();
          continue;
        }
        if (!(e instanceof LockWait)) throw e;
        const trx = session.trx;
        if (trx !== undefined && this.engine.wait(trx, e.holder)) {
          rollbackSession(session);
          return ER.deadlock();
        }
        const left = deadline - this.ctx.sim.now;
        const waitedFrom = this.ctx.sim.now;
        this.rowLockWaits++;
        this.rowLockCurrentWaits++;
        const released = left > 0 ? yield* wait(race<unknown>([this.released(e.holder), sleep(this.ctx.sim, left)])) : { index: 1 };
        this.rowLockCurrentWaits--;
        const waited = this.ctx.sim.now - waitedFrom;
        this.rowLockTimeMs += waited;
        this.rowLockMaxMs = Math.max(this.rowLockMaxMs, waited);
        if (trx !== undefined) this.engine.stopWaiting(trx);
        if (released.index === 1) return ER.lockWaitTimeout();
      }
    }
  }

  /** Settles when session `id` gives up its table locks (at once if it holds none any more). */
  private tableLocksFreed(id: number): Waitable<void> {
    const holder = this.clients.get(id)?.session;
    if (holder === undefined || !this.lockHolders.has(holder)) {
      const done = new Future<void>();
      done.resolve();
      return done;
    }
    let f = this.tableLockWaiters.get(id);
    if (f === undefined) this.tableLockWaiters.set(id, (f = new Future<void>()));
    return f;
  }

  tableLocksReleased(session: Session): void {
    const f = this.tableLockWaiters.get(session.id);
    if (f === undefined) return;
    this.tableLockWaiters.delete(session.id);
    f.resolve();
  }

  private released(trx: number): Waitable<void> {
    if (!this.engine.isActive(trx)) {
      const done = new Future<void>();
      done.resolve();
      return done;
    }
    let f = this.lockWaiters.get(trx);
    if (f === undefined) this.lockWaiters.set(trx, (f = new Future<void>()));
    return f;
  }

  processlist(): ProcessRow[] {
    const now = this.ctx.sim.now;
    const rows: ProcessRow[] = [
      { id: EVENT_SCHEDULER_ID, user: "event_scheduler", host: "localhost", db: null, command: "Daemon", time: Math.floor((now - this.startedAt) / 1000), state: "Waiting on empty queue", info: null },
    ];
    for (const c of [...this.clients.values()].sort((a, b) => a.session.id - b.session.id)) {
      const s = c.session;
      rows.push({
        id: s.id,
        user: s.user,
        host: c.clientHost === "localhost" ? "localhost" : `${c.clientHost}:${c.port}`,
        db: s.db,
        command: s.command,
        time: Math.floor((now - s.commandSince) / 1000),
        state: s.waitState ?? (s.command === "Query" ? "init" : null),
        info: s.info,
      });
    }
    return rows;
  }

  /** Counts for the session and for the server's sums. */
  private count(session: Session, add: (c: StatusCounters) => void): void {
    add(session.status);
    add(this.status);
  }

  private openTableCount(): number {
    for (const t of this.openTables) if (this.engine.table(t.def.db, t.def.name) !== t) this.openTables.delete(t);
    return this.openTables.size;
  }

  tableOpened(table: Table): void {
    if (this.openTables.has(table)) return;
    this.openTables.add(table);
    this.openedTables++;
  }

  flushBinaryLogs(): void {
    if (this.binaryLog !== undefined) this.rotateBinlog(this.binaryLog);
  }

  /** A new binary log file, and the old ones past binlog_expire_logs_seconds deleted, as at each rotation. */
  private rotateBinlog(binlog: BinaryLog): void {
    if (binlog.rotate()) binlog.expire(this.ctx.epochMs(), Number(this.globals.get("binlog_expire_logs_seconds")));
  }

  flush(what: "STATUS" | "TABLES", by: Session): void {
    if (what === "TABLES") {
      this.openTables.clear();
      this.flushes++;
      return;
    }
    by.status.reset();
    this.maxUsedConnections = this.clients.size;
    this.statusFlushedAt = this.ctx.sim.now;
  }

  serverStatus(): [string, string][] {
    const now = this.ctx.sim.now;
    const running = [...this.clients.values()].filter((c) => c.session.command !== "Sleep").length;
    const n = (v: number) => String(v);
    return [
      ["Aborted_clients", n(this.abortedClients)],
      ["Aborted_connects", n(this.abortedConnects)],
      // The thread id counter: every connection attempt took one.
      ["Connections", n(this.nextId - 1)],
      ["Flush_commands", n(this.flushes)],
      ["Innodb_row_lock_current_waits", n(this.rowLockCurrentWaits)],
      ["Innodb_row_lock_time", n(this.rowLockTimeMs)],
      ["Innodb_row_lock_time_avg", n(this.rowLockWaits === 0 ? 0 : Math.floor(this.rowLockTimeMs / this.rowLockWaits))],
      ["Innodb_row_lock_time_max", n(this.rowLockMaxMs)],
      ["Innodb_row_lock_waits", n(this.rowLockWaits)],
      ["Max_used_connections", n(this.maxUsedConnections)],
      ["Max_used_connections_time", this.maxUsedConnectionsAt === undefined ? "" : formatDatetime(this.maxUsedConnectionsAt)],
      ["Open_tables", n(this.openTableCount())],
      ["Opened_tables", n(this.openedTables)],
      ["Threads_connected", n(this.clients.size)],
      ["Threads_running", n(running)],
      ["Uptime", n(Math.floor((now - this.startedAt) / 1000))],
      ["Uptime_since_flush_status", n(Math.floor((now - this.statusFlushedAt) / 1000))],
    ];
  }

  /** COM_STATISTICS's one line (what mysqladmin status prints); Threads counts the event scheduler too. */
  private statistics(): string {
    const uptime = Math.floor((this.ctx.sim.now - this.startedAt) / 1000);
    const questions = this.status.questions;
    const perSecond1000 = uptime === 0 ? 0 : Math.floor((questions * 1000) / uptime);
    return (
      `Uptime: ${uptime}  Threads: ${this.clients.size + 1}  Questions: ${questions}  Slow queries: ${this.status.slowQueries}  ` +
      `Opens: ${this.openedTables}  Flush tables: ${this.flushes}  Open tables: ${this.openTableCount()}  ` +
      `Queries per second avg: ${Math.floor(perSecond1000 / 1000)}.${String(perSecond1000 % 1000).padStart(3, "0")}`
    );
  }

  kill(id: number, queryOnly: boolean, by: Session): Error | undefined {
    const target = this.clients.get(id);
    if (target === undefined) return new SqlError(1094, "HY000", `Unknown thread id: ${id}`);
    if (target.session.user !== by.user && !by.account.global.includes("SUPER")) {
      return new SqlError(1095, "HY000", `You are not owner of thread ${id}`);
    }
    // Statements run to completion within one event, so there is never a query to interrupt.
    if (!queryOnly) {
      this.abortedClients++;
      this.disconnect(target);
    }
    return undefined;
  }

  shutdown(by: Session): void {
    this.requestShutdown(by.user, by.id);
  }

  /** Closes every client connection (their transactions roll back), as a shutdown does. */
  closeAll(): void {
    for (const c of [...this.clients.values()]) this.disconnect(c);
  }
}
