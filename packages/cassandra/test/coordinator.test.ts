import { History, Random, Sim } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { Now } from "../src/core/clock.js";
import type { Mutation } from "../src/core/data.js";
import { liveRow } from "../src/core/data.js";
import type { Payload, ReadCommand, ResponseBody } from "../src/core/messages.js";
import type { ConsistencyLevel } from "../src/core/protocol.js";
import { digestOf, StorageProxy } from "../src/core/proxy.js";
import type { Replication } from "../src/core/replication.js";
import { TokenMetadata } from "../src/core/ring.js";
import { StorageEngine, type DiskIO } from "../src/core/storage.js";
import { randomTokens, tokenOf } from "../src/core/token.js";
import { keyString, serialize } from "../src/core/types.js";
import { checkReads } from "../src/workload/checkers.js";

/**
 * The coordinator alone: replicas with a storage engine and a StorageProxy each, a message bus
 * with latency, replicas that go down and come back, a failure detector that notices both only
 * after a delay, and hints replayed once a target is back. Clients write unique values and read
 * them at a consistency level; the history is checked for stale reads.
 */

const STRATEGY: Replication = { class: "SimpleStrategy", replication_factor: 3 };
const TABLE = { keyspace: "ks", table: "t", tableId: "00000000-0000-4000-8000-000000000001" };
const noDisk: DiskIO = { append() {}, write() {}, fsync() {}, remove() {}, link() {}, mkdir() {} };
/** How long the coordinators' failure detectors take to notice a replica going down or coming back. */
const DETECTION_MS = 4000;

interface Replica {
  readonly ip: string;
  readonly engine: StorageEngine;
  proxy: StorageProxy;
  up: boolean;
  changedAt: number;
  readonly hints: { target: string; m: Mutation }[];
  /** Every hint this coordinator wrote, by target. */
  readonly hinted: string[];
  readonly callbacks: Map<number, (from: string, body: ResponseBody) => void>;
  readonly timers: Map<string, ReturnType<Sim["schedule"]>>;
  lastTs: number;
}

function cluster(seed: number, n: number) {
  const sim = new Sim({ seed });
  const random = sim.random.fork("bus");
  const tm = new TokenMetadata(() => ({ dc: "dc1", rack: "r1" }));
  const replicas = new Map<string, Replica>();
  let nextId = 1;
  const now = (): Now => ({ mono: sim.now, wall: sim.epochMs() });
  const alive = (viewer: Replica, ip: string) => {
    const r = replicas.get(ip)!;
    if (r === viewer) return true;
    // The failure detector's view lags reality by DETECTION_MS in both directions.
    return sim.now - r.changedAt >= DETECTION_MS ? r.up : !r.up;
  };
  const deliver = (to: string, fn: (r: Replica) => void) => {
    sim.schedule(random.int(1, 5), () => {
      const r = replicas.get(to)!;
      if (r.up) fn(r);
    });
  };
  const handle = (self: Replica, from: string, id: number, p: Payload) => {
    const reply = (body: ResponseBody) => deliver(from, (r) => r.callbacks.get(id)?.(self.ip, body));
    switch (p.verb) {
      case "MUTATION":
      case "READ_REPAIR":
        self.engine.apply(p.mutation, sim.epochMs());
        return reply({ kind: "ack" });
      case "HINT":
        self.engine.apply(p.hint.mutation, sim.epochMs());
        return reply({ kind: "ack" });
      case "READ": {
        const data = readLocal(self, p.command);
        return reply(p.digest ? { kind: "digest", digest: digestOf(data) } : { kind: "data", partitions: data });
      }
      default:
        return;
    }
  };
  const readLocal = (r: Replica, cmd: ReadCommand) => {
    if (cmd.kind !== "partition") return [];
    const p = r.engine.table(TABLE.tableId)!.read(keyString(cmd.key));
    return p === undefined ? [] : [p];
  };
  const tokenRandom = Random.fromSeed(`tokens-${seed}`);
  for (let i = 0; i < n; i++) {
    const ip = `10.0.0.${i + 1}`;
    const engine = new StorageEngine("/data", "/commitlog", noDisk, { log() {} });
    engine.ensureTable({ ...TABLE, durableWrites: true, tokenOf: (k) => tokenOf(serialize("int", k[0]!)) });
    const r: Replica = { ip, engine, proxy: undefined!, up: true, changedAt: -DETECTION_MS, hints: [], hinted: [], callbacks: new Map(), timers: new Map(), lastTs: 0 };
    r.proxy = new StorageProxy({
      self: ip,
      get now() {
        return now();
      },
      random: sim.random.fork(`proxy/${ip}`),
      localDc: "dc1",
      localRack: "rack1",
      writeTimeoutMs: 2000,
      counterWriteTimeoutMs: 5000,
      counterShards: (m) => m,
      readTimeoutMs: 5000,
      rangeTimeoutMs: 10000,
      ring: () => tm.ring(),
      pendingEndpoints: () => [],
      isAlive: (ep) => alive(r, ep),
      dcOf: () => "dc1",
      shouldHint: () => true,
      // No batches here: the batchlog is exercised on whole nodes (batch.test.ts).
      send: () => {},
      storeBatch: () => {},
      removeBatch: () => {},
      writeHint: (target, m) => {
        r.hints.push({ target, m });
        r.hinted.push(target);
      },
      request: (to, payload, onResponse) => {
        const id = nextId++;
        r.callbacks.set(id, (from, body) => {
          r.callbacks.delete(id);
          onResponse(from, body);
        });
        deliver(to, (target) => handle(target, ip, id, payload));
        return id;
      },
      dropCallback: (id) => r.callbacks.delete(id),
      timer: (key, ms) => {
        sim.cancel(r.timers.get(key));
        r.timers.set(key, sim.schedule(ms, () => r.up && r.proxy.onTimer(key)));
      },
      cancelTimer: (key) => sim.cancel(r.timers.get(key)),
      applyLocal: (m) => engine.apply(m, sim.epochMs()),
      readLocal: (cmd) => readLocal(r, cmd),
    });
    replicas.set(ip, r);
    tm.updateNormalTokens(randomTokens(tokenRandom, 8, (t) => tm.endpointFor(t) !== undefined), ip);
  }
  // Hint dispatch: once a target is seen up again, each coordinator replays what it holds.
  const dispatch = () => {
    for (const r of replicas.values()) {
      if (!r.up) continue;
      for (const h of r.hints) {
        if (!alive(r, h.target)) continue;
        const id = nextId++;
        // A hint is dropped only once its target acknowledged it.
        r.callbacks.set(id, () => {
          r.callbacks.delete(id);
          const i = r.hints.indexOf(h);
          if (i >= 0) r.hints.splice(i, 1);
        });
        deliver(h.target, (t) => handle(t, r.ip, id, { verb: "HINT", hint: { mutation: h.m, createdAt: sim.epochMs(), gcgs: 864000 } }));
      }
    }
    sim.schedule(1000, dispatch);
  };
  sim.schedule(1000, dispatch);
  const timestamp = (r: Replica) => (r.lastTs = Math.max(sim.epochMs() * 1000, r.lastTs + 1));
  return { sim, replicas, tm, timestamp };
}

/** Runs clients against a cluster where one replica at a time fails and recovers. */
function run(seed: number, cl: ConsistencyLevel): History {
  const { sim, replicas, timestamp } = cluster(seed, 3);
  const r = Random.fromSeed(`ops-${seed}`);
  const history = new History(sim);
  const ips = [...replicas.keys()];
  let value = 1;
  // Faults: every few seconds a replica goes down for a while; never more than one at once.
  const fault = () => {
    const victim = replicas.get(r.choice(ips))!;
    victim.up = false;
    victim.changedAt = sim.now;
    victim.callbacks.clear();
    sim.schedule(r.int(2000, 12_000), () => {
      victim.up = true;
      victim.changedAt = sim.now;
      sim.schedule(r.int(3000, 10_000), fault);
    });
  };
  sim.schedule(r.int(1000, 5000), fault);
  for (let c = 0; c < 3; c++) {
    const process = `client-${c}`;
    const step = () => {
      if (sim.now > 60_000) return;
      const coordinator = replicas.get(r.choice(ips.filter((ip) => replicas.get(ip)!.up)))!;
      const key = r.int(0, 2);
      const token = tokenOf(serialize("int", key));
      const next = () => sim.schedule(r.int(5, 60), step);
      if (r.chance(0.5)) {
        const v = value++;
        const op = history.invoke(process, "write", { key, value: v });
        const ts = timestamp(coordinator);
        const m: Mutation = { ...TABLE, partition: { key: [key], rows: { [keyString([])]: { ck: [], marker: ts, cells: { v: { v, ts } } } } } };
        coordinator.proxy.mutate(m, token, STRATEGY, cl, (o) => {
          if (o.ok) history.ok(op);
          else if (o.error.code === 0x1000) history.fail(op, o.error.message);
          else history.info(op, o.error.message);
          next();
        });
      } else {
        const op = history.invoke(process, "read", { key });
        const cmd: ReadCommand = { ...TABLE, kind: "partition", key: [key] };
        coordinator.proxy.read(cmd, token, STRATEGY, cl, { global: 0, dcLocal: 0.1 }, (o) => {
          if (!o.ok) history.fail(op, o.error.message);
          else {
            const p = o.partitions[0];
            const row = p === undefined ? undefined : liveRow(p.rows[keyString([])]!, p.del, 0);
            history.ok(op, { value: (row?.["v"] as number | undefined) ?? null });
          }
          next();
        });
      }
    };
    sim.schedule(r.int(0, 50), step);
  }
  sim.runUntil(120_000);
  return history;
}

describe("coordinator", () => {
  it("never serves a stale read when QUORUM writes meet QUORUM reads, through replica failures and hint replay", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const h = run(seed, "QUORUM");
      const result = checkReads(h.operations);
      expect(result.violations, `seed ${seed}`).toEqual([]);
      expect(result.metrics["checked"]!, `seed ${seed}`).toBeGreaterThan(200);
    }
  });

  it("serves stale reads at ONE/ONE under the same failures", () => {
    let stale = 0;
    for (let seed = 1; seed <= 12; seed++) stale += checkReads(run(seed, "ONE").operations).metrics["violations"]!;
    expect(stale).toBeGreaterThan(0);
  });

  it("answers Unavailable without sending anything when too few replicas are believed alive", () => {
    const { sim, replicas } = cluster(3, 3);
    const [a, b, c] = [...replicas.values()];
    for (const r of [b!, c!]) {
      r.up = false;
      r.changedAt = -10_000;
    }
    const outcomes: unknown[] = [];
    const m: Mutation = { ...TABLE, partition: { key: [1], rows: { [keyString([])]: { ck: [], marker: 1, cells: { v: { v: 1, ts: 1 } } } } } };
    a!.proxy.mutate(m, tokenOf(serialize("int", 1)), STRATEGY, "QUORUM", (o) => outcomes.push(o));
    a!.proxy.mutate(m, tokenOf(serialize("int", 1)), STRATEGY, "ONE", (o) => outcomes.push(o));
    sim.runUntil(10_000);
    expect(outcomes).toEqual([
      {
        ok: false,
        error: { code: 0x1000, message: "Cannot achieve consistency level QUORUM", info: { kind: "unavailable", consistency: "QUORUM", required: 2, alive: 1 } },
      },
      { ok: true },
    ]);
    // Nothing was attempted at QUORUM; at ONE the dead replicas were hinted rather than written to.
    expect(a!.hinted.sort()).toEqual(["10.0.0.2", "10.0.0.3"]);
  });

  it("times out a write whose replicas stopped answering, and hints them", () => {
    const { sim, replicas } = cluster(4, 3);
    const [a, b, c] = [...replicas.values()];
    // Down, but the failure detector has not noticed yet.
    for (const r of [b!, c!]) {
      r.up = false;
      r.changedAt = 0;
    }
    const outcomes: unknown[] = [];
    const m: Mutation = { ...TABLE, partition: { key: [2], rows: { [keyString([])]: { ck: [], marker: 1, cells: { v: { v: 2, ts: 1 } } } } } };
    a!.proxy.mutate(m, tokenOf(serialize("int", 2)), STRATEGY, "QUORUM", (o) => outcomes.push(o));
    sim.runUntil(2500);
    expect(outcomes).toEqual([
      {
        ok: false,
        error: {
          code: 0x1100,
          message: "Operation timed out - received only 1 responses.",
          info: { kind: "write_timeout", consistency: "QUORUM", received: 1, blockFor: 2, writeType: "SIMPLE" },
        },
      },
    ]);
    expect(a!.hinted.sort()).toEqual(["10.0.0.2", "10.0.0.3"]);
  });

  it("repairs a stale replica during a QUORUM read whose digests disagree", () => {
    const { sim, replicas } = cluster(5, 3);
    const [a, b] = [...replicas.values()];
    const key = 7;
    const older: Mutation = { ...TABLE, partition: { key: [key], rows: { [keyString([])]: { ck: [], marker: 10, cells: { v: { v: 1, ts: 10 } } } } } };
    const newer: Mutation = { ...TABLE, partition: { key: [key], rows: { [keyString([])]: { ck: [], marker: 20, cells: { v: { v: 2, ts: 20 } } } } } };
    for (const r of replicas.values()) r.engine.apply(older, 0);
    b!.engine.apply(newer, 0);
    const cmd: ReadCommand = { ...TABLE, kind: "partition", key: [key] };
    const got: unknown[] = [];
    // Ask every replica (read repair chance 1): whichever two answer first, the newest value wins.
    a!.proxy.read(cmd, tokenOf(serialize("int", key)), STRATEGY, "ALL", { global: 1, dcLocal: 0 }, (o) => got.push(o.ok ? liveRow(o.partitions[0]!.rows[""]!, undefined, 0) : o));
    sim.runUntil(1000);
    expect(got).toEqual([{ v: 2 }]);
    for (const r of replicas.values()) expect(r.engine.table(TABLE.tableId)!.read(keyString([key]))!.rows[""]!.cells["v"]!.v).toBe(2);
    // What nodetool netstats reports: one read that asked extra replicas, repaired before answering.
    expect(a!.proxy.readRepair).toEqual({ attempted: 1, blocking: 1, background: 0 });

    // At ONE the first answer is returned; the extra replicas' digests are compared afterwards.
    const newest: Mutation = { ...TABLE, partition: { key: [key], rows: { [keyString([])]: { ck: [], marker: 30, cells: { v: { v: 3, ts: 30 } } } } } };
    b!.engine.apply(newest, 0);
    a!.proxy.read(cmd, tokenOf(serialize("int", key)), STRATEGY, "ONE", { global: 1, dcLocal: 0 }, () => {});
    sim.runUntil(2000);
    expect(a!.proxy.readRepair).toEqual({ attempted: 2, blocking: 1, background: 1 });
    for (const r of replicas.values()) expect(r.engine.table(TABLE.tableId)!.read(keyString([key]))!.rows[""]!.cells["v"]!.v).toBe(3);
    // Without read_repair_chance only the replicas the level needs are asked: nothing is attempted.
    a!.proxy.read(cmd, tokenOf(serialize("int", key)), STRATEGY, "ONE", { global: 0, dcLocal: 0 }, () => {});
    sim.runUntil(3000);
    expect(a!.proxy.readRepair.attempted).toBe(2);
  });
});
