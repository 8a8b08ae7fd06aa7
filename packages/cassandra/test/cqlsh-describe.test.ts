import { describe, expect, it } from "vitest";
import { PodCluster, type Pod } from "./pods.js";

/**
 * cqlsh 5.0.1's DESCRIBE (the bundled python driver's export_as_string of the schema it reads
 * from system_schema), EXPAND's vertical rows, PAGING's messages and TRACING, which ksim refuses.
 */

/** The options of a table whose only non-default one ksim keeps is dclocal_read_repair_chance. */
function options(dclocalReadRepairChance: string): string {
  return [
    "bloom_filter_fp_chance = 0.01",
    "caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}",
    "comment = ''",
    "compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}",
    "compression = {'chunk_length_in_kb': '64', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}",
    "crc_check_chance = 1.0",
    `dclocal_read_repair_chance = ${dclocalReadRepairChance}`,
    "default_time_to_live = 0",
    "gc_grace_seconds = 864000",
    "max_index_interval = 2048",
    "memtable_flush_period_in_ms = 0",
    "min_index_interval = 128",
    "read_repair_chance = 0.0",
    "speculative_retry = '99PERCENTILE';",
  ].join("\n    AND ");
}

const SHOP = "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;";
const ITEMS = `CREATE TABLE shop.items (
    id int PRIMARY KEY,
    name text,
    price double
) WITH ${options("0.1")}`;
const METRICS = "CREATE KEYSPACE metrics WITH replication = {'class': 'NetworkTopologyStrategy', 'DC1-K8Demo': '1'}  AND durable_writes = true;";
const READINGS = `CREATE TABLE metrics.readings (
    sensor text,
    day int,
    at timestamp,
    reading double,
    PRIMARY KEY ((sensor, day), at)
) WITH CLUSTERING ORDER BY (at DESC)
    AND ${options("0.0")}`;

describe("cqlsh's DESCRIBE, EXPAND, PAGING and TRACING", () => {
  const c = new PodCluster(1);
  expect(c.startOrdered(1)).toBe(true);
  c.runUntil(() => false, 15_000);
  const p0 = c.pods[0] as Pod;
  const cqlsh = (...args: string[]) => p0.exec(["cqlsh", ...args]);
  cqlsh(
    "-e",
    [
      "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      "CREATE TABLE shop.items (id int PRIMARY KEY, price double, name text)",
      "CREATE KEYSPACE metrics WITH replication = {'class': 'NetworkTopologyStrategy', 'DC1-K8Demo': 1}",
      "CREATE TABLE metrics.readings (sensor text, day int, at timestamp, reading double, PRIMARY KEY ((sensor, day), at)) WITH CLUSTERING ORDER BY (at DESC) AND dclocal_read_repair_chance = 0",
      "INSERT INTO shop.items (id, name, price) VALUES (1, 'tea', 2.5)",
      "INSERT INTO shop.items (id, name, price) VALUES (20, 'teapot', 30)",
    ].join("; "),
  );

  it("describes a SimpleStrategy keyspace with its table, by DESCRIBE KEYSPACE and by name", () => {
    const expected = `\n${SHOP}\n\n${ITEMS}\n\n`;
    expect(cqlsh("-e", "DESCRIBE KEYSPACE shop")).toEqual({ status: 0, stdout: expected, stderr: "" });
    expect(cqlsh("-e", "desc shop").stdout).toBe(expected);
    expect(cqlsh("-k", "shop", "-e", "DESCRIBE KEYSPACE").stdout).toBe(expected);
  });

  it("describes a table with a compound partition key and a descending clustering column", () => {
    const expected = { status: 0, stdout: `\n${READINGS}\n\n`, stderr: "" };
    expect(cqlsh("-e", "DESCRIBE TABLE metrics.readings")).toEqual(expected);
    expect(cqlsh("-k", "metrics", "-e", "DESC COLUMNFAMILY readings")).toEqual(expected);
    expect(cqlsh("-k", "metrics", "-e", "DESCRIBE readings")).toEqual(expected);
  });

  it("describes a NetworkTopologyStrategy keyspace, and the whole schema without the system keyspaces", () => {
    expect(cqlsh("-e", "DESCRIBE KEYSPACE metrics").stdout).toBe(`\n${METRICS}\n\n${READINGS}\n\n`);
    // In the order of the driver's keyspaces dict (as DESCRIBE KEYSPACES lists them).
    expect(cqlsh("-e", "DESCRIBE SCHEMA").stdout).toBe(`\n${SHOP}\n\n${ITEMS}\n\n${METRICS}\n\n${READINGS}\n\n`);
  });

  it("lists keyspaces and tables in the driver's (Python 2 dict) order of system_schema's token-ordered rows", () => {
    // A full scan of system_schema.keyspaces returns partitions in Murmur3 token order.
    expect(cqlsh("-e", "SELECT keyspace_name FROM system_schema.keyspaces").stdout).toBe(
      "\n keyspace_name\n--------------------\n        system_auth\n      system_schema\n            metrics\n system_distributed\n             system\n               shop\n      system_traces\n\n(7 rows)\n",
    );
    // Seven keys: the dict has grown to 32 slots, which reorders them.
    expect(cqlsh("-e", "DESCRIBE KEYSPACES").stdout).toBe("\nshop           system_auth  metrics             system_traces\nsystem_schema  system       system_distributed\n\n");
    cqlsh("-e", "CREATE TABLE shop.orders (id int PRIMARY KEY); CREATE TABLE shop.carts (id int PRIMARY KEY); CREATE TABLE shop.\"Users\" (id int PRIMARY KEY)");
    const tables = 'carts  items  "Users"  orders\n';
    expect(cqlsh("-k", "shop", "-e", "DESCRIBE TABLES")).toEqual({ status: 0, stdout: `\n${tables}\n`, stderr: "" });
    // With no keyspace in use, each keyspace under a heading, system keyspaces' tables included
    // (their sections are 3.11's, as cqlsh prints them on a fresh node).
    expect(cqlsh("-e", "DESC COLUMNFAMILIES").stdout).toBe(
      [
        "",
        "Keyspace shop",
        "-------------",
        tables,
        "Keyspace system_schema",
        "----------------------",
        "tables     triggers    views    keyspaces  dropped_columns",
        "functions  aggregates  indexes  types      columns        ",
        "",
        "Keyspace system_auth",
        "--------------------",
        "resource_role_permissons_index  role_permissions  role_members  roles",
        "",
        "Keyspace system",
        "---------------",
        "available_ranges          peers               batchlog        transferred_ranges",
        "batches                   compaction_history  size_estimates  hints             ",
        "prepared_statements       sstable_activity    built_views   ",
        '"IndexInfo"               peer_events         range_xfers   ',
        "views_builds_in_progress  paxos               local         ",
        "",
        "Keyspace metrics",
        "----------------",
        "readings",
        "",
        "Keyspace system_distributed",
        "---------------------------",
        "repair_history  view_build_status  parent_repair_history",
        "",
        "Keyspace system_traces",
        "----------------------",
        "events  sessions",
        "",
        "",
      ].join("\n"),
    );
    cqlsh("-e", 'DROP TABLE shop.orders; DROP TABLE shop.carts; DROP TABLE shop."Users"');
  });

  it("describes system tables as their keyspaces' definitions compile them, and refuses COMPACT STORAGE ones", () => {
    // Table ids are UUID.nameUUIDFromBytes(keyspace + table): the suffixes of their data directories.
    const ids = cqlsh("-e", "SELECT keyspace_name, table_name, id FROM system_schema.tables").stdout;
    expect(ids).toMatch(/ system \|\s+local \| 7ad54392-bcdd-35a6-8417-4e047860b377\n/);
    expect(ids).toMatch(/ system_auth \|\s+roles \| 5bc52802-de25-35ed-aeab-188eecebb090\n/);
    expect(ids).toMatch(/ system_auth \|\s+role_permissions \| 3afbe79f-2194-31a7-add7-f5ab90d8ec9c\n/);
    const roles = cqlsh("-e", "DESCRIBE TABLE system_auth.roles").stdout;
    expect(roles).toContain("CREATE TABLE system_auth.roles (\n    role text PRIMARY KEY,\n    can_login boolean,\n    is_superuser boolean,\n    member_of set<text>,\n    salted_hash text\n) WITH");
    expect(roles).toContain("AND comment = 'role definitions'");
    expect(roles).toContain("AND gc_grace_seconds = 7776000");
    expect(cqlsh("-e", "DESCRIBE TABLE system.batches").stdout).toContain(
      "AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '2'}",
    );
    expect(cqlsh("-e", "DESCRIBE KEYSPACE system")).toEqual({ status: 2, stdout: "\n", stderr: '<stdin>:1:ksim does not export COMPACT STORAGE tables (system."IndexInfo", system.hints)\n' });
  });

  it("reports what it cannot find as cqlsh does, after the blank line it has already printed", () => {
    expect(cqlsh("-e", "DESCRIBE KEYSPACE nosuch")).toEqual({ status: 2, stdout: "\n", stderr: "<stdin>:1:Keyspace 'nosuch' not found.\n" });
    expect(cqlsh("-e", "DESCRIBE TABLE shop.nosuch")).toEqual({ status: 2, stdout: "\n", stderr: "<stdin>:1:Column family 'nosuch' not found\n" });
    expect(cqlsh("-e", "DESCRIBE TABLE nosuch.items").stderr).toBe("<stdin>:1:Keyspace 'nosuch' not found.\n");
    expect(cqlsh("-e", "DESCRIBE nosuch").stderr).toBe("<stdin>:1:'nosuch' not found in keyspaces\n");
    expect(cqlsh("-k", "shop", "-e", "DESCRIBE nosuch").stderr).toBe("<stdin>:1:'nosuch' not found in keyspace 'shop'\n");
    expect(cqlsh("-e", "DESCRIBE TABLE items")).toEqual({ status: 2, stdout: "", stderr: "<stdin>:1:No keyspace specified and no current keyspace\n" });
    expect(cqlsh("-e", "DESCRIBE KEYSPACE")).toEqual({ status: 2, stdout: "", stderr: "<stdin>:1:Not in any keyspace.\n" });
    // A file is read as unicode, which Python 2's repr marks.
    p0.exec(["sh", "-c", "echo 'DESCRIBE KEYSPACE nosuch;' > /tmp/describe.cql"]);
    expect(cqlsh("-f", "/tmp/describe.cql").stderr).toBe("/tmp/describe.cql:2:Keyspace u'nosuch' not found.\n");
  });

  it("prints rows vertically with EXPAND ON", () => {
    expect(cqlsh("-e", "EXPAND; EXPAND ON; SELECT id, name FROM shop.items; EXPAND OFF")).toEqual({
      status: 0,
      stdout: [
        "Expanded output is currently disabled. Use EXPAND ON to enable.",
        "Now Expanded output is enabled",
        "",
        "@ Row 1",
        "------+--------",
        " id   | 1",
        " name | tea",
        "",
        "@ Row 2",
        "------+--------",
        " id   | 20",
        " name | teapot",
        "",
        "(2 rows)",
        "Disabled Expanded output.",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(cqlsh("-e", "EXPAND OFF")).toEqual({ status: 2, stdout: "", stderr: "<stdin>:1:Expanded output is not enabled.\n" });
  });

  it("answers PAGING with cqlsh's messages", () => {
    expect(cqlsh("-e", "PAGING; PAGING OFF; PAGING ON; PAGING 50; PAGING").stdout).toBe(
      [
        "Query paging is currently enabled. Use PAGING OFF to disable",
        "Page size: 100",
        "Disabled Query paging.",
        "Now Query paging is enabled",
        "Page size: 100",
        "Page size: 50",
        "Query paging is currently enabled. Use PAGING OFF to disable",
        "Page size: 50",
        "",
      ].join("\n"),
    );
    expect(cqlsh("-e", "PAGING ON")).toEqual({ status: 2, stdout: "Page size: 100\n", stderr: "<stdin>:1:Query paging is already enabled. Use PAGING OFF to disable.\n" });
  });

  it("prints only the first page off a terminal, as cqlsh 5.0.1 does before CASSANDRA-15905", () => {
    const inserts = Array.from({ length: 120 }, (_, i) => `INSERT INTO shop.items (id, name, price) VALUES (${100 + i}, 'x', 1)`).join("; ");
    expect(cqlsh("-e", inserts).status).toBe(0);
    expect(cqlsh("-e", "SELECT id FROM shop.items").stdout).toMatch(/\n\(100 rows\)\n$/);
    expect(cqlsh("-e", "PAGING 7; SELECT id FROM shop.items").stdout).toMatch(/^Page size: 7\n[^]*\n\(7 rows\)\n$/);
    expect(cqlsh("-e", "PAGING OFF; SELECT id FROM shop.items").stdout).toMatch(/\n\(122 rows\)\n$/);
  });

  it("refuses TRACING ON, since ksim keeps no query traces, and leaves tracing off", () => {
    expect(cqlsh("-e", "TRACING ON; SELECT id FROM shop.items WHERE id = 1; TRACING; TRACING OFF")).toEqual({
      status: 0,
      stdout: "\n id\n----\n  1\n\n(1 rows)\nTracing is currently disabled. Use TRACING ON to enable.\nDisabled Tracing.\n",
      stderr: "ksim does not model query tracing (system_traces); TRACING is not available\n",
    });
    expect(cqlsh("-e", "TRACING OFF")).toEqual({ status: 2, stdout: "", stderr: "<stdin>:1:Tracing is not enabled.\n" });
  });
});
