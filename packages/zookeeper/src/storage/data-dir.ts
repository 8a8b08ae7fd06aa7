import { FsError } from "@ksim/sim";
import { ZkDatabase, epochOf, hex, type DataDirectory, type Loaded, type SnapshotData, type Txn } from "../core/index.js";
import { fileName, listByZxid, type Dir } from "./dir.js";
import { decodeSnapshot, encodeSnapshot } from "./snapshot.js";
import { scanLog, TxnLog } from "./txn-log.js";

export type StorageLog = (level: "INFO" | "WARN" | "ERROR", thread: string, at: string, msg: string) => void;

/** A data directory that cannot be recovered from; the server refuses to start. */
export class StorageError extends Error {
  override name = "StorageError";
}

export interface DataDirOptions {
  /** dataDir/version-2: snapshots and the epoch files. */
  readonly snapDir: string;
  /** dataLogDir/version-2: txn logs. */
  readonly logDir: string;
  readonly log?: StorageLog;
  /** Thread name for lines logged while appending ("SyncThread:1"). */
  readonly syncThread?: string;
}

/**
 * FileTxnSnapLog plus the epoch files: what a server keeps on its volume and how it comes back
 * from it — the newest valid snapshot, then every logged txn after it. A torn log tail (a crash
 * mid-append) is cut off; a snapshot that is incomplete (3.4 does not fsync snapshots) is skipped
 * for an older one.
 */
export class DataDir implements DataDirectory {
  readonly txnLog: TxnLog;
  private readonly log: StorageLog;

  constructor(
    private readonly fs: Dir,
    private readonly opts: DataDirOptions,
  ) {
    this.log = opts.log ?? (() => {});
    this.txnLog = new TxnLog(fs, opts.logDir, (path) =>
      this.log("INFO", opts.syncThread ?? "SyncThread:0", "FileTxnLog@203", `Creating new log file: ${path.slice(path.lastIndexOf("/") + 1)}`),
    );
  }

  // ---- writes (the effects a peer asks for) -----------------------------------------------

  append(txns: readonly Txn[]): void {
    this.txnLog.append(txns);
  }

  roll(): void {
    this.txnLog.roll();
  }

  /** fsyncs the log; returns the last zxid now durable. */
  sync(): number {
    return this.txnLog.sync();
  }

  /**
   * FileTxnSnapLog.save. Not fsynced, as in 3.4 — unless logs are dropped after it. `thread`: who
   * takes it (the sync processor's snapshot thread, or the peer itself after a leader's SNAP).
   */
  snapshot(data: SnapshotData, truncateLogs: boolean, thread = "Snapshot Thread"): void {
    this.fs.mkdir(this.opts.snapDir, { recursive: true });
    const path = `${this.opts.snapDir}/${fileName("snapshot", data.zxid)}`;
    this.log("INFO", thread, "FileTxnSnapLog@240", `Snapshotting: 0x${hex(data.zxid)} to ${path}`);
    this.fs.writeFile(path, encodeSnapshot(data));
    if (truncateLogs) {
      this.fs.fsync(path);
      this.txnLog.truncate(data.zxid);
    }
  }

  /**
   * ZooKeeperServer.takeSnapshot for a learner whose state a SNAP replaced (its logged txns past
   * the snapshot go): the refusal's message if the disk refused it.
   */
  takeSnapshot(data: SnapshotData, thread: string): string | undefined {
    return refused(() => this.snapshot(data, true, thread));
  }

  /**
   * QuorumPeer.writeLongToFile through an AtomicFileOutputStream: write a temp file, fsync, rename
   * over; a write the disk refuses removes the temp file and leaves the old value. Returns the
   * refusal's message (the IOException's), if any.
   */
  writeEpoch(file: "currentEpoch" | "acceptedEpoch", value: number): string | undefined {
    const path = `${this.opts.snapDir}/${file}`;
    const error = refused(() => {
      this.fs.mkdir(this.opts.snapDir, { recursive: true });
      this.fs.writeFile(`${path}.tmp`, `${value}`);
      this.fs.fsync(`${path}.tmp`);
      this.fs.rename(`${path}.tmp`, path);
    });
    if (error !== undefined && this.fs.exists(`${path}.tmp`)) this.fs.unlink(`${path}.tmp`);
    return error;
  }

  /**
   * Learner.syncWithLeader's marker around NEWLEADER's snapshot and epoch update (ZOOKEEPER-1653):
   * created first if absent; a start that finds it and a snapshot ahead of currentEpoch takes the
   * snapshot's epoch (see load). Returns the IOException's message when it cannot be created.
   */
  markUpdatingEpoch(): string | undefined {
    const path = this.updatingEpochPath;
    if (this.fs.exists(path)) return undefined;
    return refused(() => {
      this.fs.mkdir(this.opts.snapDir, { recursive: true });
      this.fs.writeFile(path, "");
    });
  }

  /** The marker removed once currentEpoch is written; File.delete's false becomes Learner's IOException. */
  clearUpdatingEpoch(): string | undefined {
    const path = this.updatingEpochPath;
    if (this.fs.exists(path) && refused(() => this.fs.unlink(path)) === undefined) return undefined;
    return `Failed to delete ${path}`;
  }

  private get updatingEpochPath(): string {
    return `${this.opts.snapDir}/updatingEpoch`;
  }

  // ---- recovery -----------------------------------------------------------------------------

  /** QuorumPeer.loadDataBase at start: the database, then the epoch files checked against it (and the updatingEpoch marker). */
  load(): Loaded {
    const db = this.loadDatabase();
    const fromLog = epochOf(db.lastProcessedZxid);
    let currentEpoch = this.readEpoch("currentEpoch", fromLog);
    if (fromLog > currentEpoch && this.fs.exists(this.updatingEpochPath)) {
      // The line number is placed from 3.4.11's QuorumPeer, whose loadDataBase matches 3.4.10's.
      this.log("INFO", "main", "QuorumPeer@654",
        `updatingEpoch found. The server was terminated after taking a snapshot but before updating current epoch. Setting current epoch to ${fromLog}.`);
      const error = this.writeEpoch("currentEpoch", fromLog);
      if (error !== undefined) throw new StorageError(error);
      currentEpoch = fromLog;
      const cleared = this.clearUpdatingEpoch();
      if (cleared !== undefined) throw new StorageError(cleared);
    }
    if (fromLog > currentEpoch) {
      throw new StorageError(`The current epoch, ${hex(currentEpoch)}, is older than the last zxid, ${db.lastProcessedZxid}`);
    }
    const acceptedEpoch = this.readEpoch("acceptedEpoch", fromLog);
    if (acceptedEpoch < currentEpoch) {
      throw new StorageError(`The accepted epoch, ${hex(acceptedEpoch)} is less than the current epoch, ${hex(currentEpoch)}`);
    }
    return { db, currentEpoch, acceptedEpoch };
  }

  /** ZKDatabase.loadDataBase: the newest valid snapshot and the log after it, first cut back to `truncateTo` (a leader's TRUNC). */
  loadDatabase(truncateTo?: number): ZkDatabase {
    if (truncateTo !== undefined) {
      this.txnLog.truncate(truncateTo);
      for (const s of listByZxid(this.fs, this.opts.snapDir, "snapshot")) {
        if (s.zxid > truncateTo) this.fs.unlink(`${this.opts.snapDir}/${s.name}`);
      }
    }
    return this.restore();
  }

  private readEpoch(file: "currentEpoch" | "acceptedEpoch", fallback: number): number {
    const path = `${this.opts.snapDir}/${file}`;
    if (this.fs.exists(path)) {
      const text = new TextDecoder().decode(this.fs.readFile(path)).trim();
      if (/^\d+$/.test(text)) return Number(text);
      throw new StorageError(`Unable to parse ${path}: ${text}`);
    }
    this.log("INFO", "main", file === "currentEpoch" ? "QuorumPeer@669" : "QuorumPeer@684",
      `${file} not found! Creating with a reasonable default of ${fallback}. This should only happen when you are upgrading your installation`);
    const error = this.writeEpoch(file, fallback);
    if (error !== undefined) throw new StorageError(error);
    return fallback;
  }

  /** FileTxnSnapLog.restore: newest valid snapshot, then replay. */
  private restore(): ZkDatabase {
    let db: ZkDatabase | undefined;
    let tried = 0;
    for (const s of listByZxid(this.fs, this.opts.snapDir, "snapshot").reverse()) {
      const path = `${this.opts.snapDir}/${s.name}`;
      const data = decodedSnapshot(this.fs.readFile(path));
      if (data === "incomplete") continue;
      tried++;
      this.log("INFO", "main", "FileSnap@83", `Reading snapshot ${path}`);
      if (data !== "corrupt") {
        db = ZkDatabase.fromSnapshot(data);
        break;
      }
      this.log("WARN", "main", "FileSnap@89", `problem reading snap file ${path}\njava.io.IOException: CRC corruption in snapshot :  ${path}`);
    }
    if (db === undefined) {
      if (tried > 0) throw new StorageError(`Not able to find valid snapshots in ${this.opts.snapDir}`);
      db = new ZkDatabase();
    }
    for (const path of this.txnLog.filesAfter(db.lastProcessedZxid)) {
      const scan = scannedLog(this.fs.readData(path));
      for (const t of scan.txns) {
        if (t.zxid <= db.lastProcessedZxid) continue;
        db.apply(t);
        for (const w of db.tree.takeWarnings()) this.log("WARN", "main", "DataTree@301", w);
      }
      if (scan.validBytes < scan.totalBytes) {
        this.log("WARN", "main", "FileTxnLog@608",
          `Truncating torn txn log ${path}: ${scan.totalBytes - scan.validBytes} bytes after offset ${scan.validBytes} are an incomplete or corrupt record`);
        this.txnLog.cut(path, scan.validBytes);
      }
    }
    return db;
  }

  // ---- autopurge ----------------------------------------------------------------------------

  /**
   * PurgeTxnLog.purgeOlderSnapshots' choice: keep the `retain` newest snapshots (however many
   * there are, down to one) and the logs they need (the one that holds the oldest kept snapshot's
   * zxid, and all later ones); everything older goes, logs first. Nothing goes without a snapshot.
   */
  purgeCandidates(retain: number): string[] {
    const snaps = listByZxid(this.fs, this.opts.snapDir, "snapshot");
    if (snaps.length === 0) return [];
    const oldestKept = Math.max(0, snaps.length - retain);
    const leastZxid = snaps[oldestKept]!.zxid;
    const out: string[] = [];
    const logs = listByZxid(this.fs, this.opts.logDir, "log");
    let keepFrom = 0;
    for (let i = 0; i < logs.length; i++) if (logs[i]!.zxid <= leastZxid) keepFrom = i;
    for (const l of logs.slice(0, keepFrom)) out.push(`${this.opts.logDir}/${l.name}`);
    for (const s of snaps.slice(0, oldestKept)) out.push(`${this.opts.snapDir}/${s.name}`);
    return out;
  }

  /** PurgeTxnLog.purge (autopurge's): removes purgeCandidates. Returns the paths removed. */
  purge(retain: number): string[] {
    const removed = this.purgeCandidates(retain);
    for (const p of removed) this.fs.unlink(p);
    return removed;
  }
}

/**
 * Snapshots and logs decoded, by the bytes they were read from (a file's contents are never
 * changed in place: a write makes new bytes). A member that crash-loops — its epoch files
 * disagree, or its disk is full — reads the same files at every start, and decoding is the costly
 * part of reading them.
 */
const snapshotsRead = new WeakMap<Uint8Array, ReturnType<typeof decodeSnapshot>>();
const logsRead = new WeakMap<Uint8Array, ReturnType<typeof scanLog>>();

function decodedSnapshot(bytes: Uint8Array): ReturnType<typeof decodeSnapshot> {
  let data = snapshotsRead.get(bytes);
  if (data === undefined) snapshotsRead.set(bytes, (data = decodeSnapshot(bytes)));
  return data;
}

function scannedLog(bytes: Uint8Array): ReturnType<typeof scanLog> {
  let scan = logsRead.get(bytes);
  if (scan === undefined) logsRead.set(bytes, (scan = scanLog(bytes)));
  return scan;
}

/** The message of the IOException a refused write (full or read-only disk) raises, as Java words it. */
export function ioMessage(e: FsError): string {
  return e.message.slice(e.path.length + 2);
}

/** Runs a write; a refusal (ENOSPC, EROFS) comes back as its message, anything else is thrown. */
function refused(write: () => void): string | undefined {
  try {
    write();
    return undefined;
  } catch (e) {
    if (!(e instanceof FsError) || (e.code !== "ENOSPC" && e.code !== "EROFS")) throw e;
    return ioMessage(e);
  }
}
