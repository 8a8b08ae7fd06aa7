import { sleep, wait, type Proc } from "@ksim/sim";
import { dirname, unclosable, type Executable, type ProcessContext } from "@ksim/kube";
import { Engine, InnoDBStartupError } from "../innodb/engine.js";
import { socketPort } from "../protocol.js";
import type { SqlValue } from "../sql/values.js";
import { DEFAULTS } from "../sql/variables.js";
import { BinaryLog, BinlogMissingError } from "./binlog.js";
import { mysqldFiles } from "./datadir-fs.js";
import { initializeDatadir, isEmptyDir } from "./initialize.js";
import { ErrorLog } from "./log.js";
import { OptionError, parseOptions, type MysqldOptions } from "./options.js";
import { MYSQL_VERSION, MysqlServer, VERSION_COMMENT } from "./server.js";

/**
 * The mysqld program: `--initialize-insecure` creates a data directory; otherwise it opens one
 * (running crash recovery if needed), listens on its socket and TCP port, flushes the redo log
 * on its timers, and on SIGTERM (or SHUTDOWN) closes connections, checkpoints and exits.
 * With `--daemonize` the started process waits until its child serves, then exits.
 */

const BINARY = "/usr/sbin/mysqld";
/** How often dirty tables are written to their tablespaces (the page cleaner's pace, simplified). */
const CHECKPOINT_INTERVAL_MS = 10_000;

export const mysqld: Executable = function* (ctx) {
  const args = ctx.argv.slice(1);
  const log = new ErrorLog(ctx.stderr, ctx.sim, () => 3);
  if (args.includes("--version") || args.includes("-V")) {
    ctx.stdout.write(`${BINARY}  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\n`);
    return 0;
  }
  let opts: MysqldOptions;
  try {
    opts = parseOptions(ctx.fs, args);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    log.line("ERROR", 67, "Server", e.message);
    log.line("ERROR", 10119, "Server", "Aborting");
    return 1;
  }
  if (opts.help) {
    ctx.stdout.write(`${BINARY}  Ver ${MYSQL_VERSION} for Linux on x86_64 (${VERSION_COMMENT})\nCopyright (c) 2000, 2024, Oracle and/or its affiliates.\n\nUsage: mysqld [OPTIONS]\n`);
    return 0;
  }
  if (opts.initialize) return yield* initialize(ctx, opts);
  if (opts.daemonize) return yield* daemonize(ctx, args);
  return yield* serve(ctx, opts);
};

function* pause(ctx: ProcessContext, medianMs: number): Proc<void> {
  yield* wait(sleep(ctx.sim, Math.round(ctx.random.logNormal(medianMs, 0.2))));
}

function deprecationWarnings(log: ErrorLog, opts: MysqldOptions): void {
  if (opts.skipHostCache) {
    log.line("Warning", 11068, "Server", "The syntax '--skip-host-cache' is deprecated and will be removed in a future release. Please use SET GLOBAL host_cache_size=0 instead.");
  }
}

function* initialize(ctx: ProcessContext, opts: MysqldOptions): Proc<number> {
  const log = new ErrorLog(ctx.stderr, ctx.sim, () => opts.logErrorVerbosity);
  deprecationWarnings(log, opts);
  log.line("System", 13169, "Server", `${BINARY} (mysqld ${MYSQL_VERSION}) initializing of server in progress as process ${ctx.pid}`);
  if (!isEmptyDir(ctx.fs, opts.datadir)) {
    log.line("ERROR", 10457, "Server", "--initialize specified but the data directory has files in it. Aborting.");
    log.line("ERROR", 13236, "Server", `The designated data directory ${opts.datadir}/ is unusable. You can remove all files that the server added to it.`);
    log.line("ERROR", 10119, "Server", "Aborting");
    log.line("System", 10910, "Server", `${BINARY}: Shutdown complete (mysqld ${MYSQL_VERSION})  ${VERSION_COMMENT}.`);
    return 1;
  }
  yield* pause(ctx, 10);
  log.line("System", 13576, "InnoDB", "InnoDB initialization has started.", 1);
  initializeDatadir(mysqldFiles(ctx.fs), opts.datadir, ctx.random, opts.redoLogCapacity);
  yield* pause(ctx, 400);
  log.line("System", 13577, "InnoDB", "InnoDB initialization has ended.", 1);
  yield* pause(ctx, 1200);
  if (opts.initializeInsecure) {
    log.line("Warning", 10453, "Server", "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.", 6);
  }
  yield* pause(ctx, 1500);
  ctx.sim.trace.record("mysql.initialize", { host: ctx.hostname, datadir: opts.datadir });
  return 0;
}

/** The parent of --daemonize: starts the server and returns once it is accepting connections. */
function* daemonize(ctx: ProcessContext, args: readonly string[]): Proc<number> {
  const opts = parseOptions(ctx.fs, args);
  const child = ctx.spawn(["mysqld", ...args.filter((a) => a !== "--daemonize")], { stdout: unclosable(ctx.stdout), stderr: unclosable(ctx.stderr) });
  let exited = false;
  child.exited.subscribe(() => (exited = true));
  for (;;) {
    yield* wait(sleep(ctx.sim, 100));
    if (exited) return 1;
    if (ctx.fs.exists(opts.pidFile) && ctx.fs.readText(opts.pidFile).trim() === String(child.pid)) return 0;
  }
}

function globalsFor(ctx: ProcessContext, opts: MysqldOptions): Map<string, SqlValue> {
  const g = new Map<string, SqlValue>(Object.entries(DEFAULTS));
  g.set("version", MYSQL_VERSION);
  g.set("hostname", ctx.hostname);
  g.set("port", opts.port);
  g.set("socket", opts.socket);
  g.set("datadir", `${opts.datadir}/`);
  g.set("pid_file", opts.pidFile);
  g.set("bind_address", opts.bindAddress);
  g.set("skip_networking", opts.skipNetworking ? 1 : 0);
  g.set("skip_name_resolve", 1);
  g.set("log_bin", opts.logBin ? 1 : 0);
  g.set("max_binlog_size", opts.maxBinlogSize);
  g.set("innodb_redo_log_capacity", opts.redoLogCapacity);
  g.set("binlog_expire_logs_seconds", opts.binlogExpireLogsSeconds);
  g.set("log_error_verbosity", opts.logErrorVerbosity);
  g.set("innodb_flush_log_at_trx_commit", opts.flushLogAtTrxCommit);
  g.set("innodb_flush_log_at_timeout", opts.flushLogAtTimeout);
  g.set("innodb_lock_wait_timeout", opts.lockWaitTimeout);
  g.set("max_connections", opts.maxConnections);
  if (opts.sqlMode !== undefined) g.set("sql_mode", opts.sqlMode);
  return g;
}

/**
 * mysqld's resident memory beyond the buffer pool: performance_schema's instruments, the data
 * dictionary, thread and table caches, as an idle 8.0 server holds them.
 */
const RESIDENT_BEYOND_POOL_KIB = 240 * 1024;

function* serve(ctx: ProcessContext, opts: MysqldOptions): Proc<number> {
  const globals = globalsFor(ctx, opts);
  ctx.stats.residentKiB = Math.ceil(Number(globals.get("innodb_buffer_pool_size")) / 1024) + RESIDENT_BEYOND_POOL_KIB;
  const log = new ErrorLog(ctx.stderr, ctx.sim, () => Number(globals.get("log_error_verbosity")));
  const fs = ctx.fs;
  const trace = (type: string, data: Record<string, unknown>) => ctx.sim.trace.record(`mysql.${type}`, { host: ctx.hostname, ...data });
  deprecationWarnings(log, opts);
  log.line("System", 10116, "Server", `${BINARY} (mysqld ${MYSQL_VERSION}) starting as process ${ctx.pid}`);
  trace("start", { pid: ctx.pid, flush: opts.flushLogAtTrxCommit });
  if (!Engine.exists(fs, opts.datadir)) {
    log.line("ERROR", 10020, "Server", "Data Dictionary initialization failed.");
    log.line("ERROR", 10119, "Server", "Aborting");
    log.line("System", 10910, "Server", `${BINARY}: Shutdown complete (mysqld ${MYSQL_VERSION})  ${VERSION_COMMENT}.`);
    return 1;
  }
  yield* pause(ctx, 10);
  log.line("System", 13576, "InnoDB", "InnoDB initialization has started.", 1);
  const datadir = mysqldFiles(fs);
  let opened: ReturnType<typeof Engine.open>;
  try {
    opened = Engine.open(datadir, opts.datadir, {
      errorLog: (level, code, subsystem, message) => log.line(level, code, subsystem, message, 1),
      redoLogCapacity: opts.redoLogCapacity,
    });
  } catch (e) {
    if (!(e instanceof InnoDBStartupError)) throw e;
    log.line("ERROR", 10334, "Server", "Failed to initialize DD Storage Engine", 1);
    log.line("ERROR", 10020, "Server", "Data Dictionary initialization failed.");
    log.line("ERROR", 10119, "Server", "Aborting");
    log.line("System", 10910, "Server", `${BINARY}: Shutdown complete (mysqld ${MYSQL_VERSION})  ${VERSION_COMMENT}.`);
    trace("abort", { reason: "innodb" });
    return 1;
  }
  const { engine, recovery } = opened;
  if (recovery.crashed) {
    log.line("Note", 12560, "InnoDB", `The log sequence number ${recovery.shutdownLsn} in the system tablespace does not match the log sequence number ${recovery.endLsn} in the redo log files!`, 1);
    log.line("Note", 12551, "InnoDB", "Database was not shutdown normally!", 1);
    log.line("Note", 12552, "InnoDB", "Starting crash recovery.", 1);
    log.line("Note", 13086, "InnoDB", `Starting to parse redo log at lsn = ${recovery.checkpointLsn}, whereas checkpoint_lsn = ${recovery.checkpointLsn} and start_lsn = ${recovery.checkpointLsn}`, 1);
    log.line("Note", 12550, "InnoDB", `Doing recovery: scanned up to log sequence number ${recovery.endLsn}`, 1);
    // Applying the log takes time in proportion to what it holds.
    yield* pause(ctx, 50 + recovery.redone * 0.05);
    if (recovery.rolledBack.length > 0) {
      log.line("Note", 13014, "InnoDB", "Starting in background the rollback of uncommitted transactions", 1);
      for (const r of recovery.rolledBack) log.line("Note", 12536, "InnoDB", `Rolling back trx with id ${r.trx}, ${r.rows} rows to undo`, 1);
      log.line("Note", 12255, "InnoDB", "Rollback of non-prepared transactions completed", 1);
    }
  }
  trace("recovery", { crashed: recovery.crashed, checkpointLsn: recovery.checkpointLsn, endLsn: recovery.endLsn, redone: recovery.redone, rolledBack: recovery.rolledBack.length });
  yield* pause(ctx, 150);
  log.line("System", 13577, "InnoDB", "InnoDB initialization has ended.", 1);
  // my_error's EE_FILENOTFOUND goes to stderr as it is, without the error log's prefix.
  const fileNotFound = (file: string) => ctx.stderr.write(`mysqld: File '${file}' not found (OS errno 2 - No such file or directory)\n`);
  let binlog: BinaryLog | undefined;
  try {
    binlog = opts.logBin
      ? BinaryLog.open(datadir, opts.datadir, (file) => {
          fileNotFound(file);
          log.line("ERROR", 10958, "Server", "Could not open log file.");
        })
      : undefined;
  } catch (e) {
    if (!(e instanceof BinlogMissingError)) throw e;
    engine.shutdown();
    fileNotFound(e.file);
    log.line("ERROR", 10958, "Server", "Could not open log file.");
    log.line("ERROR", 10041, "Server", "Can't init tc log");
    log.line("ERROR", 10119, "Server", "Aborting");
    log.line("System", 10910, "Server", `${BINARY}: Shutdown complete (mysqld ${MYSQL_VERSION})  ${VERSION_COMMENT}.`);
    trace("abort", { reason: "binlog" });
    return 1;
  }
  binlog?.expire(ctx.epochMs(), opts.binlogExpireLogsSeconds);
  if (binlog?.crashed) {
    log.line("System", 10229, "Server", "Starting XA crash recovery...");
    log.line("System", 10232, "Server", "XA crash recovery finished.");
  }
  yield* pause(ctx, 200);
  if (fs.exists(`${opts.datadir}/ca.pem`)) {
    log.line("Warning", 10068, "Server", "CA certificate ca.pem is self signed.");
    log.line("System", 13602, "Server", "Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.");
  }
  const pidDir = dirname(opts.pidFile);
  if (fs.exists(pidDir) && (fs.stat(pidDir).mode & 0o007) !== 0) {
    log.line("Warning", 11810, "Server", `Insecure configuration for --pid-file: Location '${pidDir}' in the path is accessible to all OS users. Consider choosing a different directory.`);
  }

  let shuttingDown = false;
  const server = new MysqlServer(ctx, engine, globals, binlog, log, (by, thread) => shutdown(by, thread));
  engine.errorLog = (level, code, subsystem, message) => log.line(level, code, subsystem, message, server.executingThread);
  fs.mkdir(dirname(opts.socket), { recursive: true });
  const listeners = [ctx.net.listen(socketPort(opts.socket), (conn) => server.accept(conn, "localhost"))];
  // mysqld binds its socket with the umask cleared: anyone may connect.
  fs.writeFile(opts.socket, "");
  fs.chmod(opts.socket, 0o777);
  if (!opts.skipNetworking) {
    try {
      listeners.push(ctx.net.listen(opts.port, (conn) => server.accept(conn, conn.remote.ip)));
    } catch {
      log.line("ERROR", 10262, "Server", `Can't start server: Bind on TCP/IP port: Address already in use`);
      log.line("ERROR", 10257, "Server", `Do you already have another mysqld server running on port: ${opts.port} ?`);
      log.line("ERROR", 10119, "Server", "Aborting");
      return 1;
    }
  }
  fs.mkdir(pidDir, { recursive: true });
  fs.writeFile(opts.pidFile, `${ctx.pid}\n`);
  log.line("System", 10931, "Server", `${BINARY}: ready for connections. Version: '${MYSQL_VERSION}'  socket: '${opts.socket}'  port: ${opts.skipNetworking ? 0 : opts.port}  ${VERSION_COMMENT}.`);
  trace("ready", { port: opts.skipNetworking ? 0 : opts.port });

  const flushTick = () => {
    server.flusher.periodic();
    ctx.timer(Number(globals.get("innodb_flush_log_at_timeout") ?? 1) * 1000, flushTick);
  };
  ctx.timer(1000, flushTick);
  const checkpointTick = () => {
    if (engine.dirty) engine.checkpoint();
    ctx.timer(CHECKPOINT_INTERVAL_MS, checkpointTick);
  };
  ctx.timer(CHECKPOINT_INTERVAL_MS, checkpointTick);

  function shutdown(by: string, thread: number): void {
    if (shuttingDown) return;
    shuttingDown = true;
    server.shuttingDown = true;
    log.line("System", 13172, "Server", `Received SHUTDOWN from user ${by}. Shutting down mysqld (Version: ${MYSQL_VERSION}).`, thread);
    for (const l of listeners) l.close();
    if (fs.exists(opts.socket)) fs.unlink(opts.socket);
    // After the current event, so that a SHUTDOWN statement's OK goes out before its connection closes.
    ctx.timer(0, () => server.closeAll());
    ctx.timer(Math.round(ctx.random.logNormal(1200, 0.2)), () => {
      engine.shutdown();
      binlog?.close();
      if (fs.exists(opts.pidFile)) fs.unlink(opts.pidFile);
      log.line("System", 10910, "Server", `${BINARY}: Shutdown complete (mysqld ${MYSQL_VERSION})  ${VERSION_COMMENT}.`);
      trace("shutdown", { clean: true });
      ctx.exit(0);
    });
  }
  ctx.onSignal((signal) => {
    if (signal === "SIGTERM" || signal === "SIGINT" || signal === "SIGQUIT") shutdown("<via user signal>", 0);
  });
  return yield* wait(ctx.exited);
}
