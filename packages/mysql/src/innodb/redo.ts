import { concatBytes, FsError } from "@ksim/sim";
import type { SqlValue } from "../sql/values.js";
import { type DataFs, REDO_DIR, frame, join, redoFileName, unframe } from "./files.js";

export type RedoRecord =
  | {
      readonly t: "row";
      readonly lsn: number;
      readonly trx: number;
      readonly space: number;
      readonly key: string;
      readonly pk: readonly SqlValue[];
      /** The row before and after the change; null for absent (insert, delete). */
      readonly before: readonly SqlValue[] | null;
      readonly after: readonly SqlValue[] | null;
      /** The table's auto-increment counter and hidden row id counter after the change. */
      readonly ai: number;
      readonly rid: number;
    }
  | { readonly t: "commit"; readonly lsn: number; readonly trx: number }
  /** A transaction fully rolled back: its compensating records are already in the log. */
  | { readonly t: "abort"; readonly lsn: number; readonly trx: number }
  /** Everything before `at` is in the tablespaces; recovery starts there. */
  | { readonly t: "checkpoint"; readonly lsn: number; readonly at: number; readonly nextTrx: number };

export type RedoRecordBody = RedoRecord extends infer R ? (R extends { lsn: number } ? Omit<R, "lsn"> : never) : never;

/** innodb_redo_log_capacity's default. */
export const REDO_LOG_CAPACITY = 100 * 1024 * 1024;
/** The log is this many files of a 32nd of the capacity each, all preallocated (8.0.30+). */
const FILE_COUNT = 32;

interface RedoFile {
  readonly no: number;
  readonly startLsn: number;
  /** Bytes of records written into it. */
  size: number;
}

/**
 * The redo log. Records go first to the log buffer (memory); `write` puts the buffer into the
 * current `#innodb_redo/#ib_redoN` file (the OS page cache: survives mysqld dying, not the node
 * losing power) and `fsync` makes it durable. When a commit is acknowledged relative to these two
 * steps is what innodb_flush_log_at_trx_commit chooses. LSNs are byte offsets in the log.
 *
 * The files take the log's whole capacity from the start: the ones not in use wait as
 * `#ib_redoN_tmp`, and a file the checkpoint has passed becomes one again, so the log never
 * needs disk space it does not already have. A new capacity (at startup or SET GLOBAL) remakes
 * the spares at the new size at once, and each file in use when it is next recycled.
 */
export class RedoLog {
  /** End of the last record appended to the buffer. */
  currentLsn: number;
  /** Everything below this is in the files (page cache). */
  writtenLsn: number;
  /** Everything below this is durable. */
  flushedLsn: number;
  private buffer: Uint8Array[] = [];
  private bufferBytes = 0;
  /** Files in use, oldest first. */
  private files: RedoFile[];
  /** Numbers of the spare files, lowest first. */
  private spares: number[];
  /** Files written to since their last fsync. */
  private unsynced = new Set<number>();
  /** A 32nd of innodb_redo_log_capacity. */
  private fileBytes: number;

  private constructor(
    private readonly fs: DataFs,
    private readonly datadir: string,
    files: RedoFile[],
    spares: number[],
    endLsn: number,
    capacity: number,
  ) {
    this.files = files;
    this.spares = spares;
    this.fileBytes = capacity / FILE_COUNT;
    this.currentLsn = endLsn;
    this.writtenLsn = endLsn;
    this.flushedLsn = endLsn;
  }

  /** A new, empty log starting at `startLsn` (mysqld --initialize). */
  static create(fs: DataFs, datadir: string, startLsn: number, capacity = REDO_LOG_CAPACITY): RedoLog {
    fs.mkdir(join(datadir, REDO_DIR), { recursive: true });
    const log = new RedoLog(fs, datadir, [], [], startLsn, capacity);
    log.allocate(redoFileName(0));
    log.files.push({ no: 0, startLsn, size: 0 });
    for (let no = 1; no < FILE_COUNT; no++) {
      log.allocate(spareName(no));
      log.spares.push(no);
    }
    return log;
  }

  /**
   * Reads every record that survived, in LSN order, stopping at a torn frame or a gap (the end of
   * what was durable). A fresh file is started for new records, so nothing is ever written
   * after a torn tail.
   */
  static open(fs: DataFs, datadir: string, capacity = REDO_LOG_CAPACITY): { log: RedoLog; records: RedoRecord[]; endLsn: number } {
    const dir = join(datadir, REDO_DIR);
    const names = fs.readdir(dir);
    const numbered = (pattern: RegExp) =>
      names
        .map((n) => pattern.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    const records: RedoRecord[] = [];
    const files: RedoFile[] = [];
    const stale: number[] = [];
    let expected: number | undefined;
    for (const no of numbered(/^#ib_redo(\d+)$/)) {
      const { records: recs, sizes } = unframe<RedoRecord>(fs.readFile(join(datadir, redoFileName(no))));
      // A file that does not continue the log is past its durable end: what is left of writes never synced.
      if (expected !== undefined && recs[0]?.lsn !== expected) {
        stale.push(no);
        continue;
      }
      let size = 0;
      for (const [i, r] of recs.entries()) {
        records.push(r);
        size += sizes[i]!;
        expected = r.lsn + sizes[i]!;
      }
      files.push({ no, startLsn: recs[0]?.lsn ?? expected ?? 0, size });
    }
    const endLsn = expected ?? 0;
    const log = new RedoLog(fs, datadir, files, numbered(/^#ib_redo(\d+)_tmp$/), endLsn, capacity);
    for (const no of stale) log.recycle(no);
    log.resize(capacity);
    log.startNewFile();
    return { log, records, endLsn };
  }

  /** Appends a record to the log buffer and returns its start LSN. */
  append(body: RedoRecordBody): number {
    const lsn = this.currentLsn;
    const bytes = frame({ ...body, lsn });
    this.buffer.push(bytes);
    this.bufferBytes += bytes.length;
    this.currentLsn += bytes.length;
    return lsn;
  }

  /** Writes the log buffer to the files (no fsync), moving on to the next file when one is full. */
  write(): void {
    if (this.bufferBytes === 0) return;
    let file = this.files[this.files.length - 1]!;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    const flush = () => {
      if (batchBytes === 0) return;
      const data = batch.length === 1 ? batch[0]! : concatBytes(batch);
      this.fs.writeAt(join(this.datadir, redoFileName(file.no)), file.size, data);
      file.size += batchBytes;
      this.unsynced.add(file.no);
      batch = [];
      batchBytes = 0;
    };
    for (const bytes of this.buffer) {
      if (file.size + batchBytes + bytes.length > this.fileBytes && file.size + batchBytes > 0) {
        flush();
        this.writtenLsn = file.startLsn + file.size;
        file = this.startNewFile();
      }
      batch.push(bytes);
      batchBytes += bytes.length;
    }
    flush();
    this.buffer = [];
    this.bufferBytes = 0;
    this.writtenLsn = this.currentLsn;
  }

  /** Makes everything written so far durable. */
  fsync(): void {
    for (const no of [...this.unsynced].sort((a, b) => a - b)) this.fs.fsync(join(this.datadir, redoFileName(no)));
    this.unsynced.clear();
    this.flushedLsn = this.writtenLsn;
  }

  /** Files whose records all lie before `checkpointLsn` become spares. */
  purge(checkpointLsn: number): void {
    while (this.files.length > 1 && this.files[1]!.startLsn <= checkpointLsn) {
      const old = this.files.shift()!;
      this.unsynced.delete(old.no);
      this.recycle(old.no);
    }
  }

  /** Renames a used file to the next spare name and empties it, keeping its blocks. */
  private recycle(no: number): void {
    const last = Math.max(this.files[this.files.length - 1]?.no ?? 0, this.spares[this.spares.length - 1] ?? 0);
    const spare = last + 1;
    this.fs.rename(join(this.datadir, redoFileName(no)), join(this.datadir, spareName(spare)));
    this.allocate(spareName(spare));
    this.spares.push(spare);
  }

  /** A new innodb_redo_log_capacity: the spares are remade at the new file size now, files in use as they are recycled. */
  resize(capacity: number): void {
    this.fileBytes = capacity / FILE_COUNT;
    for (const no of this.spares) {
      const name = spareName(no);
      if (this.fs.stat(join(this.datadir, name)).size !== this.fileBytes) this.allocate(name);
    }
  }

  /**
   * A file of a 32nd of the capacity, zeros. A file that cannot grow to a larger capacity on a
   * full disk keeps its old size (ksim does not model the redo log governor's complaints).
   */
  private allocate(name: string): void {
    const path = join(this.datadir, name);
    const old = this.fs.exists(path) ? this.fs.stat(path).size : 0;
    this.fs.writeFile(path, new Uint8Array());
    try {
      this.fs.fallocate(path, this.fileBytes);
    } catch (e) {
      if (!(e instanceof FsError) || e.code !== "ENOSPC" || old === 0) throw e;
      this.fs.fallocate(path, old);
    }
    this.fs.fsync(path);
  }

  private startNewFile(): RedoFile {
    const last = this.files[this.files.length - 1];
    const file: RedoFile = { no: last === undefined ? 0 : last.no + 1, startLsn: this.writtenLsn, size: 0 };
    const spare = this.spares.shift();
    // Without a spare (a checkpoint far behind), the log outgrows its capacity rather than stall.
    if (spare === undefined) this.allocate(redoFileName(file.no));
    else this.fs.rename(join(this.datadir, spareName(spare)), join(this.datadir, redoFileName(file.no)));
    this.files.push(file);
    return file;
  }
}

function spareName(no: number): string {
  return `${redoFileName(no)}_tmp`;
}

