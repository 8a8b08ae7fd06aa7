import type { CassandraNode } from "./node.js";
import { RELEASE_VERSION } from "./node-io.js";
import type { ResultValue } from "./protocol.js";
import { replicationMap } from "./replication.js";
import { selectStarColumns, tableParams } from "./schema.js";
import { SYSTEM_TABLES, type SystemTable } from "./system-tables.js";
import { PARTITIONER, tokenOf } from "./token.js";
import { columnTypeName, serialize } from "./types.js";
import type { VirtualTable } from "./query.js";

/**
 * The system tables drivers and cqlsh read (system.local, system.peers, system_schema.*),
 * answered from the node's state the way Cassandra's own reads of them would be: these are
 * ordinary tables under the Murmur3 partitioner, so a full scan returns partitions in token order
 * and rows within one in clustering order, and a set<text> holds its elements sorted.
 */

type Row = Record<string, ResultValue>;

function table(columns: readonly [string, string][], rows: Row[]): VirtualTable {
  return { columns: columns.map(([name, type]) => ({ name, type })), rows };
}

/** Rows in scan order: by the token of their partition key, then by their text clustering columns. */
function scanOrder(rows: Row[], partitionKey: (r: Row) => Uint8Array, clustering: readonly string[] = []): Row[] {
  const keyed = rows.map((r) => ({ r, token: tokenOf(partitionKey(r)) }));
  keyed.sort((a, b) => {
    if (a.token !== b.token) return a.token < b.token ? -1 : 1;
    for (const c of clustering) {
      const x = String(a.r[c]);
      const y = String(b.r[c]);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}

const textKey = (column: string) => (r: Row) => serialize("text", String(r[column]));

/** An IPv4 inet partition key as InetAddressType serializes it: the address's four bytes. */
const inetKey = (column: string) => (r: Row) => Uint8Array.from(String(r[column]).split(".").map(Number));

/** A set<text>'s elements as UTF8Type orders them: byte order, which JavaScript's matches for the ASCII tokens and flags held here. */
function textSet(values: readonly string[] | undefined): string[] | null {
  return values === undefined ? null : [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * SchemaKeyspace.addTableParamsToRowBuilder: every option; extensions empty, cdc written only
 * where cdc_enabled is set (it is not). `flags` is TableMetadata's.
 */
function tableRow(keyspace: string, name: string, id: string, d: ReturnType<typeof tableParams>, flags: readonly string[]): Row {
  return {
    keyspace_name: keyspace,
    table_name: name,
    bloom_filter_fp_chance: d.bloomFilterFpChance,
    caching: { ...d.caching },
    cdc: null,
    comment: d.comment,
    compaction: { ...d.compaction },
    compression: { ...d.compression },
    crc_check_chance: d.crcCheckChance,
    dclocal_read_repair_chance: d.dclocalReadRepairChance,
    default_time_to_live: d.defaultTimeToLive,
    extensions: {},
    flags: textSet(flags),
    gc_grace_seconds: d.gcGraceSeconds,
    id,
    max_index_interval: d.maxIndexInterval,
    memtable_flush_period_in_ms: d.memtableFlushPeriodInMs,
    min_index_interval: d.minIndexInterval,
    read_repair_chance: d.readRepairChance,
    speculative_retry: d.speculativeRetry,
  };
}

/** The system keyspaces' tables, of those keyspaces this node has (the replicated ones once created). */
function systemTablesOf(node: CassandraNode): SystemTable[] {
  return node.schema.keyspaces().flatMap((k) => SYSTEM_TABLES.get(k.name) ?? []);
}

export function virtualTable(node: CassandraNode, keyspace: string, name: string): VirtualTable | undefined {
  const c = node.config;
  if (keyspace === "system" && name === "local") {
    const local = node.system.local;
    return table(
      [
        ["key", "text"],
        ["bootstrapped", "text"],
        ["broadcast_address", "inet"],
        ["cluster_name", "text"],
        ["cql_version", "text"],
        ["data_center", "text"],
        ["gossip_generation", "int"],
        ["host_id", "uuid"],
        ["listen_address", "inet"],
        ["native_protocol_version", "text"],
        ["partitioner", "text"],
        ["rack", "text"],
        ["release_version", "text"],
        ["rpc_address", "inet"],
        ["schema_version", "uuid"],
        ["thrift_version", "text"],
        ["tokens", "set<text>"],
      ],
      [
        {
          key: "local",
          bootstrapped: local.bootstrapped ?? null,
          broadcast_address: c.address,
          cluster_name: c.clusterName,
          cql_version: "3.4.4",
          data_center: c.dc,
          gossip_generation: local.generation ?? null,
          host_id: local.hostId ?? null,
          listen_address: c.address,
          native_protocol_version: "4",
          partitioner: PARTITIONER,
          rack: c.rack,
          release_version: RELEASE_VERSION,
          rpc_address: c.rpcAddress,
          schema_version: node.schema.version(),
          thrift_version: "20.1.0",
          tokens: textSet(local.tokens),
        },
      ],
    );
  }
  if (keyspace === "system" && name === "peers") {
    return table(
      [
        ["peer", "inet"],
        ["data_center", "text"],
        ["host_id", "uuid"],
        ["preferred_ip", "inet"],
        ["rack", "text"],
        ["release_version", "text"],
        ["rpc_address", "inet"],
        ["schema_version", "uuid"],
        ["tokens", "set<text>"],
      ],
      scanOrder(
        [...node.system.peers].map(([peer, p]) => ({
          peer,
          data_center: p.dc ?? null,
          host_id: p.hostId ?? null,
          preferred_ip: null,
          rack: p.rack ?? null,
          release_version: p.releaseVersion ?? null,
          rpc_address: p.rpcAddress ?? null,
          schema_version: p.schemaVersion ?? null,
          tokens: textSet(p.tokens),
        })),
        inetKey("peer"),
      ),
    );
  }
  if (keyspace === "system_schema" && name === "keyspaces") {
    return table(
      [
        ["keyspace_name", "text"],
        ["durable_writes", "boolean"],
        ["replication", "frozen<map<text, text>>"],
      ],
      scanOrder(
        node.schema.keyspaces().map((k) => ({ keyspace_name: k.name, durable_writes: k.durableWrites, replication: replicationMap(k.replication) })),
        textKey("keyspace_name"),
      ),
    );
  }
  if (keyspace === "system_schema" && name === "tables") {
    return table(
      [
        ["keyspace_name", "text"],
        ["table_name", "text"],
        ["bloom_filter_fp_chance", "double"],
        ["caching", "frozen<map<text, text>>"],
        ["cdc", "boolean"],
        ["comment", "text"],
        ["compaction", "frozen<map<text, text>>"],
        ["compression", "frozen<map<text, text>>"],
        ["crc_check_chance", "double"],
        ["dclocal_read_repair_chance", "double"],
        ["default_time_to_live", "int"],
        ["extensions", "frozen<map<text, blob>>"],
        ["flags", "frozen<set<text>>"],
        ["gc_grace_seconds", "int"],
        ["id", "uuid"],
        ["max_index_interval", "int"],
        ["memtable_flush_period_in_ms", "int"],
        ["min_index_interval", "int"],
        ["read_repair_chance", "double"],
        ["speculative_retry", "text"],
      ],
      scanOrder(
        [
          ...systemTablesOf(node).map((t) => tableRow(t.keyspace, t.name, t.id, { ...t.params, readRepairChance: 0, dclocalReadRepairChance: 0.1 }, t.flags)),
          ...node.schema.tables().map((t) => tableRow(t.keyspace, t.name, t.id, tableParams(t), ["compound"])),
        ],
        textKey("keyspace_name"),
        ["table_name"],
      ),
    );
  }
  if (keyspace === "system_schema" && name === "columns") {
    const rows: Row[] = [];
    for (const t of systemTablesOf(node)) {
      for (const col of t.columns) {
        rows.push({
          keyspace_name: t.keyspace,
          table_name: t.name,
          column_name: col.name,
          clustering_order: col.kind === "clustering" ? "asc" : "none",
          kind: col.kind,
          position: col.position,
          type: col.type,
        });
      }
    }
    for (const t of node.schema.tables()) {
      for (const col of selectStarColumns(t)) {
        rows.push({
          keyspace_name: t.keyspace,
          table_name: t.name,
          column_name: col.name,
          clustering_order: col.kind === "clustering" ? col.order : "none",
          kind: col.kind,
          position: col.position,
          type: columnTypeName(col.type),
        });
      }
    }
    return table(
      [
        ["keyspace_name", "text"],
        ["table_name", "text"],
        ["column_name", "text"],
        ["clustering_order", "text"],
        ["kind", "text"],
        ["position", "int"],
        ["type", "text"],
      ],
      scanOrder(rows, textKey("keyspace_name"), ["table_name", "column_name"]),
    );
  }
  return undefined;
}
