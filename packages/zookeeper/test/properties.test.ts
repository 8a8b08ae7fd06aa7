import type { TraceEvent } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { CoreCluster, NO_FAULTS, type Node } from "./cluster.js";
import { CoreClients } from "./core-client.js";

interface Observed {
  established: { sid: number; epoch: number }[];
  commits: Map<number, string>;
  violations: string[];
}

/** Watches the zk.* trace: one leader per epoch, one txn per zxid, commits in order per life. */
function observe(c: CoreCluster): Observed {
  const o: Observed = { established: [], commits: new Map(), violations: [] };
  const last = new Map<number, number>();
  c.sim.trace.observe("zk.", (e: TraceEvent) => {
    const d = e.data as Record<string, unknown>;
    if (e.type === "zk.established") {
      const prior = o.established.find((x) => x.epoch === d.epoch);
      if (prior !== undefined && prior.sid !== d.sid) o.violations.push(`two leaders in epoch ${String(d.epoch)}`);
      o.established.push({ sid: d.sid as number, epoch: d.epoch as number });
    } else if (e.type === "zk.recover") {
      last.delete(d.sid as number);
    } else if (e.type === "zk.commit") {
      const zxid = d.zxid as number;
      const txn = d.txn as string;
      const seen = o.commits.get(zxid);
      if (seen !== undefined && seen !== txn) o.violations.push(`zxid ${zxid.toString(16)} committed as "${seen}" and "${txn}"`);
      o.commits.set(zxid, txn);
      const prev = last.get(d.sid as number) ?? -1;
      if (zxid <= prev) o.violations.push(`server ${String(d.sid)} committed ${zxid.toString(16)} after ${prev.toString(16)}`);
      last.set(d.sid as number, zxid);
    }
  });
  return o;
}

function faultyRun(seed: number, n: number) {
  const c = new CoreCluster({
    n,
    seed,
    faults: { maxDelayMs: 15, dropNotification: 0.1, duplicateNotification: 0.1, breakLink: 0.002 },
    config: { snapCount: 40 },
  });
  const o = observe(c);
  const clients = new CoreClients(c);
  const rnd = c.random.fork("test");
  c.startAll();
  let counter = 0;
  const conns: number[] = [];
  const pickNode = (): Node => c.nodes[rnd.int(0, n - 1)]!;
  for (let i = 0; i < 3; i++) conns.push(clients.connect(pickNode()));
  // Writes every 40 ms from each client; reconnect elsewhere when a connection drops.
  const writer = () => {
    for (let i = 0; i < conns.length; i++) {
      if (!clients.open(conns[i]!)) conns[i] = clients.connect(pickNode());
      else if (clients.ready(conns[i]!)) clients.create(conns[i]!, `/w${counter++}`, `v${seed}-${counter}`);
    }
  };
  const faultsUntil = 90_000;
  const tick = () => {
    writer();
    if (c.sim.now < faultsUntil + 60_000) c.sim.schedule(40, tick);
  };
  c.sim.schedule(2000, tick);
  // Crash (with or without a torn tail) or kill a random server, bring it back a little later.
  const fault = () => {
    if (c.sim.now >= faultsUntil) return;
    const victim = pickNode();
    if (victim.alive) {
      if (rnd.chance(0.5)) victim.crash(rnd.chance(0.5));
      else victim.kill();
      c.sim.schedule(rnd.int(500, 8000), () => {
        if (!victim.alive) victim.start();
      });
    }
    c.sim.schedule(rnd.int(2000, 12_000), fault);
  };
  c.sim.schedule(5000, fault);
  c.runUntil(() => false, faultsUntil);
  // Faults stop: heal, restart everyone, then the ensemble must serve again and take writes.
  c.faults = NO_FAULTS;
  for (const node of c.nodes) if (!node.alive) node.start();
  const live = c.runUntil(() => c.allServing() && c.leaders().length === 1, 120_000);
  c.runUntil(() => false, 70_000);
  const probe = clients.connect(c.leaders()[0] ?? c.nodes[0]!);
  c.runUntil(() => clients.ready(probe), 10_000);
  clients.create(probe, "/final", "done");
  c.runUntil(() => clients.acknowledged().some(([p]) => p === "/final"), 10_000);
  c.runUntil(() => false, 5_000);
  return { c, o, clients, live };
}

interface Phantom {
  sid: number;
  line: string;
  czxid: number;
  committed: boolean;
}

/**
 * The znodes (with their stat) that some servers hold and others do not. 3.4.10 keeps its
 * database in memory across elections (ZOOKEEPER-2678) without the log's uncommitted tail, so a
 * learner synced by DIFF appends the new epoch after proposals it never applied, and replays them
 * at its next start (ZOOKEEPER-2845, fixed in 3.4.12): such a znode came from a txn that was never
 * committed. One whose creating or last modifying txn was committed would be a real divergence.
 */
function phantoms(c: CoreCluster, o: Observed): Phantom[] {
  const trees = c.nodes.map((node) => new Set(node.peer!.db.tree.digest().split("\n")));
  const out: Phantom[] = [];
  for (const [i, tree] of trees.entries()) {
    for (const line of tree) {
      if (trees.every((t) => t.has(line))) continue;
      const [czxid, mzxid] = line.slice(line.lastIndexOf("|") + 1).split(",").map(Number);
      out.push({ sid: c.nodes[i]!.sid, line, czxid: czxid!, committed: o.commits.has(czxid!) && o.commits.has(mzxid!) });
    }
  }
  return out;
}

describe("core properties under faults (many seeds)", () => {
  for (const [seed, n] of [
    [1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 3], [7, 3], [8, 3], [9, 5], [10, 5], [11, 3], [12, 5],
  ] as const) {
    it(`seed ${seed}, ${n} servers: one leader per epoch, one txn per zxid, no acknowledged write lost, live after faults`, () => {
      const { c, o, clients, live } = faultyRun(seed, n);
      expect(o.violations).toEqual([]);
      expect(live).toBe(true);
      const acked = clients.acknowledged();
      expect(acked.some(([p]) => p === "/final")).toBe(true);
      expect(acked.length).toBeGreaterThan(50);
      expect(phantoms(c, o).filter((p) => p.committed)).toEqual([]);
      for (const node of c.nodes) {
        const tree = node.peer!.db.tree;
        for (const [path, data] of acked) expect(tree.getData(path)?.data, `${path} on server ${node.sid}`).toBe(data);
      }
    });
  }
});

describe("ZOOKEEPER-2845 in 3.4.10", () => {
  it("seed 7: servers restarted after a DIFF hold znodes of epoch-1 proposals that were never committed", () => {
    const { c, o } = faultyRun(7, 3);
    const found = phantoms(c, o);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => !p.committed)).toBe(true);
    expect(new Set(found.map((p) => Math.floor(p.czxid / 2 ** 32)))).toEqual(new Set([1]));
  });
});

/**
 * Servers start one by one in a random order, each reachable by name only 10–20 s after it
 * starts (a StatefulSet pod's DNS record appears once it is Ready) and not while it is down;
 * messages are delayed, dropped and duplicated and servers crash and come back. Then a random
 * minority stays down: the others must establish one leader and all serve.
 */
function startupRun(seed: number, n: number) {
  const c = new CoreCluster({ n, seed, faults: { maxDelayMs: 20, dropNotification: 0.05, duplicateNotification: 0.05, breakLink: 0.001 } });
  const o = observe(c);
  const rnd = c.random.fork("startup");
  const resolvableAt = new Map<number, number>();
  c.resolvable = (sid) => (resolvableAt.get(sid) ?? Number.POSITIVE_INFINITY) <= c.sim.now;
  const start = (node: Node) => {
    node.start();
    resolvableAt.set(node.sid, c.sim.now + rnd.int(10_000, 20_000));
  };
  const stop = (node: Node) => {
    if (rnd.chance(0.5)) node.crash(rnd.chance(0.5));
    else node.kill();
    resolvableAt.delete(node.sid);
  };
  let at = 0;
  for (const node of rnd.shuffle(c.nodes.slice())) {
    at += rnd.int(0, 25_000);
    c.sim.schedule(at, () => start(node));
  }
  const faultsUntil = at + 60_000;
  const fault = () => {
    if (c.sim.now >= faultsUntil) return;
    const victim = c.nodes[rnd.int(0, n - 1)]!;
    if (victim.alive) {
      stop(victim);
      c.sim.schedule(rnd.int(500, 20_000), () => {
        if (!victim.alive) start(victim);
      });
    }
    c.sim.schedule(rnd.int(1000, 15_000), fault);
  };
  c.sim.schedule(rnd.int(0, at), fault);
  c.runUntil(() => false, faultsUntil);
  c.faults = NO_FAULTS;
  const down = new Set(rnd.shuffle(c.nodes.slice()).slice(0, rnd.int(0, Math.floor((n - 1) / 2))));
  for (const node of c.nodes) {
    if (down.has(node)) {
      if (node.alive) stop(node);
    } else if (!node.alive) start(node);
  }
  const up = c.nodes.filter((node) => !down.has(node));
  const live = c.runUntil(() => c.leaders().length === 1 && up.every((node) => node.peer?.serving === true), 3 * 60_000);
  return { o, live };
}

describe("core liveness from any start order (many seeds)", () => {
  for (const n of [3, 5]) {
    it(`${n} servers: a quorum that stays up always ends with one established leader, every member serving`, () => {
      const stuck: number[] = [];
      for (let seed = 1; seed <= 60; seed++) {
        const { o, live } = startupRun(seed, n);
        expect(o.violations, `seed ${seed}`).toEqual([]);
        if (!live) stuck.push(seed);
      }
      expect(stuck).toEqual([]);
    });
  }
});
