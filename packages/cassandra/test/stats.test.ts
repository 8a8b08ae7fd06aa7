import { describe, expect, it } from "vitest";
import { PodCluster, type Pod } from "./pods.js";

/**
 * nodetool tpstats, tablestats (cfstats) and compactionstats: 3.11's layouts, fed by what the
 * nodes did — mutations applied, reads served, gossip handled, memtables flushed, SSTables kept.
 */

/** The Completed column of a tpstats pool line. */
function completed(out: string, pool: string): number {
  const line = out.split("\n").find((l) => l.startsWith(`${pool} `));
  if (line === undefined) throw new Error(`no ${pool} in\n${out}`);
  return Number(line.trim().split(/\s+/)[3]);
}

/** A `\t\tName: value` line of tablestats. */
function stat(out: string, name: string): string {
  const line = out.split("\n").find((l) => l.startsWith(`\t\t${name}: `) || l.startsWith(`\t${name}: `));
  if (line === undefined) throw new Error(`no ${name} in\n${out}`);
  return line.slice(line.indexOf(": ") + 2);
}

describe("nodetool stats commands", () => {
  const c = new PodCluster(3);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const [p0, p1] = c.pods as [Pod, Pod, Pod];
  p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE demo.kv (k int PRIMARY KEY, v text)"]);
  c.runUntil(() => false, 5_000);

  it("tpstats prints 3.11's pools and dropped-message table, counting the work done", () => {
    const before = p1.exec(["nodetool", "tpstats"]);
    expect(before.status).toBe(0);
    const lines = before.stdout.split("\n");
    expect(lines[0]).toBe("Pool Name                         Active   Pending      Completed   Blocked  All time blocked");
    // The pools come out of a HashMap, as 3.11 prints them.
    expect(lines.slice(1, 5).map((l) => l.split(" ")[0])).toEqual(["ReadStage", "MiscStage", "CompactionExecutor", "MutationStage"]);
    expect(lines.filter((l) => /^\S+\s+0\s+0\s+\d+\s+0\s+0$/.test(l))).toHaveLength(23);
    const dropped = before.stdout.slice(before.stdout.indexOf("\nMessage type"));
    expect(dropped).toBe(
      "\nMessage type           Dropped\n" +
        ["READ", "RANGE_SLICE", "_TRACE", "HINT", "MUTATION", "COUNTER_MUTATION", "BATCH_STORE", "BATCH_REMOVE", "REQUEST_RESPONSE", "PAGED_RANGE", "READ_REPAIR"].map((v) => `${v.padEnd(20)}${"0".padStart(10)}\n`).join(""),
    );
    expect(completed(before.stdout, "GossipStage")).toBeGreaterThan(0);

    p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; INSERT INTO demo.kv (k, v) VALUES (1, 'a'); INSERT INTO demo.kv (k, v) VALUES (2, 'b'); SELECT * FROM demo.kv WHERE k = 1"]);
    c.runUntil(() => false, 2_000);
    const after = p1.exec(["nodetool", "tpstats"]).stdout;
    // p1 replicates everything (RF 3 on three nodes): two mutations applied, the read served.
    expect(completed(after, "MutationStage") - completed(before.stdout, "MutationStage")).toBe(2);
    expect(completed(after, "ReadStage") - completed(before.stdout, "ReadStage")).toBe(1);
    expect(completed(after, "GossipStage")).toBeGreaterThan(completed(before.stdout, "GossipStage"));
  });

  it("tablestats reports the table's writes, reads, memtable and SSTables", () => {
    const out = p1.exec(["nodetool", "tablestats", "demo.kv"]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Total number of tables: \d+\n----------------\nKeyspace : demo\n\tRead Count: 1\n\tRead Latency: 0\.0 ms\n\tWrite Count: 2\n/);
    expect(stat(out.stdout, "Table")).toBe("kv");
    expect(stat(out.stdout, "SSTable count")).toBe("0");
    expect(stat(out.stdout, "Memtable cell count")).toBe("2");
    expect(stat(out.stdout, "Local write count")).toBe("2");
    expect(stat(out.stdout, "Local read latency")).toBe("NaN ms");
    expect(stat(out.stdout, "Percent repaired")).toBe("100.0");
    expect(p1.exec(["nodetool", "flush", "demo"]).status).toBe(0);
    const flushed = p1.exec(["nodetool", "cfstats", "-H", "demo"]).stdout;
    expect(stat(flushed, "SSTable count")).toBe("1");
    expect(stat(flushed, "Memtable cell count")).toBe("0");
    expect(stat(flushed, "Memtable switch count")).toBe("1");
    expect(stat(flushed, "Number of partitions (estimate)")).toBe("2");
    expect(stat(flushed, "Space used (live)")).toMatch(/^\d+ bytes$/);
    expect(Number(stat(flushed, "Compacted partition maximum bytes"))).toBeGreaterThan(0);
    // Every flush of a dirty memtable is a MemtableFlushWriter task.
    expect(completed(p1.exec(["nodetool", "tpstats"]).stdout, "MemtableFlushWriter")).toBeGreaterThan(0);
  });

  it("tablestats refuses keyspaces and tables the node does not have", () => {
    expect(p1.exec(["nodetool", "tablestats", "nope"])).toEqual({ status: 1, stdout: "nodetool: Unknown keyspace: nope\nSee 'nodetool help' or 'nodetool help <command>'.\n", stderr: "" });
    expect(p1.exec(["nodetool", "tablestats", "demo.nope"]).stdout).toBe("nodetool: Unknown tables: [nope] in keyspace: demo\nSee 'nodetool help' or 'nodetool help <command>'.\n");
  });

  it("compactionstats counts SSTables waiting for size-tiered compaction", () => {
    expect(p1.exec(["nodetool", "compactionstats"]).stdout).toBe("pending tasks: 0\n\n");
    // Four SSTables side by side (refresh loads them without compacting) make one pending task.
    const dir = p1.exec(["sh", "-c", "ls -d /cassandra_data/data/demo/kv-*"]).stdout.trim();
    for (let i = 0; i < 3; i++) {
      p0.exec(["cqlsh", "-e", `INSERT INTO demo.kv (k, v) VALUES (${10 + i}, 'x')`]);
      c.runUntil(() => false, 500);
      p1.exec(["nodetool", "flush", "demo"]);
    }
    // Three flushes on top of the first SSTable: the fourth compacts them into one.
    expect(stat(p1.exec(["nodetool", "tablestats", "demo.kv"]).stdout, "SSTable count")).toBe("1");
    p1.exec(["sh", "-c", `mkdir -p /tmp/copy && cp ${dir}/mc-* /tmp/copy/ && for g in 7 8 9; do for f in /tmp/copy/*; do cp $f ${dir}/$(basename $f | sed "s/mc-[0-9]*-/mc-$g-/"); done; done`]);
    expect(p1.exec(["nodetool", "refresh", "demo", "kv"]).status).toBe(0);
    expect(stat(p1.exec(["nodetool", "tablestats", "demo.kv"]).stdout, "SSTable count")).toBe("4");
    expect(p1.exec(["nodetool", "compactionstats"]).stdout).toBe("pending tasks: 1\n- demo.kv: 1\n\n");
  });
});
