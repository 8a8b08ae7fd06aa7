import { describe, expect, it } from "vitest";
import { compareValues } from "../src/core/types.js";
import { PodCluster } from "./pods.js";

/**
 * What SELECT returns (3.11's SelectStatement): clustering restrictions, ORDER BY with its paging
 * caveat, DISTINCT, token(), aliases, aggregates and their warnings, PER PARTITION LIMIT; and
 * which rows UPDATE and DELETE name.
 */

function ring() {
  const c = new PodCluster(1);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  const rows = ["(1, 1, 'a')", "(1, 2, 'b')", "(1, 3, 'c')", "(2, 1, 'd')"].map((r) => `INSERT INTO ks.t (k, c, v) VALUES ${r};`).join(" ");
  expect(
    cqlsh(0, `CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c)); CONSISTENCY ALL; ${rows}`).status,
  ).toBe(0);
  const values = (cql: string) => [...cqlsh(1, cql).stdout.matchAll(/^ +\d+ \| +\d+ \| +(\w+)$/gm)].map((m) => m[1]).join("");
  return { c, cqlsh, values };
}

describe("clustering restrictions", () => {
  it("select the rows a clustering = , IN or slice names, and UPDATE and DELETE name as many", () => {
    const { cqlsh, values } = ring();
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c = 2;")).toBe("b");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c IN (1, 3);")).toBe("ac");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c > 1;")).toBe("bc");
    expect(values("SELECT * FROM ks.t WHERE k = 1 AND c >= 2 AND c < 3;")).toBe("b");
    expect(values("SELECT * FROM ks.t WHERE k IN (1, 2) AND c = 1;")).toBe("ad");
    expect(cqlsh(0, "CONSISTENCY ALL; UPDATE ks.t SET v = 'x' WHERE k = 1 AND c IN (1, 2); DELETE FROM ks.t WHERE k = 1 AND c IN (3);").status).toBe(0);
    expect(values("SELECT * FROM ks.t WHERE k = 1;")).toBe("xx");
  });
});

describe("SELECT", () => {
  it("orders by clustering columns, and sorts several partitions together only when not paging", () => {
    const { cqlsh, values } = ring();
    expect(values("SELECT * FROM ks.t WHERE k = 1 ORDER BY c DESC;")).toBe("cba");
    const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
    // cqlsh pages (100 rows) unless told not to, and rows sorted after the read cannot be paged.
    expect(message("SELECT * FROM ks.t WHERE k IN (2, 1) ORDER BY c DESC;")).toBe(
      "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
    );
    expect(values("PAGING OFF; SELECT * FROM ks.t WHERE k IN (2, 1) ORDER BY c DESC;")).toBe("cbad");
    expect(values("SELECT * FROM ks.t WHERE k IN (2, 1);")).toBe("abcd");
    expect(message("SELECT * FROM ks.t ORDER BY c DESC;")).toBe("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
    expect(message("SELECT * FROM ks.t WHERE k = 1 ORDER BY v;")).toBe("Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v");
    expect(message("SELECT * FROM ks.t WHERE k = 1 ORDER BY x;")).toBe("Undefined column name x");
  });

  it("answers DISTINCT, token(), aliases and PER PARTITION LIMIT as 3.11 does", () => {
    const { cqlsh, values } = ring();
    const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
    expect(cqlsh(1, "SELECT DISTINCT k FROM ks.t;").stdout).toBe("\n k\n---\n 1\n 2\n\n(2 rows)\n");
    expect(message("SELECT DISTINCT k, c FROM ks.t;")).toBe("SELECT DISTINCT queries must only request partition key columns and/or static columns (not c)");
    expect(message("SELECT DISTINCT k FROM ks.t WHERE k = 1 AND c = 1;")).toBe("SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.");
    expect(cqlsh(1, "SELECT k, token(k), c AS position FROM ks.t WHERE k = 2;").stdout).toBe(
      "\n k | system.token(k)      | position\n---+----------------------+----------\n 2 | -3248873570005575792 |        1\n\n(1 rows)\n",
    );
    expect(values("SELECT * FROM ks.t WHERE token(k) > -4069959284402364209;")).toBe("d");
    expect(values("SELECT * FROM ks.t PER PARTITION LIMIT 1;")).toBe("ad");
    expect(message("SELECT * FROM ks.t LIMIT 0;")).toBe("LIMIT must be strictly positive");
    expect(message("SELECT count(*) FROM ks.t PER PARTITION LIMIT 1;")).toBe("PER PARTITION LIMIT is not allowed with aggregate queries.");
  });

  it("aggregates over the rows read, with 3.11's names, types and warnings", () => {
    const { cqlsh } = ring();
    expect(cqlsh(1, "SELECT count(*), count(v), max(c), min(v), sum(c), avg(c) FROM ks.t WHERE k = 1;").stdout).toBe(
      "\n count | system.count(v) | system.max(c) | system.min(v) | system.sum(c) | system.avg(c)\n" +
        "-------+-----------------+---------------+---------------+---------------+---------------\n" +
        "     3 |               3 |             3 |             a |             6 |             2\n\n(1 rows)\n",
    );
    expect(cqlsh(1, "SELECT max(c) FROM ks.t;").stdout).toContain("Warnings :\nAggregation query used without partition key\n");
    expect(cqlsh(1, "SELECT max(c) FROM ks.t WHERE k IN (1, 2);").stdout).toContain("Warnings :\nAggregation query used on multiple partition keys (IN restriction)\n");
    expect(cqlsh(1, "SELECT sum(c), avg(c), max(c) FROM ks.t WHERE k = 9;").stdout).toContain("             0 |             0 |          null\n");
    expect(cqlsh(0, "SELECT sum(v) FROM ks.t WHERE k = 1;").stderr).toContain("Invalid call to function sum, none of its type signatures match");
    // LIMIT trims the one result row, not the rows counted.
    expect(cqlsh(1, "SELECT count(*) FROM ks.t WHERE k = 1 LIMIT 1;").stdout).toContain("     3\n");
  });

  it("groups by the partition key and a clustering prefix, one row per group", () => {
    const { cqlsh } = ring();
    const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
    expect(cqlsh(1, "SELECT k, count(*), max(c), v FROM ks.t GROUP BY k;").stdout).toBe(
      "\n k | count | system.max(c) | v\n---+-------+---------------+---\n 1 |     3 |             3 | a\n 2 |     1 |             1 | d\n\n(2 rows)\n\nWarnings :\nAggregation query used without partition key\n\n",
    );
    expect(cqlsh(1, "SELECT c, count(*) FROM ks.t WHERE k = 1 GROUP BY c LIMIT 2;").stdout).toBe("\n c | count\n---+-------\n 1 |     1\n 2 |     1\n\n(2 rows)\n");
    expect(cqlsh(1, "SELECT count(*) FROM ks.t WHERE k = 9 GROUP BY k;").stdout).toBe("\n count\n-------\n\n(0 rows)\n");
    expect(message("SELECT count(*) FROM ks.t GROUP BY v;")).toBe("Group by is currently only supported on the columns of the PRIMARY KEY, got v");
    expect(message("SELECT count(*) FROM ks.t GROUP BY c;")).toBe("Group by currently only support groups of columns following their declared order in the PRIMARY KEY");
  });
});

describe("static columns", () => {
  it("hold one value per partition, shown with each row, and a partition with only them still shows", () => {
    const { cqlsh } = ring();
    const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
    cqlsh(
      0,
      "CREATE TABLE ks.s (k int, c int, s text static, v text, PRIMARY KEY (k, c)); CONSISTENCY ALL; " +
        "INSERT INTO ks.s (k, c, s, v) VALUES (1, 1, 'shared', 'a'); INSERT INTO ks.s (k, c, v) VALUES (1, 2, 'b'); INSERT INTO ks.s (k, s) VALUES (2, 'alone');",
    );
    expect(cqlsh(1, "SELECT * FROM ks.s;").stdout).toBe("\n k | c    | s      | v\n---+------+--------+------\n 1 |    1 | shared |    a\n 1 |    2 | shared |    b\n 2 | null |  alone | null\n\n(3 rows)\n");
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.s SET s = 'changed' WHERE k = 1; DELETE s FROM ks.s WHERE k = 2;");
    expect(cqlsh(1, "SELECT DISTINCT k, s FROM ks.s;").stdout).toBe("\n k | s\n---+---------\n 1 | changed\n\n(1 rows)\n");
    expect(cqlsh(1, "SELECT c, s, v FROM ks.s WHERE k = 1 AND c = 2;").stdout).toBe("\n c | s       | v\n---+---------+---\n 2 | changed | b\n\n(1 rows)\n");
    expect(cqlsh(1, "DESCRIBE TABLE ks.s;").stdout).toContain("    s text static,\n");
    expect(message("UPDATE ks.s SET s = 'x' WHERE k = 1 AND c = 1;")).toBe("Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns");
    expect(message("CREATE TABLE ks.x (k int PRIMARY KEY, s int static);")).toBe("Static columns are only useful (and thus allowed) if the table has at least one clustering column");
    expect(message("CREATE TABLE ks.x (k int, c int static, PRIMARY KEY (k, c));")).toBe("Static column c cannot be part of the PRIMARY KEY");
  });
});

describe("native functions and time UUIDs", () => {
  it("compares time UUIDs by their time, not by their first bytes (time_low)", () => {
    const earlier = "ffffffff-0000-1000-8000-000000000000";
    const later = "00000000-0001-1000-8000-000000000000";
    expect(compareValues("timeuuid", earlier, later)).toBeLessThan(0);
    // UUIDType: version first, then version-1 UUIDs by time too.
    expect(compareValues("uuid", earlier, later)).toBeLessThan(0);
    expect(compareValues("uuid", "00000000-0000-4000-8000-000000000000", earlier)).toBeGreaterThan(0);
    // Same time: the clock sequence and node compare as signed bytes.
    expect(compareValues("timeuuid", "00000000-0000-1000-7f00-000000000000", "00000000-0000-1000-8000-000000000000")).toBeGreaterThan(0);
  });

  it("work out now(), uuid() and the time conversions when the statement runs, and order time UUIDs by time", () => {
    const { c, cqlsh } = ring();
    const message = (cql: string) => /message="(.*)"/.exec(cqlsh(0, cql).stderr)?.[1];
    cqlsh(0, "CREATE TABLE ks.ev (k int, t timeuuid, id uuid, at timestamp, PRIMARY KEY (k, t)); CONSISTENCY ALL; INSERT INTO ks.ev (k, t, id, at) VALUES (1, now(), uuid(), toTimestamp(now()));");
    // Time UUIDs made later sort later, though their first hex digits (time_low) need not.
    c.runUntil(() => false, 90_000);
    cqlsh(0, "CONSISTENCY ALL; INSERT INTO ks.ev (k, t, id) VALUES (1, now(), now());");
    const out = cqlsh(1, "SELECT t, id, at FROM ks.ev WHERE k = 1;").stdout;
    const rows = [...out.matchAll(/^ ([0-9a-f-]{36}) \| ([0-9a-f-]{36}) \| +(\S.*)$/gm)];
    expect(rows).toHaveLength(2);
    expect(rows[0]![2]![14]).toBe("4"); // uuid(): random, version 4
    expect(rows[1]![2]![14]).toBe("1"); // now() in a uuid column: a time UUID is a uuid
    expect(rows[0]![3]).toMatch(/^2024-01-01 00:\d\d:\d\d\.\d{6}\+0000$/);
    const [first, second] = [rows[0]![1]!, rows[1]![1]!];
    const at = (u: string) => BigInt(`0x${u.slice(15, 18)}${u.slice(9, 13)}${u.slice(0, 8)}`);
    expect(at(first) < at(second)).toBe(true);
    const between = cqlsh(1, `SELECT count(*) FROM ks.ev WHERE k = 1 AND t > maxTimeuuid('2024-01-01 00:00:00+0000') AND t < minTimeuuid('2030-01-01');`).stdout;
    expect(between).toContain("     2\n");
    expect(message("INSERT INTO ks.t (k, c, v) VALUES (now(), 1, 'x');")).toBe("Type error: cannot assign result of function system.now (type timeuuid) to k (type int)");
  });
});

describe("JSON", () => {
  it("reads INSERT JSON into the columns, the omitted ones null unless DEFAULT UNSET, and writes rows back with SELECT JSON", () => {
    const { cqlsh } = ring();
    const message = (cql: string) => /message="(.*)"\n/.exec(cqlsh(0, cql).stderr)?.[1];
    cqlsh(
      0,
      "CREATE TABLE ks.j (k int, c int, v text, at timestamp, n bigint, d double, b blob, PRIMARY KEY (k, c)); CONSISTENCY ALL; " +
        `INSERT INTO ks.j JSON '{"k": 1, "c": 1, "v": "said \\"hi\\"", "at": "2024-01-01 10:00:00+0000", "n": 9000000000, "d": 2, "b": "0xcafe"}';` +
        `INSERT INTO ks.j JSON '{"K": "1", "c": 2, "v": "x"}';`,
    );
    expect(cqlsh(1, "SELECT JSON * FROM ks.j;").stdout).toBe(
      "\n [json]\n" +
        "--------------------------------------------------------------------------------------------------------------------\n" +
        ' {"k": 1, "c": 1, "at": "2024-01-01 10:00:00.000Z", "b": "0xcafe", "d": 2.0, "n": 9000000000, "v": "said \\\\"hi\\\\""}\n' +
        '                                            {"k": 1, "c": 2, "at": null, "b": null, "d": null, "n": null, "v": "x"}\n\n(2 rows)\n',
    );
    cqlsh(0, `CONSISTENCY ALL; INSERT INTO ks.j JSON '{"k": 1, "c": 2, "v": "y"}' DEFAULT UNSET;`);
    expect(cqlsh(1, "SELECT JSON c, v AS value FROM ks.j WHERE k = 1 AND c = 2;").stdout).toContain('{"c": 2, "value": "y"}');
    expect(message(`INSERT INTO ks.j JSON '{"k": 1, "c": 3, "nope": 1}';`)).toBe("JSON values map contains unrecognized column: nope");
    expect(message(`INSERT INTO ks.j JSON '{"k": "x", "c": 3}';`)).toBe("Error decoding JSON value for k: Unable to make int from 'x'");
    expect(message(`INSERT INTO ks.j JSON '{"k": 1.5, "c": 3}';`)).toBe("Error decoding JSON value for k: Expected an int value, but got a Double: 1.5");
    expect(message(`INSERT INTO ks.j JSON '{"k": 1, "c": 3, "at": 1000}';`)).toBe("Error decoding JSON value for at: Expected a long or a datestring representation of a timestamp value, but got a Integer: 1000");
    expect(message(`INSERT INTO ks.j JSON '{"k": 1, "c": 3, "v": 123}';`)).toBe("Error decoding JSON value for v: Expected a UTF-8 string, but got a Integer: 123");
    expect(message(`INSERT INTO ks.j JSON '{"c": 3}';`)).toBe("Invalid null value in condition for column k");
    expect(message(`INSERT INTO ks.j JSON '{"c": 3}' DEFAULT UNSET;`)).toBe("Invalid unset value for column k");
  });
});
