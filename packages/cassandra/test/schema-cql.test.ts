import { describe, expect, it } from "vitest";
import type { ColumnDef, TableDef } from "../src/core/schema.js";
import { tableCql } from "../src/core/schema-cql.js";

/** The CREATE TABLE a snapshot's schema.cql holds, laid out as ColumnFamilyStoreCQLHelper writes it. */

const col = (name: string, type: ColumnDef["type"], kind: ColumnDef["kind"], position = 0, order: ColumnDef["order"] = "asc"): ColumnDef => ({ name, type, kind, position, order });
const table = (columns: ColumnDef[]): TableDef => ({
  keyspace: "ks",
  name: "events",
  id: "5a1c3f40-0d3e-11ef-9b53-3b1c5e4f8a21",
  columns,
  ts: 0,
  dropped: false,
  dclocalReadRepairChance: 0.1,
  readRepairChance: 0,
});

describe("schema.cql", () => {
  it("names a compound key in a PRIMARY KEY clause and the clustering order among the options", () => {
    const cql = tableCql(
      table([
        col("zone", "text", "partition_key", 0),
        col("day", "int", "partition_key", 1),
        col("at", "timestamp", "clustering", 0, "desc"),
        col("seq", "int", "clustering", 1),
        col("payload", "blob", "regular"),
        col("author", "text", "regular"),
      ]),
    );
    expect(cql.split("\n").slice(0, 11)).toEqual([
      "CREATE TABLE IF NOT EXISTS ks.events (",
      "\tzone text,",
      "\tday int,",
      "\tat timestamp,",
      "\tseq int,",
      "\tauthor text,",
      "\tpayload blob,",
      "\tPRIMARY KEY ((zone, day), at, seq))",
      "\tWITH ID = 5a1c3f40-0d3e-11ef-9b53-3b1c5e4f8a21",
      "\tAND CLUSTERING ORDER BY (at DESC, seq ASC)",
      "\tAND bloom_filter_fp_chance = 0.01",
    ]);
    expect(cql.endsWith("\tAND cdc = false\n\tAND extensions = {  };")).toBe(true);
    // The defaults as Java prints them: maps in their iteration order, compaction's class last.
    expect(cql.split("\n").slice(11, -2)).toEqual([
      "\tAND dclocal_read_repair_chance = 0.1",
      "\tAND crc_check_chance = 1.0",
      "\tAND default_time_to_live = 0",
      "\tAND gc_grace_seconds = 864000",
      "\tAND min_index_interval = 128",
      "\tAND max_index_interval = 2048",
      "\tAND memtable_flush_period_in_ms = 0",
      "\tAND read_repair_chance = 0.0",
      "\tAND speculative_retry = '99PERCENTILE'",
      "\tAND comment = ''",
      "\tAND caching = { 'keys': 'ALL', 'rows_per_partition': 'NONE' }",
      "\tAND compaction = { 'max_threshold': '32', 'min_threshold': '4', 'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy' }",
      "\tAND compression = { 'chunk_length_in_kb': '64', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor' }",
    ]);
  });

  it("marks a lone partition key PRIMARY KEY, quotes names CQL would not read back, and prints the table's read repair chances as Java doubles", () => {
    const def = { ...table([col("key", "int", "partition_key"), col("Value", "text", "regular"), col("select", "int", "regular")]), dclocalReadRepairChance: 1, readRepairChance: 0.25 };
    const lines = tableCql(def).split("\n");
    expect(lines.slice(0, 5)).toEqual(["CREATE TABLE IF NOT EXISTS ks.events (", "\tkey int PRIMARY KEY,", '\t"Value" text,', '\t"select" int)', "\tWITH ID = 5a1c3f40-0d3e-11ef-9b53-3b1c5e4f8a21"]);
    expect(lines).toContain("\tAND dclocal_read_repair_chance = 1.0");
    expect(lines).toContain("\tAND read_repair_chance = 0.25");
  });
});
