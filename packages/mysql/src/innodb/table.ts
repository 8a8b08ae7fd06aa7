import type { ColumnDef, IndexDef } from "../sql/ast.js";
import { compareForSort, groupKey, type SqlValue } from "../sql/values.js";
import { type Footprint, IBD_INITIAL_BYTES, NO_FOOTPRINT, PAGE_SIZE, pagesNeeded, rowFootprint } from "./space.js";

/** A table's definition, as the data dictionary keeps it. */
export interface TableDef {
  readonly db: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly indexes: readonly IndexDef[];
  readonly options: Readonly<Record<string, string | number>>;
}

/** An uncommitted change holds the row: other transactions see `before` and wait to change it. */
export interface RowLock {
  readonly trx: number;
  /** The committed row (null: the row did not exist). */
  readonly before: readonly SqlValue[] | null;
}

export interface Slot {
  /** Primary key values (the hidden row id for tables without a primary key). */
  readonly pk: readonly SqlValue[];
  /** The newest version, uncommitted changes included; null while a delete is uncommitted. */
  values: readonly SqlValue[] | null;
  lock: RowLock | undefined;
}

interface UniqueIndex {
  readonly name: string;
  readonly columns: readonly number[];
  readonly prefix: readonly (number | undefined)[];
  /** Key → row keys whose newest or committed version has it. */
  readonly entries: Map<string, Set<string>>;
}

/**
 * A table in the buffer pool: rows by primary key (InnoDB's clustered index) and the unique
 * secondary indexes that can reject an insert. Row versions and locks are kept on the rows;
 * the engine decides who may see and change what.
 */
export class Table {
  readonly rows = new Map<string, Slot>();
  /** Row keys in primary key order; null when a new key has made it stale. */
  private order: string[] | null = [];
  autoInc = 1;
  nextRowId = 1;
  /**
   * LSN just past the newest change applied, and the same for the tablespace file: a redo record
   * starting below `flushedLsn` is already in the file.
   */
  pageLsn = 0;
  flushedLsn = 0;
  /** What the newest row versions take: bytes in index pages, and BLOB pages of their own. */
  private inPageBytes = 0;
  private blobPages = 0;
  /** The size of the `.ibd` file: rows beyond what its pages hold make it grow. */
  fileBytes = IBD_INITIAL_BYTES;
  readonly pkColumns: readonly number[] | null;
  readonly autoIncColumn: number;
  readonly uniques: readonly UniqueIndex[];

  constructor(
    readonly spaceId: number,
    readonly def: TableDef,
  ) {
    const col = (name: string) => def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    const primary = def.indexes.find((i) => i.kind === "primary");
    this.pkColumns = primary === undefined ? null : primary.parts.map((p) => col(p.column));
    this.autoIncColumn = def.columns.findIndex((c) => c.autoIncrement);
    this.uniques = def.indexes
      .filter((i) => i.kind === "unique")
      .map((i) => ({ name: i.name, columns: i.parts.map((p) => col(p.column)), prefix: i.parts.map((p) => p.length), entries: new Map() }));
  }

  get dirty(): boolean {
    return this.pageLsn > this.flushedLsn;
  }

  /** Pages the table needs once the row at `key` becomes `values`. */
  pagesWith(key: string, values: readonly SqlValue[] | null): number {
    const before = this.footprint(this.rows.get(key)?.values ?? null);
    const after = this.footprint(values);
    return pagesNeeded(this.def, this.inPageBytes - before.inPage + after.inPage, this.blobPages - before.blobPages + after.blobPages);
  }

  get filePages(): number {
    return Math.floor(this.fileBytes / PAGE_SIZE);
  }

  /** A write asks for a row's footprint in `pagesWith` and again in `set`; row versions
   *  are never mutated once stored, so each is measured once. */
  private readonly footprints = new WeakMap<readonly SqlValue[], Footprint>();

  private footprint(values: readonly SqlValue[] | null): Footprint {
    if (values === null) return NO_FOOTPRINT;
    let f = this.footprints.get(values);
    if (f === undefined) {
      f = rowFootprint(this.def, values, this.pkColumns !== null);
      this.footprints.set(values, f);
    }
    return f;
  }

  private account(before: readonly SqlValue[] | null, after: readonly SqlValue[] | null): void {
    if (before === after) return;
    const b = this.footprint(before);
    const a = this.footprint(after);
    this.inPageBytes += a.inPage - b.inPage;
    this.blobPages += a.blobPages - b.blobPages;
  }

  pkOf(values: readonly SqlValue[]): SqlValue[] | null {
    return this.pkColumns === null ? null : this.pkColumns.map((i) => values[i] ?? null);
  }

  static keyOf(pk: readonly SqlValue[]): string {
    return groupKey(pk);
  }

  /** Row keys in primary key order. */
  keys(): readonly string[] {
    if (this.order === null) {
      const slots = [...this.rows.entries()];
      slots.sort((a, b) => comparePk(a[1].pk, b[1].pk));
      this.order = slots.map(([k]) => k);
    }
    return this.order;
  }

  /** The unique-index key of a row for index `u`, or null when a NULL part exempts it. */
  uniqueKey(u: UniqueIndex, values: readonly SqlValue[]): string | null {
    const parts: SqlValue[] = [];
    for (const [i, c] of u.columns.entries()) {
      let v = values[c] ?? null;
      if (v === null) return null;
      const len = u.prefix[i];
      if (len !== undefined && typeof v === "string") v = [...v].slice(0, len).join("");
      parts.push(v);
    }
    return groupKey(parts);
  }

  /** Replaces the newest version of a row (null deletes it), keeping indexes in step. */
  set(key: string, pk: readonly SqlValue[], values: readonly SqlValue[] | null, lock: RowLock | undefined): Slot {
    let slot = this.rows.get(key);
    this.account(slot?.values ?? null, values);
    if (slot !== undefined) this.unindex(key, slot);
    if (values === null && lock === undefined) {
      if (slot !== undefined) {
        this.rows.delete(key);
        this.order = this.order?.filter((k) => k !== key) ?? null;
      }
      return { pk, values: null, lock: undefined };
    }
    if (slot === undefined) {
      slot = { pk, values, lock };
      this.rows.set(key, slot);
      const last = this.order?.[this.order.length - 1];
      if (this.order !== null && (last === undefined || comparePk(this.rows.get(last)!.pk, pk) < 0)) this.order.push(key);
      else this.order = null;
    } else {
      slot.values = values;
      slot.lock = lock;
    }
    this.index(key, slot);
    return slot;
  }

  private index(key: string, slot: Slot): void {
    for (const u of this.uniques) {
      for (const v of [slot.values, slot.lock?.before ?? null]) {
        if (v === null) continue;
        const k = this.uniqueKey(u, v);
        if (k === null) continue;
        let set = u.entries.get(k);
        if (set === undefined) u.entries.set(k, (set = new Set()));
        set.add(key);
      }
    }
  }

  private unindex(key: string, slot: Slot): void {
    for (const u of this.uniques) {
      for (const v of [slot.values, slot.lock?.before ?? null]) {
        if (v === null) continue;
        const k = this.uniqueKey(u, v);
        if (k === null) continue;
        const set = u.entries.get(k);
        set?.delete(key);
        if (set?.size === 0) u.entries.delete(k);
      }
    }
  }
}

function comparePk(a: readonly SqlValue[], b: readonly SqlValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareForSort(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}
