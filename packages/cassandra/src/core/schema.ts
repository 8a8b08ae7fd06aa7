import { createHash } from "node:crypto";
import type { Replication } from "./replication.js";
import { replicationMap } from "./replication.js";
import { invalid } from "./request-error.js";
import type { ColumnType, CqlType } from "./types.js";

/**
 * Schema: keyspaces and tables as versioned definitions. A change is stamped with the
 * coordinator's timestamp and merged last-write-wins on every node (drops are tombstones), and
 * the schema version gossiped as SCHEMA is a name-based UUID of a digest of the replicated
 * definitions, as Schema.updateVersion computes it: nodes agree when their digests agree.
 */

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** A static column holds one value per partition, shared by all its rows. */
  readonly kind: "partition_key" | "clustering" | "static" | "regular";
  readonly position: number;
  readonly order: "asc" | "desc";
}

export interface TableDef {
  readonly keyspace: string;
  readonly name: string;
  readonly id: string;
  readonly columns: readonly ColumnDef[];
  /** Write timestamp of the definition (µs). */
  readonly ts: number;
  readonly dropped: boolean;
  readonly dclocalReadRepairChance: number;
  readonly readRepairChance: number;
  /** The other options CREATE or ALTER TABLE set; those absent are at TABLE_PARAM_DEFAULTS. */
  readonly params?: Partial<TableOptions>;
  /** Regular columns ALTER TABLE DROP removed, with when (µs): their cells up to then stay hidden, even under a new column of the same name. */
  readonly droppedColumns?: Readonly<Record<string, number>>;
}

/** The table options besides read repair's, as TableParams holds them. */
export interface TableOptions {
  readonly bloomFilterFpChance: number;
  readonly caching: Readonly<Record<string, string>>;
  readonly comment: string;
  readonly compaction: Readonly<Record<string, string>>;
  readonly compression: Readonly<Record<string, string>>;
  readonly crcCheckChance: number;
  readonly defaultTimeToLive: number;
  readonly gcGraceSeconds: number;
  readonly maxIndexInterval: number;
  readonly memtableFlushPeriodInMs: number;
  readonly minIndexInterval: number;
  readonly speculativeRetry: string;
}

/** Every option of a table, set or default. */
export function tableParams(t: TableDef): TableOptions & { readonly readRepairChance: number; readonly dclocalReadRepairChance: number } {
  return { ...TABLE_PARAM_DEFAULTS, ...t.params, readRepairChance: t.readRepairChance, dclocalReadRepairChance: t.dclocalReadRepairChance };
}

/**
 * TableParams' defaults in Cassandra 3.11: the options ksim keeps at them for every table. They
 * are what system_schema.tables holds and what a snapshot's schema.cql and cqlsh's DESCRIBE print.
 */
export const TABLE_PARAM_DEFAULTS: TableOptions = {
  bloomFilterFpChance: 0.01,
  caching: { keys: "ALL", rows_per_partition: "NONE" },
  comment: "",
  compaction: { class: "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy", max_threshold: "32", min_threshold: "4" },
  compression: { chunk_length_in_kb: "64", class: "org.apache.cassandra.io.compress.LZ4Compressor" },
  crcCheckChance: 1.0,
  defaultTimeToLive: 0,
  gcGraceSeconds: 864000,
  maxIndexInterval: 2048,
  memtableFlushPeriodInMs: 0,
  minIndexInterval: 128,
  speculativeRetry: "99PERCENTILE",
};

export interface KeyspaceDef {
  readonly name: string;
  readonly replication: Replication;
  readonly durableWrites: boolean;
  readonly ts: number;
  readonly dropped: boolean;
}

/** What schema pushes and pulls carry, and what is written to disk. */
export interface SchemaSnapshot {
  readonly keyspaces: readonly KeyspaceDef[];
  readonly tables: readonly TableDef[];
}

/** Keyspaces that exist on every node with LocalStrategy and never replicate. */
export const LOCAL_SYSTEM_KEYSPACES = ["system", "system_schema"] as const;
/** Replicated system keyspaces, created when a node first joins the ring (timestamp 0 so all agree). */
export const REPLICATED_SYSTEM_KEYSPACES: readonly KeyspaceDef[] = [
  { name: "system_auth", replication: { class: "SimpleStrategy", replication_factor: 1 }, durableWrites: true, ts: 0, dropped: false },
  { name: "system_distributed", replication: { class: "SimpleStrategy", replication_factor: 3 }, durableWrites: true, ts: 0, dropped: false },
  { name: "system_traces", replication: { class: "SimpleStrategy", replication_factor: 2 }, durableWrites: true, ts: 0, dropped: false },
];
const SYSTEM_NAMES = new Set<string>([...LOCAL_SYSTEM_KEYSPACES, ...REPLICATED_SYSTEM_KEYSPACES.map((k) => k.name)]);

export function isSystemKeyspace(name: string): boolean {
  return SYSTEM_NAMES.has(name);
}

/** UUID.nameUUIDFromBytes: an MD5 of the bytes with the version-3 and IETF variant bits set. */
export function nameUUIDFromBytes(bytes: Uint8Array): string {
  const md5 = createHash("md5").update(bytes).digest();
  md5[6] = (md5[6]! & 0x0f) | 0x30;
  md5[8] = (md5[8]! & 0x3f) | 0x80;
  const h = md5.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Schema.emptyVersion: the version of a node that has no replicated schema yet. */
export const EMPTY_SCHEMA_VERSION = nameUUIDFromBytes(createHash("md5").digest());

function newer<T extends { ts: number }>(a: T | undefined, b: T): boolean {
  if (a === undefined || b.ts > a.ts) return true;
  // Equal timestamps: pick deterministically so every node converges on the same winner.
  return b.ts === a.ts && JSON.stringify(b) > JSON.stringify(a);
}

export class Schema {
  private readonly keyspaceDefs = new Map<string, KeyspaceDef>();
  private readonly tableDefs = new Map<string, TableDef>();
  private versionCache: string | undefined;

  /** Merges definitions; returns true if anything changed. */
  merge(snapshot: SchemaSnapshot): boolean {
    let changed = false;
    for (const k of snapshot.keyspaces) {
      if (newer(this.keyspaceDefs.get(k.name), k)) {
        this.keyspaceDefs.set(k.name, k);
        changed = true;
      }
    }
    for (const t of snapshot.tables) {
      const key = `${t.keyspace}.${t.name}`;
      if (newer(this.tableDefs.get(key), t)) {
        this.tableDefs.set(key, t);
        changed = true;
      }
    }
    if (changed) this.versionCache = undefined;
    return changed;
  }

  snapshot(): SchemaSnapshot {
    return { keyspaces: [...this.keyspaceDefs.values()], tables: [...this.tableDefs.values()] };
  }

  /** The schema version: a digest of every definition, tombstones included. */
  version(): string {
    if (this.versionCache === undefined) {
      if (this.keyspaceDefs.size === 0 && this.tableDefs.size === 0) return (this.versionCache = EMPTY_SCHEMA_VERSION);
      const ks = [...this.keyspaceDefs.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const ts = [...this.tableDefs.values()].sort((a, b) => (a.keyspace + "." + a.name < b.keyspace + "." + b.name ? -1 : 1));
      const text = JSON.stringify({ ks: ks.map(canonicalKeyspace), ts });
      this.versionCache = nameUUIDFromBytes(createHash("md5").update(text).digest());
    }
    return this.versionCache;
  }

  keyspace(name: string): KeyspaceDef | undefined {
    const k = this.keyspaceDefs.get(name);
    return k === undefined || k.dropped ? undefined : k;
  }

  /** Live keyspaces, local system ones included. */
  keyspaces(): KeyspaceDef[] {
    const local: KeyspaceDef[] = LOCAL_SYSTEM_KEYSPACES.map((name) => ({
      name,
      replication: { class: "LocalStrategy" },
      durableWrites: true,
      ts: 0,
      dropped: false,
    }));
    return [...local, ...[...this.keyspaceDefs.values()].filter((k) => !k.dropped)];
  }

  table(keyspace: string, name: string): TableDef | undefined {
    const t = this.tableDefs.get(`${keyspace}.${name}`);
    if (t === undefined || t.dropped || this.keyspace(keyspace) === undefined) return undefined;
    return t;
  }

  tables(keyspace?: string): TableDef[] {
    return [...this.tableDefs.values()].filter((t) => !t.dropped && (keyspace === undefined || t.keyspace === keyspace) && this.keyspace(t.keyspace) !== undefined);
  }

  /** Definitions a dropped keyspace takes with it (tombstones stamped with the drop's time). */
  dropKeyspace(name: string, ts: number): SchemaSnapshot {
    const ks = this.keyspaceDefs.get(name)!;
    return {
      keyspaces: [{ ...ks, ts, dropped: true }],
      tables: this.tables(name).map((t) => ({ ...t, ts, dropped: true })),
    };
  }
}

function canonicalKeyspace(k: KeyspaceDef): unknown {
  return { name: k.name, replication: replicationMap(k.replication), durableWrites: k.durableWrites, ts: k.ts, dropped: k.dropped };
}

interface ColumnGroups {
  readonly partitionKey: readonly ColumnDef[];
  readonly clustering: readonly ColumnDef[];
  readonly statics: readonly ColumnDef[];
  readonly regular: readonly ColumnDef[];
  readonly byName: ReadonlyMap<string, ColumnDef>;
}

/** Every query asks for these: worked out once per definition (a schema change makes a new one). */
const groups = new WeakMap<TableDef, ColumnGroups>();

function columnGroups(t: TableDef): ColumnGroups {
  let g = groups.get(t);
  if (g === undefined) {
    g = {
      partitionKey: t.columns.filter((c) => c.kind === "partition_key").sort((a, b) => a.position - b.position),
      clustering: t.columns.filter((c) => c.kind === "clustering").sort((a, b) => a.position - b.position),
      statics: t.columns.filter((c) => c.kind === "static").sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      regular: t.columns.filter((c) => c.kind === "regular").sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      byName: new Map(t.columns.map((c) => [c.name, c])),
    };
    groups.set(t, g);
  }
  return g;
}

export function partitionKeyColumns(t: TableDef): readonly ColumnDef[] {
  return columnGroups(t).partitionKey;
}

export function clusteringColumns(t: TableDef): readonly ColumnDef[] {
  return columnGroups(t).clustering;
}

export function staticColumns(t: TableDef): readonly ColumnDef[] {
  return columnGroups(t).statics;
}

/** A primary-key column's type, which is never a collection (CREATE TABLE refuses one). */
export function keyType(c: ColumnDef): CqlType {
  if (typeof c.type !== "string") throw new Error(`${c.name} is a collection, not a key column`);
  return c.type;
}

/** The native type of a column used where ksim takes no collection: `what` says where, for the refusal. */
export function scalarType(c: ColumnDef, what: string): CqlType {
  if (typeof c.type !== "string") throw invalid(`ksim does not model ${what} on collection column ${c.name}`);
  return c.type;
}

/** Whether a table's columns are counters (a table's non-key columns are all counters or none). */
export function isCounterTable(t: TableDef): boolean {
  return t.columns.some((c) => c.type === "counter");
}

/** Whether a column is part of the primary key. */
export function isKeyColumn(c: ColumnDef): boolean {
  return c.kind === "partition_key" || c.kind === "clustering";
}

export function regularColumns(t: TableDef): readonly ColumnDef[] {
  return columnGroups(t).regular;
}

export function columnsByName(t: TableDef): ReadonlyMap<string, ColumnDef> {
  return columnGroups(t).byName;
}

/** Columns in the order SELECT * returns them: partition key, clustering, then static and regular columns, each by name. */
export function selectStarColumns(t: TableDef): ColumnDef[] {
  return [...partitionKeyColumns(t), ...clusteringColumns(t), ...staticColumns(t), ...regularColumns(t)];
}
