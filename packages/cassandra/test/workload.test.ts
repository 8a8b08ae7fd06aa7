import { History, Sim, spawn } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { checkAvailability, checkCounters, checkNoLostWrites, checkReads, checkTransfers, RegisterWorkload, type ConsistencyLevel } from "../src/index.js";
import { PodCluster } from "./pods.js";

/**
 * Checkers over histories: first on hand-written histories, then on a workload against the ring
 * while one node is cut off from the others and then loses power.
 */

describe("the transfers checker", () => {
  it("passes whole transfers and refused ones that left nothing, and flags half applied, lost and unread ones", () => {
    const sim = new Sim();
    const h = new History(sim);
    const transfer = (entry: number, from: number, to: number, outcome: "ok" | "fail" | "info") => {
      const op = h.invoke("c", "transfer", { entry, from, to });
      sim.advance(5);
      if (outcome === "ok") h.ok(op);
      else if (outcome === "fail") h.fail(op, "Cannot achieve consistency level ONE");
      else h.info(op, "Operation timed out - received only 0 responses.");
    };
    const finalRead = (account: number, entries: number[]) => h.ok(h.invoke("final", "final-read", { account }), { entries });
    transfer(1, 0, 1, "ok");
    transfer(2, 1, 0, "info");
    transfer(3, 0, 1, "fail");
    transfer(4, 1, 0, "info");
    finalRead(0, [1, 2]);
    finalRead(1, [1, 2]);
    expect(checkTransfers(h.operations)).toMatchObject({ ok: true, metrics: { transfers: 4, halfApplied: 0, wrong: 0, unread: 0 } });
    transfer(5, 0, 1, "fail");
    transfer(6, 0, 1, "ok");
    transfer(7, 0, 2, "ok");
    finalRead(0, [1, 2, 5]);
    finalRead(1, [1, 2]);
    const r = checkTransfers(h.operations);
    expect(r).toMatchObject({ ok: false, metrics: { transfers: 7, halfApplied: 1, wrong: 1, unread: 1 } });
    expect(r.violations.map((v) => v.message)).toEqual([
      "transfer 5 (account 0 to 1, 20–25 ms, fail: Cannot achieve consistency level ONE) is half applied: only its debit is there",
      "transfer 6 (account 0 to 1, 25–30 ms, ok) was acknowledged, and neither half is there",
      "1 transfer(s) touch an account with no successful final read: cannot tell whether they were applied",
    ]);
  });
});

describe("the counters checker", () => {
  it("passes a counter between its acknowledged and its possible increments, and flags one outside or unread", () => {
    const sim = new Sim();
    const h = new History(sim);
    const increment = (key: number, outcome: "ok" | "fail" | "info", times = 1) => {
      for (let i = 0; i < times; i++) {
        const op = h.invoke("c", "increment", { key });
        sim.advance(5);
        if (outcome === "ok") h.ok(op);
        else if (outcome === "fail") h.fail(op, "Cannot achieve consistency level QUORUM");
        else h.info(op, "Operation timed out - received only 0 responses.");
      }
    };
    const finalRead = (key: number, value: number) => h.ok(h.invoke("final", "final-read", { key }), { value });
    increment(0, "ok", 3);
    increment(0, "info", 2);
    increment(0, "fail", 4);
    increment(1, "ok", 2);
    finalRead(0, 4);
    finalRead(1, 2);
    expect(checkCounters(h.operations)).toMatchObject({ ok: true, metrics: { counters: 2, lost: 0, extra: 0 } });
    increment(2, "ok", 5);
    increment(3, "ok");
    finalRead(0, 6);
    finalRead(1, 1);
    finalRead(2, 5);
    const r = checkCounters(h.operations);
    expect(r).toMatchObject({ ok: false, metrics: { counters: 4, lost: 1, extra: 1 } });
    expect(r.violations.map((v) => v.message)).toEqual([
      "counter 0 reads 6 after 3 acknowledged and 2 indeterminate increment(s): 1 more than could have been applied",
      "counter 1 reads 1 after 2 acknowledged and 0 indeterminate increment(s): at least 1 acknowledged increment(s) lost",
      "no successful final read of counter 3 (1 acknowledged and 0 indeterminate increment(s)): cannot tell what it counted",
    ]);
  });
});

describe("register checkers", () => {
  function history(): { sim: Sim; h: History } {
    const sim = new Sim();
    return { sim, h: new History(sim) };
  }

  it("accepts a read that returns the latest acknowledged value or a concurrent newer one", () => {
    const { sim, h } = history();
    const w1 = h.invoke("a", "write", { key: 1, value: 1 });
    sim.advance(10);
    h.ok(w1);
    const w2 = h.invoke("a", "write", { key: 1, value: 2 });
    const r = h.invoke("b", "read", { key: 1 });
    sim.advance(10);
    h.ok(r, { value: 2 });
    h.info(w2, "timed out");
    const r2 = h.invoke("b", "read", { key: 1 });
    sim.advance(5);
    h.ok(r2, { value: 1 });
    expect(checkReads(h.operations).ok).toBe(true);
  });

  it("flags a read that misses a write acknowledged before it began, and a value nobody wrote", () => {
    const { sim, h } = history();
    const w1 = h.invoke("a", "write", { key: 1, value: 1 });
    sim.advance(10);
    h.ok(w1);
    sim.advance(10);
    const w2 = h.invoke("a", "write", { key: 1, value: 2 });
    sim.advance(10);
    h.ok(w2);
    sim.advance(1);
    const r = h.invoke("b", "read", { key: 1 });
    sim.advance(10);
    h.ok(r, { value: 1 });
    const r2 = h.invoke("b", "read", { key: 1 });
    sim.advance(10);
    h.ok(r2, { value: 99 });
    const result = checkReads(h.operations);
    expect(result.ok).toBe(false);
    expect(result.violations.map((v) => v.message)).toEqual([
      "read of key 1 (31–41 ms) returned 1, but the write of 2 was acknowledged at 30 ms, before the read began",
      "read of key 1 (41–51 ms) returned 99, which no write of key 1 had produced",
    ]);
  });

  it("takes nothing as the answer of a delete that may have preceded the read, and flags a deleted value read back", () => {
    const { sim, h } = history();
    const w = h.invoke("a", "write", { key: 1, value: 1 });
    sim.advance(10);
    h.ok(w);
    const d = h.invoke("a", "write", { key: 1, value: null });
    sim.advance(10);
    // A read that begins as the delete is acknowledged may see it: no violation.
    const r = h.invoke("b", "read", { key: 1 });
    h.ok(d);
    sim.advance(5);
    h.ok(r, { value: null });
    // A delete without an answer may still land: nothing is a fine answer after it, and so is 1.
    const w2 = h.invoke("a", "write", { key: 1, value: 2 });
    sim.advance(5);
    h.ok(w2);
    const d2 = h.invoke("a", "write", { key: 1, value: null });
    sim.advance(5);
    h.info(d2, "timed out");
    const r2 = h.invoke("b", "read", { key: 1 });
    sim.advance(5);
    h.ok(r2, { value: null });
    expect(checkReads(h.operations).violations).toEqual([]);
    // The deleted value comes back: a zombie.
    const d3 = h.invoke("a", "write", { key: 1, value: null });
    sim.advance(5);
    h.ok(d3);
    sim.advance(1);
    const r3 = h.invoke("b", "read", { key: 1 });
    sim.advance(5);
    h.ok(r3, { value: 2 });
    expect(checkReads(h.operations).violations.map((v) => v.message)).toEqual([
      "read of key 1 (46–51 ms) returned 2, but the delete was acknowledged at 45 ms, before the read began",
    ]);
  });

  it("reports a lost acknowledged write from the final reads, and keys it could not read", () => {
    const { sim, h } = history();
    const w = h.invoke("a", "write", { key: 1, value: 5 });
    sim.advance(1);
    h.ok(w);
    const w2 = h.invoke("a", "write", { key: 2, value: 6 });
    sim.advance(1);
    h.ok(w2);
    const f = h.invoke("final", "final-read", { key: 1 });
    sim.advance(1);
    h.ok(f, { value: null });
    const result = checkNoLostWrites(h.operations);
    expect(result.ok).toBe(false);
    expect(result.violations.map((v) => v.message)).toEqual([
      "final read of key 1 (2–3 ms) returned nothing, but the write of 5 was acknowledged at 1 ms, before the read began",
      "no successful final read of key(s) 2: cannot tell whether their writes survived",
    ]);
  });
});

/**
 * Node A is partitioned from B and C for 7 s while clients keep writing and reading through
 * every node, then A loses power (its commit log syncs only every 10 s). The partition heals,
 * A restarts, and every key is read back at ALL.
 */
function partitionThenCrash(seed: number, cl: ConsistencyLevel) {
  const c = new PodCluster(seed);
  expect(c.startOrdered(3)).toBe(true);
  const client = c.net.addHost("client", "10.0.0.100");
  const w = new RegisterWorkload({
    sim: c.sim,
    dialer: client,
    contactPoints: () => c.pods.map((p) => p.ip),
    random: c.sim.random.fork("workload"),
    writeConsistency: cl,
    readConsistency: cl,
    keys: 3,
    clients: 4,
    meanIntervalMs: 50,
  });
  const setup = spawn(c.sim, w.setup());
  expect(c.runUntil(() => setup.done, 120_000)).toBe(true);
  const start = c.sim.now;
  const run = spawn(c.sim, w.run(12_000));
  c.sim.advance(5000);
  const [a, b, d] = c.pods;
  const cut = c.net.partition([a!.host], [b!.host, d!.host]);
  c.sim.advance(7000);
  a!.crash();
  expect(c.runUntil(() => run.done, 60_000)).toBe(true);
  const end = c.sim.now;
  c.sim.advance(5000);
  c.net.heal(cut);
  a!.restart();
  expect(c.runUntil(() => a!.ready, 200_000)).toBe(true);
  const final = spawn(c.sim, w.finalReads("ALL"));
  expect(c.runUntil(() => final.done, 400_000)).toBe(true);
  const ops = w.history.operations;
  return { reads: checkReads(ops), lost: checkNoLostWrites(ops), availability: checkAvailability(ops, start, end) };
}

describe("workload against the ring", () => {
  it("fails both checkers at ONE/ONE: stale reads during the partition, acknowledged writes lost with the crash", () => {
    const { reads, lost } = partitionThenCrash(1, "ONE");
    expect(reads.ok).toBe(false);
    expect(reads.metrics["violations"]!).toBeGreaterThan(10);
    expect(lost.ok).toBe(false);
    expect(lost.violations[0]!.message).toMatch(/^final read of key \d \(\d+–\d+ ms\) returned \d+, but the write of \d+ was acknowledged at \d+ ms, before the read began$/);
  });

  it("passes both at QUORUM/QUORUM through the same faults, and measures what availability it cost", () => {
    const { reads, lost, availability } = partitionThenCrash(1, "QUORUM");
    expect(reads.violations).toEqual([]);
    expect(reads.metrics["checked"]!).toBeGreaterThan(100);
    expect(lost.violations).toEqual([]);
    expect(availability.metrics["write.fraction"]!).toBeLessThan(1);
    expect(availability.metrics["write.fraction"]!).toBeGreaterThan(0.5);
  });
});
