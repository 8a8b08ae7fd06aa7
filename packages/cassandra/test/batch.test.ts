import { describe, expect, it } from "vitest";
import { BatchlogManager } from "../src/core/batchlog-manager.js";
import { parseStatement, splitStatements } from "../src/core/cql.js";
import { PodCluster, tutorialEnv } from "./pods.js";

/**
 * CQL batches on the tutorial's three-member ring: how cqlsh reads them, what Cassandra 3.11
 * refuses and warns about, the batchlog that finishes a logged batch whose coordinator died, the
 * errors of a batchlog that cannot be written, and conditional batches.
 */

function ring(seed = 1) {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  c.runUntil(() => false, 15_000);
  const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
  const setup =
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};" +
    "CREATE TABLE ks.users (id int PRIMARY KEY, name text);" +
    "CREATE TABLE ks.events (id int, seq int, what text, PRIMARY KEY (id, seq));";
  expect(cqlsh(0, setup).status).toBe(0);
  return { c, cqlsh };
}

const message = (r: { stderr: string }) => /message="(.*)"/.exec(r.stderr)?.[1];

/** Runs `body` with BatchlogManager.store wrapped so that `after` sees each store once it is made. */
function withBatchlogStores(after: (manager: BatchlogManager) => void, body: () => void): void {
  const store = BatchlogManager.prototype.store;
  BatchlogManager.prototype.store = function (this: BatchlogManager, ...args: Parameters<BatchlogManager["store"]>) {
    store.apply(this, args);
    after(this);
  };
  try {
    body();
  } finally {
    BatchlogManager.prototype.store = store;
  }
}

/** Runs a logged batch on pod 0, which dies as soon as both batchlog nodes have stored it, before it hears so. */
function batchWhoseCoordinatorDies(c: PodCluster, cql: string): void {
  let stored = 0;
  withBatchlogStores(
    () => {
      if (++stored === 2) c.pods[0]!.crash();
    },
    () => {
      const run = c.pods[0]!.launch(["cqlsh", "-e", cql]);
      c.runUntil(() => run.result() !== undefined, 5_000);
      expect(run.result()?.status).toBe(137);
    },
  );
  expect(stored).toBe(2);
}

describe("a batch as cqlsh and the parser read it", () => {
  it("is one statement from BEGIN to APPLY BATCH, unfinished until then", () => {
    const typed = "BEGIN BATCH\n  INSERT INTO t (k) VALUES (1);\n  UPDATE t SET v = 2 WHERE k = 3;\n";
    expect(splitStatements(typed)).toEqual({ statements: [], complete: false });
    const done = splitStatements(`SELECT * FROM t; ${typed}APPLY BATCH;\nSELECT k FROM t;`);
    expect(done.complete).toBe(true);
    expect(done.statements).toEqual(["SELECT * FROM t", `${typed}APPLY BATCH`, "SELECT k FROM t"]);
    expect(splitStatements("begin unlogged batch apply batch;")).toEqual({ statements: ["begin unlogged batch apply batch"], complete: true });
  });

  it("takes INSERT, UPDATE and DELETE with or without semicolons, and USING TIMESTAMP or TTL", () => {
    const s = parseStatement("BEGIN UNLOGGED BATCH USING TIMESTAMP 5 AND TTL 10 INSERT INTO t (k) VALUES (1) DELETE FROM t WHERE k = 2; APPLY BATCH");
    expect(s).toMatchObject({ kind: "batch", type: "UNLOGGED", timestamp: 5, ttl: 10, statements: [{ kind: "insert" }, { kind: "delete" }] });
    expect(parseStatement("BEGIN COUNTER BATCH APPLY BATCH;")).toMatchObject({ kind: "batch", type: "COUNTER", statements: [] });
    expect(() => parseStatement("BEGIN BATCH SELECT * FROM t; APPLY BATCH")).toThrow("line 1:12 mismatched input 'SELECT' expecting K_APPLY");
  });
});

describe("batches", () => {
  it("write every statement, print nothing, and share one timestamp unless a statement has its own", () => {
    const { cqlsh } = ring();
    const r = cqlsh(
      0,
      "CONSISTENCY ALL; BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (1, 'ann'); INSERT INTO ks.events (id, seq, what) VALUES (1, 1, 'joined'); " +
        "INSERT INTO ks.events (id, seq, what) VALUES (2, 1, 'left') USING TIMESTAMP 42; APPLY BATCH;",
    );
    expect(r).toMatchObject({ status: 0, stdout: "Consistency level set to ALL.\n", stderr: "" });
    const times = cqlsh(1, "CONSISTENCY ONE; SELECT writetime(name) FROM ks.users WHERE id = 1; SELECT id, writetime(what) FROM ks.events;").stdout;
    const [name, first, second] = [...times.matchAll(/^ +(?:\d \| +)?(\d+)$/gm)].map((m) => m[1]);
    expect(first).toBe(name);
    expect(second).toBe("42");
    // Two statements on one row are one update: the later values win ties only by value, the deletion wins outright.
    cqlsh(0, "CONSISTENCY ALL; BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (2, 'bob'); DELETE FROM ks.users WHERE id = 2; INSERT INTO ks.users (id, name) VALUES (3, 'a'); UPDATE ks.users SET name = 'b' WHERE id = 3; APPLY BATCH");
    expect(cqlsh(2, "SELECT * FROM ks.users WHERE id IN (2, 3);").stdout).toBe("\n id | name\n----+------\n  3 |    b\n\n(1 rows)\n");
  });

  it("refuse what Cassandra 3.11 refuses, with its words", () => {
    const { cqlsh } = ring();
    const m = (cql: string) => message(cqlsh(0, cql));
    expect(m("BEGIN BATCH USING TTL 5 INSERT INTO ks.users (id) VALUES (1); APPLY BATCH")).toBe("Global TTL on the BATCH statement is not supported.");
    expect(m("BEGIN BATCH USING TIMESTAMP 5 INSERT INTO ks.users (id) VALUES (1) USING TIMESTAMP 6; APPLY BATCH")).toBe("Timestamp must be set either on BATCH or individual statements");
    expect(m("BEGIN BATCH USING TIMESTAMP 5 INSERT INTO ks.users (id) VALUES (1) IF NOT EXISTS; APPLY BATCH")).toBe("Cannot provide custom timestamp for conditional BATCH");
    expect(m("BEGIN COUNTER BATCH INSERT INTO ks.users (id) VALUES (1); APPLY BATCH")).toBe("Cannot include non-counter statement in a counter batch");
    expect(m("BEGIN BATCH INSERT INTO ks.users (id) VALUES (1) IF NOT EXISTS; INSERT INTO ks.events (id, seq) VALUES (1, 1); APPLY BATCH")).toBe(
      "Batch with conditions cannot span multiple tables",
    );
    expect(m("BEGIN BATCH INSERT INTO ks.users (id) VALUES (1) IF NOT EXISTS; INSERT INTO ks.users (id) VALUES (2); APPLY BATCH")).toBe("Batch with conditions cannot span multiple partitions");
    expect(m("BEGIN BATCH INSERT INTO ks.nothing (id) VALUES (1); APPLY BATCH")).toBe("unconfigured table nothing");
    // Over 50 KiB across partitions: nothing is written.
    const big = "x".repeat(30_000);
    expect(m(`BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (7, '${big}'); INSERT INTO ks.users (id, name) VALUES (8, '${big}'); APPLY BATCH`)).toBe("Batch too large");
    expect(cqlsh(0, "SELECT count(*) FROM ks.users WHERE id IN (7, 8);").stdout).toContain("     0\n");
  });

  it("warn about a large batch and an unlogged one across many partitions, as the server words it", () => {
    const { cqlsh } = ring();
    // Two cells of 16 bytes plus their values: 2 * (16 + 2600) = 5232 bytes.
    const value = "y".repeat(2600);
    const large = cqlsh(0, `BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (1, '${value}'); INSERT INTO ks.users (id, name) VALUES (2, '${value}'); APPLY BATCH`);
    expect(large.stdout).toBe("\nWarnings :\nBatch for [ks.users] is of size 5232, exceeding specified threshold of 5120 by 112.\n\n");
    // One partition never warns, however large.
    expect(cqlsh(0, `BEGIN BATCH INSERT INTO ks.events (id, seq, what) VALUES (1, 1, '${value}'); INSERT INTO ks.events (id, seq, what) VALUES (1, 2, '${value}'); APPLY BATCH`).stdout).toBe("");
    // A logged batch on a table whose tombstones (and so batchlog entries) may go at once.
    cqlsh(0, "ALTER TABLE ks.users WITH gc_grace_seconds = 0;");
    expect(cqlsh(0, "BEGIN BATCH INSERT INTO ks.users (id) VALUES (9); APPLY BATCH").stdout).toBe(
      "\nWarnings :\nExecuting a LOGGED BATCH on table [ks.users], configured with a gc_grace_seconds of 0. The gc_grace_seconds is used to TTL batchlog entries, so setting gc_grace_seconds too low on tables involved in an atomic batch might cause batchlog entries to expire before being replayed.\n\n",
    );
    cqlsh(0, "ALTER TABLE ks.users WITH gc_grace_seconds = 864000;");
    const inserts = (n: number) => Array.from({ length: n }, (_, i) => `INSERT INTO ks.events (id, seq) VALUES (${i}, 0);`).join(" ");
    expect(cqlsh(0, `BEGIN UNLOGGED BATCH ${inserts(10)} APPLY BATCH`).stdout).toBe("");
    expect(cqlsh(0, `BEGIN UNLOGGED BATCH ${inserts(11)} INSERT INTO ks.users (id) VALUES (0); APPLY BATCH`).stdout).toBe(
      "\nWarnings :\nUnlogged batch covering 11 partitions detected against tables [ks.events, ks.users]. You should use a logged batch for atomicity, or asynchronous writes for performance.\n\n",
    );
  });

  it("are finished by the batchlog when their coordinator dies after storing them", () => {
    const { c, cqlsh } = ring();
    const replayed: unknown[] = [];
    c.sim.trace.observe("cassandra.batchlog.replayed", (e) => replayed.push(e.data));
    // The coordinator dies before it writes anything.
    batchWhoseCoordinatorDies(c, "BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (5, 'eve'); INSERT INTO ks.events (id, seq, what) VALUES (6, 1, 'joined'); APPLY BATCH");
    const read = () => cqlsh(1, "CONSISTENCY ONE; SELECT name FROM ks.users WHERE id = 5; SELECT what FROM ks.events WHERE id = 6;").stdout;
    expect(read()).not.toMatch(/ eve\n/);
    // A batch is replayed once it is older than twice the write timeout, at the next run (every 10 s).
    c.runUntil(() => replayed.length > 0, 30_000);
    expect(replayed).toEqual([{ node: expect.stringMatching(/^10\./), batches: 1 }]);
    c.runUntil(() => false, 2_000);
    expect(read()).toMatch(/ eve\n[\s\S]* joined\n/);
    // Written by the replay alone: the coordinator is still down.
    expect(c.pods[0]!.running).toBe(false);
  });

  it("are replayed at once by nodetool replaybatchlog once older than twice the write timeout", () => {
    const { c, cqlsh } = ring();
    const replayed: { node: string }[] = [];
    c.sim.trace.observe("cassandra.batchlog.replayed", (e) => replayed.push(e.data as { node: string }));
    batchWhoseCoordinatorDies(c, "BEGIN BATCH INSERT INTO ks.users (id, name) VALUES (5, 'eve'); INSERT INTO ks.users (id, name) VALUES (6, 'fay'); APPLY BATCH");
    const nodetool = () => c.pods[1]!.exec(["nodetool", "replaybatchlog"]);
    // Too young: left for a coordinator that may still be at work.
    expect(nodetool()).toMatchObject({ status: 0, stdout: "", stderr: "" });
    expect(replayed).toEqual([]);
    c.runUntil(() => false, 4_500);
    const before = replayed.length;
    expect(nodetool()).toMatchObject({ status: 0, stdout: "" });
    expect(replayed.slice(before)).toEqual([{ node: c.pods[1]!.ip, batches: 1 }]);
    expect(cqlsh(1, "CONSISTENCY ONE; SELECT name FROM ks.users WHERE id IN (5, 6);").stdout).toMatch(/ eve\n +fay\n/);
  });

  it("are stored in the batchlog of two nodes of other racks when there are enough, never the coordinator's own", () => {
    const c = new PodCluster(1);
    const racks = ["r1", "r1", "r2", "r2", "r3"];
    for (const [i, rack] of racks.entries()) {
      const pod = c.addPod(`10.244.${i + 1}.5`, tutorialEnv({ CASSANDRA_RACK: rack }));
      pod.start();
      expect(c.runUntil(() => pod.ready, 600_000)).toBe(true);
    }
    c.runUntil(() => false, 15_000);
    const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
    expect(cqlsh(0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE ks.t (k int PRIMARY KEY);").status).toBe(0);
    const stores: string[][] = [];
    withBatchlogStores(
      (manager) => stores.at(-1)!.push((manager as unknown as { node: { self: string } }).node.self),
      () => {
        for (let i = 0; i < 8; i++) {
          stores.push([]);
          expect(cqlsh(0, `BEGIN BATCH INSERT INTO ks.t (k) VALUES (${2 * i}); INSERT INTO ks.t (k) VALUES (${2 * i + 1}); APPLY BATCH`).status).toBe(0);
        }
      },
    );
    // Enough nodes in other racks: the coordinator's rack is left out, and one node is picked at random from each of the other two.
    const rackOf = (ip: string) => racks[c.pods.findIndex((p) => p.ip === ip)]!;
    for (const s of stores) expect(s.map(rackOf).sort()).toEqual(["r2", "r3"]);
    expect(new Set(stores.map((s) => s.find((ip) => rackOf(ip) === "r2"))).size).toBe(2);
  });

  it("need a live batchlog node: none is Unavailable at ONE whatever the level, and a silent one times out as BATCH_LOG", () => {
    const { c, cqlsh } = ring();
    const batch = "BEGIN BATCH INSERT INTO ks.users (id) VALUES (1); INSERT INTO ks.users (id) VALUES (2); APPLY BATCH";
    c.pods[1]!.crash();
    c.pods[2]!.crash();
    // Not yet convicted: both are chosen, neither answers, and the one write timeout runs out.
    const silent = cqlsh(0, `CONSISTENCY ONE; ${batch}`);
    expect(silent.stderr).toContain(
      `WriteTimeout: Error from server: code=1100 [Coordinator node timed out waiting for replica nodes' responses] message="Operation timed out - received only 0 responses." info={'received_responses': 0, 'required_responses': 2, 'consistency': 'TWO', 'write_type': 'BATCH_LOG'}`,
    );
    c.runUntil(() => false, 30_000);
    expect(cqlsh(0, `CONSISTENCY ONE; ${batch}`).stderr).toContain(
      `Unavailable: Error from server: code=1000 [Unavailable exception] message="Cannot achieve consistency level ONE" info={'required_replicas': 1, 'alive_replicas': 0, 'consistency': 'ONE'}`,
    );
    // ANY keeps the batch in this node's own batchlog; an unlogged batch needs no batchlog at all.
    expect(cqlsh(0, `CONSISTENCY ANY; ${batch}`)).toMatchObject({ status: 0, stderr: "" });
    expect(cqlsh(0, `CONSISTENCY ONE; ${batch.replace("BEGIN BATCH", "BEGIN UNLOGGED BATCH")}`)).toMatchObject({ status: 0, stderr: "" });
  });

  it("with conditions are one lightweight transaction: applied together or not at all, answering with the rows judged", () => {
    const { cqlsh } = ring();
    const applied = cqlsh(0, "BEGIN BATCH INSERT INTO ks.events (id, seq, what) VALUES (1, 1, 'a') IF NOT EXISTS; INSERT INTO ks.events (id, seq, what) VALUES (1, 2, 'b'); APPLY BATCH");
    expect(applied.stdout).toBe("\n [applied]\n-----------\n      True\n\n");
    const refused = cqlsh(
      1,
      "BEGIN BATCH UPDATE ks.events SET what = 'c' WHERE id = 1 AND seq = 1 IF what = 'x'; UPDATE ks.events SET what = 'd' WHERE id = 1 AND seq = 2 IF what = 'b'; APPLY BATCH",
    );
    // A batch shows the primary key of each row judged, then the conditions' columns.
    expect(refused.stdout).toBe("\n [applied] | id | seq | what\n-----------+----+-----+------\n     False |  1 |   1 |    a\n     False |  1 |   2 |    b\n\n");
    expect(cqlsh(2, "SELECT what FROM ks.events WHERE id = 1;").stdout).toBe("\n what\n------\n    a\n    b\n\n(2 rows)\n");
    expect(cqlsh(0, "BEGIN BATCH UPDATE ks.events SET what = 'c' WHERE id IN (1, 2) AND seq = 1 IF what = 'x'; APPLY BATCH").stderr).toContain(
      'ServerError: Error from server: code=0000 [Server error] message="java.lang.IllegalArgumentException: Batch with conditions cannot span multiple partitions (you cannot use IN on the partition key)"',
    );
  });
});
