import { describe, expect, it } from "vitest";
import { statusLine } from "./nodetool-output.js";
import { PodCluster, type Pod } from "./pods.js";

/**
 * nodetool repair on the tutorial's ring: a replica that missed writes for longer than
 * max_hint_window (3 h) answers reads at ONE without them until a repair compares the replicas'
 * Merkle trees and streams the ranges out of sync; nodetool prints the coordinator's progress
 * as 3.11's RepairRunner does.
 */

function ring(seed = 1): { c: PodCluster; pods: [Pod, Pod, Pod] } {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  return { c, pods: c.pods as [Pod, Pod, Pod] };
}

const STAMP = String.raw`\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]`;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

function options(ranges: number): string {
  return `repair options (parallelism: parallel, primary range: false, incremental: true, job threads: 1, ColumnFamilies: [], dataCenters: [], hosts: [], # of ranges: ${ranges}, pull repair: false)`;
}

/** Waits until `p0` sees `p` in the given state in nodetool status. */
function until(c: PodCluster, p0: Pod, p: Pod, state: "UN" | "DN"): void {
  expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p.ip).startsWith(`${state} `), 1000, 60_000)).toBe(true);
}

describe("nodetool repair", () => {
  const { c, pods } = ring();
  const [p0, p1, p2] = pods;
  const countAtOne = (p: Pod) => /\n\s+(\d+)\n/.exec(p.exec(["cqlsh", "-e", "CONSISTENCY ONE; SELECT count(*) FROM demo.t"]).stdout)?.[1];

  it("streams back the writes a replica missed beyond the hint window: reads at ONE see them only after the repair", () => {
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE demo.t (k int PRIMARY KEY, v text) WITH dclocal_read_repair_chance = 0"]);
    c.runUntil(() => false, 5_000);
    p2.crash();
    until(c, p0, p2, "DN");
    // Past max_hint_window_in_ms the coordinators stop writing hints for it.
    c.runUntil(() => false, 3 * 3_600_000 + 60_000);
    const rows = Array.from({ length: 20 }, (_, k) => `INSERT INTO demo.t (k, v) VALUES (${k}, 'v${k}');`).join("\n");
    expect(p0.exec(["cqlsh"], `CONSISTENCY ONE;\n${rows}\n`).status).toBe(0);
    p2.restart();
    expect(c.runUntil(() => p2.ready, 600_000)).toBe(true);
    until(c, p0, p2, "UN");
    c.runUntil(() => false, 15_000);
    // The broken state the repair is for: p2 answers from its own, empty, replica.
    expect(countAtOne(p2)).toBe("0");
    expect(countAtOne(p0)).toBe("20");

    const r = p2.exec(["nodetool", "repair", "demo"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    const ranges = /# of ranges: (\d+)/.exec(lines[0]!)?.[1];
    // Three nodes, RF 3: every node replicates every range, 32 tokens each.
    expect(ranges).toBe("96");
    expect(lines[0]).toMatch(new RegExp(`^${STAMP} Starting repair command #1 \\(${UUID}\\), repairing keyspace demo with ${options(96).replace(/[()[\]#]/g, "\\$&")}$`));
    // One session (every range has the same two neighbors): progress 5 of 4 + 96.
    expect(lines[1]).toMatch(new RegExp(`^${STAMP} Repair session ${UUID} for range \\[\\(-?\\d+,-?\\d+\\](, \\(-?\\d+,-?\\d+\\]){95}\\] finished \\(progress: 5%\\)$`));
    expect(lines.slice(2).map((l) => l.replace(/^\S+ \S+ /, ""))).toEqual(["Repair completed successfully", "Repair command #1 finished in 0 seconds"]);
    const log = p2.log.text();
    expect(log).toMatch(/\[repair #\S+\] Endpoints \/10\.244\.1\.5 and \/10\.244\.2\.5 are consistent for t/);
    expect(log).toMatch(/\[repair #\S+\] Endpoints \/10\.244\.1\.5 and \/10\.244\.3\.5 have \d+ range\(s\) out of sync for t/);
    expect(log).toMatch(/\[repair #\S+\] Performing streaming repair of \d+ ranges with \/10\.244\.1\.5/);
    expect(log).toMatch(/\[repair #\S+\] t is fully synced/);
    expect(countAtOne(p2)).toBe("20");

    // Nothing differs any more; the command number goes on.
    const again = p2.exec(["nodetool", "repair", "demo"]);
    expect(again.stdout).toContain("Starting repair command #2 ");
    expect(p2.log.text().slice(log.length)).not.toContain("out of sync");
  }, 120_000);

  it("repairs one node's primary ranges with -pr, and every replicated keyspace but system_distributed with no keyspace", () => {
    const pr = p1.exec(["nodetool", "repair", "-pr", "-full", "demo"]);
    expect(pr.stdout).toContain("(parallelism: parallel, primary range: true, incremental: false, job threads: 1, ColumnFamilies: [], dataCenters: [], hosts: [], # of ranges: 32, pull repair: false)");
    expect(pr.status).toBe(0);
    const all = p1.exec(["nodetool", "repair"]);
    expect(all.status).toBe(0);
    const lines = all.stdout.trimEnd().split("\n").map((l) => l.replace(/^\S+ \S+ /, ""));
    // Schema's HashMap order; system_auth has RF 1; system and system_schema are LocalStrategy.
    expect(lines.filter((l) => l.startsWith("Starting") || l.startsWith("Replication"))).toEqual([
      expect.stringMatching(/^Starting repair command #\d+ \(\S+\), repairing keyspace demo with /),
      "Replication factor is 1. No repair is needed for keyspace 'system_auth'",
      expect.stringMatching(/^Starting repair command #\d+ \(\S+\), repairing keyspace system_traces with .*# of ranges: \d+, /),
    ]);
  }, 60_000);

  it("names the tables to repair, and refuses unknown keyspaces, tables and options as nodetool does", () => {
    const one = p0.exec(["nodetool", "repair", "demo", "t"]);
    expect(one.stdout).toContain("ColumnFamilies: [t]");
    expect(p0.exec(["nodetool", "repair", "nope"])).toEqual({ status: 1, stdout: "nodetool: Keyspace [nope] does not exist.\nSee 'nodetool help' or 'nodetool help <command>'.\n", stderr: "" });
    expect(p0.exec(["nodetool", "flush", "nope"]).stdout).toBe("nodetool: Keyspace [nope] does not exist.\nSee 'nodetool help' or 'nodetool help <command>'.\n");
    const table = p0.exec(["nodetool", "repair", "demo", "nope"]);
    expect(table.status).toBe(2);
    expect(table.stdout.split("\n").map((l) => l.replace(/^\S+ \S+ /, ""))).toEqual([
      "Repair command #2 failed with error Unknown keyspace/cf pair (demo.nope)",
      "Repair command #2 finished with error",
      "",
    ]);
    expect(table.stderr).toMatch(new RegExp(`^error: Repair job has failed with the error message: ${STAMP} Repair command #2 failed with error Unknown keyspace/cf pair \\(demo\\.nope\\)\n-- StackTrace --\njava\\.lang\\.RuntimeException: Repair job has failed`));
    const ks = p0.exec(["cqlsh", "-e", "CREATE KEYSPACE single WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"]);
    expect(ks.status).toBe(0);
    expect(p0.exec(["nodetool", "repair", "single"]).stdout).toMatch(new RegExp(`^${STAMP} Replication factor is 1\\. No repair is needed for keyspace 'single'\n$`));
    expect(p0.exec(["nodetool", "repair", "-j", "5", "demo"]).stdout).toBe("nodetool: Too many job threads. Max is 4\nSee 'nodetool help' or 'nodetool help <command>'.\n");
  }, 60_000);

  it("fails before it starts when a neighbor is down, naming it", () => {
    p1.crash();
    until(c, p0, p1, "DN");
    const r = p0.exec(["nodetool", "repair", "demo"]);
    expect(r.status).toBe(2);
    const lines = r.stdout.trimEnd().split("\n").map((l) => l.replace(/^\S+ \S+ /, ""));
    expect(lines.slice(1)).toEqual([
      "Repair command #3 failed with error Did not get positive replies from all endpoints. List of failed endpoint(s): [10.244.2.5]",
      "Repair command #3 finished with error",
    ]);
    expect(r.stderr.split("\n").slice(1, 4)).toEqual([
      "-- StackTrace --",
      expect.stringMatching(/^java\.lang\.RuntimeException: Repair job has failed with the error message: \[.*\] Repair command #3 failed with error Did not get positive replies/),
      "\tat org.apache.cassandra.tools.RepairRunner.progress(RepairRunner.java:116)",
    ]);
  }, 60_000);
});
