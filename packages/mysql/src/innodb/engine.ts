import { FsError } from "@ksim/sim";
import { ER } from "../sql/errors.js";
import { Acl, type AccountData } from "../sql/privileges.js";
import type { SqlValue } from "../sql/values.js";
import { DICTIONARY, SYSTEM_TABLESPACE, type DataFs, fileName, join, readImage, writeImage } from "./files.js";
import { REDO_LOG_CAPACITY, RedoLog, type RedoRecord } from "./redo.js";
import { type ErrorLogLine, FileSpace, IBD_INITIAL_BYTES, nextExtension, PAGE_SIZE } from "./space.js";
import { Table, type TableDef } from "./table.js";

/**
 * InnoDB as far as durability and disk space are concerned: tables live in the buffer pool,
 * every change is first a redo record, tablespace files are written lazily at checkpoints, and
 * the data dictionary (`mysql.ibd`) is rewritten and fsynced by each DDL or account statement,
 * as MySQL 8's atomic DDL commits. Opening a data directory replays the redo from the last
 * checkpoint and rolls back transactions that never committed. A change that needs more pages
 * than a table's file has grows the file first; when the disk cannot hold that, the statement
 * fails with "The table is full" and nothing else is affected.
 *
 * The engine does disk I/O through the filesystem it is given but keeps no time: when to fsync
 * the log, when to checkpoint, how long things take is the server's business.
 */

/** InnoDB could not start (its reasons are logged already): the server aborts. */
export class InnoDBStartupError extends Error {
  override name = "InnoDBStartupError";
}

/** A statement needs a row another transaction holds: the session waits for `holder` to end. */
export class LockWait {
  constructor(readonly holder: number) {}
}

interface UndoEntry {
  readonly table: Table;
  readonly key: string;
  readonly pk: readonly SqlValue[];
  readonly before: readonly SqlValue[] | null;
  readonly after: readonly SqlValue[] | null;
  /** This change took the row lock (the first change of the row in the transaction). */
  readonly firstTouch: boolean;
}

export class Trx {
  readonly undo: UndoEntry[] = [];
  /** LSN of the transaction's first redo record: the checkpoint may not pass it while it is open. */
  firstLsn: number | undefined;
  constructor(readonly id: number) {}
}

interface DictionaryData {
  databases: string[];
  tables: { space: number; def: TableDef }[];
  acl: AccountData[];
  nextSpace: number;
}

interface TablespaceImage {
  space: number;
  lsn: number;
  autoInc: number;
  rowId: number;
  rows: [readonly SqlValue[], readonly SqlValue[]][];
}

export interface RecoveryReport {
  /** The server was not shut down cleanly and crash recovery ran. */
  readonly crashed: boolean;
  /** The LSN the system tablespace recorded at the last clean shutdown. */
  readonly shutdownLsn: number;
  readonly checkpointLsn: number;
  /** How far the durable redo log reached. */
  readonly endLsn: number;
  /** Redo records applied to tables. */
  readonly redone: number;
  /** Transactions without a commit record, rolled back: id and rows undone. */
  readonly rolledBack: readonly { readonly trx: number; readonly rows: number }[];
}

export interface OpenOptions {
  /** Where InnoDB's lines go while it starts (the engine's errorLog afterwards). */
  readonly errorLog?: ErrorLogLine;
  /** innodb_redo_log_capacity. */
  readonly redoLogCapacity?: number;
}

/** LSN of a freshly initialized data directory (8.0 starts around here). */
const INITIAL_LSN = 19_353_600;
/** innodb_data_file_path's default, ibdata1:12M:autoextend. */
const SYSTEM_TABLESPACE_BYTES = 12 * 1024 * 1024;
/** The data dictionary tablespace of a freshly initialized 8.0 data directory. */
const DICTIONARY_BYTES = 24 * 1024 * 1024;
/** ibtmp1 (innodb_temp_data_file_path's default, 12M:autoextend). */
const TEMPORARY_TABLESPACE = "ibtmp1";
const TEMPORARY_DIR = "#innodb_temp";
/** Session temporary tablespaces: a pool of 10 files of 5 pages (FIL_IBT_FILE_INITIAL_SIZE). */
const SESSION_TEMPORARY_POOL = 10;
const SESSION_TEMPORARY_BYTES = 5 * 16384;

export class Engine {
  readonly acl: Acl;
  private readonly databaseNames: string[];
  private readonly tables = new Map<string, Table>();
  private nextSpace: number;
  private nextTrx: number;
  private readonly active = new Map<number, Trx>();
  /** Who waits for whom: the edges of the wait-for graph, for deadlock detection. */
  private readonly waits = new Map<number, number>();
  /** Files and directories a DROP or TRUNCATE let go of: deleted once the statement is committed (Log_DDL::post_ddl). */
  private readonly postDdl: { readonly path: string; readonly dir: boolean }[] = [];
  /** Called when a transaction ends, so sessions waiting for its locks can retry. */
  onRelease: ((trx: number) => void) | undefined;
  /** Where InnoDB's and the handler's error-log lines go (the server adds the thread). */
  errorLog: ErrorLogLine = () => {};

  private constructor(
    private readonly fs: DataFs,
    private readonly datadir: string,
    readonly redo: RedoLog,
    dict: DictionaryData,
    nextTrx: number,
    private readonly space: FileSpace,
  ) {
    this.acl = new Acl(dict.acl);
    this.databaseNames = [...dict.databases];
    this.nextSpace = dict.nextSpace;
    this.nextTrx = nextTrx;
  }

  /** Creates the InnoDB and dictionary files of a new data directory (mysqld --initialize). */
  static initialize(fs: DataFs, datadir: string, acl: readonly AccountData[], databases: readonly string[], redoLogCapacity = REDO_LOG_CAPACITY): void {
    const dict: DictionaryData = { databases: [...databases], tables: [], acl: [...acl], nextSpace: 1 };
    for (const db of databases) fs.mkdir(join(datadir, fileName(db)), { recursive: true });
    fs.fallocate(join(datadir, DICTIONARY), DICTIONARY_BYTES);
    writeImage(fs, join(datadir, DICTIONARY), dict);
    const redo = RedoLog.create(fs, datadir, INITIAL_LSN, redoLogCapacity);
    redo.append({ t: "checkpoint", at: INITIAL_LSN, nextTrx: 1 });
    redo.write();
    redo.fsync();
    fs.fallocate(join(datadir, SYSTEM_TABLESPACE), SYSTEM_TABLESPACE_BYTES);
    writeImage(fs, join(datadir, SYSTEM_TABLESPACE), { shutdownLsn: redo.flushedLsn });
  }

  /** Whether `datadir` holds a data dictionary at all. */
  static exists(fs: DataFs, datadir: string): boolean {
    return fs.exists(join(datadir, DICTIONARY));
  }

  /**
   * Opens a data directory, running crash recovery if it was not shut down cleanly. Throws
   * InnoDBStartupError, after logging why, when the temporary tablespace cannot be made.
   */
  static open(fs: DataFs, datadir: string, options: OpenOptions = {}): { engine: Engine; recovery: RecoveryReport } {
    const errorLog = options.errorLog ?? (() => {});
    let opened: Engine | undefined;
    const space = new FileSpace(fs, () => opened?.errorLog ?? errorLog);
    createTemporaryTablespaces(fs, datadir, space, errorLog);
    const dict = readImage<DictionaryData>(fs, join(datadir, DICTIONARY));
    const { shutdownLsn } = readImage<{ shutdownLsn: number }>(fs, join(datadir, SYSTEM_TABLESPACE));
    const { log, records, endLsn } = RedoLog.open(fs, datadir, options.redoLogCapacity);
    let checkpoint: Extract<RedoRecord, { t: "checkpoint" }> | undefined;
    for (const r of records) if (r.t === "checkpoint") checkpoint = r;
    const checkpointLsn = checkpoint?.at ?? records[0]?.lsn ?? endLsn;
    let maxTrx = checkpoint?.nextTrx ?? 1;
    for (const r of records) if (r.t !== "checkpoint" && r.trx >= maxTrx) maxTrx = r.trx + 1;
    const engine = (opened = new Engine(fs, datadir, log, dict, maxTrx, space));
    engine.errorLog = errorLog;
    for (const { space, def } of dict.tables) engine.loadTable(space, def);

    const crashed = endLsn !== shutdownLsn;
    const rolledBack: { trx: number; rows: number }[] = [];
    let redone = 0;
    if (crashed) {
      const bySpace = new Map<number, Table>();
      for (const t of engine.tables.values()) bySpace.set(t.spaceId, t);
      const open = new Map<number, Extract<RedoRecord, { t: "row" }>[]>();
      for (const r of records) {
        if (r.lsn < checkpointLsn) continue;
        if (r.t === "row") {
          let list = open.get(r.trx);
          if (list === undefined) open.set(r.trx, (list = []));
          list.push(r);
          const table = bySpace.get(r.space);
          // Records for dropped tables, and changes the tablespace image already holds, are skipped.
          if (table === undefined || r.lsn < table.flushedLsn) continue;
          table.set(r.key, r.pk, r.after, undefined);
          table.autoInc = Math.max(table.autoInc, r.ai);
          table.nextRowId = Math.max(table.nextRowId, r.rid);
          // Any LSN after the record's start and not past the next record's start marks it applied.
          table.pageLsn = r.lsn + 1;
          redone++;
        } else if (r.t === "commit" || r.t === "abort") open.delete(r.trx);
      }
      // Transactions without a commit record are rolled back with the before-images in their redo.
      for (const [trx, changes] of open) {
        for (let i = changes.length - 1; i >= 0; i--) {
          const r = changes[i]!;
          const table = bySpace.get(r.space);
          if (table === undefined) continue;
          table.set(r.key, r.pk, r.before, undefined);
          log.append({ t: "row", trx, space: r.space, key: r.key, pk: r.pk, before: r.after, after: r.before, ai: table.autoInc, rid: table.nextRowId });
          table.pageLsn = log.currentLsn;
        }
        log.append({ t: "abort", trx });
        rolledBack.push({ trx, rows: changes.length });
      }
      // Recovered state goes to the tablespaces at once, so the old log is never replayed again.
      engine.checkpoint();
    }
    return { engine, recovery: { crashed, shutdownLsn, checkpointLsn, endLsn, redone, rolledBack } };
  }

  private loadTable(space: number, def: TableDef): Table {
    const table = new Table(space, def);
    const path = this.tablePath(def.db, def.name);
    if (this.fs.exists(path)) {
      table.fileBytes = this.fs.stat(path).size;
      const image = readImage<TablespaceImage>(this.fs, path);
      for (const [pk, values] of image.rows) table.set(Table.keyOf(pk), pk, values, undefined);
      table.autoInc = image.autoInc;
      table.nextRowId = image.rowId;
      table.flushedLsn = image.lsn;
      table.pageLsn = image.lsn;
    }
    this.tables.set(tableId(def.db, def.name), table);
    return table;
  }

  private tablePath(db: string, name: string): string {
    return join(this.datadir, `${fileName(db)}/${fileName(name)}.ibd`);
  }

  // ---- dictionary ------------------------------------------------------------------------------

  databases(): string[] {
    return [...this.databaseNames].sort();
  }

  hasDatabase(db: string): boolean {
    return this.databaseNames.includes(db);
  }

  createDatabase(db: string): void {
    if (this.hasDatabase(db)) throw ER.dbCreateExists(db);
    const dir = join(this.datadir, fileName(db));
    if (!this.fs.exists(dir)) {
      try {
        this.fs.mkdir(dir);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        throw ER.schemaDirCreateFailed(db, e.errno, e.description);
      }
    }
    this.databaseNames.push(db);
    this.saveDictionary();
  }

  /** Drops a database and its tables; returns how many tables went. */
  dropDatabase(db: string): number {
    if (!this.hasDatabase(db)) throw ER.dbDropExists(db);
    const names = this.tableNames(db);
    for (const name of names) this.tables.delete(tableId(db, name));
    this.databaseNames.splice(this.databaseNames.indexOf(db), 1);
    this.saveDictionary();
    const dir = join(this.datadir, fileName(db));
    if (this.fs.exists(dir)) this.postDdl.push({ path: dir, dir: true });
    return names.length;
  }

  tableNames(db: string): string[] {
    const out: string[] = [];
    for (const t of this.tables.values()) if (t.def.db === db) out.push(t.def.name);
    return out.sort();
  }

  table(db: string, name: string): Table | undefined {
    return this.tables.get(tableId(db, name));
  }

  createTable(def: TableDef): Table {
    if (this.table(def.db, def.name) !== undefined) throw ER.tableExists(def.name);
    const table = new Table(this.nextSpace++, def);
    const auto = def.options["AUTO_INCREMENT"];
    if (typeof auto === "number" && auto > 1) table.autoInc = auto;
    table.flushedLsn = table.pageLsn = this.redo.currentLsn;
    this.createTablespace(table);
    this.tables.set(tableId(def.db, def.name), table);
    this.saveDictionary();
    return table;
  }

  dropTable(db: string, name: string): void {
    const table = this.table(db, name);
    if (table === undefined) throw ER.badTable(`${db}.${name}`);
    this.tables.delete(tableId(db, name));
    this.saveDictionary();
    const path = this.tablePath(db, name);
    if (this.fs.exists(path)) this.postDdl.push({ path, dir: false });
  }

  /**
   * TRUNCATE is DDL in MySQL 8: the old tablespace is renamed aside and the table recreated empty
   * with a new one, atomically; if the new file cannot be made, the old one comes back.
   */
  truncateTable(db: string, name: string): void {
    const old = this.table(db, name);
    if (old === undefined) throw ER.noSuchTable(db, name);
    const path = this.tablePath(db, name);
    const aside = join(this.datadir, `${fileName(db)}/#sql-ib${old.spaceId}.ibd`);
    this.fs.rename(path, aside);
    const table = new Table(this.nextSpace++, old.def);
    table.flushedLsn = table.pageLsn = this.redo.currentLsn;
    try {
      this.createTablespace(table);
    } catch (e) {
      this.fs.rename(aside, path);
      throw e;
    }
    this.postDdl.push({ path: aside, dir: false });
    this.tables.set(tableId(db, name), table);
    this.saveDictionary();
  }

  /**
   * fil_ibd_create: a new `.ibd` of its initial size. Without room, InnoDB removes what it began
   * and the statement fails with ER_DISK_FULL_NOWAIT.
   */
  private createTablespace(table: Table): void {
    const { db, name } = table.def;
    const path = this.tablePath(db, name);
    const shown = `./${fileName(db)}/${fileName(name)}.ibd`;
    this.fs.writeFile(path, new Uint8Array());
    if (!this.space.createFile(path, shown, IBD_INITIAL_BYTES)) {
      this.errorLog("ERROR", 12129, "InnoDB", `Could not write the first page to tablespace '${shown}'`);
      this.fs.unlink(path);
      this.errorLog("ERROR", 13133, "Server", `Create table/tablespace '${name}' failed, as disk is full.`);
      throw ER.diskFullNowait(name);
    }
    this.writeImage(table);
  }

  /**
   * Grows a table's file, extension by extension, until it has `pages`; a growth the disk
   * refuses fails the statement (DB_OUT_OF_FILE_SPACE) after InnoDB and the handler log it.
   */
  private reserve(table: Table, pages: number): void {
    const { db, name } = table.def;
    const path = this.tablePath(db, name);
    const shown = `./${fileName(db)}/${fileName(name)}.ibd`;
    while (table.filePages < pages) {
      const to = nextExtension(table.filePages) * PAGE_SIZE;
      const grown = this.space.extend(path, shown, table.fileBytes, to);
      table.fileBytes = this.fs.stat(path).size;
      if (!grown) {
        this.errorLog("ERROR", 13132, "Server", `The table '${name}' is full!`);
        throw ER.recordFileFull(name);
      }
    }
  }

  /** Deletes what committed DROPs and TRUNCATEs let go of: only now is their space free. */
  runPostDdl(): void {
    for (const { path, dir } of this.postDdl.splice(0)) {
      if (!this.fs.exists(path)) continue;
      if (dir) this.fs.rmdir(path, { recursive: true });
      else this.fs.unlink(path);
    }
  }

  /** Persists accounts and grants (every account-management statement ends here). */
  saveAcl(): void {
    this.saveDictionary();
  }

  private saveDictionary(): void {
    const dict: DictionaryData = {
      databases: this.databaseNames,
      tables: [...this.tables.values()].map((t) => ({ space: t.spaceId, def: t.def })),
      acl: this.acl.toJSON(),
      nextSpace: this.nextSpace,
    };
    writeImage(this.fs, join(this.datadir, DICTIONARY), dict);
  }

  // ---- transactions ----------------------------------------------------------------------------

  begin(): Trx {
    const trx = new Trx(this.nextTrx++);
    this.active.set(trx.id, trx);
    return trx;
  }

  /** The row as `trx` sees it: another transaction's uncommitted change is invisible. */
  private visible(slot: { values: readonly SqlValue[] | null; lock?: { trx: number; before: readonly SqlValue[] | null } }, trx: Trx): readonly SqlValue[] | null {
    return slot.lock !== undefined && slot.lock.trx !== trx.id ? slot.lock.before : slot.values;
  }

  /** Rows visible to `trx`, in primary key order. */
  *read(trx: Trx, table: Table): Generator<[string, readonly SqlValue[]]> {
    for (const key of table.keys()) {
      const slot = table.rows.get(key);
      if (slot === undefined) continue;
      const v = this.visible(slot, trx);
      if (v !== null) yield [key, v];
    }
  }

  /** One row by primary key as `trx` sees it. */
  readKey(trx: Trx, table: Table, key: string): readonly SqlValue[] | undefined {
    const slot = table.rows.get(key);
    if (slot === undefined) return undefined;
    return this.visible(slot, trx) ?? undefined;
  }

  /** The newest version of a row for changing it (a locking read): waits if another transaction holds it. */
  lockingRead(trx: Trx, table: Table, key: string): readonly SqlValue[] | undefined {
    const slot = table.rows.get(key);
    if (slot === undefined) return undefined;
    if (slot.lock !== undefined && slot.lock.trx !== trx.id) throw new LockWait(slot.lock.trx);
    return slot.values ?? undefined;
  }

  insert(trx: Trx, table: Table, values: SqlValue[]): void {
    let pk = table.pkOf(values);
    if (pk === null) pk = [table.nextRowId++];
    const key = Table.keyOf(pk);
    const slot = table.rows.get(key);
    if (slot !== undefined) {
      if (slot.lock !== undefined && slot.lock.trx !== trx.id) throw new LockWait(slot.lock.trx);
      if (slot.values !== null) throw ER.dupEntry(dupText(pk), `${table.def.name}.PRIMARY`);
    }
    this.checkUnique(trx, table, key, values);
    this.change(trx, table, key, pk, values);
  }

  update(trx: Trx, table: Table, key: string, values: SqlValue[]): void {
    const slot = table.rows.get(key)!;
    const newPk = table.pkOf(values) ?? slot.pk;
    const newKey = Table.keyOf(newPk);
    if (newKey !== key) {
      const other = table.rows.get(newKey);
      if (other !== undefined) {
        if (other.lock !== undefined && other.lock.trx !== trx.id) throw new LockWait(other.lock.trx);
        if (other.values !== null) throw ER.dupEntry(dupText(newPk), `${table.def.name}.PRIMARY`);
      }
    }
    this.checkUnique(trx, table, key, values);
    if (newKey !== key) {
      this.change(trx, table, key, slot.pk, null);
      this.change(trx, table, newKey, newPk, values);
    } else this.change(trx, table, key, slot.pk, values);
  }

  delete(trx: Trx, table: Table, key: string): void {
    const slot = table.rows.get(key)!;
    this.change(trx, table, key, slot.pk, null);
  }

  /** The key of the row an insert of `values` collides with, on the primary key or a unique index. */
  conflictKey(trx: Trx, table: Table, values: readonly SqlValue[]): string | undefined {
    const pk = table.pkOf(values);
    if (pk !== null) {
      const key = Table.keyOf(pk);
      const slot = table.rows.get(key);
      if (slot !== undefined) {
        if (slot.lock !== undefined && slot.lock.trx !== trx.id) throw new LockWait(slot.lock.trx);
        if (slot.values !== null) return key;
      }
    }
    for (const u of table.uniques) {
      const k = table.uniqueKey(u, values);
      if (k === null) continue;
      for (const other of u.entries.get(k) ?? []) {
        const slot = table.rows.get(other)!;
        if (slot.lock !== undefined && slot.lock.trx !== trx.id) throw new LockWait(slot.lock.trx);
        if (slot.values !== null && table.uniqueKey(u, slot.values) === k) return other;
      }
    }
    return undefined;
  }

  private checkUnique(trx: Trx, table: Table, self: string, values: readonly SqlValue[]): void {
    for (const u of table.uniques) {
      const k = table.uniqueKey(u, values);
      if (k === null) continue;
      for (const other of u.entries.get(k) ?? []) {
        if (other === self) continue;
        const slot = table.rows.get(other)!;
        if (slot.lock !== undefined && slot.lock.trx !== trx.id) throw new LockWait(slot.lock.trx);
        if (slot.values !== null && table.uniqueKey(u, slot.values) === k) {
          throw ER.dupEntry(dupText(u.columns.map((c) => values[c] ?? null)), `${table.def.name}.${u.name}`);
        }
      }
    }
  }

  private change(trx: Trx, table: Table, key: string, pk: readonly SqlValue[], after: readonly SqlValue[] | null): void {
    const pages = table.pagesWith(key, after);
    if (pages > table.filePages) this.reserve(table, pages);
    const slot = table.rows.get(key);
    const before = slot?.values ?? null;
    const firstTouch = slot?.lock === undefined;
    const lock = firstTouch ? { trx: trx.id, before } : slot!.lock;
    table.set(key, pk, after, lock);
    if (after !== null && table.autoIncColumn >= 0) {
      const v = after[table.autoIncColumn];
      if (typeof v === "number" && v >= table.autoInc) table.autoInc = v + 1;
    }
    trx.undo.push({ table, key, pk, before, after, firstTouch });
    const lsn = this.redo.append({ t: "row", trx: trx.id, space: table.spaceId, key, pk, before, after, ai: table.autoInc, rid: table.nextRowId });
    trx.firstLsn ??= lsn;
    table.pageLsn = this.redo.currentLsn;
  }

  /** The undo position to roll a failed statement back to. */
  savepoint(trx: Trx): number {
    return trx.undo.length;
  }

  /** Undoes changes after `savepoint`, logging compensating redo records, as InnoDB's rollback does. */
  rollbackTo(trx: Trx, savepoint: number): void {
    while (trx.undo.length > savepoint) {
      const e = trx.undo.pop()!;
      const slot = e.table.rows.get(e.key);
      const lock = e.firstTouch ? undefined : slot?.lock;
      e.table.set(e.key, e.pk, e.before, lock);
      this.redo.append({ t: "row", trx: trx.id, space: e.table.spaceId, key: e.key, pk: e.pk, before: e.after, after: e.before, ai: e.table.autoInc, rid: e.table.nextRowId });
      e.table.pageLsn = this.redo.currentLsn;
    }
  }

  /** Commits: writes the commit record and releases the rows. Returns the LSN that must be durable. */
  commit(trx: Trx): number {
    this.end(trx);
    if (trx.undo.length === 0) {
      this.release(trx);
      return 0;
    }
    this.redo.append({ t: "commit", trx: trx.id });
    for (const e of trx.undo) {
      const slot = e.table.rows.get(e.key);
      if (slot?.lock?.trx === trx.id) e.table.set(e.key, e.pk, slot.values, undefined);
    }
    this.release(trx);
    return this.redo.currentLsn;
  }

  rollback(trx: Trx): void {
    this.end(trx);
    const had = trx.undo.length > 0;
    this.rollbackTo(trx, 0);
    if (had) this.redo.append({ t: "abort", trx: trx.id });
    this.release(trx);
  }

  private end(trx: Trx): void {
    this.active.delete(trx.id);
    this.waits.delete(trx.id);
  }

  private release(trx: Trx): void {
    this.onRelease?.(trx.id);
  }

  /** Records that `trx` waits for `holder`; true if that closes a cycle (a deadlock). */
  wait(trx: Trx, holder: number): boolean {
    let at: number | undefined = holder;
    const seen = new Set<number>();
    while (at !== undefined && !seen.has(at)) {
      if (at === trx.id) return true;
      seen.add(at);
      at = this.waits.get(at);
    }
    this.waits.set(trx.id, holder);
    return false;
  }

  stopWaiting(trx: Trx): void {
    this.waits.delete(trx.id);
  }

  isActive(trxId: number): boolean {
    return this.active.has(trxId);
  }

  // ---- checkpoints and shutdown ----------------------------------------------------------------

  /** Whether any table has changes not yet in its tablespace file. */
  get dirty(): boolean {
    for (const t of this.tables.values()) if (t.dirty) return true;
    return false;
  }

  /**
   * Writes dirty tables to their tablespaces and records a checkpoint. The log is made durable
   * first (a page may reach disk only after the redo describing it), and the checkpoint stops
   * at the oldest open transaction so that its changes can still be undone after a crash.
   */
  checkpoint(): void {
    this.redo.write();
    this.redo.fsync();
    for (const t of this.tables.values()) if (t.dirty) this.writeImage(t);
    let at = this.redo.currentLsn;
    for (const trx of this.active.values()) if (trx.firstLsn !== undefined && trx.firstLsn < at) at = trx.firstLsn;
    this.redo.append({ t: "checkpoint", at, nextTrx: this.nextTrx });
    this.redo.write();
    this.redo.fsync();
    this.redo.purge(at);
  }

  private writeImage(t: Table): void {
    // Encoded at once, so the rows' own arrays serve: they are not copied for it.
    const rows: [readonly SqlValue[], readonly SqlValue[]][] = [];
    for (const key of t.keys()) {
      const slot = t.rows.get(key)!;
      if (slot.values !== null) rows.push([slot.pk, slot.values]);
    }
    const image: TablespaceImage = { space: t.spaceId, lsn: t.pageLsn, autoInc: t.autoInc, rowId: t.nextRowId, rows };
    writeImage(this.fs, this.tablePath(t.def.db, t.def.name), image);
    t.fileBytes = this.fs.stat(this.tablePath(t.def.db, t.def.name)).size;
    t.flushedLsn = t.pageLsn;
  }

  private removeTemporaryTablespaces(): void {
    this.fs.unlink(join(this.datadir, TEMPORARY_TABLESPACE));
    const dir = join(this.datadir, TEMPORARY_DIR);
    for (const name of this.fs.readdir(dir)) this.fs.unlink(join(dir, name));
  }

  /** Slow shutdown as far as durability goes: roll back what is open, checkpoint, mark clean. */
  shutdown(): void {
    for (const trx of [...this.active.values()]) this.rollback(trx);
    this.checkpoint();
    this.removeTemporaryTablespaces();
    writeImage(this.fs, join(this.datadir, SYSTEM_TABLESPACE), { shutdownLsn: this.redo.currentLsn });
  }
}

function tableId(db: string, name: string): string {
  return `${db}\u0000${name}`;
}

/** The value part of ER_DUP_ENTRY: key parts joined with '-'. */
function dupText(values: readonly SqlValue[]): string {
  return values.map((v) => (v === null ? "NULL" : String(v))).join("-");
}

/**
 * srv_open_tmp_tablespace and ibt::open_or_create: the global temporary tablespace (written
 * full of zeros) and the pool of session ones, made anew at every start and removed at a normal
 * shutdown. Without room for ibtmp1, InnoDB's initialization aborts.
 */
function createTemporaryTablespaces(fs: DataFs, datadir: string, space: FileSpace, log: ErrorLogLine): void {
  const ibtmp1 = join(datadir, TEMPORARY_TABLESPACE);
  if (fs.exists(ibtmp1)) fs.unlink(ibtmp1);
  fs.writeFile(ibtmp1, new Uint8Array());
  if (!space.setSize(ibtmp1, `./${TEMPORARY_TABLESPACE}`, 0, SYSTEM_TABLESPACE_BYTES)) {
    log("ERROR", 12267, "InnoDB", `Could not set the file size of './${TEMPORARY_TABLESPACE}'. Probably out of disk space`);
    log("ERROR", 12926, "InnoDB", "Unable to create the shared innodb_temporary.");
    log("ERROR", 12930, "InnoDB", "Plugin initialization aborted with error Generic error.");
    fs.unlink(ibtmp1);
    throw new InnoDBStartupError();
  }
  const dir = join(datadir, TEMPORARY_DIR);
  if (!fs.exists(dir)) fs.mkdir(dir);
  for (let i = 1; i <= SESSION_TEMPORARY_POOL; i++) {
    const path = join(dir, `temp_${i}.ibt`);
    if (fs.exists(path)) fs.unlink(path);
    fs.fallocate(path, SESSION_TEMPORARY_BYTES);
  }
}
