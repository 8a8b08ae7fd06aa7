import type { SqlValue } from "../sql/values.js";
import { type DataFs, REDO_DIR, frame, join, redoFileName, unframe } from "./files.js";

/**
 * The redo log. Records go first to the log buffer (memory); `write` appends the buffer to the
 * current `#innodb_redo/#ib_redoN` file (the OS page cache: survives mysqld dying, not the node
 * losing power) and `fsync` makes it durable. When a commit is acknowledged relative to these two
 * steps is what innodb_flush_log_at_trx_commit chooses. LSNs are byte offsets in the log.
 */

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

/** Start a new file once the current one holds this much (InnoDB 8.0.30+ uses 32 files of capacity/32). */
const FILE_BYTES = 1 << 20;

interface RedoFile {
  readonly no: number;
  readonly startLsn: number;
  size: number;
}

export class RedoLog {
  /** End of the last record appended to the buffer. */
  currentLsn: number;
  /** Everything below this is in the files (page cache). */
  writtenLsn: number;
  /** Everything below this is durable. */
  flushedLsn: number;
  private buffer: Uint8Array[] = [];
  private bufferBytes = 0;
  private files: RedoFile[];
  /** Files written to since their last fsync. */
  private unsynced = new Set<number>();

  private constructor(
    private readonly fs: DataFs,
    private readonly datadir: string,
    files: RedoFile[],
    endLsn: number,
  ) {
    this.files = files;
    this.currentLsn = endLsn;
    this.writtenLsn = endLsn;
    this.flushedLsn = endLsn;
  }

  /** A new, empty log starting at `startLsn` (mysqld --initialize). */
  static create(fs: DataFs, datadir: string, startLsn: number): RedoLog {
    fs.mkdir(join(datadir, REDO_DIR), { recursive: true });
    fs.writeFile(join(datadir, redoFileName(0)), new Uint8Array());
    fs.fsync(join(datadir, redoFileName(0)));
    return new RedoLog(fs, datadir, [{ no: 0, startLsn, size: 0 }], startLsn);
  }

  /**
   * Reads every record that survived, in LSN order, stopping at a torn frame or a gap (the end of
   * what was durable). A fresh file is started for new records, so nothing is ever appended
   * after a torn tail.
   */
  static open(fs: DataFs, datadir: string): { log: RedoLog; records: RedoRecord[]; endLsn: number } {
    const dir = join(datadir, REDO_DIR);
    const numbers = fs
      .readdir(dir)
      .map((n) => /^#ib_redo(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const records: RedoRecord[] = [];
    const files: RedoFile[] = [];
    let expected: number | undefined;
    let stopped = false;
    for (const no of numbers) {
      const path = join(datadir, redoFileName(no));
      if (stopped) {
        // Past the end of the durable log: torn leftovers of writes that were never fsynced.
        fs.unlink(path);
        continue;
      }
      const bytes = fs.readFile(path);
      const { records: recs, sizes, complete } = unframe<RedoRecord>(bytes);
      if (expected !== undefined && recs.length > 0 && recs[0]!.lsn !== expected) {
        stopped = true;
        fs.unlink(path);
        continue;
      }
      files.push({ no, startLsn: recs[0]?.lsn ?? expected ?? 0, size: bytes.length });
      for (const [i, r] of recs.entries()) {
        records.push(r);
        expected = r.lsn + sizes[i]!;
      }
      if (!complete) stopped = true;
    }
    const endLsn = expected ?? 0;
    const log = new RedoLog(fs, datadir, files, endLsn);
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

  /** Writes the log buffer to the files (no fsync). */
  write(): void {
    if (this.bufferBytes === 0) return;
    const data = new Uint8Array(this.bufferBytes);
    let off = 0;
    for (const b of this.buffer) {
      data.set(b, off);
      off += b.length;
    }
    this.buffer = [];
    this.bufferBytes = 0;
    let file = this.files[this.files.length - 1]!;
    if (file.size >= FILE_BYTES) file = this.startNewFile();
    this.fs.appendFile(join(this.datadir, redoFileName(file.no)), data);
    file.size += data.length;
    this.unsynced.add(file.no);
    this.writtenLsn = this.currentLsn;
  }

  /** Makes everything written so far durable. */
  fsync(): void {
    for (const no of [...this.unsynced].sort((a, b) => a - b)) this.fs.fsync(join(this.datadir, redoFileName(no)));
    this.unsynced.clear();
    this.flushedLsn = this.writtenLsn;
  }

  /** Deletes files whose records all lie before `checkpointLsn`. */
  purge(checkpointLsn: number): void {
    while (this.files.length > 1 && this.files[1]!.startLsn <= checkpointLsn) {
      const old = this.files.shift()!;
      this.unsynced.delete(old.no);
      this.fs.unlink(join(this.datadir, redoFileName(old.no)));
    }
  }

  private startNewFile(): RedoFile {
    const last = this.files[this.files.length - 1];
    const file: RedoFile = { no: last === undefined ? 0 : last.no + 1, startLsn: this.writtenLsn, size: 0 };
    this.fs.writeFile(join(this.datadir, redoFileName(file.no)), new Uint8Array());
    this.fs.fsync(join(this.datadir, redoFileName(file.no)));
    this.files.push(file);
    return file;
  }
}
