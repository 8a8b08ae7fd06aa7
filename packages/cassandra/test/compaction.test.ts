import { describe, expect, it } from "vitest";
import { compactPartition } from "../src/core/compaction.js";
import type { Partition } from "../src/core/data.js";
import { cqlRing } from "./pods.js";
import { elementCellKey, liveRow } from "../src/core/data.js";

/**
 * What a compaction keeps of a partition: shadowed data never, tombstones until gc_grace_seconds
 * has passed since they were written, and all of them while other copies of the partition may
 * still hold older data.
 */

const S = 1_000_000; // microseconds per second

describe("compaction", () => {
  const p: Partition = {
    key: [1],
    rows: {
      a: { ck: ["a"], marker: 10 * S, cells: { v: { v: "old", ts: 10 * S }, w: { v: null, ts: 20 * S, tomb: true } } },
      b: { ck: ["b"], del: 30 * S, marker: 10 * S, cells: { v: { v: "gone", ts: 10 * S } } },
      c: { ck: ["c"], marker: 10 * S, markerTtl: 5, markerExp: 15, cells: { v: { v: "brief", ts: 10 * S, ttl: 5, exp: 15 } } },
      d: { ck: ["d"], cdel: { s: 40 * S - 1 }, cells: { [elementCellKey("s", "x")]: { v: null, ts: 12 * S, k: "x" }, [elementCellKey("s", "y")]: { v: null, ts: 40 * S, k: "y" } } },
    },
  };

  it("drops what a deletion shadows at once, and keeps every tombstone within gc_grace_seconds", () => {
    const kept = compactPartition(p, 100, 0, true)!;
    expect(Object.keys(kept.rows)).toEqual(["a", "b", "c", "d"]);
    expect(kept.rows["a"]!.cells["w"]).toEqual({ v: null, ts: 20 * S, tomb: true });
    expect(kept.rows["b"]).toEqual({ ck: ["b"], del: 30 * S, cells: {} });
    // An expired cell stays, as the tombstone it has become.
    expect(kept.rows["c"]!.cells["v"]).toEqual({ v: null, ts: 10 * S, tomb: true });
    expect(Object.keys(kept.rows["d"]!.cells)).toEqual([elementCellKey("s", "y")]);
    for (const rk of ["a", "c", "d"]) expect(liveRow(kept.rows[rk]!, kept.del, 100)).toEqual(liveRow(p.rows[rk]!, p.del, 100));
  });

  it("purges tombstones written before gcBefore, unless other copies may hold older data", () => {
    const kept = compactPartition(p, 100, 35, true)!;
    expect(kept.rows["a"]!.cells).toEqual({ v: { v: "old", ts: 10 * S } });
    expect(kept.rows["b"]).toBeUndefined();
    expect(kept.rows["c"]).toBeUndefined();
    expect(kept.rows["d"]!.cdel).toEqual({ s: 40 * S - 1 });
    expect(compactPartition({ key: [2], del: 5 * S, rows: { a: { ck: ["a"], cells: { v: { v: 1, ts: 4 * S } } } } }, 100, 35, true)).toBeUndefined();
    expect(compactPartition(p, 100, 35, false)!.rows["b"]).toEqual({ ck: ["b"], del: 30 * S, cells: {} });
  });
});

/**
 * The runbook's warning about gc_grace_seconds: a replica that misses a delete and comes back after
 * the others have purged the tombstone brings the deleted row back ("zombie data"), because its hint
 * is too old to be applied and nothing left says the row was deleted.
 */
describe("gc_grace_seconds", () => {
  function deleteWhileDown(waitMs: number) {
    const ring = cqlRing("CREATE TABLE ks.t (k int PRIMARY KEY, v text) WITH gc_grace_seconds = 60;");
    const { c, cqlsh } = ring;
    expect(cqlsh(0, "CONSISTENCY ALL; INSERT INTO ks.t (k, v) VALUES (1, 'a'); INSERT INTO ks.t (k, v) VALUES (2, 'b');").status).toBe(0);
    c.pods[2]!.exec(["nodetool", "flush"]);
    c.pods[2]!.crash();
    c.runUntil(() => false, 30_000);
    expect(cqlsh(0, "CONSISTENCY QUORUM; DELETE FROM ks.t WHERE k = 1;").status).toBe(0);
    c.runUntil(() => false, waitMs);
    for (const i of [0, 1]) {
      expect(c.pods[i]!.exec(["nodetool", "flush"]).status).toBe(0);
      expect(c.pods[i]!.exec(["nodetool", "compact", "ks"])).toMatchObject({ status: 0, stdout: "", stderr: "" });
    }
    c.pods[2]!.restart();
    c.runUntil(() => c.pods[2]!.ready, 120_000);
    c.runUntil(() => false, 30_000);
    return ring;
  }

  it("a node back after the tombstone was purged brings the deleted row back", () => {
    const { c, cqlsh } = deleteWhileDown(120_000);
    expect(cqlsh(0, "CONSISTENCY ALL; SELECT k, v FROM ks.t;").stdout).toContain(" 1 | a");
    // Read repair at ALL wrote it back to the others: even a read at ONE from pod 0 sees it now.
    expect(cqlsh(0, "CONSISTENCY ONE; SELECT k, v FROM ks.t WHERE k = 1;").stdout).toContain(" 1 | a");
    expect(c.pods[2]!.exec(["nodetool", "tpstats"]).stdout).toMatch(/MutationStage\s+0\s+0\s+[1-9]/);
  });

  it("within gc_grace_seconds the hint and the kept tombstone keep the row deleted", () => {
    const { cqlsh } = deleteWhileDown(0);
    expect(cqlsh(0, "CONSISTENCY ALL; SELECT k, v FROM ks.t;").stdout).toMatch(/ 2 \| b\n\n\(1 rows\)/);
    expect(cqlsh(2, "CONSISTENCY ONE; SELECT k, v FROM ks.t WHERE k = 1;").stdout).toContain("(0 rows)");
  });

  it("nodetool compact names what it cannot find as Cassandra does", () => {
    const { c } = cqlRing("CREATE TABLE ks.t (k int PRIMARY KEY, v text);");
    expect(c.pods[0]!.exec(["nodetool", "compact", "nosuch"])).toMatchObject({
      status: 1,
      stdout: "nodetool: Keyspace [nosuch] does not exist.\nSee 'nodetool help' or 'nodetool help <command>'.\n",
    });
    const r = c.pods[0]!.exec(["nodetool", "compact", "ks", "nosuch"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: Unknown keyspace\/cf pair \(ks\.nosuch\)\n-- StackTrace --\njava\.lang\.IllegalArgumentException/);
    expect(c.pods[0]!.exec(["nodetool", "compact", "ks", "t"])).toMatchObject({ status: 0, stdout: "" });
  });
});
