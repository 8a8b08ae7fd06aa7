import type { AdminResponse, SnapshotRequest } from "./admin.js";
import { javaHashMapOrder, stringHash, stringifyFileSize, uuidHash } from "./java-format.js";
import { JMX_THREAD as JMX } from "./log.js";
import type { CassandraNode } from "./node.js";
import type { AdminDiskView, SnapshotOnDisk } from "./node-io.js";
import { isSystemKeyspace } from "./schema.js";
import { tableCql } from "./schema-cql.js";
import type { TableStore } from "./storage.js";

/**
 * Snapshots (StorageService.takeSnapshot, getSnapshotDetails, loadNewSSTables, 3.11): hard links
 * of a table's live SSTables under `<table dir>/snapshots/<tag>`, the sizes nodetool lists for
 * them, and SSTables copied back into a table's directory joining it without a restart. What is
 * on disk comes from the host with each call, since a user may have removed or copied files.
 */

type Failure = { readonly exception: string; readonly message: string };
const ioError = (message: string): Failure => ({ exception: "java.io.IOException", message });
const fail = (f: Failure): AdminResponse => ({ ok: false, error: f });

/** Keyspace.all(): the schema's keyspaces in its map's order, as repair walks them. */
function keyspaceOrder(node: CassandraNode): string[] {
  return javaHashMapOrder(node.schema.keyspaces().map((k) => k.name), stringHash, 32);
}

/** Keyspace.getColumnFamilyStores(): the keyspace's live tables, in the order of its map by table id. */
export function liveStores(node: CassandraNode, keyspace: string): TableStore[] {
  const live = node.storage.allTables().filter((t) => t.keyspace === keyspace && (isSystemKeyspace(keyspace) || node.schema.table(keyspace, t.table)?.id === t.tableId));
  return javaHashMapOrder(live, (t) => uuidHash(t.tableId));
}

const exists = (disk: AdminDiskView, t: TableStore, tag: string) => disk.snapshots.some((s) => s.tableDir === t.dir && s.tag === tag);

export function takeSnapshot(node: CassandraNode, req: SnapshotRequest, disk: AdminDiskView): AdminResponse {
  const mode = node.service.mode;
  // takeMultipleTableSnapshot: every keyspace.table is checked before any is taken.
  if (req.tables !== undefined) {
    const chosen: TableStore[] = [];
    for (const entry of req.tables) {
      const parts = entry.split(".").filter((p) => p !== "");
      if (parts.length !== 2) {
        return fail({
          exception: "java.lang.IllegalArgumentException",
          message: "Cannot take a snapshot on secondary index or invalid column family name. You must supply a column family name in the form of keyspace.columnfamily",
        });
      }
      const [keyspace, table] = parts as [string, string];
      if (mode === "JOINING") return fail(ioError("Cannot snapshot until bootstrap completes"));
      if (req.tag === "") return fail(ioError("You must supply a snapshot name."));
      if (!node.schema.keyspaces().some((k) => k.name === keyspace)) return fail(ioError(`Keyspace ${keyspace} does not exist`));
      const t = liveStores(node, keyspace).find((s) => s.table === table);
      if (t === undefined) return fail({ exception: "java.lang.IllegalArgumentException", message: `Unknown keyspace/cf pair (${keyspace}.${table})` });
      if (exists(disk, t, req.tag)) return fail(ioError(`Snapshot ${req.tag} already exists.`));
      chosen.push(t);
    }
    for (const t of chosen) snapshotTable(node, t, req.tag, req.skipFlush);
    return { ok: true, value: null };
  }
  if (mode === "JOINING") return fail(ioError("Cannot snapshot until bootstrap completes"));
  if (req.tag === "") return fail(ioError("You must supply a snapshot name."));
  const known = node.schema.keyspaces().map((k) => k.name);
  const missing = req.keyspaces.find((k) => !known.includes(k));
  if (missing !== undefined) return fail(ioError(`Keyspace ${missing} does not exist`));
  const keyspaces = req.keyspaces.length > 0 ? req.keyspaces : keyspaceOrder(node);
  if (keyspaces.some((k) => liveStores(node, k).some((t) => exists(disk, t, req.tag)))) return fail(ioError(`Snapshot ${req.tag} already exists.`));
  for (const k of keyspaces) for (const t of liveStores(node, k)) snapshotTable(node, t, req.tag, req.skipFlush);
  return { ok: true, value: null };
}

/** ColumnFamilyStore.snapshot: a flush first unless told not to, so the snapshot holds every acknowledged write. */
function snapshotTable(node: CassandraNode, t: TableStore, tag: string, skipFlush: boolean): void {
  if (!skipFlush) node.storage.flush(t, JMX);
  const def = node.schema.table(t.keyspace, t.table);
  node.storage.snapshot(t, tag, def === undefined || isSystemKeyspace(t.keyspace) ? undefined : `${tableCql(def)}\n`);
}

/** An SSTable component's file name (Descriptor.fromFilename accepts it). */
const COMPONENT = /^[a-z]{2}-\d+-big-[A-Za-z0-9.]+$/;

/**
 * getSnapshotDetails and trueSnapshotsSize: per snapshot name (in the order of the HashMap they
 * are gathered in), a row for each live table outside the system keyspace that has it, in
 * keyspace and table order: its size on disk, and its true size, which leaves out the files it
 * still shares with the table's live SSTables.
 */
export function snapshotDetails(node: CassandraNode, disk: AdminDiskView): { rows: string[][]; trueTotal: number } {
  const byTag = new Map<string, string[][]>();
  let trueTotal = 0;
  for (const keyspace of keyspaceOrder(node)) {
    if (keyspace === "system") continue;
    for (const t of liveStores(node, keyspace)) {
      const live = node.storage.liveFileNames(t);
      const mine = new Map<string, { onDisk: number; trueSize: number }>();
      for (const s of disk.snapshots) {
        if (s.tableDir !== t.dir) continue;
        const sizes = sizesOf(s, live);
        const before = mine.get(s.tag);
        mine.set(s.tag, before === undefined ? sizes : { onDisk: before.onDisk + sizes.onDisk, trueSize: before.trueSize + sizes.trueSize });
      }
      for (const [tag, sizes] of mine) {
        trueTotal += sizes.trueSize;
        let rows = byTag.get(tag);
        if (rows === undefined) byTag.set(tag, (rows = []));
        rows.push([tag, keyspace, t.table, stringifyFileSize(sizes.trueSize), stringifyFileSize(sizes.onDisk)]);
      }
    }
  }
  return { rows: javaHashMapOrder([...byTag.keys()], stringHash).flatMap((tag) => byTag.get(tag)!), trueTotal };
}

/** ColumnFamilyStore.trueSnapshotsSize: what the table's snapshots hold on disk that its live SSTables do not share. */
export function trueSnapshotsSize(node: CassandraNode, t: TableStore, disk: AdminDiskView): number {
  const live = node.storage.liveFileNames(t);
  return disk.snapshots.filter((s) => s.tableDir === t.dir).reduce((n, s) => n + sizesOf(s, live).trueSize, 0);
}

function sizesOf(s: SnapshotOnDisk, live: ReadonlySet<string>): { onDisk: number; trueSize: number } {
  let onDisk = 0;
  let trueSize = 0;
  for (const f of s.files) {
    onDisk += f.bytes;
    if (COMPONENT.test(f.name) && !live.has(f.name)) trueSize += f.bytes;
  }
  return { onDisk, trueSize };
}

/** StorageService.loadNewSSTables(keyspace, table): nodetool refresh. */
export function refresh(node: CassandraNode, keyspace: string, table: string, disk: AdminDiskView): AdminResponse {
  // Keyspace.open asserts the keyspace exists (Cassandra runs with -ea).
  if (!node.schema.keyspaces().some((k) => k.name === keyspace)) return fail({ exception: "java.lang.AssertionError", message: `Unknown keyspace ${keyspace}` });
  const t = liveStores(node, keyspace).find((s) => s.table === table);
  if (t === undefined) return fail({ exception: "java.lang.IllegalArgumentException", message: `Unknown keyspace/cf pair (${keyspace}.${table})` });
  const log = (site: string, message: string) => node.log({ level: "INFO", thread: JMX, site, message });
  log("ColumnFamilyStore.java:711", `Loading new SSTables for ${keyspace}/${table}...`);
  const loaded = node.storage.loadNew(t, disk.sstables, JMX);
  if (loaded.length === 0) {
    log("ColumnFamilyStore.java:770", `No new SSTables were found for ${keyspace}/${table}`);
  } else {
    const readers = loaded.map((p) => `BigTableReader(path='${p}')`).join(", ");
    log("ColumnFamilyStore.java:774", `Loading new SSTables and building secondary indexes for ${keyspace}/${table}: [${readers}]`);
    log("ColumnFamilyStore.java:782", `Done loading load new SSTables for ${keyspace}/${table}`);
  }
  return { ok: true, value: null };
}
