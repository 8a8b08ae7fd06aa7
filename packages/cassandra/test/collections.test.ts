import { describe, expect, it } from "vitest";
import { cqlRing } from "./pods.js";

/**
 * Collections (3.11): sets, lists and maps whose elements are cells of their own, so that
 * additions from different coordinators merge, a replacement hides what came before, and
 * elements expire one by one; with cqlsh's formatting and 3.11's refusals.
 */

function ring() {
  const r = cqlRing("CREATE TABLE ks.c (k int PRIMARY KEY, tags set<text>, m map<text, int>, l list<int>, f frozen<set<int>>);");
  return { ...r, message: (cql: string) => r.message(0, cql) };
}

describe("collections", () => {
  it("keep elements in their order, and take additions, removals and single entries", () => {
    const { cqlsh } = ring();
    cqlsh(0, "CONSISTENCY ALL; INSERT INTO ks.c (k, tags, m, l, f) VALUES (1, {'b', 'it''s'}, {'y': 2, 'x': 1}, [3, 1, 2], {9, 8});");
    expect(cqlsh(1, "SELECT * FROM ks.c;").stdout).toBe(
      "\n k | f      | l         | m                | tags\n---+--------+-----------+------------------+----------------\n 1 | {8, 9} | [3, 1, 2] | {'x': 1, 'y': 2} | {'b', 'it''s'}\n\n(1 rows)\n",
    );
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.c SET tags = tags + {'c'}, m['z'] = 3, l = l + [4], l = [0] + l WHERE k = 1;");
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.c SET tags = tags - {'b'}, m = m - {'x'} WHERE k = 1; DELETE m['y'] FROM ks.c WHERE k = 1;");
    expect(cqlsh(2, "SELECT tags, m, l FROM ks.c;").stdout).toBe(
      "\n tags           | m        | l\n----------------+----------+-----------------\n {'c', 'it''s'} | {'z': 3} | [0, 3, 1, 2, 4]\n\n(1 rows)\n",
    );
    expect(cqlsh(2, "SELECT JSON k, tags, m FROM ks.c;").stdout).toContain(`{"k": 1, "tags": ["c", "it's"], "m": {"z": 3}}`);
  });

  it("merge additions made on different coordinators, and a replacement hides what came before it", () => {
    const { c, cqlsh } = ring();
    cqlsh(0, "CONSISTENCY ALL; INSERT INTO ks.c (k, tags) VALUES (1, {'first'});");
    c.runUntil(() => false, 1_000);
    cqlsh(1, "UPDATE ks.c SET tags = tags + {'from-1'} WHERE k = 1;");
    cqlsh(2, "UPDATE ks.c SET tags = tags + {'from-2'} WHERE k = 1;");
    c.runUntil(() => false, 1_000);
    expect(cqlsh(0, "CONSISTENCY ALL; SELECT tags FROM ks.c WHERE k = 1;").stdout).toContain(" {'first', 'from-1', 'from-2'}\n");
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.c SET tags = {'only'} WHERE k = 1;");
    expect(cqlsh(1, "CONSISTENCY ALL; SELECT tags FROM ks.c WHERE k = 1;").stdout).toContain(" {'only'}\n");
    // An element with a TTL goes on its own.
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.c USING TTL 5 SET tags = tags + {'brief'} WHERE k = 1;");
    expect(cqlsh(1, "CONSISTENCY ALL; SELECT tags FROM ks.c WHERE k = 1;").stdout).toContain(" {'brief', 'only'}\n");
    c.runUntil(() => false, 6_000);
    expect(cqlsh(1, "CONSISTENCY ALL; SELECT tags FROM ks.c WHERE k = 1;").stdout).toContain(" {'only'}\n");
    cqlsh(0, "CONSISTENCY ALL; DELETE tags FROM ks.c WHERE k = 1;");
    expect(cqlsh(1, "CONSISTENCY ALL; SELECT tags FROM ks.c WHERE k = 1;").stdout).toContain(" null\n");
  });

  it("refuse what 3.11 refuses", () => {
    const { message } = ring();
    expect(message("INSERT INTO ks.c (k, tags) VALUES (2, ['x']);")).toBe("Invalid list literal for tags of type set<text>");
    expect(message("INSERT INTO ks.c (k, tags) VALUES (2, 'x');")).toBe('Invalid STRING constant (x) for "tags" of type set<text>');
    expect(message("UPDATE ks.c SET f = f + {1} WHERE k = 1;")).toBe("Invalid operation (f = f + ?) for frozen collection column f");
    expect(message("SELECT writetime(tags) FROM ks.c;")).toBe("Cannot use selection function writeTime on collections");
    expect(message("SELECT * FROM ks.c WHERE tags = {'a'} ALLOW FILTERING;")).toBe("Collection column 'tags' (set<text>) cannot be restricted by a '=' relation");
    expect(message("CREATE TABLE ks.bad (k set<int> PRIMARY KEY);")).toBe("Invalid non-frozen collection type for PRIMARY KEY component k");
    // Counters have a write path of their own (a leader replica's shard), which ksim does not model: refused, not half-done.
    expect(message("CREATE TABLE ks.hits (k int PRIMARY KEY, n list<counter>);")).toBe("Counters are not allowed inside collections: list<counter>");
  });
});
