import { describe, expect, it } from "vitest";
import type { Mutation } from "../src/core/data.js";
import { PAXOS_TTL_SECONDS, PaxosState, newProposal, type Ballot, type PaxosKey } from "../src/core/paxos.js";
import { StorageEngine, type DiskIO } from "../src/core/storage.js";
import { PodCluster } from "./pods.js";

const noDisk: DiskIO = { append() {}, write() {}, fsync() {}, remove() {}, link() {}, mkdir() {} };
const KEY: PaxosKey = { rowKey: "1", tableId: "t-id", keyspace: "ks", table: "t" };
const update = (v: string): Mutation => ({ keyspace: "ks", table: "t", tableId: "t-id", partition: { key: [1], rows: { "": { ck: [], cells: { v: { v, ts: 1 } } } } } });
const ballot = (seconds: number, id: string): Ballot => ({ micros: seconds * 1e6, id });

describe("a replica's Paxos state (PaxosState)", () => {
  const replica = () => new PaxosState(new StorageEngine("/data", "/commitlog", noDisk, { log() {} }));

  it("promises only a strictly newer ballot and answers a refusal with the ballot it promised", () => {
    const r = replica();
    expect(r.prepare(KEY, ballot(100, "a"), 0).promised).toBe(true);
    // The same time from another coordinator is not newer.
    const tie = r.prepare(KEY, ballot(100, "b"), 0);
    expect(tie).toMatchObject({ promised: false, inProgress: { ballot: ballot(100, "a"), update: undefined } });
    expect(r.prepare(KEY, ballot(99, "c"), 0).promised).toBe(false);
  });

  it("accepts the promised ballot or a newer one, and tells the next prepare what it accepted", () => {
    const r = replica();
    r.prepare(KEY, ballot(100, "a"), 0);
    expect(r.propose(KEY, newProposal(ballot(99, "z"), update("old")), 0)).toBe(false);
    expect(r.propose(KEY, newProposal(ballot(100, "b"), update("same time, other ballot")), 0)).toBe(false);
    const accepted = newProposal(ballot(100, "a"), update("x"));
    expect(r.propose(KEY, accepted, 0)).toBe(true);
    // The proposal's cells carry the ballot's time.
    expect(accepted.update!.partition.rows[""]!.cells["v"]!.ts).toBe(100e6);
    const next = r.prepare(KEY, ballot(101, "c"), 0);
    expect(next).toMatchObject({ promised: true, inProgress: { ballot: ballot(100, "a") } });
    expect(next.inProgress.update!.partition.rows[""]!.cells["v"]!.v).toBe("x");
  });

  it("erases the proposal when it commits, unless a newer one was accepted since, and forgets what outlived the TTL", () => {
    const r = replica();
    r.prepare(KEY, ballot(100, "a"), 0);
    r.propose(KEY, newProposal(ballot(100, "a"), update("x")), 0);
    r.prepare(KEY, ballot(200, "b"), 0);
    r.propose(KEY, newProposal(ballot(200, "b"), update("y")), 0);
    // The old round's commit arrives late: its erasure is older than the newer proposal.
    r.saveCommit(KEY, newProposal(ballot(100, "a"), update("x")), 0);
    const s = r.prepare(KEY, ballot(300, "c"), 0);
    expect(s.inProgress.ballot).toEqual(ballot(200, "b"));
    expect(s.mostRecentCommit.ballot).toEqual(ballot(100, "a"));
    const later = r.prepare(KEY, ballot(300 + PAXOS_TTL_SECONDS + 1, "d"), 0);
    expect(later).toMatchObject({ promised: true, inProgress: { update: undefined }, mostRecentCommit: { update: undefined } });
  });
});

describe("an unfinished round", () => {
  it("is finished by the next coordinator: a proposal accepted before its coordinator lost power is read at SERIAL", () => {
    const c = new PodCluster(4);
    expect(c.startOrdered(3)).toBe(true);
    c.runUntil(() => false, 15_000);
    const cqlsh = (pod: number, cql: string) => c.pods[pod]!.exec(["cqlsh", "-e", cql]);
    expect(cqlsh(0, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}; CREATE TABLE ks.t (k int PRIMARY KEY, v text);").status).toBe(0);
    // The coordinator dies as soon as another replica accepts its proposal: no commit is sent.
    const propose = PaxosState.prototype.propose;
    let accepts = 0;
    PaxosState.prototype.propose = function (this: PaxosState, ...args: Parameters<PaxosState["propose"]>) {
      const accepted = propose.apply(this, args);
      if (accepted && ++accepts === 2) c.pods[0]!.crash();
      return accepted;
    };
    try {
      const run = c.pods[0]!.launch(["cqlsh", "-e", "INSERT INTO ks.t (k, v) VALUES (1, 'accepted') IF NOT EXISTS;"]);
      c.runUntil(() => run.result() !== undefined, 5_000);
      // cqlsh ran on the coordinator's node, and died with it.
      expect(run.result()?.status).toBe(137);
    } finally {
      PaxosState.prototype.propose = propose;
    }
    // Once the others have noticed the coordinator is gone, a plain read finds nothing: the
    // update was never committed anywhere.
    c.runUntil(() => false, 30_000);
    expect(cqlsh(1, "CONSISTENCY ONE; SELECT v FROM ks.t WHERE k = 1;").stdout).toContain("(0 rows)");
    // A SERIAL read re-proposes it under its own ballot and commits it before reading.
    expect(cqlsh(1, "CONSISTENCY SERIAL; SELECT v FROM ks.t WHERE k = 1;").stdout).toContain(" accepted\n\n(1 rows)");
    expect(cqlsh(2, "CONSISTENCY QUORUM; SELECT v FROM ks.t WHERE k = 1;").stdout).toContain(" accepted\n\n(1 rows)");
  });
});
