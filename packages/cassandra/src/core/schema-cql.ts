import { maybeQuote } from "./cql.js";
import { javaHashMapOrder, stringHash } from "./java-format.js";
import { tableParams, type TableDef } from "./schema.js";
import { columnTypeName } from "./types.js";

/**
 * ColumnFamilyStoreCQLHelper.getCFMetadataAsCQL: the statement a snapshot's schema.cql holds.
 * Regular columns come in the order Cassandra keeps them (by name); the options are the
 * table's, the ones ksim does not model at their defaults, maps in their Java map order.
 */
export function tableCql(def: TableDef): string {
  const byPosition = (kind: string) => def.columns.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
  const pk = byPosition("partition_key");
  const ck = byPosition("clustering");
  const byName = (kind: string) => def.columns.filter((c) => c.kind === kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const columns = [...pk, ...ck, ...byName("static"), ...byName("regular")].map(
    (c) => `${maybeQuote(c.name)} ${columnTypeName(c.type)}${c.kind === "static" ? " static" : ""}${pk.length === 1 && ck.length === 0 && c === pk[0] ? " PRIMARY KEY" : ""}`,
  );
  if (ck.length > 0 || pk.length > 1) {
    const partition = pk.length > 1 ? `(${pk.map((c) => maybeQuote(c.name)).join(", ")})` : maybeQuote(pk[0]!.name);
    columns.push(`PRIMARY KEY (${[partition, ...ck.map((c) => maybeQuote(c.name))].join(", ")})`);
  }
  const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));
  // A Java HashMap's toString, in its iteration order (for compaction's defaults: the class last).
  const javaMap = (m: Readonly<Record<string, string>>) => `{ ${javaHashMapOrder(Object.keys(m), stringHash).map((k) => `'${k}': '${m[k]}'`).join(", ")} }`;
  const d = tableParams(def);
  const options = [
    `ID = ${def.id}`,
    ...(ck.length > 0 ? [`CLUSTERING ORDER BY (${ck.map((c) => `${maybeQuote(c.name)} ${c.order.toUpperCase()}`).join(", ")})`] : []),
    `bloom_filter_fp_chance = ${d.bloomFilterFpChance}`,
    `dclocal_read_repair_chance = ${javaDouble(d.dclocalReadRepairChance)}`,
    `crc_check_chance = ${javaDouble(d.crcCheckChance)}`,
    `default_time_to_live = ${d.defaultTimeToLive}`,
    `gc_grace_seconds = ${d.gcGraceSeconds}`,
    `min_index_interval = ${d.minIndexInterval}`,
    `max_index_interval = ${d.maxIndexInterval}`,
    `memtable_flush_period_in_ms = ${d.memtableFlushPeriodInMs}`,
    `read_repair_chance = ${javaDouble(d.readRepairChance)}`,
    `speculative_retry = '${d.speculativeRetry}'`,
    `comment = '${d.comment.replace(/'/g, "''")}'`,
    `caching = ${javaMap(d.caching)}`,
    `compaction = ${javaMap(d.compaction)}`,
    `compression = ${javaMap(d.compression)}`,
    "cdc = false",
    "extensions = {  }",
  ];
  return `CREATE TABLE IF NOT EXISTS ${maybeQuote(def.keyspace)}.${maybeQuote(def.name)} (\n\t${columns.join(",\n\t")})\n\tWITH ${options.join("\n\tAND ")};`;
}
