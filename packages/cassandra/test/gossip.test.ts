import { Random, Sim } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import type { Now } from "../src/core/clock.js";
import { Gossiper, type GossipMessage } from "../src/core/gossip.js";
import type { LogEvent } from "../src/core/log.js";

/**
 * The gossiper alone: nodes exchange messages through a bus with latency, loss and node outages,
 * each ticking once a second from its own phase. Properties are checked over many seeds.
 */

interface Member {
  g: Gossiper;
  up: boolean;
  timer: ReturnType<Sim["schedule"]> | undefined;
  readonly logs: string[];
}

class Bus {
  readonly sim: Sim;
  readonly random: Random;
  readonly members = new Map<string, Member>();
  readonly events: { time: number; type: string; node: string; peer: string }[] = [];
  drop = 0;
  maxDelay = 30;

  constructor(seed: number) {
    this.sim = new Sim({ seed });
    this.random = this.sim.random.fork("bus");
  }

  now(): Now {
    return { mono: this.sim.now, wall: this.sim.epochMs() };
  }

  private deliver(from: string, to: string, fn: (m: Member) => void): void {
    const a = this.members.get(from);
    const b = this.members.get(to);
    if (a === undefined || b === undefined || !a.up || !b.up || this.random.chance(this.drop)) return;
    this.sim.schedule(this.random.int(1, this.maxDelay), () => {
      const target = this.members.get(to);
      if (target !== undefined && target.up) fn(target);
    });
  }

  /** Starts (or restarts, with a higher generation) a gossiper at `ip`. */
  start(ip: string, seeds: readonly string[], generation: number, status = "NORMAL,1"): Gossiper {
    const old = this.members.get(ip);
    if (old !== undefined) this.sim.cancel(old.timer);
    const logs: string[] = [];
    const bus = this;
    const g = new Gossiper(
      { clusterName: "Test Cluster", partitioner: "Murmur3Partitioner", self: ip, seeds, ringDelayMs: 30_000, phiConvictThreshold: 8 },
      this.sim.random.fork(`gossip/${ip}/${generation}`),
      {
        send: (to: string, msg: GossipMessage) => bus.deliver(ip, to, (m) => m.g.receive(ip, msg, bus.now())),
        echo: (to: string) => bus.deliver(ip, to, () => bus.deliver(to, ip, (m) => m.g.echoReply(to, bus.now()))),
        convicted: (to: string) => bus.events.push({ time: bus.sim.now, type: "convicted", node: ip, peer: to }),
        log: (e: LogEvent) => logs.push(e.message),
        trace: (type: string, data: Record<string, unknown>) => bus.events.push({ time: bus.sim.now, type, node: String(data.node), peer: String(data.peer) }),
      },
    );
    const member: Member = { g, up: true, timer: undefined, logs };
    this.members.set(ip, member);
    g.start(generation, [["STATUS", status], ["HOST_ID", `host-${ip}`]], this.now());
    const tick = () => {
      if (!member.up || this.members.get(ip) !== member) return;
      g.tick(this.now());
      member.timer = this.sim.schedule(1000, tick);
    };
    member.timer = this.sim.schedule(this.random.int(1, 1000), tick);
    return g;
  }

  /** The process dies silently: no more ticks, nothing in or out. */
  kill(ip: string): void {
    const m = this.members.get(ip)!;
    m.up = false;
    this.sim.cancel(m.timer);
  }
}

const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}`);

describe("gossip", () => {
  it("converges on membership, liveness and every state change, whatever the start order, delays and loss", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const bus = new Bus(seed);
      const r = Random.fromSeed(`convergence-${seed}`);
      const n = r.int(2, 7);
      const all = ips(n);
      const seeds = all.slice(0, r.int(1, Math.min(2, n)));
      bus.drop = r.float() * 0.1;
      bus.maxDelay = r.int(1, 50);
      for (const ip of all) bus.sim.schedule(r.int(0, 10_000), () => bus.start(ip, seeds, 1_700_000_000));
      const changer = r.choice(all);
      bus.sim.schedule(r.int(20_000, 40_000), () => bus.members.get(changer)!.g.addLocalState("STATUS", "LEAVING,1", bus.now()));
      bus.sim.runUntil(90_000);
      for (const ip of all) {
        const g = bus.members.get(ip)!.g;
        expect(g.knownEndpoints().sort(), `seed ${seed} node ${ip}`).toEqual([...all].sort());
        expect(g.liveMembers(), `seed ${seed} node ${ip}`).toEqual([...all].sort());
        for (const other of all) expect(g.state(other)!.get("STATUS")).toBe(other === changer ? "LEAVING,1" : "NORMAL,1");
      }
    }
  });

  it("never marks a node down while it keeps heartbeating, even over lossy, slow links", () => {
    for (let seed = 1; seed <= 15; seed++) {
      const bus = new Bus(100 + seed);
      const all = ips(5);
      bus.drop = 0.05;
      bus.maxDelay = 150;
      for (const ip of all) bus.start(ip, ["10.0.0.1"], 1_700_000_000);
      bus.sim.runUntil(600_000);
      expect(bus.events.filter((e) => e.type === "cassandra.down"), `seed ${seed}`).toEqual([]);
    }
  });

  it("convicts a silent node after about 18 s of silence (phi > 8 with 1 s heartbeats), and only then", () => {
    for (let seed = 1; seed <= 15; seed++) {
      const bus = new Bus(200 + seed);
      const all = ips(4);
      for (const ip of all) bus.start(ip, ["10.0.0.1"], 1_700_000_000);
      bus.sim.runUntil(60_000);
      bus.kill("10.0.0.4");
      bus.sim.runUntil(120_000);
      const downs = bus.events.filter((e) => e.type === "cassandra.down" && e.peer === "10.0.0.4");
      expect(downs.map((d) => d.node).sort(), `seed ${seed}`).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
      // MessagingService hears of each conviction too, when the node is marked down.
      const convictions = bus.events.filter((e) => e.type === "convicted");
      expect(convictions.map((d) => [d.time, d.node, d.peer]), `seed ${seed}`).toEqual(downs.map((d) => [d.time, d.node, d.peer]));
      for (const d of downs) {
        expect(d.time - 60_000, `seed ${seed}`).toBeGreaterThan(15_000);
        expect(d.time - 60_000, `seed ${seed}`).toBeLessThan(25_000);
      }
      for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) {
        expect(bus.members.get(ip)!.logs).toContain("InetAddress /10.0.0.4 is now DOWN");
        expect(bus.members.get(ip)!.g.unreachableMembers()).toEqual(["10.0.0.4"]);
      }
    }
  });

  it("marks a node down at once when it announces its shutdown, and up again when it restarts with a higher generation", () => {
    const bus = new Bus(7);
    const all = ips(3);
    for (const ip of all) bus.start(ip, ["10.0.0.1"], 1_700_000_000);
    bus.sim.runUntil(60_000);
    bus.members.get("10.0.0.3")!.g.stop(true, bus.now());
    bus.sim.runUntil(60_500);
    // The shutdown forces a conviction on each peer.
    expect(bus.events.filter((e) => e.type === "convicted").map((e) => `${e.node}>${e.peer}`).sort()).toEqual(["10.0.0.1>10.0.0.3", "10.0.0.2>10.0.0.3"]);
    for (const ip of ["10.0.0.1", "10.0.0.2"]) {
      const g = bus.members.get(ip)!.g;
      expect(g.isAlive("10.0.0.3")).toBe(false);
      expect(g.state("10.0.0.3")!.get("STATUS")).toBe("shutdown,true");
    }
    bus.kill("10.0.0.3");
    bus.sim.runUntil(100_000);
    bus.start("10.0.0.3", ["10.0.0.1"], 1_700_000_100, "NORMAL,2");
    bus.sim.runUntil(130_000);
    for (const ip of ["10.0.0.1", "10.0.0.2"]) {
      const m = bus.members.get(ip)!;
      expect(m.g.isAlive("10.0.0.3")).toBe(true);
      expect(m.g.state("10.0.0.3")!.generation).toBe(1_700_000_100);
      expect(m.g.state("10.0.0.3")!.get("STATUS")).toBe("NORMAL,2");
      expect(m.logs).toContain("Node /10.0.0.3 has restarted, now UP");
    }
  });

  it("ignores gossip about a removed endpoint for the quarantine (2 x RING_DELAY)", () => {
    const bus = new Bus(9);
    const all = ips(3);
    for (const ip of all) bus.start(ip, ["10.0.0.1"], 1_700_000_000);
    bus.sim.runUntil(30_000);
    const g1 = bus.members.get("10.0.0.1")!.g;
    g1.removeEndpoint("10.0.0.3", bus.now());
    expect(g1.isQuarantined("10.0.0.3")).toBe(true);
    bus.sim.runUntil(50_000);
    // Still heartbeating, but nothing about it is applied or brings it back while quarantined.
    expect(g1.liveMembers()).toEqual(["10.0.0.1", "10.0.0.2"]);
    bus.sim.runUntil(120_000);
    expect(g1.isQuarantined("10.0.0.3")).toBe(false);
  });

  it("lets a joining node find the ring through its seed even when it is not a seed itself", () => {
    const bus = new Bus(11);
    bus.start("10.0.0.1", ["10.0.0.1"], 1_700_000_000);
    bus.sim.runUntil(5_000);
    bus.start("10.0.0.2", ["10.0.0.1"], 1_700_000_000);
    bus.sim.runUntil(8_000);
    expect(bus.members.get("10.0.0.2")!.logs).toContain("Node /10.0.0.1 is now part of the cluster");
    expect(bus.members.get("10.0.0.1")!.logs).toContain("Node /10.0.0.2 is now part of the cluster");
  });
});
