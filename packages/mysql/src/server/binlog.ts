import { writeWhatFits } from "@ksim/kube";
import { FsError } from "@ksim/sim";
import type { Trx } from "../innodb/engine.js";
import { type DataFs, frame, join, unframe, ZEROS } from "../innodb/files.js";
import { valueBytes } from "../innodb/space.js";
import type { Statement } from "../sql/ast.js";
import type { SqlValue } from "../sql/values.js";

/**
 * The binary log's files, as far as restarts and disk space show them: every server start, FLUSH
 * BINARY LOGS and a file outgrowing max_binlog_size open the next `binlog.NNNNNN` (listed in
 * binlog.index), marked in use until it is closed; a file still marked in use at startup means
 * the server stopped without shutting down, which is when MySQL runs XA crash recovery. Each
 * commit appends its transaction's events, of the size row-based logging gives them, and each
 * DDL or account statement a Query event; nothing reads them back, so their bytes are zeros.
 * PURGE BINARY LOGS and binlog_expire_logs_seconds delete old files.
 */

const MAGIC = new Uint8Array([0xfe, 0x62, 0x69, 0x6e]);
/** An empty binary log: the magic number, a Format_description_event and a Previous_gtids_log_event. */
const EMPTY_BYTES = 157;
/** The Stop_log_event a clean shutdown appends. */
const STOP_EVENT_BYTES = 23;
/** Event header and checksum around a Table_map, rows or Rotate event. */
const EVENT_OVERHEAD = 19 + 4;
/** Anonymous_Gtid, the Query event of BEGIN, and the Xid event that ends a transaction. */
const TRANSACTION_EVENTS_BYTES = 79 + 80 + 31;

function header(inUse: boolean): Uint8Array {
  const out = new Uint8Array(EMPTY_BYTES);
  out.set(MAGIC);
  out.set(frame({ inUse }), MAGIC.length);
  return out;
}

/** The last binary log the index lists is not there: mysqld cannot initialize its transaction coordinator log. */
export class BinlogMissingError extends Error {
  override name = "BinlogMissingError";
  constructor(readonly file: string) {
    super(`${file} is missing`);
  }
}

export interface BinlogFile {
  readonly name: string;
  readonly size: number;
}

export class BinaryLog {
  /** The previous server did not shut down cleanly. */
  readonly crashed: boolean;
  private names: string[];

  private constructor(
    private readonly fs: DataFs,
    private readonly datadir: string,
    names: string[],
    crashed: boolean,
  ) {
    this.names = names;
    this.crashed = crashed;
  }

  /**
   * Opens the log at startup: reads the last file's in-use flag (crash recovery) and the first
   * file (the purged GTID set), then starts the next file. Throws BinlogMissingError when the last
   * file listed is gone (someone deleted it): the server cannot start. A missing first file is
   * reported through `missing` and skipped, a missing one in between goes unnoticed.
   */
  static open(fs: DataFs, datadir: string, missing: (file: string) => void = () => {}): BinaryLog {
    const index = join(datadir, "binlog.index");
    const names = fs.exists(index)
      ? new TextDecoder().decode(fs.readFile(index)).split("\n").filter((l) => l !== "").map((l) => l.replace(/^\.\//, ""))
      : [];
    const first = names[0];
    const last = names[names.length - 1];
    let crashed = false;
    if (last !== undefined) {
      if (!fs.exists(join(datadir, last))) throw new BinlogMissingError(`./${last}`);
      const [flags] = unframe<{ inUse: boolean }>(fs.readFile(join(datadir, last)).subarray(MAGIC.length)).records;
      crashed = flags?.inUse ?? false;
    }
    if (first !== undefined && !fs.exists(join(datadir, first))) missing(`./${first}`);
    const log = new BinaryLog(fs, datadir, names, crashed);
    log.openNext();
    return log;
  }

  /** The file being written. */
  get file(): string {
    return this.names[this.names.length - 1]!;
  }

  /** The current file's size: SHOW MASTER STATUS's Position. */
  get size(): number {
    return this.fs.stat(this.path(this.file)).size;
  }

  /** SHOW BINARY LOGS: a file someone deleted by hand is still listed, with size 0, as show_binlogs does. */
  files(): BinlogFile[] {
    return this.names.map((name) => ({ name, size: this.fs.exists(this.path(name)) ? this.fs.stat(this.path(name)).size : 0 }));
  }

  /** Appends up to `bytes` of events; returns how many fitted on the disk. */
  append(bytes: number): number {
    // Deleted while open: the writes go to the unlinked file, which no name shows any more.
    if (!this.fs.exists(this.path(this.file))) return bytes;
    let written = 0;
    while (written < bytes) {
      const n = Math.min(ZEROS.length, bytes - written);
      const landed = writeWhatFits(this.fs, this.path(this.file), ZEROS.subarray(0, n)).bytes;
      written += landed;
      if (landed < n) break;
    }
    return written;
  }

  /** sync_binlog=1: the log is fsynced at each commit. */
  sync(): void {
    if (this.fs.exists(this.path(this.file))) this.fs.fsync(this.path(this.file));
  }

  /**
   * Closes the current file with a Rotate event naming the next, and opens that one. Without
   * room for the next file ksim keeps writing the current one (MySQL's binlog_error_action
   * decides there, which ksim does not model); returns whether it rotated.
   */
  rotate(): boolean {
    const current = this.file;
    const next = nextName(current);
    try {
      this.fs.writeFile(this.path(next), header(true));
    } catch (e) {
      if (!(e instanceof FsError) || e.code !== "ENOSPC") throw e;
      if (this.fs.exists(this.path(next))) this.fs.unlink(this.path(next));
      return false;
    }
    this.append(EVENT_OVERHEAD + 8 + next.length);
    this.closeCurrent();
    this.fs.fsync(this.path(next));
    this.names.push(next);
    this.writeIndex();
    return true;
  }

  /** PURGE BINARY LOGS TO: deletes the files before `name`; false when `name` is not in the index. */
  purgeTo(name: string): boolean {
    const at = this.names.indexOf(name);
    if (at < 0) return false;
    this.remove(this.names.slice(0, at));
    return true;
  }

  /** PURGE BINARY LOGS BEFORE, and expiry: deletes the files last written before `epochMs`, never the current one. */
  purgeBefore(epochMs: number): void {
    const old: string[] = [];
    for (const name of this.names.slice(0, -1)) {
      // A file that is gone is no reason to stop: it just leaves the index.
      if (this.fs.exists(this.path(name)) && this.fs.stat(this.path(name)).mtimeMs >= epochMs) break;
      old.push(name);
    }
    this.remove(old);
  }

  /** binlog_expire_logs_seconds: at startup and at each rotation, files older than that go (0 keeps them). */
  expire(nowMs: number, expireSeconds: number): void {
    if (expireSeconds > 0) this.purgeBefore(nowMs - expireSeconds * 1000);
  }

  close(): void {
    this.append(STOP_EVENT_BYTES);
    this.closeCurrent();
  }

  private closeCurrent(): void {
    // The in-use flag lives in the Format_description_event: cleared in place.
    const path = this.path(this.names[this.names.length - 1]!);
    if (!this.fs.exists(path)) return;
    this.fs.writeAt(path, 0, header(false));
    this.fs.fsync(path);
  }

  private openNext(): void {
    const last = this.names[this.names.length - 1];
    const name = last === undefined ? "binlog.000001" : nextName(last);
    this.fs.writeFile(this.path(name), header(true));
    this.fs.fsync(this.path(name));
    this.names.push(name);
    this.writeIndex();
  }

  private remove(names: readonly string[]): void {
    if (names.length === 0) return;
    for (const name of names) if (this.fs.exists(this.path(name))) this.fs.unlink(this.path(name));
    this.names = this.names.filter((n) => !names.includes(n));
    this.writeIndex();
  }

  private writeIndex(): void {
    const index = join(this.datadir, "binlog.index");
    this.fs.writeFile(index, this.names.map((n) => `./${n}\n`).join(""));
    this.fs.fsync(index);
  }

  private path(name: string): string {
    return join(this.datadir, name);
  }
}

function nextName(name: string): string {
  const dot = name.lastIndexOf(".");
  return `${name.slice(0, dot)}.${String(Number(name.slice(dot + 1)) + 1).padStart(6, "0")}`;
}

/** A row image as row-based logging writes it: a null bitmap and the values. */
function rowImageBytes(types: readonly Parameters<typeof valueBytes>[0][], values: readonly SqlValue[]): number {
  let n = Math.ceil(values.length / 8);
  for (let i = 0; i < values.length; i++) n += valueBytes(types[i]!, values[i] ?? null);
  return n;
}

/** The bytes of a committed transaction's events: GTID, BEGIN, per table a Table_map and its rows events, Xid. */
export function transactionEventsBytes(trx: Trx): number {
  let bytes = TRANSACTION_EVENTS_BYTES;
  const tables = new Set<string>();
  for (const { table, before, after } of trx.undo) {
    const def = table.def;
    const types = def.columns.map((c) => c.type.name);
    const id = `${def.db}.${def.name}`;
    if (!tables.has(id)) {
      tables.add(id);
      bytes += 2 * EVENT_OVERHEAD + 8 + def.db.length + def.name.length + 2 * types.length + 10;
    }
    if (before !== null) bytes += rowImageBytes(types, before);
    if (after !== null) bytes += rowImageBytes(types, after);
  }
  return bytes;
}

/** Statements written to the binary log as a Query event of their own: DDL and account management. */
const QUERY_LOGGED = new Set<Statement["kind"]>([
  "createDatabase", "dropDatabase", "createTable", "dropTable", "truncate", "alterTableKeys",
  "createUser", "dropUser", "alterUser", "grant", "grantProxy", "revoke", "setPassword",
]);

export function isBinlogged(statement: Statement): boolean {
  // FLUSH is logged too, except the ones that act on logs themselves.
  if (statement.kind === "flush") return statement.what !== "LOGS" && statement.what !== "BINARY";
  return QUERY_LOGGED.has(statement.kind);
}

/** Anonymous_Gtid and a Query event: header, post-header, status variables, the database and the statement. */
export function queryEventBytes(db: string, text: string): number {
  return 79 + EVENT_OVERHEAD + 13 + 40 + db.length + 1 + Buffer.byteLength(text, "utf8");
}
