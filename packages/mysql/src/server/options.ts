import type { FileSystem } from "@ksim/kube";
import { readOptionFile } from "../option-files.js";
import { DEFAULT_SOCKET, MYSQL_PORT } from "../protocol.js";

/**
 * mysqld's options: the [mysqld] (and [server]) groups of /etc/my.cnf and the files it
 * includes, then the command line, later settings winning. `-` and `_` are interchangeable; an
 * unknown option stops the server, as it does in MySQL.
 */

export interface MysqldOptions {
  initialize: boolean;
  initializeInsecure: boolean;
  daemonize: boolean;
  help: boolean;
  datadir: string;
  socket: string;
  port: number;
  bindAddress: string;
  skipNetworking: boolean;
  flushLogAtTrxCommit: number;
  flushLogAtTimeout: number;
  lockWaitTimeout: number;
  logErrorVerbosity: number;
  maxConnections: number;
  pidFile: string;
  skipHostCache: boolean;
  logBin: boolean;
  maxBinlogSize: number;
  redoLogCapacity: number;
  binlogExpireLogsSeconds: number;
  sqlMode: string | undefined;
}

/** Options the model honours, with how to apply a value. */
const HANDLED: Record<string, (o: MysqldOptions, v: string | undefined) => void> = {
  initialize: (o) => (o.initialize = true),
  initialize_insecure: (o) => {
    o.initialize = true;
    o.initializeInsecure = true;
  },
  daemonize: (o) => (o.daemonize = true),
  help: (o) => (o.help = true),
  verbose: () => {},
  validate_config: () => {},
  datadir: (o, v) => (o.datadir = (v ?? o.datadir).replace(/\/+$/, "") || "/"),
  socket: (o, v) => (o.socket = v ?? o.socket),
  port: (o, v) => (o.port = Number(v ?? o.port)),
  bind_address: (o, v) => (o.bindAddress = v ?? o.bindAddress),
  skip_networking: (o) => (o.skipNetworking = true),
  innodb_flush_log_at_trx_commit: (o, v) => (o.flushLogAtTrxCommit = Math.min(2, Math.max(0, Number(v ?? 1)))),
  innodb_flush_log_at_timeout: (o, v) => (o.flushLogAtTimeout = Math.max(1, Number(v ?? 1))),
  innodb_lock_wait_timeout: (o, v) => (o.lockWaitTimeout = Number(v ?? 50)),
  log_error_verbosity: (o, v) => (o.logErrorVerbosity = Math.min(3, Math.max(1, Number(v ?? 2)))),
  max_connections: (o, v) => (o.maxConnections = Number(v ?? 151)),
  pid_file: (o, v) => (o.pidFile = v ?? o.pidFile),
  skip_host_cache: (o) => (o.skipHostCache = true),
  skip_log_bin: (o) => (o.logBin = false),
  disable_log_bin: (o) => (o.logBin = false),
  log_bin: (o) => (o.logBin = true),
  // Out-of-range values are clamped, and max_binlog_size comes in whole 4 KiB blocks, as mysqld adjusts them.
  max_binlog_size: (o, v) => (o.maxBinlogSize = Math.min(1073741824, Math.max(4096, Math.floor(optionSize(v ?? "1G") / 4096) * 4096))),
  innodb_redo_log_capacity: (o, v) => (o.redoLogCapacity = Math.min(137438953472, Math.max(8388608, optionSize(v ?? "100M")))),
  binlog_expire_logs_seconds: (o, v) => (o.binlogExpireLogsSeconds = Math.min(4294967295, Math.max(0, Number(v ?? 2592000)))),
  sql_mode: (o, v) => (o.sqlMode = v ?? ""),
};

/** A numeric option with my_getopt's suffixes: K, M, G, T (any case), powers of 1024. */
function optionSize(v: string): number {
  const m = /^(\d+)([kmgt]?)$/i.exec(v.trim());
  if (m === null) return Number(v);
  return Number(m[1]) * 1024 ** " kmgt".indexOf((m[2] || " ").toLowerCase());
}

/** Options accepted and not modelled (they do not change what the simulation can observe). */
const ACCEPTED = new Set([
  "user", "skip_name_resolve", "secure_file_priv", "default_time_zone", "autocommit", "character_set_server", "collation_server",
  "default_authentication_plugin", "authentication_policy", "innodb_buffer_pool_size", "innodb_log_file_size",
  "innodb_log_buffer_size", "innodb_file_per_table", "innodb_flush_method", "innodb_doublewrite", "innodb_io_capacity",
  "max_allowed_packet", "performance_schema", "explicit_defaults_for_timestamp", "lower_case_table_names", "server_id", "binlog_format",
  "gtid_mode", "enforce_gtid_consistency", "log_error", "general_log", "general_log_file", "slow_query_log", "slow_query_log_file",
  "long_query_time", "sync_binlog", "expire_logs_days", "tmp_table_size", "max_heap_table_size",
  "table_open_cache", "thread_cache_size", "key_buffer_size", "sort_buffer_size", "join_buffer_size", "read_buffer_size",
  "read_rnd_buffer_size", "wait_timeout", "interactive_timeout", "max_connect_errors", "local_infile", "symbolic_links", "skip_ssl",
  "ssl", "tls_version", "mysqlx", "log_bin_trust_function_creators", "init_connect", "skip_symbolic_links", "log_timestamps",
  "transaction_isolation", "event_scheduler", "skip_mysqlx", "bind_address_list",
]);

export function defaultOptions(): MysqldOptions {
  return {
    initialize: false,
    initializeInsecure: false,
    daemonize: false,
    help: false,
    datadir: "/var/lib/mysql",
    socket: DEFAULT_SOCKET,
    port: MYSQL_PORT,
    bindAddress: "*",
    skipNetworking: false,
    flushLogAtTrxCommit: 1,
    flushLogAtTimeout: 1,
    lockWaitTimeout: 50,
    logErrorVerbosity: 2,
    maxConnections: 151,
    pidFile: "/var/run/mysqld/mysqld.pid",
    skipHostCache: false,
    logBin: true,
    maxBinlogSize: 1073741824,
    redoLogCapacity: 104857600,
    binlogExpireLogsSeconds: 2592000,
    sqlMode: undefined,
  };
}

export class OptionError extends Error {
  override name = "OptionError";
}

function apply(o: MysqldOptions, rawName: string, value: string | undefined, fromFile: boolean): void {
  let name = rawName.replace(/-/g, "_").toLowerCase();
  const loose = name.startsWith("loose_");
  if (loose) name = name.slice(6);
  const handler = HANDLED[name];
  if (handler !== undefined) handler(o, value);
  else if (!ACCEPTED.has(name) && !loose) {
    throw new OptionError(fromFile || value !== undefined ? `unknown variable '${rawName}${value === undefined ? "" : `=${value}`}'.` : `unknown option '--${rawName}'.`);
  }
}

/** Options from /etc/my.cnf (unless --no-defaults) and argv (without argv[0]). */
export function parseOptions(fs: FileSystem, args: readonly string[]): MysqldOptions {
  const o = defaultOptions();
  if (!args.includes("--no-defaults")) {
    for (const [name, value] of readOptionFile(fs, "/etc/my.cnf", ["mysqld", "server", "mysqld-8.0"])) apply(o, name, value, true);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--no-defaults") continue;
    if (!arg.startsWith("--")) throw new OptionError(`Too many arguments (first extra is '${arg}').`);
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    apply(o, name, value, false);
  }
  return o;
}
