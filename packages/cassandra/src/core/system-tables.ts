import { nameUUIDFromBytes, TABLE_PARAM_DEFAULTS, type TableOptions } from "./schema.js";

/**
 * The tables of Cassandra 3.11's system keyspaces as their definitions in SystemKeyspace,
 * SchemaKeyspace, AuthKeyspace, SystemDistributedKeyspace and TraceKeyspace compile them: from
 * CQL text, with a comment, the keyspace's gc_grace_seconds and a few per-table options, and an
 * id that is UUID.nameUUIDFromBytes(keyspace + name). system_schema.tables and .columns list
 * them beside the user's tables (saveSystemKeyspacesSchema writes system's and system_schema's
 * at every start; the replicated ones are created like any keyspace), which is what cqlsh's
 * DESCRIBE reads. ksim keeps their data its own way (system-keyspace.ts); this is their schema.
 */

export interface SystemColumn {
  readonly name: string;
  /** As system_schema.columns prints it (varchar is text). */
  readonly type: string;
  readonly kind: "partition_key" | "clustering" | "regular";
  readonly position: number;
}

export interface SystemTable {
  readonly keyspace: string;
  readonly name: string;
  readonly id: string;
  readonly columns: readonly SystemColumn[];
  readonly params: TableOptions;
  /** TableMetadata's flags: compound for CQL tables; the two COMPACT STORAGE ones are dense. */
  readonly flags: readonly string[];
}

const encoder = new TextEncoder();

/** Splits on commas outside parentheses and angle brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "<") depth++;
    else if (c === ")" || c === ">") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== "");
}

const STCS = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy";
const LCS = "org.apache.cassandra.db.compaction.LeveledCompactionStrategy";

/** CompactionParams.create: the given options, the thresholds' defaults, and the class. */
function compaction(klass: string, options: Record<string, string> = {}): Record<string, string> {
  return { class: klass, max_threshold: "32", min_threshold: "4", ...options };
}

interface Definition {
  readonly name: string;
  readonly comment: string;
  /** The body of CREATE TABLE: columns, then PRIMARY KEY (...). */
  readonly cql: string;
  readonly compact?: boolean;
  readonly params?: Partial<TableOptions>;
}

/** CFMetaData.compile for a keyspace whose compile() sets gc_grace_seconds (days) or not. */
function compile(keyspace: string, gcGraceDays: number | undefined, d: Definition): SystemTable {
  const parts = splitTopLevel(d.cql);
  const key = /^PRIMARY KEY\s*\((.*)\)$/i.exec(parts.pop()!)![1]!;
  const keyParts = splitTopLevel(key);
  const partition = keyParts[0]!.startsWith("(") ? splitTopLevel(keyParts[0]!.slice(1, -1)) : [keyParts[0]!];
  const clustering = keyParts.slice(1);
  const types = new Map(
    parts.map((p) => {
      const [name, ...type] = p.split(/\s+/);
      return [name!, type.join(" ").replace(/\bvarchar\b/g, "text").replace(/,\s*/g, ", ")] as const;
    }),
  );
  const columns: SystemColumn[] = [
    ...partition.map((name, position) => ({ name, type: types.get(name)!, kind: "partition_key" as const, position })),
    ...clustering.map((name, position) => ({ name, type: types.get(name)!, kind: "clustering" as const, position })),
    ...[...types.keys()].filter((n) => !partition.includes(n) && !clustering.includes(n)).map((name) => ({ name, type: types.get(name)!, kind: "regular" as const, position: -1 })),
  ];
  // A COMPACT STORAGE table with no regular column keeps its cell values in a hidden one.
  if (d.compact === true && columns.every((c) => c.kind !== "regular")) columns.push({ name: "value", type: "empty", kind: "regular", position: -1 });
  const flags = d.compact === true ? (clustering.length > 1 ? ["compound", "dense"] : ["dense"]) : ["compound"];
  return {
    keyspace,
    name: d.name,
    id: nameUUIDFromBytes(encoder.encode(keyspace + d.name)),
    columns,
    params: { ...TABLE_PARAM_DEFAULTS, comment: d.comment, ...(gcGraceDays === undefined ? {} : { gcGraceSeconds: gcGraceDays * 86_400 }), ...d.params },
    flags,
  };
}

const SYSTEM: readonly Definition[] = [
  { name: "IndexInfo", comment: "built column indexes", cql: "table_name text, index_name text, PRIMARY KEY ((table_name), index_name)", compact: true },
  {
    name: "batches",
    comment: "batches awaiting replay",
    cql: "id timeuuid, mutations list<blob>, version int, PRIMARY KEY ((id))",
    params: { compaction: compaction(STCS, { min_threshold: "2" }), gcGraceSeconds: 0 },
  },
  {
    name: "paxos",
    comment: "in-progress paxos proposals",
    cql: "row_key blob, cf_id uuid, in_progress_ballot timeuuid, most_recent_commit blob, most_recent_commit_at timeuuid, most_recent_commit_version int, proposal blob, proposal_ballot timeuuid, proposal_version int, PRIMARY KEY ((row_key), cf_id)",
    params: { compaction: compaction(LCS) },
  },
  {
    name: "local",
    comment: "information about the local node",
    cql: "key text, bootstrapped text, broadcast_address inet, cluster_name text, cql_version text, data_center text, gossip_generation int, host_id uuid, listen_address inet, native_protocol_version text, partitioner text, rack text, release_version text, rpc_address inet, schema_version uuid, thrift_version text, tokens set<varchar>, truncated_at map<uuid, blob>, PRIMARY KEY ((key))",
  },
  {
    name: "peers",
    comment: "information about known peers in the cluster",
    cql: "peer inet, data_center text, host_id uuid, preferred_ip inet, rack text, release_version text, rpc_address inet, schema_version uuid, tokens set<varchar>, PRIMARY KEY ((peer))",
  },
  { name: "peer_events", comment: "events related to peers", cql: "peer inet, hints_dropped map<uuid, int>, PRIMARY KEY ((peer))" },
  { name: "range_xfers", comment: "ranges requested for transfer", cql: "token_bytes blob, requested_at timestamp, PRIMARY KEY ((token_bytes))" },
  {
    name: "compaction_history",
    comment: "week-long compaction history",
    cql: "id uuid, bytes_in bigint, bytes_out bigint, columnfamily_name text, compacted_at timestamp, keyspace_name text, rows_merged map<int, bigint>, PRIMARY KEY ((id))",
    params: { defaultTimeToLive: 7 * 86_400 },
  },
  {
    name: "sstable_activity",
    comment: "historic sstable read rates",
    cql: "keyspace_name text, columnfamily_name text, generation int, rate_120m double, rate_15m double, PRIMARY KEY ((keyspace_name, columnfamily_name, generation))",
  },
  {
    name: "size_estimates",
    comment: "per-table primary range size estimates",
    cql: "keyspace_name text, table_name text, range_start text, range_end text, mean_partition_size bigint, partitions_count bigint, PRIMARY KEY ((keyspace_name), table_name, range_start, range_end)",
    params: { gcGraceSeconds: 0 },
  },
  { name: "available_ranges", comment: "available keyspace/ranges during bootstrap/replace that are ready to be served", cql: "keyspace_name text, ranges set<blob>, PRIMARY KEY ((keyspace_name))" },
  {
    name: "transferred_ranges",
    comment: "record of transferred ranges for streaming operation",
    cql: "operation text, peer inet, keyspace_name text, ranges set<blob>, PRIMARY KEY ((operation, keyspace_name), peer)",
  },
  {
    name: "views_builds_in_progress",
    comment: "views builds current progress",
    cql: "keyspace_name text, view_name text, last_token varchar, generation_number int, PRIMARY KEY ((keyspace_name), view_name)",
  },
  { name: "built_views", comment: "built views", cql: "keyspace_name text, view_name text, status_replicated boolean, PRIMARY KEY ((keyspace_name), view_name)" },
  {
    name: "hints",
    comment: "*DEPRECATED* hints awaiting delivery",
    cql: "target_id uuid, hint_id timeuuid, message_version int, mutation blob, PRIMARY KEY ((target_id), hint_id, message_version)",
    compact: true,
    params: { compaction: compaction(STCS, { enabled: "false" }), gcGraceSeconds: 0 },
  },
  {
    name: "batchlog",
    comment: "*DEPRECATED* batchlog entries",
    cql: "id uuid, data blob, version int, written_at timestamp, PRIMARY KEY ((id))",
    params: { compaction: compaction(STCS, { min_threshold: "2" }), gcGraceSeconds: 0 },
  },
  { name: "prepared_statements", comment: "prepared statements", cql: "prepared_id blob, logged_keyspace text, query_string text, PRIMARY KEY ((prepared_id))" },
];

const SYSTEM_SCHEMA: readonly Definition[] = [
  { name: "keyspaces", comment: "keyspace definitions", cql: "keyspace_name text, durable_writes boolean, replication frozen<map<text, text>>, PRIMARY KEY ((keyspace_name))" },
  {
    name: "tables",
    comment: "table definitions",
    cql: "keyspace_name text, table_name text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>, crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, extensions frozen<map<text, blob>>, flags frozen<set<text>>, gc_grace_seconds int, id uuid, max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, read_repair_chance double, speculative_retry text, cdc boolean, PRIMARY KEY ((keyspace_name), table_name)",
  },
  {
    name: "columns",
    comment: "column definitions",
    cql: "keyspace_name text, table_name text, column_name text, clustering_order text, column_name_bytes blob, kind text, position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name)",
  },
  {
    name: "triggers",
    comment: "trigger definitions",
    cql: "keyspace_name text, table_name text, trigger_name text, options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, trigger_name)",
  },
  {
    name: "dropped_columns",
    comment: "dropped column registry",
    cql: "keyspace_name text, table_name text, column_name text, dropped_time timestamp, kind text, type text, PRIMARY KEY ((keyspace_name), table_name, column_name)",
  },
  {
    name: "views",
    comment: "view definitions",
    cql: "keyspace_name text, view_name text, base_table_id uuid, base_table_name text, where_clause text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>, crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, extensions frozen<map<text, blob>>, gc_grace_seconds int, id uuid, include_all_columns boolean, max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, read_repair_chance double, speculative_retry text, cdc boolean, PRIMARY KEY ((keyspace_name), view_name)",
  },
  {
    name: "types",
    comment: "user defined type definitions",
    cql: "keyspace_name text, type_name text, field_names frozen<list<text>>, field_types frozen<list<text>>, PRIMARY KEY ((keyspace_name), type_name)",
  },
  {
    name: "functions",
    comment: "user defined function definitions",
    cql: "keyspace_name text, function_name text, argument_types frozen<list<text>>, argument_names frozen<list<text>>, body text, language text, return_type text, called_on_null_input boolean, PRIMARY KEY ((keyspace_name), function_name, argument_types)",
  },
  {
    name: "aggregates",
    comment: "user defined aggregate definitions",
    cql: "keyspace_name text, aggregate_name text, argument_types frozen<list<text>>, final_func text, initcond text, return_type text, state_func text, state_type text, PRIMARY KEY ((keyspace_name), aggregate_name, argument_types)",
  },
  {
    name: "indexes",
    comment: "secondary index definitions",
    cql: "keyspace_name text, table_name text, index_name text, kind text, options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, index_name)",
  },
];

const SYSTEM_AUTH: readonly Definition[] = [
  { name: "roles", comment: "role definitions", cql: "role text, is_superuser boolean, can_login boolean, salted_hash text, member_of set<text>, PRIMARY KEY (role)" },
  { name: "role_members", comment: "role memberships lookup table", cql: "role text, member text, PRIMARY KEY (role, member)" },
  { name: "role_permissions", comment: "permissions granted to db roles", cql: "role text, resource text, permissions set<text>, PRIMARY KEY (role, resource)" },
  { name: "resource_role_permissons_index", comment: "index of db roles with permissions granted on a resource", cql: "resource text, role text, PRIMARY KEY (resource, role)" },
];

const SYSTEM_DISTRIBUTED: readonly Definition[] = [
  {
    name: "repair_history",
    comment: "Repair history",
    cql: "keyspace_name text, columnfamily_name text, id timeuuid, parent_id timeuuid, range_begin text, range_end text, coordinator inet, participants set<inet>, exception_message text, exception_stacktrace text, status text, started_at timestamp, finished_at timestamp, PRIMARY KEY ((keyspace_name, columnfamily_name), id)",
  },
  {
    name: "parent_repair_history",
    comment: "Repair history",
    cql: "parent_id timeuuid, keyspace_name text, columnfamily_names set<text>, started_at timestamp, finished_at timestamp, exception_message text, exception_stacktrace text, requested_ranges set<text>, successful_ranges set<text>, options map<text, text>, PRIMARY KEY (parent_id)",
  },
  {
    name: "view_build_status",
    comment: "Materialized View build status",
    cql: "keyspace_name text, view_name text, host_id uuid, status text, PRIMARY KEY ((keyspace_name, view_name), host_id)",
  },
];

const SYSTEM_TRACES: readonly Definition[] = [
  {
    name: "sessions",
    comment: "tracing sessions",
    cql: "session_id uuid, command text, client inet, coordinator inet, duration int, parameters map<text, text>, request text, started_at timestamp, PRIMARY KEY ((session_id))",
  },
  {
    name: "events",
    comment: "tracing events",
    cql: "session_id uuid, event_id timeuuid, activity text, source inet, source_elapsed int, thread text, PRIMARY KEY ((session_id), event_id)",
  },
];

/** Every system keyspace's tables, by keyspace. */
export const SYSTEM_TABLES: ReadonlyMap<string, readonly SystemTable[]> = new Map([
  ["system", SYSTEM.map((d) => compile("system", undefined, d))],
  ["system_schema", SYSTEM_SCHEMA.map((d) => compile("system_schema", 7, d))],
  ["system_auth", SYSTEM_AUTH.map((d) => compile("system_auth", 90, d))],
  ["system_distributed", SYSTEM_DISTRIBUTED.map((d) => compile("system_distributed", 10, d))],
  ["system_traces", SYSTEM_TRACES.map((d) => compile("system_traces", undefined, d))],
]);
