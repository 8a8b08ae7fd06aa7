import { History } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import {
  checkAcknowledgedWrites,
  checkClientOrder,
  checkCommittedPrefix,
  checkOneLeaderPerEpoch,
  checkReplicasAgree,
  checkWriteAvailability,
  ZkTrace,
} from "../src/index.js";
import { CoreCluster } from "./cluster.js";
import { CoreClients } from "./core-client.js";

/** A steady writer against whichever server serves, reconnecting as servers come and go. */
function writer(c: CoreCluster, clients: CoreClients, until: number): void {
  let conn = -1;
  let n = 0;
  const tick = () => {
    if (conn < 0 || !clients.open(conn)) {
      const live = c.nodes.filter((x) => x.peer?.serving === true);
      if (live.length > 0) conn = clients.connect(live[n % live.length]!);
    } else if (clients.ready(conn)) {
      clients.create(conn, `/w${n}`, `value-${n}`);
    }
    n++;
    if (c.sim.now < until) c.sim.schedule(50, tick);
  };
  tick();
}

/** What a read-back through the leader would find for every path the history wrote. */
function readBack(c: CoreCluster, history: History): Map<string, string | null> {
  const tree = c.leaders()[0]!.peer!.db.tree;
  const out = new Map<string, string | null>();
  for (const op of history.operations) {
    const path = (op.input as { path: string }).path;
    out.set(path, tree.getData(path)?.data ?? null);
  }
  return out;
}

describe("checkers", () => {
  it("pass on a healthy ensemble that loses its leader once", () => {
    const c = new CoreCluster({ n: 3, seed: 7 });
    const trace = new ZkTrace(c.sim);
    const history = new History(c.sim);
    const clients = new CoreClients(c, history);
    c.startAll();
    c.runUntil(() => c.allServing(), 60_000);
    const start = c.sim.now;
    writer(c, clients, start + 60_000);
    c.sim.schedule(20_000, () => {
      const leader = c.leaders()[0]!;
      leader.crash();
      c.sim.schedule(5000, () => leader.start());
    });
    c.runUntil(() => false, 90_000);
    expect(c.runUntil(() => c.allServing(), 60_000)).toBe(true);
    const ops = history.operations;
    expect(checkOneLeaderPerEpoch(trace.events).ok).toBe(true);
    expect(checkCommittedPrefix(trace.events).ok).toBe(true);
    const acked = checkAcknowledgedWrites(ops, readBack(c, history), c.sim.now);
    expect(acked.ok).toBe(true);
    expect(acked.metrics.acknowledged).toBeGreaterThan(200);
    expect(checkClientOrder(ops).ok).toBe(true);
    const avail = checkWriteAvailability(ops, start, start + 60_000, 15_000);
    expect(avail.ok).toBe(true);
    expect(avail.metrics.fraction).toBeGreaterThan(0.9);
  });

  it("catch acknowledged writes lost with forceSync=no when every server loses power", () => {
    const c = new CoreCluster({ n: 3, seed: 3, noSync: true });
    const history = new History(c.sim);
    const clients = new CoreClients(c, history);
    c.startAll();
    c.runUntil(() => c.allServing(), 60_000);
    writer(c, clients, c.sim.now + 10_000);
    c.runUntil(() => false, 10_000);
    // A rack power cut: nothing was ever fsynced.
    for (const node of c.nodes) node.crash();
    for (const node of c.nodes) node.start();
    expect(c.runUntil(() => c.allServing(), 120_000)).toBe(true);
    const r = checkAcknowledgedWrites(history.operations, readBack(c, history), c.sim.now);
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.message).toMatch(/acknowledged at \d+ms but missing at the end/);
  });

  it("give no verdict on acknowledged writes that could not be read back", () => {
    const history = new History(new CoreCluster({ n: 1, seed: 1 }).sim);
    for (const path of ["/a", "/b", "/c"]) history.ok(history.invoke("client-0", "write", { path, value: `v${path}` }), { zxid: 1 });
    const r = checkAcknowledgedWrites(history.operations, new Map([["/a", "v/a"], ["/b", null]]), 0);
    expect(r.ok).toBe(false);
    expect(r.violations.map((v) => v.message)).toEqual(["write of /b=v/b acknowledged at 0ms but missing at the end"]);
    expect(r.metrics).toEqual({ acknowledged: 3, verified: 2, unverified: 1 });
    expect(r.invariant).toContain("could not be read back");
    const unread = checkAcknowledgedWrites(history.operations, new Map(), 0);
    expect(unread.ok).toBe(true);
    expect(unread.metrics.unverified).toBe(3);
  });

  it("catch a write outage when two of three servers are down at once", () => {
    const c = new CoreCluster({ n: 3, seed: 5 });
    const history = new History(c.sim);
    const clients = new CoreClients(c, history);
    c.startAll();
    c.runUntil(() => c.allServing(), 60_000);
    const start = c.sim.now;
    writer(c, clients, start + 120_000);
    c.sim.schedule(10_000, () => {
      const [a, b] = c.nodes;
      a!.crash();
      b!.crash();
      c.sim.schedule(60_000, () => {
        a!.start();
        b!.start();
      });
    });
    c.runUntil(() => false, 120_000);
    const r = checkWriteAvailability(history.operations, start, start + 120_000, 15_000);
    expect(r.ok).toBe(false);
    expect(r.metrics.longestGapMs).toBeGreaterThanOrEqual(60_000);
  });
});

describe("checkReplicasAgree", () => {
  it("passes while the members that answered agree, gives no verdict on one it could not read, and names each member's answer when they differ", () => {
    const c = new CoreCluster({ n: 3, seed: 1 });
    const history = new History(c.sim);
    const acked = history.invoke("client-0", "write", { path: "/w0", value: "a" });
    history.ok(acked, { zxid: 0x100000001 });
    const unknown = history.invoke("client-0", "write", { path: "/w1", value: "b" });
    history.info(unknown, "connection loss");
    const agreeing = new Map([
      ["zk-0", new Map([["/w0", "a"], ["/w1", null]])],
      ["zk-1", new Map([["/w0", "a"], ["/w1", null]])],
      ["zk-2", new Map<string, string | null>()],
    ]);
    expect(checkReplicasAgree(history.operations, agreeing, c.sim.now)).toMatchObject({ ok: true, metrics: { compared: 2, disagreements: 0, unreadMembers: 1 } });
    const diverged = new Map([...agreeing, ["zk-2", new Map([["/w0", "a"], ["/w1", "b"]])]]);
    const r = checkReplicasAgree(history.operations, diverged, c.sim.now);
    expect(r.ok).toBe(false);
    expect(r.violations.map((v) => v.message)).toEqual(["/w1 (a write of unknown outcome): zk-0 missing, zk-1 missing, zk-2 has b"]);
  });
});
