import type { Cell, Partition, Row } from "./data.js";
import { cellColumn, markerOf } from "./data.js";

/**
 * What a compaction writes for one partition (CompactionIterator with its PurgeFunction, 3.x):
 * data a deletion shadows is dropped whatever its age, and a tombstone (or an expired cell) is
 * dropped itself once its local deletion time is before `gcBefore` (now − gc_grace_seconds) —
 * from then on a replica that missed the deletion can bring the data back. `purgeable` is false
 * when something outside the compaction may still hold older data for the partition, as then
 * the tombstones must stay.
 *
 * A tombstone's local deletion time is the second it was written; ksim takes it from the write
 * timestamp, which is that second unless the statement gave its own (USING TIMESTAMP).
 */
export function compactPartition(p: Partition, nowSec: number, gcBefore: number, purgeable: boolean): Partition | undefined {
  const purge = (deletedAt: number) => purgeable && deletionSecond(deletedAt) < gcBefore;
  const rows: Record<string, Row> = {};
  for (const rk in p.rows) {
    const row = compactRow(p.rows[rk]!, p.del, nowSec, gcBefore, purge, purgeable);
    if (row !== undefined) rows[rk] = row;
  }
  const del = p.del !== undefined && !purge(p.del) ? p.del : undefined;
  if (del === undefined && Object.keys(rows).length === 0) return undefined;
  return { key: p.key, ...(del !== undefined ? { del } : {}), rows };
}

function compactRow(
  row: Row,
  partitionDel: number | undefined,
  nowSec: number,
  gcBefore: number,
  purge: (deletedAt: number) => boolean,
  purgeable: boolean,
): Row | undefined {
  const shadow = Math.max(row.del ?? -Infinity, partitionDel ?? -Infinity);
  const cells: Record<string, Cell> = {};
  for (const key in row.cells) {
    const c = row.cells[key]!;
    const col = cellColumn(key);
    if (c.ts <= shadow || (col !== key && c.ts <= (row.cdel?.[col] ?? -Infinity))) continue;
    if (c.tomb) {
      if (!purge(c.ts)) cells[key] = c;
    } else if (c.exp !== undefined && nowSec >= c.exp) {
      // Cell.purge: an expired cell goes once its expiry is past gc_grace, else it stays as the tombstone it now is.
      if (!(purgeable && c.exp < gcBefore)) cells[key] = { v: null, ts: c.ts, tomb: true, ...(c.k !== undefined ? { k: c.k } : {}) };
    } else cells[key] = c;
  }
  let cdel: Record<string, number> | undefined;
  for (const col in row.cdel) {
    const at = row.cdel[col]!;
    if (at > shadow && !purge(at)) (cdel ??= {})[col] = at;
  }
  const markerLive = row.marker !== undefined && row.marker > shadow && !(row.markerExp !== undefined && nowSec >= row.markerExp && purgeable && row.markerExp < gcBefore);
  const del = row.del !== undefined && row.del > (partitionDel ?? -Infinity) && !purge(row.del) ? row.del : undefined;
  if (!markerLive && del === undefined && cdel === undefined && Object.keys(cells).length === 0) return undefined;
  return { ck: row.ck, ...(markerLive ? markerOf(row) : {}), ...(del !== undefined ? { del } : {}), ...(cdel !== undefined ? { cdel } : {}), cells };
}

/**
 * A replica's answer to a read (ReadCommand.executeLocally's withoutPurgeableTombstones): its
 * sources merged, shadowed data gone, and tombstones past gc_grace_seconds left out — so a
 * replica that missed the deletion wins the read and read repair spreads what it holds.
 * A partition without deletions or expired cells is answered as it is.
 */
export function readablePartition(p: Partition, nowSec: number, gcBefore: number): Partition | undefined {
  return hasDeadData(p, nowSec) ? compactPartition(p, nowSec, gcBefore, true) : p;
}

function hasDeadData(p: Partition, nowSec: number): boolean {
  if (p.del !== undefined) return true;
  for (const rk in p.rows) {
    const row = p.rows[rk]!;
    if (row.del !== undefined || row.cdel !== undefined || (row.markerExp !== undefined && nowSec >= row.markerExp)) return true;
    for (const key in row.cells) {
      const c = row.cells[key]!;
      if (c.tomb || (c.exp !== undefined && nowSec >= c.exp)) return true;
    }
  }
  return false;
}

/** A deletion's local deletion time, from its write timestamp (microseconds). */
function deletionSecond(ts: number): number {
  return Math.floor(ts / 1_000_000);
}
