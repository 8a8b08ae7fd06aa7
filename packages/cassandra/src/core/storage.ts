import type { Partition, Mutation } from "./data.js";
import { compactPartition, readablePartition } from "./compaction.js";
import { MemtablePartition, mergePartitions, partitionSize } from "./data.js";
import type { LogEvent } from "./log.js";
import { prettyPrintMemory } from "./java-format.js";
import { checksum, decode, encode, frame, unframe } from "./records.js";
import type { Token } from "./token.js";
import { keyString } from "./types.js";

/**
 * The local storage engine: a commit log and, per table, a memtable and immutable SSTables.
 * A write is appended to the commit log (not synced: commitlog_sync is periodic) and applied to
 * the memtable; the write is acknowledged then. Every commitlog_sync_period the log is fsynced,
 * so a crash loses what was appended since. Memtables are flushed to SSTables (written and
 * fsynced) on drain, on `nodetool flush` and when large; commit-log segments whose data is all
 * flushed are deleted. On start the log is replayed past each table's flushed position.
 */

/** The file operations the engine asks its host to carry out, in order. */
export interface DiskIO {
  append(path: string, data: Uint8Array): void;
  /** Creates or truncates a file with `data` (parents are created as needed). */
  write(path: string, data: Uint8Array): void;
  fsync(path: string): void;
  remove(path: string): void;
  /** A hard link: `to` names the same bytes as `from` (a snapshot keeps them after `from` goes). */
  link(from: string, to: string): void;
  /** Creates a directory and its parents (nothing if it exists). */
  mkdir(path: string): void;
}

export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

const NONE: LogPosition = { segment: -1, offset: 0 };

function before(a: LogPosition, b: LogPosition): boolean {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
}

/** What Data.db holds. */
export interface SSTableFile {
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  readonly generation: number;
  /** Every commit-log record before this position is in this or an older SSTable. */
  readonly flushedUpTo: LogPosition;
  readonly partitions: readonly Partition[];
}

interface SSTable {
  readonly generation: number;
  readonly base: string;
  readonly components: readonly string[];
  readonly bytes: number;
  readonly data: ReadonlyMap<string, Partition>;
  readonly flushedUpTo: LogPosition;
}

/** Commit-log segment size (commitlog_segment_size_in_mb: 32). */
const SEGMENT_BYTES = 32 * 1024 * 1024;
/** A table's memtable is flushed past this many bytes. */
const MEMTABLE_FLUSH_BYTES = 16 * 1024 * 1024;
/** Size-tiered compaction's min_threshold: this many SSTables are merged into one. */
const COMPACTION_THRESHOLD = 4;

export class TableStore {
  private memtable = new Map<string, MemtablePartition>();
  memBytes = 0;
  memOps = 0;
  sstables: SSTable[] = [];
  flushedUpTo: LogPosition = NONE;
  nextGeneration = 1;
  /** Token of each partition key seen (range scans filter by token). */
  readonly tokens = new Map<string, Token>();
  /** TableMetrics since the process started: mutations applied (WriteLatency's count), single-partition reads served (ReadLatency's), memtables flushed (MemtableSwitchCount). */
  readonly metrics = { writes: 0, reads: 0, switches: 0 };

  constructor(
    readonly keyspace: string,
    readonly table: string,
    readonly tableId: string,
    readonly dir: string,
  ) {}

  apply(partition: Partition): void {
    const k = keyString(partition.key);
    const mem = this.memtable.get(k);
    if (mem === undefined) this.memtable.set(k, new MemtablePartition(partition));
    else mem.merge(partition);
    this.memBytes += partitionSize(partition);
    this.memOps++;
    this.metrics.writes++;
  }

  /** Partitions in the memtable. */
  get memtableSize(): number {
    return this.memtable.size;
  }

  /** Empties the memtable; returns what it held (for a flush). */
  switchMemtable(): Map<string, Partition> {
    const out = new Map<string, Partition>();
    for (const [k, p] of this.memtable) out.set(k, p.snapshot());
    this.memtable = new Map();
    this.memBytes = 0;
    this.memOps = 0;
    return out;
  }

  /** The merged partition across the memtable and every SSTable. */
  read(key: string): Partition | undefined {
    let p = this.memtable.get(key)?.snapshot();
    for (const s of this.sstables) {
      const q = s.data.get(key);
      if (q !== undefined) p = p === undefined ? q : mergePartitions(p, q);
    }
    return p;
  }

  /** Whether the memtable holds anything of a partition. */
  inMemtable(key: string): boolean {
    return this.memtable.has(key);
  }

  /** Every partition key held anywhere. */
  keys(): Set<string> {
    const out = new Set(this.memtable.keys());
    for (const s of this.sstables) for (const k of s.data.keys()) out.add(k);
    return out;
  }

  liveBytes(): number {
    return this.sstables.reduce((n, s) => n + s.bytes, 0);
  }

  /** Every live SSTable's partitions, one list per SSTable (what its partition-size histogram and key estimate cover). */
  sstablePartitions(): ReadonlyMap<string, Partition>[] {
    return this.sstables.map((s) => s.data);
  }
}

interface Segment {
  readonly id: number;
  readonly path: string;
  size: number;
  synced: boolean;
  readonly dirty: Set<string>;
}

/**
 * A mutation's commit-log record. Every replica logs the same mutation, and messages carry the
 * sender's object itself, so the bytes are made once per mutation rather than once per replica.
 */
const framed = new WeakMap<Mutation, Uint8Array>();

export class CommitLog {
  private segments: Segment[] = [];
  private lastId = 0;

  constructor(
    readonly dir: string,
    private readonly io: DiskIO,
  ) {}

  /** The position after the last record. */
  position(): LogPosition {
    const s = this.segments[this.segments.length - 1];
    return s === undefined ? NONE : { segment: s.id, offset: s.size };
  }

  private active(wallMs: number): Segment {
    let s = this.segments[this.segments.length - 1];
    if (s === undefined || s.size >= SEGMENT_BYTES) {
      const id = Math.max(wallMs, this.lastId + 1);
      this.lastId = id;
      s = { id, path: `${this.dir}/CommitLog-6-${id}.log`, size: 0, synced: true, dirty: new Set() };
      this.segments.push(s);
    }
    return s;
  }

  append(m: Mutation, wallMs: number): LogPosition {
    const s = this.active(wallMs);
    let rec = framed.get(m);
    if (rec === undefined) framed.set(m, (rec = frame(m)));
    this.io.append(s.path, rec);
    s.size += rec.length;
    s.synced = false;
    s.dirty.add(m.tableId);
    return { segment: s.id, offset: s.size };
  }

  /** The periodic sync: fsync every segment with unsynced appends. */
  sync(): void {
    for (const s of this.segments) {
      if (s.synced) continue;
      this.io.fsync(s.path);
      s.synced = true;
    }
  }

  /** A table flushed everything before `upTo`: drop segments nothing depends on any more. */
  discardCompleted(tableId: string, upTo: LogPosition): void {
    for (const s of this.segments) {
      if (s.id < upTo.segment || (s.id === upTo.segment && s.size <= upTo.offset)) s.dirty.delete(tableId);
    }
    const activeId = this.segments[this.segments.length - 1]?.id;
    this.segments = this.segments.filter((s) => {
      if (s.dirty.size > 0 || s.id === activeId) return true;
      this.io.remove(s.path);
      return false;
    });
  }

  /** Drain: everything is flushed, so every segment can go (forceRecycleAllSegments). */
  recycleAll(): void {
    this.sync();
    for (const s of this.segments) this.io.remove(s.path);
    this.segments = [];
  }

  /** New segments get ids above those found on disk. */
  skipPast(id: number): void {
    this.lastId = Math.max(this.lastId, id);
  }

}

export interface StorageLog {
  log(e: LogEvent): void;
}

/** A table the engine knows: its id, directory and how to compute a partition key's token. */
export interface TableInfo {
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  readonly durableWrites: boolean;
  readonly tokenOf: (key: Partition["key"]) => Token;
  /**
   * When a compaction runs: now, and before when a tombstone may go (now − the table's
   * gc_grace_seconds), in seconds. Without it, compactions keep every tombstone.
   */
  readonly compactionTimes?: () => { readonly nowSec: number; readonly gcBefore: number };
}

/** Tasks the flush and compaction executors have completed, as their ThreadPool metrics count them. */
export interface StorageTasks {
  /** A dirty memtable switched: one task each on MemtableFlushWriter, PerDiskMemtableFlushWriter_0 and MemtableReclaimMemory. */
  flushes: number;
  /** Every flush request, dirty or clean, ends with a MemtablePostFlush task. */
  postFlushes: number;
  /** CompactionExecutor: background compaction checks (one after each new SSTable, another after a compaction ran) and cleanup rewrites. */
  compactions: number;
}

export class StorageEngine {
  /** incremental_backups (nodetool enablebackup/disablebackup). */
  incrementalBackups = false;
  readonly tasks: StorageTasks = { flushes: 0, postFlushes: 0, compactions: 0 };
  private readonly tables = new Map<string, TableStore>();
  private readonly infos = new Map<string, TableInfo>();
  readonly commitLog: CommitLog;

  constructor(
    readonly dataDir: string,
    commitLogDir: string,
    private readonly io: DiskIO,
    private readonly out: StorageLog,
  ) {
    this.commitLog = new CommitLog(commitLogDir, io);
  }

  /** Makes a table known (after schema load or a CREATE TABLE). */
  ensureTable(info: TableInfo): TableStore {
    let t = this.tables.get(info.tableId);
    if (t === undefined) {
      const dir = `${this.dataDir}/${info.keyspace}/${info.table}-${info.tableId.replace(/-/g, "")}`;
      t = new TableStore(info.keyspace, info.table, info.tableId, dir);
      this.tables.set(info.tableId, t);
      // Directories: a table has its directory from the start, before anything is flushed.
      this.io.mkdir(dir);
    }
    this.infos.set(info.tableId, info);
    return t;
  }

  table(tableId: string): TableStore | undefined {
    return this.tables.get(tableId);
  }

  allTables(): TableStore[] {
    return [...this.tables.values()];
  }

  /** The write path: commit log (if the keyspace is durable), then memtable. */
  apply(m: Mutation, wallMs: number): void {
    const t = this.tables.get(m.tableId);
    const info = this.infos.get(m.tableId);
    if (t === undefined || info === undefined) return;
    if (info.durableWrites) this.commitLog.append(m, wallMs);
    this.applyToMemtable(t, info, m.partition);
    if (t.memBytes > MEMTABLE_FLUSH_BYTES) this.flush(t, "MemtableFlushWriter:1");
  }

  private applyToMemtable(t: TableStore, info: TableInfo, p: Partition): void {
    const k = keyString(p.key);
    if (!t.tokens.has(k)) t.tokens.set(k, info.tokenOf(p.key));
    t.apply(p);
  }

  /** Writes received by streaming go straight into a new SSTable, as stream receive does. */
  ingest(tableId: string, partitions: readonly Partition[]): void {
    const t = this.tables.get(tableId);
    const info = this.infos.get(tableId);
    if (t === undefined || info === undefined || partitions.length === 0) return;
    const data = new Map<string, Partition>();
    for (const p of partitions) {
      const k = keyString(p.key);
      if (!t.tokens.has(k)) t.tokens.set(k, info.tokenOf(p.key));
      data.set(k, mergePartitions(data.get(k), p));
    }
    t.sstables.push(this.maybeBackUp(t, this.writeSSTable(t, data, t.flushedUpTo)));
    this.maybeCompact(t);
  }

  /** ColumnFamilyStore.maybeIncrementallyBackup: a new flushed, streamed or loaded SSTable is linked under backups/ too. */
  private maybeBackUp(t: TableStore, s: SSTable): SSTable {
    if (this.incrementalBackups) for (const c of s.components) this.io.link(c, `${t.dir}/backups/${fileName(c)}`);
    return s;
  }

  /** Flushes one table's memtable to a new SSTable (nothing to do if it is empty). */
  flush(t: TableStore, thread: string): void {
    const upTo = this.commitLog.position();
    if (t.memtableSize > 0) {
      this.out.log({
        level: "INFO",
        thread,
        site: "ColumnFamilyStore.java:1211",
        message: `Enqueuing flush of ${t.table}: ${(t.memBytes / 1024).toFixed(3)}KiB (0%) on-heap, 0.000KiB (0%) off-heap`,
      });
      t.sstables.push(this.maybeBackUp(t, this.writeSSTable(t, t.switchMemtable(), upTo)));
      t.metrics.switches++;
      this.tasks.flushes++;
    }
    this.tasks.postFlushes++;
    t.flushedUpTo = upTo;
    this.commitLog.discardCompleted(t.tableId, upTo);
    this.maybeCompact(t);
  }

  flushAll(thread: string): void {
    for (const t of this.tables.values()) this.flush(t, thread);
  }

  /** Writes an SSTable's files; the caller decides where it goes in the table's list. */
  private writeSSTable(t: TableStore, data: ReadonlyMap<string, Partition>, upTo: LogPosition, generation = t.nextGeneration++): SSTable {
    const base = `${t.dir}/mc-${generation}-big-`;
    const sorted = [...data.entries()].sort((a, b) => {
      const ta = t.tokens.get(a[0])!;
      const tb = t.tokens.get(b[0])!;
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    });
    const file: SSTableFile = {
      keyspace: t.keyspace,
      table: t.table,
      tableId: t.tableId,
      generation,
      flushedUpTo: upTo,
      partitions: sorted.map((e) => e[1]),
    };
    const bytes = encode(file);
    const digest = new TextEncoder().encode(String(checksum(bytes)));
    const toc = new TextEncoder().encode("Data.db\nDigest.crc32\nTOC.txt\n");
    const files: [string, Uint8Array][] = [
      [`${base}Data.db`, bytes],
      [`${base}Digest.crc32`, digest],
      [`${base}TOC.txt`, toc],
    ];
    for (const [path, b] of files) {
      this.io.write(path, b);
      this.io.fsync(path);
    }
    return {
      generation,
      base,
      components: files.map((f) => f[0]),
      bytes: files.reduce((n, f) => n + f[1].length, 0),
      data: new Map(sorted),
      flushedUpTo: upTo,
    };
  }

  /** A partition as a read answers it: see readablePartition. */
  forRead(tableId: string, p: Partition): Partition | undefined {
    const times = this.infos.get(tableId)?.compactionTimes?.();
    return times === undefined ? p : readablePartition(p, times.nowSec, times.gcBefore);
  }

  /**
   * The partitions of `sstables` merged as a compaction writes them: shadowed data dropped, and
   * tombstones past gc_grace_seconds too where the memtable holds nothing of the partition (the
   * compaction then covers every copy this node has).
   */
  private compacted(t: TableStore, sstables: readonly SSTable[]): Map<string, Partition> {
    const merged = new Map<string, Partition>();
    for (const s of sstables) for (const [k, p] of s.data) merged.set(k, mergePartitions(merged.get(k), p));
    const times = this.infos.get(t.tableId)?.compactionTimes?.();
    if (times === undefined) return merged;
    const all = sstables.length === t.sstables.length;
    const out = new Map<string, Partition>();
    for (const [k, p] of merged) {
      const kept = compactPartition(p, times.nowSec, times.gcBefore, all && !t.inMemtable(k));
      if (kept !== undefined) out.set(k, kept);
    }
    return out;
  }

  /** Size-tiered in its simplest form: enough SSTables are merged into one. */
  private maybeCompact(t: TableStore): void {
    this.tasks.compactions++;
    if (t.sstables.length < COMPACTION_THRESHOLD) return;
    // A compaction that ran submits the next background check, which finds nothing left to do.
    this.tasks.compactions++;
    this.compactAll(t, "CompactionExecutor:1");
  }

  /**
   * A major compaction (nodetool compact, CompactionManager.performMaximal): every SSTable of the
   * table merged into one, or into none when nothing is left.
   */
  compactAll(t: TableStore, thread: string): void {
    const old = t.sstables;
    if (old.length === 0) return;
    const bytesBefore = old.reduce((n, s) => n + s.bytes, 0);
    const merged = this.compacted(t, old);
    let upTo = NONE;
    for (const s of old) if (before(upTo, s.flushedUpTo)) upTo = s.flushedUpTo;
    t.sstables = merged.size === 0 ? [] : [this.writeSSTable(t, merged, upTo)];
    for (const s of old) for (const c of s.components) this.io.remove(c);
    const after = t.sstables[0]?.bytes ?? 0;
    this.out.log({
      level: "INFO",
      thread,
      site: "CompactionTask.java:255",
      message:
        `Compacted ${old.length} sstables to [${t.sstables.map((s) => `${s.base.slice(0, -1)},`).join("")}] to level=0.  ` +
        `${bytesBefore.toLocaleString("en-US")} bytes to ${after.toLocaleString("en-US")} (~${Math.round((after / Math.max(1, bytesBefore)) * 100)}% of original)`,
    });
  }

  /**
   * CompactionManager.performCleanup: each SSTable holding partitions outside the node's ranges
   * is rewritten without them (or dropped if nothing in it is owned); SSTables whose partitions
   * are all owned are left alone. The memtable is not touched, as in Cassandra.
   */
  cleanup(t: TableStore, owned: (token: Token) => boolean, thread: string, nowMs: () => number): void {
    const kept: SSTable[] = [];
    for (const s of t.sstables) {
      const keep = new Map<string, Partition>();
      for (const [k, p] of s.data) if (owned(t.tokens.get(k)!)) keep.set(k, p);
      if (keep.size === s.data.size) {
        kept.push(s);
        continue;
      }
      const started = nowMs();
      this.tasks.compactions++;
      this.out.log({ level: "INFO", thread, site: "CompactionManager.java:1052", message: `Cleaning up BigTableReader(path='${s.base}Data.db')` });
      const written = keep.size > 0 ? this.writeSSTable(t, keep, s.flushedUpTo) : undefined;
      for (const c of s.components) this.io.remove(c);
      if (written !== undefined) {
        kept.push(written);
        const ratio = Math.trunc((written.bytes / s.bytes) * 100);
        this.out.log({
          level: "INFO",
          thread,
          site: "CompactionManager.java:1119",
          message: `Cleaned up to ${written.base}Data.db.  ${prettyPrintMemory(s.bytes)} to ${prettyPrintMemory(written.bytes)} (~${ratio}% of original) for ${keep.size.toLocaleString("en-US")} keys.  Time: ${(nowMs() - started).toLocaleString("en-US")}ms.`,
        });
      }
    }
    t.sstables = kept;
  }

  /** Adopts an SSTable found on disk at start. */
  loadSSTable(base: string, components: readonly string[], bytes: number, file: SSTableFile): void {
    const t = this.tables.get(file.tableId);
    const info = this.infos.get(file.tableId);
    if (t === undefined || info === undefined) return;
    const data = new Map<string, Partition>();
    for (const p of file.partitions) {
      const k = keyString(p.key);
      if (!t.tokens.has(k)) t.tokens.set(k, info.tokenOf(p.key));
      data.set(k, p);
    }
    t.sstables.push({ generation: file.generation, base, components, bytes, data, flushedUpTo: file.flushedUpTo });
    t.sstables.sort((a, b) => a.generation - b.generation);
    t.nextGeneration = Math.max(t.nextGeneration, file.generation + 1);
    if (before(t.flushedUpTo, file.flushedUpTo)) t.flushedUpTo = file.flushedUpTo;
  }

  /**
   * CommitLogReplayer: re-applies every record a table had not flushed yet, stopping at a torn
   * or corrupt record. Replayed tables are then flushed and the replayed segments deleted, so new
   * writes never follow a torn tail.
   */
  replay(segments: readonly { id: number; path: string; bytes: Uint8Array }[], thread: string): number {
    let replayed = 0;
    const touched = new Set<TableStore>();
    const sorted = [...segments].sort((a, b) => a.id - b.id);
    for (const seg of sorted) {
      this.out.log({ level: "INFO", thread, site: "CommitLog.java:157", message: `Replaying ${seg.path}` });
      for (const r of unframe<Mutation>(seg.bytes).records) {
        const t = this.tables.get(r.value.tableId);
        const info = this.infos.get(r.value.tableId);
        if (t === undefined || info === undefined) continue;
        if (!before(t.flushedUpTo, { segment: seg.id, offset: r.end })) continue;
        this.applyToMemtable(t, info, r.value.partition);
        touched.add(t);
        replayed++;
      }
      this.commitLog.skipPast(seg.id);
    }
    for (const t of touched) this.flush(t, thread);
    for (const seg of sorted) this.io.remove(seg.path);
    this.out.log({ level: "INFO", thread, site: "CommitLog.java:159", message: `Log replay complete, ${replayed} replayed mutations` });
    return replayed;
  }

  /**
   * ColumnFamilyStore.snapshotWithoutFlush: every live SSTable's files hard-linked under
   * snapshots/<tag>, a manifest naming their Data.db files, and for user tables the CQL that
   * recreates the table.
   */
  snapshot(t: TableStore, tag: string, schemaCql: string | undefined): void {
    const dir = `${t.dir}/snapshots/${tag}`;
    const dataFiles: string[] = [];
    for (const s of t.sstables) {
      for (const c of s.components) this.io.link(c, `${dir}/${fileName(c)}`);
      dataFiles.push(JSON.stringify(fileName(`${s.base}Data.db`)));
    }
    this.io.write(`${dir}/manifest.json`, new TextEncoder().encode(`{"files":[${dataFiles.join(",")}]}\n`));
    if (schemaCql !== undefined) this.io.write(`${dir}/schema.cql`, new TextEncoder().encode(schemaCql));
  }

  /**
   * A dropped table's data goes: its SSTables' files are deleted (a snapshot keeps its own
   * links to them) and its commit-log records no longer hold segments back.
   */
  drop(t: TableStore): void {
    for (const s of t.sstables) for (const c of s.components) this.io.remove(c);
    t.sstables = [];
    t.switchMemtable();
    t.tokens.clear();
    this.commitLog.discardCompleted(t.tableId, this.commitLog.position());
  }

  /** The names of the live SSTables' files: what a snapshot shares with the table rather than holds alone. */
  liveFileNames(t: TableStore): Set<string> {
    const out = new Set<string>();
    for (const s of t.sstables) for (const c of s.components) out.add(fileName(c));
    return out;
  }

  /**
   * ColumnFamilyStore.loadNewSSTables: SSTables found in the table's directory that it does not
   * track take the next free generations (their files renamed) and join the live set. They keep
   * no commit-log position: data from elsewhere must not make a replay skip this node's writes.
   * Returns the new SSTables' Data.db paths.
   */
  loadNew(t: TableStore, found: readonly { base: string; components: readonly string[]; data: Uint8Array }[], thread: string): string[] {
    const info = this.infos.get(t.tableId);
    if (info === undefined) return [];
    const tracked = new Set(t.sstables.map((s) => s.base));
    const taken = new Set([...tracked, ...found.map((f) => f.base)]);
    const loaded: string[] = [];
    for (const f of found) {
      if (tracked.has(f.base) || f.base.slice(0, f.base.lastIndexOf("/")) !== t.dir) continue;
      let file: SSTableFile;
      try {
        file = readSSTable(f.data);
      } catch {
        this.out.log({ level: "ERROR", thread, site: "SSTableReader.java:562", message: `Corrupt sstable ${f.base.slice(0, -1)}; skipped` });
        continue;
      }
      let generation = t.nextGeneration++;
      while (taken.has(`${t.dir}/mc-${generation}-big-`)) generation = t.nextGeneration++;
      this.out.log({ level: "INFO", thread, site: "ColumnFamilyStore.java:747", message: `Renaming new SSTable ${f.base.slice(0, -1)} to ${t.dir}/mc-${generation}-big` });
      const data = new Map<string, Partition>();
      for (const p of file.partitions) {
        const k = keyString(p.key);
        if (!t.tokens.has(k)) t.tokens.set(k, info.tokenOf(p.key));
        data.set(k, p);
      }
      const sstable = this.maybeBackUp(t, this.writeSSTable(t, data, NONE, generation));
      for (const c of f.components) this.io.remove(c);
      t.sstables.push(sstable);
      loaded.push(`${sstable.base}Data.db`);
    }
    t.sstables.sort((a, b) => a.generation - b.generation);
    return loaded;
  }

  /** Bytes of live SSTables: nodetool's Load. */
  load(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.liveBytes();
    return n;
  }
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Decodes a Data.db file. */
export function readSSTable(bytes: Uint8Array): SSTableFile {
  return decode<SSTableFile>(bytes);
}
