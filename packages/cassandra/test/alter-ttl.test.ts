import { describe, expect, it } from "vitest";
import { PodCluster } from "./pods.js";

/**
 * Schema changes after the fact and data that expires, on the tutorial's three-member ring:
 * ALTER KEYSPACE and ALTER TABLE with 3.11's refusals, table options kept and shown by DESCRIBE,
 * and TTLs from USING TTL and default_time_to_live running out in simulated time.
 */

function ring() {
  const c = new PodCluster(1);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  expect(cqlsh(0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};").status).toBe(0);
  const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
  return { c, cqlsh, message };
}

describe("ALTER KEYSPACE", () => {
  it("changes the replication the ring places data by, refusing what 3.11 refuses", () => {
    const { c, cqlsh, message } = ring();
    cqlsh(0, "CREATE TABLE ks.t (k int PRIMARY KEY, v text);");
    const endpoints = () => c.pods[1]!.exec(["nodetool", "getendpoints", "ks", "t", "1"]).stdout.trim().split("\n");
    expect(endpoints()).toHaveLength(1);
    expect(cqlsh(0, "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = false;")).toMatchObject({ status: 0, stdout: "" });
    expect(endpoints()).toHaveLength(3);
    expect(cqlsh(2, "DESCRIBE KEYSPACE ks;").stdout).toContain("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}  AND durable_writes = false;");
    expect(message("ALTER KEYSPACE nope WITH durable_writes = true;")).toBe("Unknown keyspace nope");
    expect(message("ALTER KEYSPACE system WITH durable_writes = false;")).toBe("system keyspace is not user-modifiable.");
    expect(message("ALTER KEYSPACE ks WITH replication = {'replication_factor': 2};")).toBe("Missing replication strategy class");
    expect(message("ALTER KEYSPACE ks WITH colour = 'blue';")).toBe("Unknown property 'colour'");
  });
});

describe("ALTER TABLE", () => {
  it("adds and drops columns: a dropped column's data stays gone when the name comes back", () => {
    const { cqlsh, message } = ring();
    cqlsh(0, "CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c)); INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'old');");
    expect(cqlsh(0, "ALTER TABLE ks.t ADD (n int, m text); UPDATE ks.t SET n = 7 WHERE k = 1 AND c = 2;").status).toBe(0);
    expect(cqlsh(1, "SELECT * FROM ks.t;").stdout).toBe("\n k | c | m    | n    | v\n---+---+------+------+------\n 1 | 1 | null | null |  old\n 1 | 2 | null |    7 | null\n\n(2 rows)\n");
    // Row 2 lived only by n: it goes with the column, and re-adding n brings back none of it.
    cqlsh(0, "ALTER TABLE ks.t DROP n;");
    cqlsh(0, "ALTER TABLE ks.t DROP (m, v); ALTER TABLE ks.t ADD n int; ALTER TABLE ks.t ADD v text;");
    expect(cqlsh(2, "SELECT * FROM ks.t;").stdout).toBe("\n k | c | n    | v\n---+---+------+------\n 1 | 1 | null | null\n\n(1 rows)\n");
    expect(message("ALTER TABLE ks.t ADD v int;")).toBe("Invalid column name v because it conflicts with an existing column");
    expect(message("ALTER TABLE ks.t ADD c int;")).toBe("Invalid column name c because it conflicts with a PRIMARY KEY part");
    expect(message("ALTER TABLE ks.t DROP nothing;")).toBe("Column nothing was not found in table t");
    expect(message("ALTER TABLE ks.t DROP k;")).toBe("Cannot drop PRIMARY KEY part k");
    expect(message("ALTER TABLE ks.t ALTER v TYPE blob;")).toBe("Altering of types is not allowed");
    expect(message("ALTER TABLE ks.nope ADD x int;")).toBe("unconfigured table nope");
  });

  it("renames primary key columns only, and keeps the options it is given", () => {
    const { cqlsh, message } = ring();
    cqlsh(0, "CREATE TABLE ks.t (k int PRIMARY KEY, v text) WITH comment = 'first' AND gc_grace_seconds = 3600; INSERT INTO ks.t (k, v) VALUES (1, 'a');");
    expect(cqlsh(0, "ALTER TABLE ks.t RENAME k TO id;").status).toBe(0);
    expect(cqlsh(1, "SELECT id, v FROM ks.t WHERE id = 1;").stdout).toBe("\n id | v\n----+---\n  1 | a\n\n(1 rows)\n");
    expect(message("ALTER TABLE ks.t RENAME v TO w;")).toBe("Cannot rename non PRIMARY KEY part v");
    expect(message("ALTER TABLE ks.t RENAME id TO v;")).toBe("Cannot rename column id to v in keyspace t; another column of that name already exist");
    expect(cqlsh(0, "ALTER TABLE ks.t WITH default_time_to_live = 600 AND compaction = {'class': 'LeveledCompactionStrategy'};").status).toBe(0);
    const described = cqlsh(2, "DESCRIBE TABLE ks.t;").stdout;
    expect(described).toContain("AND comment = 'first'\n");
    expect(described).toContain("AND compaction = {'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}\n");
    expect(described).toContain("AND default_time_to_live = 600\n");
    expect(described).toContain("AND gc_grace_seconds = 3600\n");
    expect(message("ALTER TABLE ks.t WITH colour = 'blue';")).toBe("Unknown property 'colour'");
    expect(message("ALTER TABLE ks.t WITH gc_grace_seconds = -1;")).toBe("gc_grace_seconds must be greater than or equal to 0 (got -1)");
    expect(message("ALTER TABLE ks.t WITH gc_grace_seconds = 'soon';")).toBe("Invalid integer value soon for 'gc_grace_seconds'");
    expect(message("ALTER TABLE ks.t WITH read_repair_chance = 1.5;")).toBe("read_repair_chance must be larger than or equal to 0 and smaller than or equal to 1.0 (got 1.5)");
    // Validated first over the defaults: a max below the default min fails even where the table's min is lower.
    expect(cqlsh(0, "ALTER TABLE ks.t WITH min_index_interval = 64;").status).toBe(0);
    expect(message("ALTER TABLE ks.t WITH max_index_interval = 100;")).toBe("max_index_interval must be greater than or equal to min_index_interval (128) (got 100)");
    expect(message("ALTER TABLE ks.t WITH speculative_retry = 'none';")).toBe("Invalid value none for option 'speculative_retry'");
    expect(message("ALTER TABLE ks.t WITH speculative_retry = '101percentile';")).toBe("Invalid value 101percentile for PERCENTILE option 'speculative_retry': must be between 0.0 and 100.0");
    cqlsh(0, "ALTER TABLE ks.t WITH speculative_retry = '42.50ms'; CREATE TABLE ks.lcs (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy'};");
    expect(cqlsh(1, "DESCRIBE TABLE ks.t;").stdout).toContain("AND speculative_retry = '42.5ms';");
    // A new table's bloom filter follows its compaction strategy: 0.1 for leveled.
    expect(cqlsh(1, "DESCRIBE TABLE ks.lcs;").stdout).toContain(") WITH bloom_filter_fp_chance = 0.1\n");
  });
});

describe("TTL", () => {
  it("expires cells and an INSERT's row, counts down in ttl(), and falls back to the table's default", () => {
    const { c, cqlsh, message } = ring();
    cqlsh(0, "CREATE TABLE ks.t (k int PRIMARY KEY, v text, n int) WITH default_time_to_live = 100;");
    cqlsh(
      0,
      "INSERT INTO ks.t (k, v) VALUES (1, 'ten') USING TTL 10; INSERT INTO ks.t (k, v) VALUES (2, 'default'); INSERT INTO ks.t (k, v) VALUES (3, 'forever') USING TTL 0;" +
        "INSERT INTO ks.t (k) VALUES (4); UPDATE ks.t USING TTL 20 SET v = 'update', n = 4 WHERE k = 4;",
    );
    expect(cqlsh(1, "SELECT k, v, ttl(v) FROM ks.t;").stdout).toBe(
      "\n k | v       | ttl(v)\n---+---------+--------\n 1 |     ten |     10\n 2 | default |    100\n 4 |  update |     20\n 3 | forever |   null\n\n(4 rows)\n",
    );
    c.runUntil(() => false, 12_000);
    // The INSERT's primary key went with its TTL; row 4's key came from a plain INSERT (the table's default).
    expect(cqlsh(1, "SELECT k, v, ttl(v) FROM ks.t;").stdout).toBe("\n k | v       | ttl(v)\n---+---------+--------\n 2 | default |     88\n 4 |  update |      8\n 3 | forever |   null\n\n(3 rows)\n");
    c.runUntil(() => false, 10_000);
    expect(cqlsh(1, "SELECT * FROM ks.t WHERE k = 4;").stdout).toBe("\n k | n    | v\n---+------+------\n 4 | null | null\n\n(1 rows)\n");
    expect(message("INSERT INTO ks.t (k) VALUES (5) USING TTL -1;")).toBe("A TTL must be greater or equal to 0, but was -1");
    expect(message("INSERT INTO ks.t (k) VALUES (5) USING TTL 630720001;")).toBe("ttl is too large. requested (630720001) maximum (630720000)");
    expect(message("SELECT ttl(k) FROM ks.t;")).toBe("Cannot use selection function ttl on PRIMARY KEY part k");
    // The simulated clock is in 2024: 20 years would expire past 2038, which 3.11.2 refuses.
    expect(message("INSERT INTO ks.t (k) VALUES (5) USING TTL 630720000;")).toBe(
      "Request on table ks.t with ttl of 630720000 seconds exceeds maximum supported expiration date of 2038-01-19T03:14:06+00:00. In order to avoid this use a lower TTL, change the expiration date overflow policy or upgrade to a version where this limitation is fixed. See CASSANDRA-14092 for more details.",
    );
    cqlsh(0, "ALTER TABLE ks.t WITH default_time_to_live = 600000000;");
    expect(message("INSERT INTO ks.t (k) VALUES (5);")).toContain("Request on table ks.t with default ttl of 600000000 seconds exceeds");
    expect(cqlsh(0, "DELETE FROM ks.t USING TTL 5 WHERE k = 1;").stderr).toContain("mismatched input 'TTL' expecting K_TIMESTAMP");
  });
});
