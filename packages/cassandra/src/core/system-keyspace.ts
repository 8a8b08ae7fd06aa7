import type { Mutation, Partition } from "./data.js";
import type { KeyspaceDef, SchemaSnapshot, TableDef } from "./schema.js";
import { nameUUIDFromBytes } from "./schema.js";
import type { StorageEngine } from "./storage.js";
import { tokenOf } from "./token.js";
import { keyString, partitionKeyBytes, type Value } from "./types.js";

/**
 * The system keyspace as this model keeps it: system.local (cluster name, host ID, tokens,
 * bootstrap state, gossip generation), system.peers (what gossip taught us about each peer) and
 * the schema tables, stored through the ordinary storage engine — commit log, memtables,
 * SSTables under /cassandra_data/data/system*. What must survive a crash (tokens, host ID,
 * bootstrap state, generation, schema) is flushed at once, as SystemKeyspace does.
 */

export type BootstrapState = "NEEDS_BOOTSTRAP" | "IN_PROGRESS" | "COMPLETED" | "DECOMMISSIONED";

export interface LocalInfo {
  readonly clusterName?: string;
  readonly hostId?: string;
  readonly tokens?: readonly string[];
  readonly bootstrapped?: BootstrapState;
  readonly generation?: number;
  readonly dc?: string;
  readonly rack?: string;
}

export interface PeerInfo {
  readonly hostId?: string;
  readonly tokens?: readonly string[];
  readonly dc?: string;
  readonly rack?: string;
  readonly releaseVersion?: string;
  readonly rpcAddress?: string;
  readonly schemaVersion?: string;
}

const encoder = new TextEncoder();

function systemTable(keyspace: string, table: string): { keyspace: string; table: string; tableId: string } {
  return { keyspace, table, tableId: nameUUIDFromBytes(encoder.encode(keyspace + table)) };
}

export const LOCAL = systemTable("system", "local");
export const PEERS = systemTable("system", "peers");
export const SCHEMA_KEYSPACES = systemTable("system_schema", "keyspaces");
export const SCHEMA_TABLES = systemTable("system_schema", "tables");

const textToken = (key: readonly Value[]) => tokenOf(partitionKeyBytes(["text"], key));

/** One JSON document per partition: the row the model reads back at start. */
function jsonMutation(t: { keyspace: string; table: string; tableId: string }, key: string, doc: unknown, ts: number, del?: boolean): Mutation {
  const partition: Partition = del
    ? { key: [key], del: ts, rows: {} }
    : { key: [key], rows: { "": { ck: [], marker: ts, cells: { json: { v: JSON.stringify(doc), ts } } } } };
  return { ...t, partition };
}

function readJson<T>(engine: StorageEngine, tableId: string, key: string): T | undefined {
  const p = engine.table(tableId)?.read(keyString([key]));
  const cell = p?.rows[""]?.cells["json"];
  if (cell === undefined || cell.tomb || (p!.del !== undefined && p!.del >= cell.ts)) return undefined;
  return JSON.parse(cell.v as string) as T;
}

export class SystemKeyspace {
  local: LocalInfo = {};
  readonly peers = new Map<string, PeerInfo>();

  constructor(private readonly engine: StorageEngine) {
    for (const t of [LOCAL, PEERS, SCHEMA_KEYSPACES, SCHEMA_TABLES]) engine.ensureTable({ ...t, durableWrites: true, tokenOf: textToken });
  }

  /** Reads back what the engine loaded and replayed. */
  load(): void {
    this.local = readJson<LocalInfo>(this.engine, LOCAL.tableId, "local") ?? {};
    const peers = this.engine.table(PEERS.tableId)!;
    for (const k of peers.keys()) {
      const ip = peers.read(k)!.key[0] as string;
      const info = readJson<PeerInfo>(this.engine, PEERS.tableId, ip);
      if (info !== undefined) this.peers.set(ip, info);
    }
  }

  updateLocal(change: LocalInfo, wallMicros: number, flush: boolean, wallMs: number): void {
    this.local = { ...this.local, ...change };
    this.engine.apply(jsonMutation(LOCAL, "local", this.local, wallMicros), wallMs);
    if (flush) this.engine.flush(this.engine.table(LOCAL.tableId)!, "main");
  }

  updatePeer(ep: string, change: PeerInfo, wallMicros: number, wallMs: number): void {
    const next = { ...(this.peers.get(ep) ?? {}), ...change };
    this.peers.set(ep, next);
    this.engine.apply(jsonMutation(PEERS, ep, next, wallMicros), wallMs);
  }

  removePeer(ep: string, wallMicros: number, wallMs: number): void {
    if (!this.peers.delete(ep)) return;
    this.engine.apply(jsonMutation(PEERS, ep, undefined, wallMicros, true), wallMs);
    this.engine.flush(this.engine.table(PEERS.tableId)!, "GossipStage:1");
  }

  /** Persists schema definitions (and flushes: schema must survive a crash). */
  saveSchema(snapshot: SchemaSnapshot, wallMicros: number, wallMs: number): void {
    for (const k of snapshot.keyspaces) this.engine.apply(jsonMutation(SCHEMA_KEYSPACES, k.name, k, wallMicros), wallMs);
    for (const t of snapshot.tables) this.engine.apply(jsonMutation(SCHEMA_TABLES, `${t.keyspace}.${t.name}`, t, wallMicros), wallMs);
    this.engine.flush(this.engine.table(SCHEMA_KEYSPACES.tableId)!, "MigrationStage:1");
    this.engine.flush(this.engine.table(SCHEMA_TABLES.tableId)!, "MigrationStage:1");
  }

  loadSchema(): SchemaSnapshot {
    const keyspaces: KeyspaceDef[] = [];
    const tables: TableDef[] = [];
    const ks = this.engine.table(SCHEMA_KEYSPACES.tableId)!;
    for (const k of ks.keys()) {
      const d = readJson<KeyspaceDef>(this.engine, SCHEMA_KEYSPACES.tableId, ks.read(k)!.key[0] as string);
      if (d !== undefined) keyspaces.push(d);
    }
    const ts = this.engine.table(SCHEMA_TABLES.tableId)!;
    for (const k of ts.keys()) {
      const d = readJson<TableDef>(this.engine, SCHEMA_TABLES.tableId, ts.read(k)!.key[0] as string);
      if (d !== undefined) tables.push(d);
    }
    return { keyspaces, tables };
  }
}
