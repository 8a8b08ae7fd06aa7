import type { CollectionValue, Value } from "./types.js";
import { keyString, valueSize } from "./types.js";

/**
 * The data model: partitions of rows of cells, each cell stamped with a write timestamp in
 * microseconds. Deletions are tombstones (a cell tombstone, a row deletion, a partition
 * deletion) stamped the same way, and every merge is last-write-wins, so merging the same
 * updates in any order on any replica gives the same result.
 */

export interface Cell {
  readonly v: Value;
  readonly ts: number;
  /** A deleted cell (DELETE col, or SET col = null). */
  readonly tomb?: true;
  /** An expiring cell (USING TTL, default_time_to_live): its TTL, and the second it expires at (localDeletionTime). */
  readonly ttl?: number;
  readonly exp?: number;
  /** A collection element's key (a set's element, a list's time UUID, a map's key); its value is `v`. */
  readonly k?: Value;
  /**
   * A counter cell's context (CounterContext): a shard per counter id (the host id of the
   * leader that wrote it) with its clock and count. The counter's value is the sum of the counts.
   */
  readonly cc?: Readonly<Record<string, readonly [clock: number, count: bigint]>>;
}

export interface Row {
  readonly ck: readonly Value[];
  /** Primary-key liveness: INSERT sets it, so a row exists even with every column null. */
  readonly marker?: number;
  /** An INSERT with a TTL makes the primary-key liveness expire too. */
  readonly markerTtl?: number;
  readonly markerExp?: number;
  /** Row deletion timestamp. */
  readonly del?: number;
  /** Collection tombstones by column: elements written up to then are gone (an overwrite or a DELETE of the whole collection). */
  readonly cdel?: Readonly<Record<string, number>>;
  readonly cells: Readonly<Record<string, Cell>>;
}

export interface Partition {
  readonly key: readonly Value[];
  /** Partition deletion timestamp. */
  readonly del?: number;
  /** Rows by keyString(clustering values). */
  readonly rows: Readonly<Record<string, Row>>;
}

/** A collection's elements are cells of their own, under `column` + ELEMENT + the element key. */
const ELEMENT = "\u0001";

export function elementCellKey(column: string, key: Value): string {
  return `${column}${ELEMENT}${keyString([key])}`;
}

/** The column a cell (or a collection element's cell) belongs to. */
export function cellColumn(cellKey: string): string {
  const i = cellKey.indexOf(ELEMENT);
  return i < 0 ? cellKey : cellKey.slice(0, i);
}

/** The key of a partition's static row (the values of its static columns) in `rows`: no clustering values. */
export const STATIC_ROW = keyString([]);

/** A write to one partition of one table: what travels in MUTATION, HINT and commit-log records. */
export interface Mutation {
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  readonly partition: Partition;
}

/**
 * Cassandra's Cells.reconcile: newer timestamp wins; on a tie a tombstone, then the greater value.
 * Counter cells merge their contexts instead, and a tombstone beats a counter whatever the
 * timestamps (CASSANDRA-7346).
 */
export function reconcile(a: Cell, b: Cell): Cell {
  if (a.cc !== undefined || b.cc !== undefined) {
    if (a.tomb || b.tomb) return a.tomb && b.tomb ? (a.ts >= b.ts ? a : b) : a.tomb ? a : b;
    return { v: null, ts: Math.max(a.ts, b.ts), cc: mergeCounterContexts(a.cc ?? {}, b.cc ?? {}) };
  }
  if (a.ts !== b.ts) return a.ts > b.ts ? a : b;
  if (a.tomb !== b.tomb) return a.tomb ? a : b;
  return keyString([a.v]) >= keyString([b.v]) ? a : b;
}

/**
 * The counter id of an update's own shard (CounterContext's UPDATE_CLOCK_ID): a delta not yet
 * applied by a leader. Two of them in one statement or batch add up, as local shards do.
 */
export const UPDATE_SHARD = "";

/** A counter update's cell: the delta in an update shard, for the leader to apply. */
export function counterUpdate(delta: bigint, ts: number): Cell {
  return { v: null, ts, cc: { [UPDATE_SHARD]: [0, delta] } };
}

/** CounterContext.merge: per counter id, the shard with the higher clock (on a tie, the higher count); update shards add up. */
function mergeCounterContexts(a: NonNullable<Cell["cc"]>, b: NonNullable<Cell["cc"]>): NonNullable<Cell["cc"]> {
  const out: Record<string, readonly [number, bigint]> = { ...a };
  for (const id in b) {
    const mine = out[id];
    const theirs = b[id]!;
    if (mine !== undefined && id === UPDATE_SHARD) out[id] = [0, BigInt.asIntN(64, mine[1] + theirs[1])];
    else if (mine === undefined || theirs[0] > mine[0] || (theirs[0] === mine[0] && theirs[1] > mine[1])) out[id] = theirs;
  }
  return out;
}

/** CounterContext.total: a counter's value, wrapping as a Java long does. */
export function counterTotal(cc: NonNullable<Cell["cc"]>): bigint {
  let n = 0n;
  for (const id in cc) n = BigInt.asIntN(64, n + cc[id]![1]);
  return n;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

export function mergeRows(a: Row | undefined, b: Row): Row {
  if (a === undefined) return b;
  const cells: Record<string, Cell> = { ...a.cells };
  for (const col in b.cells) {
    const mine = cells[col];
    const theirs = b.cells[col]!;
    cells[col] = mine === undefined ? theirs : reconcile(mine, theirs);
  }
  const del = maxDefined(a.del, b.del);
  let cdel = a.cdel;
  if (b.cdel !== undefined) {
    const merged: Record<string, number> = { ...a.cdel };
    for (const col in b.cdel) merged[col] = maxDefined(merged[col], b.cdel[col]!)!;
    cdel = merged;
  }
  return { ck: a.ck, ...markerOf(supersedes(b, a) ? b : a), ...(del !== undefined ? { del } : {}), ...(cdel !== undefined ? { cdel } : {}), cells };
}

/** LivenessInfo.supersedes: the newer marker; at one timestamp an expiring one, the later expiry first. */
function supersedes(a: Row, b: Row): boolean {
  if (a.marker === undefined) return false;
  if (b.marker === undefined) return true;
  if (a.marker !== b.marker) return a.marker > b.marker;
  if (a.markerExp === undefined) return false;
  return b.markerExp === undefined || a.markerExp > b.markerExp;
}

/** A row's primary-key liveness fields, to spread into another row. */
export function markerOf(r: Row): Pick<Row, "marker" | "markerTtl" | "markerExp"> {
  if (r.marker === undefined) return {};
  return r.markerExp === undefined ? { marker: r.marker } : { marker: r.marker, markerTtl: r.markerTtl!, markerExp: r.markerExp };
}

/** Whether a cell holds a value at `nowSec`: not deleted, and not expired. */
function isLive(c: Cell, nowSec: number): boolean {
  return !c.tomb && (c.exp === undefined || nowSec < c.exp);
}

/** Merges two versions of a partition into a new one (neither input is modified). */
export function mergePartitions(a: Partition | undefined, b: Partition): Partition {
  if (a === undefined) return b;
  const rows: Record<string, Row> = { ...a.rows };
  for (const k in b.rows) rows[k] = mergeRows(rows[k], b.rows[k]!);
  const del = maxDefined(a.del, b.del);
  return { key: a.key, ...(del !== undefined ? { del } : {}), rows };
}

/**
 * A partition that takes updates in place, as a memtable's does: a write costs its own rows, not
 * a copy of every row the partition has. Readers get an immutable snapshot, kept until the next
 * write, so what they hold never changes under them.
 */
export class MemtablePartition {
  readonly key: readonly Value[];
  private readonly rows: Record<string, Row>;
  private del: number | undefined;
  private frozen: Partition | undefined;

  constructor(first: Partition) {
    this.key = first.key;
    this.rows = { ...first.rows };
    this.del = first.del;
    this.frozen = first;
  }

  merge(b: Partition): void {
    for (const k in b.rows) this.rows[k] = mergeRows(this.rows[k], b.rows[k]!);
    this.del = maxDefined(this.del, b.del);
    this.frozen = undefined;
  }

  snapshot(): Partition {
    return (this.frozen ??= { key: this.key, ...(this.del !== undefined ? { del: this.del } : {}), rows: { ...this.rows } });
  }
}

/** A row as a client sees it at `nowSec`: its live cells, or undefined if nothing in it is live. `dropped`: the table's dropped columns. */
export function liveRow(
  row: Row,
  partitionDel: number | undefined,
  nowSec: number,
  dropped?: Readonly<Record<string, number>>,
): Record<string, Value | CollectionValue> | undefined {
  const shadow = maxDefined(row.del, partitionDel) ?? -Infinity;
  const out: Record<string, Value | CollectionValue> = {};
  let live = row.marker !== undefined && row.marker > shadow && (row.markerExp === undefined || nowSec < row.markerExp);
  for (const key in row.cells) {
    const c = row.cells[key]!;
    if (!isLive(c, nowSec) || c.ts <= shadow) continue;
    const col = cellColumn(key);
    // A dropped column's cells are gone from the day it was dropped, whatever comes after.
    if (dropped !== undefined && col in dropped && c.ts <= dropped[col]!) continue;
    if (col !== key && row.cdel !== undefined && c.ts <= (row.cdel[col] ?? -Infinity)) continue;
    live = true;
    if (col === key) {
      out[col] = c.cc === undefined ? c.v : counterTotal(c.cc);
      continue;
    }
    const elements = (out[col] ??= { keys: [], values: [] }) as { keys: Value[]; values: Value[] };
    elements.keys.push(c.k!);
    elements.values.push(c.v);
  }
  return live ? out : undefined;
}

/** Rough on-disk size of a partition (for memtable accounting). */
export function partitionSize(p: Partition): number {
  let n = 16;
  for (const k in p.rows) {
    const r = p.rows[k]!;
    n += 16 + k.length;
    for (const col in r.cells) n += 12 + col.length + valueSize(r.cells[col]!.v);
  }
  return n;
}
