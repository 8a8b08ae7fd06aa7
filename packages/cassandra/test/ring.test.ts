import { spawn } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { tokenOf } from "../src/core/token.js";
import { owns, statusLine } from "./nodetool-output.js";
import { PodCluster, type Pod } from "./pods.js";

/**
 * The tutorial's ring: cassandra:v13 pods started in order by a StatefulSet, each in its own
 * process table on a simulated network, talking gossip on 7000, CQL on 9042 and JMX on 7199.
 */

function ring(seed = 1): { c: PodCluster; pods: Pod[] } {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  // The last pod is ready (UN) a little before its native transport has started.
  c.runUntil(() => false, 15_000);
  return { c, pods: c.pods };
}


describe("the tutorial's Cassandra ring", () => {
  it("is deterministic: the same seed gives the same logs and the same trace", () => {
    const once = () => {
      const c = new PodCluster(42);
      c.startOrdered(3);
      return { logs: c.pods.map((p) => p.log.text()), trace: c.sim.trace.finish() };
    };
    expect(once()).toEqual(once());
  });

  it("forms from the StatefulSet: the seed starts alone, each next pod bootstraps after RING_DELAY, all end Up/Normal", () => {
    const { c, pods } = ring();
    const [p0, p1, p2] = pods as [Pod, Pod, Pod];
    expect(p0.log.text()).toContain("This node will not auto bootstrap because it is configured to be a seed node.");
    expect(p0.log.text()).not.toContain("JOINING: sleeping");
    for (const p of [p1, p2]) {
      const log = p.log.text();
      expect(log).toContain("JOINING: sleeping 30000 ms for pending range setup");
      expect(log).toContain(`Node /${p.ip} state jump to NORMAL`);
      expect(log).toContain("Starting listening for CQL clients on /0.0.0.0:9042 (unencrypted)...");
      expect(p0.log.text()).toContain(`Node /${p.ip} is now part of the cluster`);
      expect(p0.log.text()).toContain(`InetAddress /${p.ip} is now UP`);
    }
    for (const p of pods) {
      const out = p.exec(["nodetool", "status"]).stdout;
      for (const q of pods) expect(statusLine(out, q.ip)).toMatch(/^UN /);
      // No user keyspace: effective ownership is system_traces' (RF 2), about 200% in all.
      expect(owns(out)).toBeCloseTo(200, 0);
    }
    // run.sh echoed the tutorial's settings before starting the JVM.
    expect(p1.log.text()).toContain("CASSANDRA_SEEDS cassandra-0.cassandra.default.svc.cluster.local\n");
    expect(p1.log.text()).toContain("CASSANDRA_CLUSTER_NAME K8Demo\n");
    expect(c.sim.now).toBeGreaterThan(60_000);
  });

  it("prints nodetool status in Status.java's format, nodes in the hash order of their addresses", () => {
    const { pods } = ring();
    expect(pods[0]!.exec(["nodetool", "status"])).toEqual({
      status: 0,
      stderr: "",
      stdout:
        "Datacenter: DC1-K8Demo\n" +
        "======================\n" +
        "Status=Up/Down\n" +
        "|/ State=Normal/Leaving/Joining/Moving\n" +
        "--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack\n" +
        "UN  10.244.1.5  1.88 KiB   32           65.6%             11c39d00-ddab-4005-bc70-8cef5db570fb  Rack1-K8Demo\n" +
        "UN  10.244.2.5  3.31 KiB   32           69.9%             57f1c787-c94b-4524-b7da-5a0ddccdcee2  Rack1-K8Demo\n" +
        "UN  10.244.3.5  1.17 KiB   32           64.5%             794137ec-b464-4ed8-80ec-b948fc8f3871  Rack1-K8Demo\n" +
        "\n",
    });
    const describe = pods[1]!.exec(["nodetool", "describecluster"]).stdout;
    expect(describe).toMatch(/^Cluster Information:\n\tName: K8Demo\n\tSnitch: org\.apache\.cassandra\.locator\.GossipingPropertyFileSnitch\n/);
    expect(describe).toMatch(/\t\t[0-9a-f-]{36}: \[10\.244\.1\.5, 10\.244\.2\.5, 10\.244\.3\.5\]\n\n$/);
    expect(pods[2]!.exec(["nodetool", "info"]).stdout).toContain("Token                  : (invoke with -T/--tokens to see all 32 tokens)\n");
    const ringOut = pods[0]!.exec(["nodetool", "ring"]).stdout.split("\n");
    // Ring.java's fixed-width columns: a 12-wide Rack column leaves "Rack1-K8Demo" touching "Up".
    expect(ringOut.slice(0, 4)).toEqual(["", "Datacenter: DC1-K8Demo", "==========", `Address     Rack        Status State   Load            Owns                Token${" ".repeat(39)}`]);
    expect(ringOut.filter((l) => /^10\.244\.\d\.5  Rack1-K8DemoUp     Normal  \S+ KiB +\d+\.\d\d% +-?\d+ *$/.test(l))).toHaveLength(96);
    expect(ringOut.slice(-5)).toEqual(['  Warning: "nodetool ring" is used to output all the tokens of a node.', '  To view status related info of a node use "nodetool status" instead.', "", "", "  "]);
  });

  it("reports ownership per keyspace and the Note when user keyspaces replicate differently", () => {
    const { pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE three WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    expect(owns(p0.exec(["nodetool", "status"]).stdout)).toBeCloseTo(300, 0);
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE one WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"]);
    const out = p0.exec(["nodetool", "status"]).stdout;
    expect(out).toContain("--  Address     Load       Tokens       Owns    Host ID                               Rack\n");
    expect(out).toMatch(/UN {2}10\.244\.1\.5 {2}\S+ KiB +32 {11}\? {7}/);
    expect(out.endsWith("\nNote: Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless\n")).toBe(true);
    expect(owns(p0.exec(["nodetool", "status", "one"]).stdout)).toBeCloseTo(100, 0);
    expect(p0.exec(["nodetool", "status", "nope"])).toEqual({ status: 1, stdout: "\nError: The keyspace nope, does not exist\n", stderr: "" });
  });

  it("names a key's replicas with nodetool getendpoints: the nodes a write at ALL needs", () => {
    const { c, pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE two WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}; CREATE TABLE two.t (k int PRIMARY KEY, v text)"]);
    c.runUntil(() => false, 5_000);
    const replicasOf = (k: number, p = p0) => p.exec(["nodetool", "getendpoints", "two", "t", String(k)]).stdout.trim().split("\n");
    const keys = Array.from({ length: 12 }, (_, k) => k);
    for (const k of keys) {
      expect(replicasOf(k)).toHaveLength(2);
      // Every node computes the same placement.
      for (const p of pods) expect(replicasOf(k, p)).toEqual(replicasOf(k));
    }
    const down = pods[2]!;
    const up = pods.filter((p) => p !== down);
    const onUpNodes = keys.filter((k) => !replicasOf(k).includes(down.ip));
    const touchesDown = keys.filter((k) => replicasOf(k).includes(down.ip));
    expect(onUpNodes.length).toBeGreaterThan(0);
    expect(touchesDown.length).toBeGreaterThan(0);
    down.crash();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, down.ip).startsWith("DN "), 1000, 60_000)).toBe(true);
    const writeAll = (k: number) => up[0]!.exec(["cqlsh", "-e", `CONSISTENCY ALL; INSERT INTO two.t (k, v) VALUES (${k}, 'x')`]);
    for (const k of onUpNodes) expect(writeAll(k).status).toBe(0);
    for (const k of touchesDown) expect(writeAll(k).stderr).toContain("Cannot achieve consistency level ALL");
  });

  it("reads getendpoints' key as the key type's fromString does, and reports nodetool's errors", () => {
    const { pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}; CREATE TABLE ks.t (k int PRIMARY KEY); CREATE TABLE ks.c (a text, b int, PRIMARY KEY ((a, b)))"]);
    expect(p0.exec(["nodetool", "getendpoints", "ks", "c", "x:3"]).stdout).toMatch(/^10\.244\.\d+\.\d+\n$/);
    expect(p0.exec(["nodetool", "getendpoints", "ks", "t", "x"])).toEqual({
      status: 2,
      stdout: "",
      stderr: "error: Unable to make int from 'x'\n-- StackTrace --\norg.apache.cassandra.serializers.MarshalException: Unable to make int from 'x'\n",
    });
    expect(p0.exec(["nodetool", "getendpoints", "nope", "t", "1"]).stderr).toBe("error: Unknown keyspace 'nope'\n-- StackTrace --\njava.lang.IllegalArgumentException: Unknown keyspace 'nope'\n");
    expect(p0.exec(["nodetool", "getendpoints", "ks", "t"])).toEqual({
      status: 1,
      stdout: "nodetool: getendpoints requires keyspace, table and partition key arguments\nSee 'nodetool help' or 'nodetool help <command>'.\n",
      stderr: "",
    });
    expect(p0.exec(["nodetool", "version"]).stdout).toBe("ReleaseVersion: 3.11.2\n");
    expect(p0.exec(["nodetool", "getstreamthroughput"]).stdout).toBe("Current stream throughput: 200 Mb/s\n");
    expect(p0.exec(["nodetool", "setstreamthroughput", "50"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(p0.exec(["nodetool", "getstreamthroughput"]).stdout).toBe("Current stream throughput: 50 Mb/s\n");
    expect(p0.exec(["nodetool", "getcompactionthroughput"]).stdout).toBe("Current compaction throughput: 16 MB/s\n");
    expect(p0.exec(["nodetool", "setcompactionthroughput"]).stdout).toBe("nodetool: Required parameters are missing: compaction_throughput\nSee 'nodetool help' or 'nodetool help <command>'.\n");
    expect(p0.exec(["nodetool", "setcompactionthroughput", "fast"]).stdout).toContain('nodetool: compaction_throughput: can not convert "fast" to a Integer\n');
  });

  it("describes a keyspace's ranges with nodetool describering: one per token, replicas by the keyspace's strategy", () => {
    const { c, pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE two WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}"]);
    c.runUntil(() => false, 5_000);
    const out = p0.exec(["nodetool", "describering", "two"]);
    expect(out.status).toBe(0);
    const version = /\t\t([0-9a-f-]{36}): /.exec(p0.exec(["nodetool", "describecluster"]).stdout)![1];
    const lines = out.stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual([`Schema Version:${version}`, "TokenRange: "]);
    const re = /^\tTokenRange\(start_token:(-?\d+), end_token:(-?\d+), endpoints:\[([^\]]*)\], rpc_endpoints:\[([^\]]*)\], endpoint_details:\[(.*)\]\)$/;
    const ranges = lines.slice(2, -1).map((l) => re.exec(l)!);
    expect(ranges.every((m) => m !== null)).toBe(true);
    // nodetool ring's token → owner, in token order.
    const owner = new Map<string, string>();
    for (const l of p0.exec(["nodetool", "ring"]).stdout.split("\n")) {
      const m = /^(10\.244\.\d\.5) .* (-?\d+) *$/.exec(l);
      if (m !== null) owner.set(m[2]!, m[1]!);
    }
    const tokens = [...owner.keys()];
    expect(ranges).toHaveLength(tokens.length);
    for (const [, start, end, endpoints, rpc, details] of ranges) {
      // Each range runs from the token before its end, and its first replica owns the end token;
      // SimpleStrategy's second is the next distinct node clockwise.
      const i = tokens.indexOf(end!);
      expect(start).toBe(tokens[(i - 1 + tokens.length) % tokens.length]);
      const eps = endpoints!.split(", ");
      expect(eps).toHaveLength(2);
      expect(eps[0]).toBe(owner.get(end!));
      const next = tokens.map((_, k) => owner.get(tokens[(i + k) % tokens.length]!)!).find((ep) => ep !== eps[0]);
      expect(eps[1]).toBe(next);
      expect(rpc).toBe(endpoints);
      expect(details).toBe(eps.map((ep) => `EndpointDetails(host:${ep}, datacenter:DC1-K8Demo, rack:Rack1-K8Demo)`).join(", "));
    }
    // Collected in a HashMap: not in token order, but the same on every node.
    expect(ranges.map((m) => m[2])).not.toEqual(tokens);
    expect(pods[2]!.exec(["nodetool", "describering", "two"]).stdout).toBe(out.stdout);

    const trace = (message: string) =>
      `error: java.io.IOException: ${message}\n-- StackTrace --\njava.lang.RuntimeException: java.io.IOException: ${message}\n\tat org.apache.cassandra.tools.nodetool.DescribeRing.execute(DescribeRing.java:48)\n`;
    const heading = `Schema Version:${version}\nTokenRange: \n`;
    expect(p0.exec(["nodetool", "describering", "system"])).toEqual({ status: 2, stdout: heading, stderr: trace("There is no ring for the keyspace: system") });
    expect(p0.exec(["nodetool", "describering", "nope"])).toEqual({ status: 2, stdout: heading, stderr: trace("No such keyspace: nope") });
    expect(p0.exec(["nodetool", "describering"])).toEqual({
      status: 1,
      stdout: "nodetool: Required parameters are missing: keyspace\nSee 'nodetool help' or 'nodetool help <command>'.\n",
      stderr: "",
    });
  });

  it("prints nodetool netstats: the operation mode, streams, read repairs and messages per connection kind", () => {
    const { c, pods } = ring();
    const p0 = pods[0]!;
    const lines = p0.exec(["nodetool", "netstats"]).stdout.split("\n");
    expect(lines.slice(0, 7)).toEqual([
      "Mode: NORMAL",
      "Not sending any streams.",
      "Read Repair Statistics:",
      "Attempted: 0",
      "Mismatch (Blocking): 0",
      "Mismatch (Background): 0",
      "Pool Name                    Active   Pending      Completed   Dropped",
    ]);
    const pool = (out: string, name: string) => {
      const m = new RegExp(`^${name} +n/a +(\\d+) +(\\d+) +(\\d+)$`, "m").exec(out)!;
      return { pending: Number(m[1]), completed: Number(m[2]), dropped: Number(m[3]) };
    };
    const before = p0.exec(["nodetool", "netstats"]).stdout;
    expect(pool(before, "Large messages")).toEqual({ pending: 0, completed: 0, dropped: 0 });
    expect(pool(before, "Gossip messages").completed).toBeGreaterThan(100);
    // Writes at ALL go to both peers on the small-message connections; gossip goes on meanwhile.
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE rr WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE rr.t (k int PRIMARY KEY, v text) WITH dclocal_read_repair_chance = 1.0"]);
    c.runUntil(() => false, 5_000);
    const mid = p0.exec(["nodetool", "netstats"]).stdout;
    p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; INSERT INTO rr.t (k, v) VALUES (1, 'a'); INSERT INTO rr.t (k, v) VALUES (2, 'b')"]);
    const after = p0.exec(["nodetool", "netstats"]).stdout;
    expect(pool(after, "Small messages").completed - pool(mid, "Small messages").completed).toBeGreaterThanOrEqual(4);
    expect(pool(after, "Gossip messages").completed).toBeGreaterThan(pool(before, "Gossip messages").completed);
    // dclocal_read_repair_chance 1: every read asks all the replicas in the data center.
    p0.exec(["cqlsh", "-e", "CONSISTENCY ONE; SELECT * FROM rr.t WHERE k = 1; SELECT * FROM rr.t WHERE k = 2"]);
    expect(p0.exec(["nodetool", "netstats", "-H"]).stdout).toContain("Read Repair Statistics:\nAttempted: 2\nMismatch (Blocking): 0\nMismatch (Background): 0\n");
    expect(p0.exec(["nodetool", "netstats", "-x"])).toEqual({ status: 1, stdout: "nodetool: Found unexpected parameters: [-x]\nSee 'nodetool help' or 'nodetool help <command>'.\n", stderr: "" });
    // Help is the default command; a real command ksim does not model is refused as such.
    expect(p0.exec(["nodetool"]).stdout).toBe(p0.exec(["nodetool", "help"]).stdout);
    expect(p0.exec(["nodetool", "-u", "cassandra", "-pw", "cassandra"]).status).toBe(0);
    expect(p0.exec(["nodetool", "help", "nosuch"])).toEqual({ status: 0, stdout: "Unknown command nosuch\n\n", stderr: "" });
    expect(p0.exec(["nodetool", "nosuch"]).stdout).toBe("nodetool: Found unexpected parameters: [nosuch]\nSee 'nodetool help' or 'nodetool help <command>'.\n");
    expect(p0.exec(["nodetool", "gcstats"])).toEqual({ status: 1, stdout: "", stderr: "nodetool: ksim does not model the gcstats command\n" });
  });

  it("backs a table up with nodetool snapshot and restores it after a DROP TABLE with refresh, as the runbook does", () => {
    const { c, pods } = ring();
    const p0 = pods[0]!;
    const sh = (p: Pod, script: string) => p.exec(["sh", "-c", script]);
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    c.runUntil(() => false, 5_000);
    const rows = Array.from({ length: 10 }, (_, k) => `INSERT INTO demo.t (k, v) VALUES (${k}, 'v${k}');`).join("\n");
    expect(p0.exec(["cqlsh"], `CONSISTENCY ALL;\n${rows}\n`).status).toBe(0);
    expect(p0.exec(["nodetool", "listsnapshots"])).toEqual({ status: 0, stdout: "Snapshot Details: \nThere are no snapshots\n", stderr: "" });

    // The snapshot flushes first, so it holds the acknowledged writes still in the memtable.
    expect(p0.exec(["nodetool", "snapshot", "-t", "before", "demo"])).toEqual({
      status: 0,
      stdout: "Requested creating snapshot(s) for [demo] with snapshot name [before] and options {skipFlush=false}\nSnapshot directory: before\n",
      stderr: "",
    });
    const dir = sh(p0, "ls -d /cassandra_data/data/demo/t-*").stdout.trim();
    expect(sh(p0, `ls ${dir}/snapshots/before`).stdout).toBe("manifest.json\nmc-1-big-Data.db\nmc-1-big-Digest.crc32\nmc-1-big-TOC.txt\nschema.cql\n");
    expect(sh(p0, `cat ${dir}/snapshots/before/manifest.json`).stdout).toBe('{"files":["mc-1-big-Data.db"]}\n');
    expect(sh(p0, `head -3 ${dir}/snapshots/before/schema.cql`).stdout).toBe("CREATE TABLE IF NOT EXISTS demo.t (\n\tk int PRIMARY KEY,\n\tv text)\n");
    expect(p0.exec(["nodetool", "snapshot", "-t", "before", "demo"]).stderr).toBe("error: Snapshot before already exists.\n-- StackTrace --\njava.io.IOException: Snapshot before already exists.\n");
    // Fresh, it shares every SSTable with the table: nothing of its size is its own.
    const listed = p0.exec(["nodetool", "listsnapshots"]).stdout.split("\n");
    expect(listed.slice(0, 2)).toEqual(["Snapshot Details: ", "Snapshot name Keyspace name Column family name True size Size on disk"]);
    expect(listed[2]).toMatch(/^before        demo          t                  0 bytes   \S+ (bytes|KiB) *$/);
    expect(listed.slice(3)).toEqual(["", "Total TrueDiskSpaceUsed: 0 bytes", "", ""]);

    // DROP TABLE: every node snapshots the table as dropped-<ms>-t (auto_snapshot) and deletes its data.
    p0.exec(["cqlsh", "-e", "DROP TABLE demo.t"]);
    c.runUntil(() => false, 5_000);
    for (const p of pods) {
      expect(sh(p, `ls ${dir}`).stdout).toBe("snapshots\n");
      expect(sh(p, `ls ${dir}/snapshots`).stdout).toMatch(p === p0 ? /^before\ndropped-\d+-t\n$/ : /^dropped-\d+-t\n$/);
    }
    p0.exec(["cqlsh", "-e", "CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    c.runUntil(() => false, 5_000);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; SELECT count(*) FROM demo.t"]).stdout).toContain("\n     0\n");
    // The new table has a directory of its own from the start; the files go there and refresh loads them.
    for (const p of pods) {
      const restore = sh(p, `cd /cassandra_data/data/demo && cp ${dir}/snapshots/dropped-*/mc-* $(ls -d t-* | grep -v ${dir.split("/").pop()}) && nodetool refresh demo t`);
      expect(restore).toEqual({ status: 0, stdout: "", stderr: "" });
      expect(p.log.text()).toMatch(/Renaming new SSTable \S+\/mc-1-big to \S+\/mc-2-big\n[^]*Done loading load new SSTables for demo\/t\n/);
    }
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; SELECT count(*) FROM demo.t"]).stdout).toContain("\n    10\n");
    expect(p0.exec(["nodetool", "refresh", "demo", "t"]).status).toBe(0);
    expect(p0.log.text()).toMatch(/No new SSTables were found for demo\/t\n$/);
    // They survive a restart as the table's own.
    p0.restart();
    expect(c.runUntil(() => p0.ready, 120_000)).toBe(true);
    c.runUntil(() => false, 15_000);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ONE; SELECT count(*) FROM demo.t"]).stdout).toContain("\n    10\n");

    expect(p0.exec(["nodetool", "clearsnapshot", "-t", "before"])).toEqual({ status: 0, stdout: "Requested clearing snapshot(s) for [all keyspaces] with snapshot name [before]\n", stderr: "" });
    expect(sh(p0, `ls ${dir}/snapshots`).stdout).toMatch(/^dropped-\d+-t\n$/);
    expect(p0.exec(["nodetool", "clearsnapshot"]).status).toBe(0);
    expect(sh(p0, `ls ${dir}`).stdout).toBe("");

    expect(p0.exec(["nodetool", "refresh", "demo"])).toEqual({ status: 1, stdout: "nodetool: refresh requires ks and cf args\nSee 'nodetool help' or 'nodetool help <command>'.\n", stderr: "" });
    expect(p0.exec(["nodetool", "refresh", "demo", "nope"]).stdout).toBe("nodetool: Unknown keyspace/cf pair (demo.nope)\nSee 'nodetool help' or 'nodetool help <command>'.\n");
    expect(p0.exec(["nodetool", "refresh", "nope", "t"])).toEqual({ status: 2, stdout: "", stderr: "error: Unknown keyspace nope\n-- StackTrace --\njava.lang.AssertionError: Unknown keyspace nope\n" });
    expect(p0.exec(["nodetool", "snapshot", "-t", "x", "nope"]).stderr).toBe("error: Keyspace nope does not exist\n-- StackTrace --\njava.io.IOException: Keyspace nope does not exist\n");
    expect(p0.exec(["nodetool", "snapshot", "-cf", "t", "demo", "other"]).stderr).toBe(
      "error: When specifying the table for a snapshot, you must specify one and only one keyspace\n-- StackTrace --\njava.io.IOException: When specifying the table for a snapshot, you must specify one and only one keyspace\n",
    );
    expect(p0.exec(["nodetool", "snapshot", "-kt", "demo.t", "demo"])).toMatchObject({ status: 2, stdout: "" });
    expect(p0.exec(["nodetool", "snapshot", "-t", "one", "-kt", "demo.t"]).stdout).toBe("Requested creating snapshot(s) for [demo.t] with snapshot name [one] and options {skipFlush=false}\nSnapshot directory: one\n");
  });

  it("truncates a table on every node, keeping it as a truncated- snapshot, and refuses while a token owner is down", () => {
    const { c, pods } = ring();
    const [p0, p1, p2] = pods as [Pod, Pod, Pod];
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}; CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    c.runUntil(() => false, 5_000);
    const rows = Array.from({ length: 10 }, (_, k) => `INSERT INTO demo.t (k, v) VALUES (${k}, 'v${k}');`).join("\n");
    expect(p0.exec(["cqlsh"], `CONSISTENCY ALL;\n${rows}\n`).status).toBe(0);
    expect(p1.exec(["cqlsh", "-e", "TRUNCATE demo.t"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; SELECT count(*) FROM demo.t"]).stdout).toContain("\n     0\n");
    for (const p of pods) {
      expect(p.log.text()).toMatch(/Truncating demo\.t\n[^]*Truncate of demo\.t is complete\n/);
      const listed = p.exec(["nodetool", "listsnapshots"]).stdout;
      // The data it held is now the snapshot's alone: its true size is its SSTables' size.
      expect(listed).toMatch(/\ntruncated-\d+-t demo          t                  \d+ bytes/);
      expect(listed).not.toContain("Total TrueDiskSpaceUsed: 0 bytes");
    }
    p2.crash();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("DN "), 1000, 60_000)).toBe(true);
    expect(p0.exec(["cqlsh", "-e", "TRUNCATE demo.t"])).toEqual({
      status: 2,
      stdout: "",
      stderr: '<stdin>:1:TruncateError: Error from server: code=1003 [Error during truncate] message="Error during truncate: Cannot achieve consistency level ALL"\n',
    });
  });

  it("lets a fourth node join: UJ while it waits and streams, then UN, with the data it now owns", () => {
    const { c, pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    const rows = Array.from({ length: 20 }, (_, k) => `INSERT INTO demo.t (k, v) VALUES (${k}, 'v${k}');`).join("\n");
    expect(p0.exec(["cqlsh"], `CREATE TABLE demo.t (k int PRIMARY KEY, v text);\nCONSISTENCY ALL;\n${rows}\n`).status).toBe(0);
    const p3 = c.addPod("10.244.4.5");
    p3.start();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p3.ip).startsWith("UJ "), 1000, 120_000)).toBe(true);
    const early = p3.exec(["nodetool", "cleanup", "demo"]);
    expect(early.status).toBe(2);
    expect(early.stderr.split("\n").slice(0, 3)).toEqual([
      "error: Node is involved in cluster membership changes. Not safe to run cleanup.",
      "-- StackTrace --",
      "java.lang.RuntimeException: Node is involved in cluster membership changes. Not safe to run cleanup.",
    ]);
    expect(c.runUntil(() => p3.ready, 120_000)).toBe(true);
    const out = p0.exec(["nodetool", "status", "demo"]).stdout;
    expect(statusLine(out, p3.ip)).toMatch(/^UN /);
    expect(owns(out)).toBeCloseTo(300, 0);
    expect(p3.log.text()).toContain("Executing streaming plan for Bootstrap");
    expect(p3.log.text()).toContain("Bootstrap completed! for the tokens [");
    c.runUntil(() => false, 15_000);
    // Reading at ONE through the new node prefers its own replicas: the streamed rows are there.
    const select = p3.exec(["cqlsh", "-e", "CONSISTENCY ONE; SELECT count(*) FROM demo.t"]);
    expect(select.stdout).toContain("\n count\n-------\n    20\n\n(1 rows)\n");
    // The old members still hold what they handed over until nodetool cleanup drops it.
    const units: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 * 1024 };
    const load = () => {
      const [, , n, unit] = statusLine(p0.exec(["nodetool", "status"]).stdout, p0.ip).split(/\s+/);
      return Number(n) * units[unit!]!;
    };
    const before = load();
    expect(p0.exec(["nodetool", "cleanup", "demo"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(load()).toBeLessThan(before);
    expect(p0.log.text()).toMatch(/Cleaning up BigTableReader\(path='\/cassandra_data\/data\/demo\/t-[0-9a-f]{32}\/mc-\d+-big-Data\.db'\)/);
    expect(p0.log.text()).toMatch(/Cleaned up to \/cassandra_data\/data\/demo\/t-\S+-Data\.db\.  [\d.]+KiB to [\d.]+KiB \(~\d+% of original\) for \d+ keys\.  Time: \d+ms\./);
    // Nothing was lost: every row is still on three replicas.
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; SELECT count(*) FROM demo.t"]).stdout).toContain("\n    20\n");
    expect(p0.exec(["nodetool", "cleanup", "nope"]).stdout).toBe("nodetool: Keyspace [nope] does not exist.\nSee 'nodetool help' or 'nodetool help <command>'.\n");
  });

  it("drains: CQL stops, peers see the node down at once, the log ends with DRAINED", () => {
    const { c, pods } = ring();
    const [p0, , p2] = pods as [Pod, Pod, Pod];
    const t0 = c.sim.now;
    expect(p2.exec(["nodetool", "drain"])).toEqual({ status: 0, stdout: "", stderr: "" });
    // The announce sleep (shutdown_announce_in_ms) is most of what drain takes.
    expect(c.sim.now - t0).toBeGreaterThanOrEqual(2000);
    expect(c.sim.now - t0).toBeLessThan(3000);
    expect(statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip)).toMatch(/^DN /);
    const log = p2.log.text();
    for (const line of ["DRAINING: starting drain process", "Stop listening for CQL clients", "Announcing shutdown", "DRAINING: flushing column families", "DRAINED"]) {
      expect(log).toContain(line);
    }
    expect(p0.log.text()).toContain(`InetAddress /${p2.ip} is now DOWN`);
    expect(p2.exec(["cqlsh", "-e", "SELECT * FROM system.local"]).stderr).toContain("Last error: Connection refused");
    expect(p2.exec(["nodetool", "drain"]).status).toBe(0);
    expect(p2.log.text()).toContain("Cannot drain node (did it already happen?)");
  });

  it("marks a crashed node DN after about 18 s of silence and keeps serving QUORUM around it", () => {
    const { c, pods } = ring();
    const [p0, p1, p2] = pods as [Pod, Pod, Pod];
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    p0.exec(["cqlsh", "-e", "CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    const t0 = c.sim.now;
    p2.crash();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("DN "), 500, 60_000)).toBe(true);
    expect(c.sim.now - t0).toBeGreaterThan(15_000);
    expect(c.sim.now - t0).toBeLessThan(25_000);
    // Gossip keeps trying the dead node now and then; what was queued for it is dropped when the connection attempt fails.
    const gossip = () => p0.exec(["nodetool", "netstats"]).stdout.split("\n").find((l) => l.startsWith("Gossip messages"))!.split(/ +/).slice(2).map(Number);
    expect(c.poll(() => gossip()[3]! > 0, 5_000, 120_000)).toBe(true);
    // p0 has convicted it: ALL is refused up front. (p1 may not have yet, and would time out instead.)
    expect(p1.exec(["cqlsh", "-e", "CONSISTENCY QUORUM; INSERT INTO demo.t (k, v) VALUES (1, 'a')"]).stderr).toBe("");
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; INSERT INTO demo.t (k, v) VALUES (1, 'a')"]).stderr).toBe(
      `<stdin>:1:Unavailable: Error from server: code=1000 [Unavailable exception] message="Cannot achieve consistency level ALL" info={'required_replicas': 3, 'alive_replicas': 2, 'consistency': 'ALL'}\n`,
    );
  });

  it("keeps a restarted node's host ID and tokens when it returns with a new IP; the old IP leaves the ring", () => {
    const { c, pods } = ring();
    const [p0, , p2] = pods as [Pod, Pod, Pod];
    const before = p0.exec(["nodetool", "status"]).stdout;
    const hostId = /[0-9a-f-]{36}/.exec(statusLine(before, p2.ip))![0];
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    p0.exec(["cqlsh", "-e", "CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    p2.crash();
    c.runUntil(() => false, 30_000);
    // Written while it is down: hinted on the coordinator, replayed once it is back.
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ONE; INSERT INTO demo.t (k, v) VALUES (7, 'hinted')"]).status).toBe(0);
    const oldIp = p2.ip;
    p2.restart("10.244.3.9");
    expect(c.runUntil(() => p2.ready, 120_000)).toBe(true);
    c.runUntil(() => false, 30_000);
    for (const p of pods) {
      const out = p.exec(["nodetool", "status"]).stdout;
      expect(out).not.toContain(oldIp);
      expect(statusLine(out, "10.244.3.9")).toContain(hostId);
      expect(statusLine(out, "10.244.3.9")).toMatch(/^UN /);
    }
    expect(p2.log.text()).toContain("Using saved tokens [");
    expect(p0.log.text()).toContain(`Host ID collision for ${hostId} between /${oldIp} and /10.244.3.9; /10.244.3.9 is the new owner`);
    expect(p0.log.text()).toMatch(/Finished hinted handoff of file \S+ to endpoint \/10\.244\.3\.9/);
    expect(p2.exec(["cqlsh", "-e", "CONSISTENCY ONE; SELECT v FROM demo.t WHERE k = 7"]).stdout).toContain(" hinted\n");
  });

  it("stops hinting a replica that has been down longer than max_hint_window_in_ms (3 h)", () => {
    const { c, pods } = ring();
    const [p0, , p2] = pods as [Pod, Pod, Pod];
    for (const p of pods) p.probing = false;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    p0.exec(["cqlsh", "-e", "CREATE TABLE demo.t (k int PRIMARY KEY, v int)"]);
    const hinted: string[] = [];
    c.sim.trace.observe("cassandra.hint.stored", (e) => hinted.push(String((e.data as { target: string }).target)));
    p2.crash();
    c.runUntil(() => false, 60_000);
    p0.exec(["cqlsh", "-e", "INSERT INTO demo.t (k, v) VALUES (1, 1)"]);
    expect(hinted).toEqual([p2.ip]);
    c.runUntil(() => false, 3 * 3600_000);
    p0.exec(["cqlsh", "-e", "INSERT INTO demo.t (k, v) VALUES (2, 2)"]);
    expect(hinted).toEqual([p2.ip]);
  });

  it("exits on SIGTERM after the preStop drain of a pod deletion, leaving nothing to replay", () => {
    const { c, pods } = ring();
    const p2 = pods[2]!;
    const stop = spawn(c.sim, p2.stop());
    expect(c.runUntil(() => stop.done, 60_000)).toBe(true);
    expect(p2.running).toBe(false);
    expect(p2.volume.readdir("/commitlog")).toEqual([]);
    p2.restart();
    expect(c.runUntil(() => p2.ready, 120_000)).toBe(true);
    expect(p2.log.text()).toContain("Log replay complete, 0 replayed mutations");
  });

  it("keeps clustering order, deletes rows and partitions with tombstones, and scans the whole ring", () => {
    const { pods } = ring();
    const script = [
      "CREATE KEYSPACE app WITH replication = {'class': 'NetworkTopologyStrategy', 'DC1-K8Demo': 3};",
      "CREATE TABLE app.events (user text, at int, what text, PRIMARY KEY (user, at)) WITH CLUSTERING ORDER BY (at DESC);",
      "INSERT INTO app.events (user, at, what) VALUES ('ana', 1, 'login');",
      "INSERT INTO app.events (user, at, what) VALUES ('ana', 2, 'buy');",
      "INSERT INTO app.events (user, at, what) VALUES ('ana', 3, 'logout');",
      "INSERT INTO app.events (user, at, what) VALUES ('bob', 1, 'login');",
      "CONSISTENCY QUORUM;",
      "SELECT at, what FROM app.events WHERE user = 'ana';",
      "DELETE FROM app.events WHERE user = 'ana' AND at = 2;",
      "UPDATE app.events SET what = 'bye' WHERE user = 'ana' AND at = 3;",
      "SELECT at, what FROM app.events WHERE user = 'ana' AND at >= 2;",
      "DELETE FROM app.events WHERE user = 'bob';",
      "SELECT count(*) FROM app.events;",
    ].join("\n");
    const r = pods[1]!.exec(["cqlsh"], script);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "Consistency level set to QUORUM.\n" +
        "\n at | what\n----+--------\n  3 | logout\n  2 |    buy\n  1 |  login\n\n(3 rows)\n" +
        "\n at | what\n----+------\n  3 |  bye\n\n(1 rows)\n" +
        // An aggregate over the whole ring: the server's warning follows the rows.
        "\n count\n-------\n     2\n\n(1 rows)\n\nWarnings :\nAggregation query used without partition key\n\n",
    );
  });

  it("speaks cqlsh: tables of rows, CONSISTENCY, DESCRIBE KEYSPACES and cqlsh's error lines", () => {
    const { pods } = ring();
    const p0 = pods[0]!;
    const script = [
      "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};",
      "CREATE TABLE demo.users (id int PRIMARY KEY, name text, age int);",
      "INSERT INTO demo.users (id, name, age) VALUES (1, 'ana', 31);",
      "INSERT INTO demo.users (id, name) VALUES (2, 'bob');",
      "CONSISTENCY QUORUM",
      "SELECT * FROM demo.users;",
      "SELECT * FROM",
      "  demo.missing;",
      "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};",
      "SELECT FROM demo.users;",
      "DESCRIBE KEYSPACES;",
    ].join("\n");
    // Piped in, errors carry the count of lines read plus one (cqlsh's lineno); the status stays 0.
    const r = p0.exec(["cqlsh"], script);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "Consistency level set to QUORUM.\n" +
        "\n id | age  | name\n----+------+------\n  1 |   31 |  ana\n  2 | null |  bob\n\n(2 rows)\n" +
        "\ndemo  system_schema  system_auth  system  system_distributed  system_traces\n\n",
    );
    expect(r.stderr).toBe(
      '<stdin>:9:InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table missing"\n' +
        "<stdin>:10:AlreadyExists: Keyspace 'demo' already exists\n" +
        "<stdin>:11:SyntaxException: Error from server: code=2000 [Syntax error in CQL query] message=\"line 1:7 no viable alternative at input 'FROM' (SELECT [FROM] demo....)\"\n",
    );
    // From a file (-f) the errors name the file, and cqlsh exits 2.
    expect(p0.exec(["sh", "-c", "cat > /tmp/bad.cql"], "SELECT * FROM demo.users;\nSELECT * FROM demo.missing;\n").status).toBe(0);
    expect(p0.exec(["cqlsh", "-f", "/tmp/bad.cql"])).toMatchObject({
      status: 2,
      stderr: '/tmp/bad.cql:3:InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table missing"\n',
    });
  });

  it("scans system.peers in the token order of its inet keys, each node's tokens a sorted set<text>", () => {
    const { pods } = ring();
    const out = pods[0]!.exec(["cqlsh", "-e", "SELECT peer, tokens FROM system.peers"]).stdout;
    const rows = [...out.matchAll(/^ +(\d+\.\d+\.\d+\.\d+) \| +\{(.*)\}$/gm)].map((m) => ({ peer: m[1]!, tokens: m[2]!.split(", ").map((t) => t.slice(1, -1)) }));
    expect(rows).toHaveLength(2);
    const tokenOfPeer = (ip: string) => tokenOf(Uint8Array.from(ip.split(".").map(Number)));
    expect(tokenOfPeer(rows[0]!.peer) < tokenOfPeer(rows[1]!.peer)).toBe(true);
    for (const r of rows) {
      expect(r.tokens).toHaveLength(32);
      expect(r.tokens).toEqual([...r.tokens].sort());
    }
  });

  it("greets and prompts on a terminal, keeps the keyspace in its prompt and reports errors bare", () => {
    const { pods } = ring();
    const p0 = pods[0]!;
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    const typed = "USE demo;\nCREATE TABLE t (k int PRIMARY KEY);\nSELECT k\nFROM t;\nSELECT * FROM nope;\n";
    const r = p0.exec(["cqlsh"], typed, true);
    expect(r.stdout).toBe(
      "Connected to K8Demo at 127.0.0.1:9042.\n" +
        "[cqlsh 5.0.1 | Cassandra 3.11.2 | CQL spec 3.4.4 | Native protocol v4]\n" +
        "Use HELP for help.\n" +
        "cqlsh> cqlsh:demo> cqlsh:demo>         ... \n k\n---\n\n(0 rows)\ncqlsh:demo> cqlsh:demo> \n",
    );
    expect(r.stderr).toBe('InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table nope"\n');
    expect(r.status).toBe(0);
    // -e never uses the terminal.
    expect(p0.exec(["cqlsh", "-e", "SELECT k FROM demo.t"], "", true).stdout).toBe("\n k\n---\n\n(0 rows)\n");
  });

  it("decommissions a node: UL while it streams its ranges away, then gone from every ring, data intact", () => {
    const { c, pods } = ring();
    const [p0, , p2] = pods as [Pod, Pod, Pod];
    const rows = Array.from({ length: 10 }, (_, k) => `INSERT INTO demo.t (k, v) VALUES (${k}, 'v${k}');`).join("\n");
    const setup = `CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};\nCREATE TABLE demo.t (k int PRIMARY KEY, v text);\nCONSISTENCY ALL;\n${rows}\n`;
    expect(p0.exec(["cqlsh"], setup).status).toBe(0);
    const started = c.sim.now;
    const decommission = p2.launch(["nodetool", "decommission"]);
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("UL "), 1000, 30_000)).toBe(true);
    expect(p2.exec(["nodetool", "netstats"]).stdout).toMatch(/^Mode: LEAVING\n/);
    expect(c.runUntil(() => decommission.result() !== undefined, 300_000)).toBe(true);
    expect(p2.exec(["nodetool", "netstats"]).stdout).toMatch(/^Mode: DECOMMISSIONED\nNot sending any streams\.\nRead Repair Statistics:\n/);
    expect(decommission.result()).toEqual({ status: 0, stdout: "", stderr: "" });
    // RING_DELAY before streaming, RING_DELAY announcing LEFT.
    expect(c.sim.now - started).toBeGreaterThanOrEqual(60_000);
    expect(p2.log.text()).toContain("LEAVING: sleeping 30000 ms for batch processing and pending range setup");
    expect(p2.log.text()).toContain("Announcing that I have left the ring for 30000ms");
    expect(p2.log.text()).toContain("DECOMMISSIONED");
    expect(p0.log.text()).toContain(`for /${p2.ip}`);
    expect(p0.exec(["nodetool", "status"]).stdout).not.toContain(p2.ip);
    expect(owns(p0.exec(["nodetool", "status", "demo"]).stdout)).toBeCloseTo(200, 0);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY ALL; SELECT count(*) FROM demo.t"]).stdout).toContain("\n    10\n");
    expect(p2.exec(["nodetool", "decommission"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: local node is not a member of the token ring yet\n-- StackTrace --\njava\.lang\.UnsupportedOperationException: /) });
  });

  it("removes a dead node's tokens with removenode, refusing live nodes and itself", () => {
    const { c, pods } = ring();
    const [p0, p1, p2] = pods as [Pod, Pod, Pod];
    const idOf = (p: Pod) => /[0-9a-f-]{36}/.exec(statusLine(p0.exec(["nodetool", "status"]).stdout, p.ip))![0];
    const id0 = idOf(p0);
    const id1 = idOf(p1);
    const id2 = idOf(p2);
    expect(p0.exec(["nodetool", "removenode", id0]).stderr).toMatch(/^error: Cannot remove self\n/);
    expect(p0.exec(["nodetool", "removenode", id1]).stderr).toMatch(new RegExp(`^error: Node /${p1.ip.replace(/\./g, "\\.")} is alive and owns this ID\\. Use decommission command to remove it from the ring\n`));
    p2.crash();
    expect(c.poll(() => statusLine(p0.exec(["nodetool", "status"]).stdout, p2.ip).startsWith("DN "), 1000, 60_000)).toBe(true);
    expect(p0.exec(["nodetool", "removenode", id2])).toEqual({ status: 0, stdout: "", stderr: "" });
    c.runUntil(() => false, 10_000);
    for (const p of [p0, p1]) expect(p.exec(["nodetool", "status"]).stdout).not.toContain(p2.ip);
  });

  it("orders writes by each coordinator's own clock: a node running a minute fast wins against later writes", () => {
    const c = new PodCluster(3);
    expect(c.startOrdered(3, [0, 0, 60_000])).toBe(true);
    c.runUntil(() => false, 15_000);
    const [p0, , p2] = c.pods as [Pod, Pod, Pod];
    p0.exec(["cqlsh", "-e", "CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"]);
    p0.exec(["cqlsh", "-e", "CREATE TABLE demo.t (k int PRIMARY KEY, v text)"]);
    expect(p2.exec(["cqlsh", "-e", "CONSISTENCY QUORUM; INSERT INTO demo.t (k, v) VALUES (1, 'from the fast clock')"]).stderr).toBe("");
    c.runUntil(() => false, 1000);
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY QUORUM; INSERT INTO demo.t (k, v) VALUES (1, 'later, but older')"]).stderr).toBe("");
    expect(p0.exec(["cqlsh", "-e", "CONSISTENCY QUORUM; SELECT v FROM demo.t WHERE k = 1"]).stdout).toContain(" from the fast clock\n");
  });

  it("answers nodetool with nodetool's connection error while the JVM is down", () => {
    const { c, pods } = ring();
    const p1 = pods[1]!;
    p1.table!.kill(p1.table!.list().find((p) => p.commandLine.includes("CassandraDaemon"))!.pid, "SIGKILL");
    c.runUntil(() => false, 1000);
    expect(p1.exec(["nodetool", "status"])).toEqual({
      status: 1,
      stdout: "",
      stderr: "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.\n",
    });
  });
});
