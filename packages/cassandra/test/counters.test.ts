import { describe, expect, it } from "vitest";
import { cqlRing } from "./pods.js";

/**
 * Counter columns (3.11): an update is applied by one leader replica, which turns the delta into
 * its own shard (its clock, its count) and sends that to the other replicas; shards from
 * different leaders are kept side by side and summed on read, so increments through any
 * coordinator add up and a replayed shard is not counted twice.
 */

function ring() {
  const r = cqlRing("CREATE TABLE ks.hits (page text PRIMARY KEY, n counter, m counter);");
  // The first value of a result: the line after the header's rule.
  const value = (pod: number, cql: string) => /-\n(.*)\n/.exec(r.cqlsh(pod, cql).stdout)?.[1]?.trim();
  return { ...r, value };
}

describe("counters", () => {
  it("add up increments made through every coordinator, in every spelling of + and -", () => {
    const { cqlsh, value } = ring();
    for (const pod of [0, 1, 2]) {
      for (let i = 0; i < 5; i++) expect(cqlsh(pod, "UPDATE ks.hits SET n = n + 1 WHERE page = 'home';")).toMatchObject({ status: 0, stderr: "" });
    }
    expect(value(0, "CONSISTENCY ALL; SELECT n FROM ks.hits WHERE page = 'home';")).toBe("15");
    cqlsh(1, "UPDATE ks.hits SET n = n - 3, m = m + 7 WHERE page = 'home';");
    cqlsh(2, "UPDATE ks.hits SET n += 10, m -= 2 WHERE page = 'home';");
    cqlsh(0, "UPDATE ks.hits SET n = n -1 WHERE page = 'home';");
    expect(cqlsh(1, "CONSISTENCY ALL; SELECT * FROM ks.hits;").stdout).toContain("\n page | m | n\n------+---+----\n home | 5 | 21\n\n(1 rows)\n");
    // The shards are the leaders': three replicas, at most three shards, however many updates.
    expect(cqlsh(2, "CONSISTENCY ALL; SELECT writetime(n), ttl(n) FROM ks.hits;").stdout).toMatch(/ \d{16} \|\s+null\n/);
  });

  it("survive a leader going down mid-stream and a restart of every node", () => {
    const { c, cqlsh, value } = ring();
    for (let i = 0; i < 6; i++) cqlsh(i % 3, "CONSISTENCY QUORUM; UPDATE ks.hits SET n = n + 1 WHERE page = 'a';");
    c.pods[2]!.crash();
    c.runUntil(() => false, 30_000);
    for (let i = 0; i < 4; i++) expect(cqlsh(i % 2, "CONSISTENCY QUORUM; UPDATE ks.hits SET n = n + 2 WHERE page = 'a';").status).toBe(0);
    expect(value(1, "CONSISTENCY QUORUM; SELECT n FROM ks.hits WHERE page = 'a';")).toBe("14");
    c.pods[2]!.restart();
    c.runUntil(() => false, 60_000);
    // The node that was down has its hints; a read at ALL sees the same total.
    expect(value(2, "CONSISTENCY ALL; SELECT n FROM ks.hits WHERE page = 'a';")).toBe("14");
    for (const p of c.pods) p.exec(["nodetool", "flush"]);
    for (const p of c.pods) {
      p.restart();
      expect(c.runUntil(() => p.ready, 120_000)).toBe(true);
    }
    c.runUntil(() => false, 15_000);
    expect(value(0, "CONSISTENCY ALL; SELECT n FROM ks.hits WHERE page = 'a';")).toBe("14");
    cqlsh(1, "UPDATE ks.hits SET n = n + 1 WHERE page = 'a';");
    expect(value(2, "CONSISTENCY ALL; SELECT n FROM ks.hits WHERE page = 'a';")).toBe("15");
  });

  it("stay deleted: a counter tombstone shadows later increments whatever their timestamps", () => {
    const { cqlsh, value } = ring();
    cqlsh(0, "CONSISTENCY ALL; UPDATE ks.hits SET n = n + 4, m = m + 1 WHERE page = 'x';");
    cqlsh(0, "CONSISTENCY ALL; DELETE n FROM ks.hits WHERE page = 'x';");
    cqlsh(1, "CONSISTENCY ALL; UPDATE ks.hits SET n = n + 1, m = m + 1 WHERE page = 'x';");
    expect(cqlsh(2, "CONSISTENCY ALL; SELECT n, m FROM ks.hits WHERE page = 'x';").stdout).toContain("\n n    | m\n------+---\n null | 2\n\n(1 rows)\n");
    // A row deletion is by timestamp: a later increment starts again from its delta.
    cqlsh(0, "CONSISTENCY ALL; DELETE FROM ks.hits WHERE page = 'x';");
    cqlsh(2, "CONSISTENCY ALL; UPDATE ks.hits SET m = m + 3 WHERE page = 'x';");
    expect(value(1, "CONSISTENCY ALL; SELECT m FROM ks.hits WHERE page = 'x';")).toBe("3");
  });

  it("time out as COUNTER writes after counter_write_request_timeout, reporting ONE when another node leads", () => {
    const { c } = ring();
    c.pods[1]!.crash();
    c.pods[2]!.crash();
    // Neither is convicted yet: the leader is any of the three, and the writes cannot reach ALL.
    const before = c.sim.now;
    const runs = Array.from({ length: 16 }, (_, i) => c.pods[0]!.launch(["cqlsh", "-e", `CONSISTENCY ALL; UPDATE ks.hits SET n = n + 1 WHERE page = 'p${i}';`]));
    c.runUntil(() => runs.every((r) => r.result() !== undefined), 20_000);
    expect(c.sim.now - before).toBeGreaterThanOrEqual(5_000);
    const infos = new Set(runs.map((r) => /info=(\{.*\})/.exec(r.result()!.stderr)?.[1]));
    // Led here: its own ack of three. Led by a silent node: the wait for that one answer.
    expect([...infos].sort()).toEqual([
      "{'received_responses': 0, 'required_responses': 1, 'consistency': 'ONE', 'write_type': 'COUNTER'}",
      "{'received_responses': 1, 'required_responses': 3, 'consistency': 'ALL', 'write_type': 'COUNTER'}",
    ]);
  });

  it("refuse what 3.11 refuses", () => {
    const { message } = ring();
    expect(message(0, "INSERT INTO ks.hits (page, n) VALUES ('a', 1);")).toBe("INSERT statements are not allowed on counter tables, use UPDATE instead");
    expect(message(0, "UPDATE ks.hits SET n = 5 WHERE page = 'a';")).toBe("Cannot set the value of counter column n (counters can only be incremented/decremented, not set)");
    expect(message(0, "UPDATE ks.hits SET n = n + 'x' WHERE page = 'a';")).toBe('Invalid STRING constant (x) for "n" of type counter');
    expect(message(0, "UPDATE ks.hits SET n = n + null WHERE page = 'a';")).toBe("Invalid null value for counter increment/decrement");
    expect(message(0, "UPDATE ks.hits SET n = n - -9223372036854775808 WHERE page = 'a';")).toBe(
      "The negation of -9223372036854775808 overflows supported counter precision (signed 8 bytes integer)",
    );
    expect(message(0, "UPDATE ks.hits SET n = 1 + n WHERE page = 'a';")).toBe("Invalid operation (n = 1 - n) for non list column n");
    expect(message(0, "UPDATE ks.hits USING TIMESTAMP 5 SET n = n + 1 WHERE page = 'a';")).toBe("Cannot provide custom timestamp for counter updates");
    expect(message(0, "UPDATE ks.hits USING TTL 5 SET n = n + 1 WHERE page = 'a';")).toBe("Cannot provide custom TTL for counter updates");
    expect(message(0, "UPDATE ks.hits SET n = n + 1 WHERE page = 'a' IF n = 1;")).toBe("Conditional updates are not supported on counter tables");
    expect(message(0, "CONSISTENCY ANY; UPDATE ks.hits SET n = n + 1 WHERE page = 'a';")).toBe("Consistency level ANY is not yet supported for counter table hits");
    expect(message(0, "CONSISTENCY SERIAL; UPDATE ks.hits SET n = n + 1 WHERE page = 'a';")).toBe("Counter operations are inherently non-serializable");
    // On other columns, an increment is typed first, then refused.
    message(0, "CREATE TABLE ks.plain (k int PRIMARY KEY, v int, t text);");
    expect(message(0, "UPDATE ks.plain SET v = v + 1 WHERE k = 1;")).toBe("Invalid operation (v = v + 1) for non counter column v");
    expect(message(0, "UPDATE ks.plain SET v = v -1 WHERE k = 1;")).toBe("Invalid operation (v = v + -1) for non counter column v");
    expect(message(0, "UPDATE ks.plain SET t = t + 1 WHERE k = 1;")).toBe('Invalid INTEGER constant (1) for "t" of type text');
    // Schema.
    expect(message(0, "CREATE TABLE ks.mix (k int PRIMARY KEY, n counter, v int);")).toBe("Cannot mix counter and non counter columns in the same table");
    expect(message(0, "CREATE TABLE ks.pk (k counter PRIMARY KEY, n counter);")).toBe("counter type is not supported for PRIMARY KEY part k");
    expect(message(0, "CREATE TABLE ks.ttl (k int PRIMARY KEY, n counter) WITH default_time_to_live = 10;")).toBe("Cannot set default_time_to_live on a table with counters");
    expect(message(0, "ALTER TABLE ks.hits WITH default_time_to_live = 10;")).toBe("Cannot set default_time_to_live on a table with counters");
    expect(message(0, "ALTER TABLE ks.hits ADD t text;")).toBe("Cannot add a non counter column (t) in a counter column family");
    expect(message(0, "ALTER TABLE ks.plain ADD c counter;")).toBe("Cannot add a counter column (c) in a non counter column family");
  });

  it("go in counter and unlogged batches, never logged ones", () => {
    const { cqlsh, message, value } = ring();
    message(0, "CREATE TABLE ks.plain (k int PRIMARY KEY, v int);");
    const inc = "UPDATE ks.hits SET n = n + 1 WHERE page = 'b'";
    expect(cqlsh(0, `BEGIN COUNTER BATCH ${inc}; ${inc}; UPDATE ks.hits SET n = n + 1 WHERE page = 'c'; APPLY BATCH`)).toMatchObject({ status: 0, stderr: "" });
    expect(cqlsh(1, `BEGIN UNLOGGED BATCH ${inc}; APPLY BATCH`)).toMatchObject({ status: 0, stderr: "" });
    expect(value(2, "CONSISTENCY ALL; SELECT n FROM ks.hits WHERE page = 'b';")).toBe("3");
    const plain = "INSERT INTO ks.plain (k, v) VALUES (1, 1)";
    expect(message(0, `BEGIN BATCH ${plain}; ${inc}; APPLY BATCH`)).toBe("Cannot include a counter statement in a logged batch");
    expect(message(0, `BEGIN COUNTER BATCH ${inc}; ${plain}; APPLY BATCH`)).toBe("Cannot include non-counter statement in a counter batch");
    expect(message(0, `BEGIN UNLOGGED BATCH ${plain}; ${inc}; APPLY BATCH`)).toBe("Counter and non-counter mutations cannot exist in the same batch");
    expect(message(0, `BEGIN COUNTER BATCH USING TIMESTAMP 5 ${inc}; APPLY BATCH`)).toBe("Cannot provide custom timestamp for counter BATCH");
    expect(message(0, `BEGIN UNLOGGED BATCH USING TIMESTAMP 5 ${inc}; APPLY BATCH`)).toBe("Cannot provide custom timestamp for a BATCH containing counters");
    expect(message(0, `BEGIN COUNTER BATCH UPDATE ks.hits USING TTL 5 SET n = n + 1 WHERE page = 'b'; APPLY BATCH`)).toBe("Cannot provide custom TTL for counter updates");
  });
});
