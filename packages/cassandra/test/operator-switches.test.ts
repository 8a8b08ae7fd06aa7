import { describe, expect, it } from "vitest";
import { statusLine } from "./nodetool-output.js";
import { PodCluster, type Pod } from "./pods.js";

/**
 * The run-time switches operators flip in a failure drill: nodetool disablebinary/enablebinary
 * (CQL off and on), disablegossip/enablegossip (the node drops out of the ring's view and comes
 * back under a newer generation), disablehandoff/enablehandoff, disablebackup/enablebackup (incremental
 * backups), and their status commands.
 */

function ring(seed = 1): { c: PodCluster; pods: [Pod, Pod, Pod] } {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  return { c, pods: c.pods as [Pod, Pod, Pod] };
}

describe("nodetool's operator switches", () => {
  const { c, pods } = ring();
  const [p0, p1, p2] = pods;

  it("turns the native transport off and on: cqlsh is refused, then served", () => {
    expect(p1.exec(["nodetool", "statusbinary"]).stdout).toBe("running\n");
    expect(p1.exec(["nodetool", "disablebinary"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(p1.exec(["nodetool", "statusbinary"]).stdout).toBe("not running\n");
    expect(p1.log.text()).toContain("Stop listening for CQL clients");
    expect(p1.exec(["cqlsh", "-e", "SELECT release_version FROM system.local"]).stderr).toContain("Connection refused");
    // Gossip goes on: its peers still see it Up/Normal.
    expect(statusLine(p0.exec(["nodetool", "status"]).stdout, p1.ip)).toMatch(/^UN /);
    expect(p1.exec(["nodetool", "enablebinary"]).status).toBe(0);
    expect(p1.exec(["nodetool", "statusbinary"]).stdout).toBe("running\n");
    expect(p1.exec(["cqlsh", "-e", "SELECT release_version FROM system.local"]).stdout).toContain("3.11.2");
  });

  it("stops gossip: peers mark the node down at once and back up when it gossips again", () => {
    expect(p2.exec(["nodetool", "statusgossip"]).stdout).toBe("running\n");
    expect(p2.exec(["nodetool", "disablegossip"]).status).toBe(0);
    expect(p2.exec(["nodetool", "statusgossip"]).stdout).toBe("not running\n");
    expect(p2.log.text()).toContain("Stopping gossip by operator request");
    expect(p2.log.text()).toContain("Disabling gossip while native transport is still active is unsafe");
    c.runUntil(() => false, 2_000);
    expect(statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip)).toMatch(/^DN /);
    expect(p2.exec(["nodetool", "enablegossip"]).status).toBe(0);
    expect(p2.log.text()).toContain("Starting gossip by operator request");
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("UN "), 1000, 30_000)).toBe(true);
    expect(p2.exec(["nodetool", "statusgossip"]).stdout).toBe("running\n");
  });

  it("stops hinted handoff: no hint is written for a replica that is down", () => {
    expect(p0.exec(["nodetool", "statushandoff"]).stdout).toBe("Hinted handoff is running\n");
    expect(p0.exec(["nodetool", "disablehandoff"]).status).toBe(0);
    expect(p0.exec(["nodetool", "statushandoff"]).stdout).toBe("Hinted handoff is not running\n");
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE h WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE h.t (k int PRIMARY KEY)"]);
    c.runUntil(() => false, 5_000);
    p2.crash();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("DN "), 1000, 60_000)).toBe(true);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ONE; INSERT INTO h.t (k) VALUES (1)"]).status).toBe(0);
    // Hints are flushed to files every 10 s.
    c.runUntil(() => false, 11_000);
    expect(p0.exec(["ls", "/cassandra_data/hints"]).stdout).toBe("");
    expect(p0.exec(["nodetool", "enablehandoff"]).status).toBe(0);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ONE; INSERT INTO h.t (k) VALUES (2)"]).status).toBe(0);
    c.runUntil(() => false, 11_000);
    expect(p0.exec(["ls", "/cassandra_data/hints"]).stdout).toMatch(/\.hints\n/);
  });

  it("keeps incremental backups once enabled: every flushed SSTable is also linked under the table's backups/", () => {
    expect(p1.exec(["nodetool", "statusbackup"]).stdout).toBe("not running\n");
    p1.exec(["cqlsh", "-e", "CREATE KEYSPACE b WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE b.t (k int PRIMARY KEY)"]);
    c.runUntil(() => false, 5_000);
    const dir = p1.exec(["sh", "-c", "ls -d /cassandra_data/data/b/t-*"]).stdout.trim();
    // p2 is down since the handoff drill: ONE, which p1 itself answers as a replica.
    p1.exec(["cqlsh", "-e", "CONSISTENCY ONE; INSERT INTO b.t (k) VALUES (1)"]);
    p1.exec(["nodetool", "flush", "b"]);
    expect(p1.exec(["ls", dir]).stdout).toBe("mc-1-big-Data.db\nmc-1-big-Digest.crc32\nmc-1-big-TOC.txt\n");
    expect(p1.exec(["nodetool", "enablebackup"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(p1.exec(["nodetool", "statusbackup"]).stdout).toBe("running\n");
    p1.exec(["cqlsh", "-e", "CONSISTENCY ONE; INSERT INTO b.t (k) VALUES (2)"]);
    p1.exec(["nodetool", "flush", "b"]);
    // Only what was flushed since: the earlier SSTable is not in the backup.
    expect(p1.exec(["ls", `${dir}/backups`]).stdout).toBe("mc-2-big-Data.db\nmc-2-big-Digest.crc32\nmc-2-big-TOC.txt\n");
    expect(p1.exec(["nodetool", "disablebackup"]).status).toBe(0);
    expect(p1.exec(["nodetool", "statusbackup"]).stdout).toBe("not running\n");
  });

  it("answers cqlsh's SHOW VERSION, SHOW HOST and DESCRIBE CLUSTER, with the range ownership of the keyspace in use", () => {
    expect(p0.exec(["cqlsh", "-e", "SHOW VERSION; SHOW HOST"]).stdout).toBe("[cqlsh 5.0.1 | Cassandra 3.11.2 | CQL spec 3.4.4 | Native protocol v4]\nConnected to K8Demo at 127.0.0.1:9042.\n");
    expect(p0.exec(["cqlsh", "-e", "SHOW FOO"]).stderr).toBe("<stdin>:1:Improper SHOW command.\n");
    expect(p0.exec(["cqlsh", "-e", "DESCRIBE CLUSTER"]).stdout).toBe("\nCluster: K8Demo\nPartitioner: Murmur3Partitioner\n\n");
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE two WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}"]);
    const out = p0.exec(["cqlsh", "-k", "two", "-e", "DESCRIBE CLUSTER"]).stdout.split("\n");
    expect(out.slice(0, 5)).toEqual(["", "Cluster: K8Demo", "Partitioner: Murmur3Partitioner", "", "Range ownership:"]);
    const ranges = out.slice(5, -2).map((l) => /^ +(-?\d+)  \[(\S+), (\S+)\]$/.exec(l)!);
    // 32 tokens on each of the three members, each range on two distinct replicas, in token order.
    expect(ranges).toHaveLength(96);
    for (const m of ranges) expect(m[2]).not.toBe(m[3]);
    const tokens = ranges.map((m) => BigInt(m[1]!));
    expect(tokens).toEqual([...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
