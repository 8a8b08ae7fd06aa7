import { describe, expect, it } from "vitest";
import type { QuorumPacket } from "../src/core/messages.js";
import { CoreCluster } from "./cluster.js";

describe("core: a three-server ensemble", () => {
  it("elects the highest sid on a fresh ensemble and everyone serves in epoch 1", () => {
    const c = new CoreCluster({ n: 3, seed: 1, keepLogs: true });
    c.startAll();
    expect(c.runUntil(() => c.allServing(), 60_000)).toBe(true);
    expect(c.leaders().map((n) => n.sid)).toEqual([3]);
    for (const n of c.nodes) {
      expect(n.peer!.currentEpoch).toBe(1);
      expect(n.peer!.acceptedEpoch).toBe(1);
    }
    expect(c.node(3).lines.some((l) => l.includes("Have quorum of supporters, sids: [ "))).toBe(true);
    expect(c.node(1).lines.some((l) => l.includes("FOLLOWING - LEADER ELECTION TOOK"))).toBe(true);
  });
});

describe("core: a learner syncing with its leader", () => {
  /** Restarts server 1 with `rewrite` applied to every packet the leader sends it. */
  function rejoin(rewrite: (packet: QuorumPacket) => QuorumPacket[]): CoreCluster {
    const c = new CoreCluster({ n: 3, seed: 1, keepLogs: true });
    c.startAll();
    expect(c.runUntil(() => c.allServing(), 60_000)).toBe(true);
    c.node(1).kill();
    const send = c.sendPacket.bind(c);
    c.sendPacket = (l, packet) => {
      for (const p of l.peer?.node.sid === 1 ? rewrite(packet) : [packet]) send(l, p);
    };
    c.node(1).start();
    c.runUntil(() => c.allServing() || c.node(1).exitStatus !== undefined, 60_000);
    return c;
  }

  it("reads and drops a PING between NEWLEADER and UPTODATE, as syncWithLeader's loop does", () => {
    const c = rejoin((p) => (p.type === "NEWLEADER" ? [p, { type: "PING", zxid: 0 }] : [p]));
    expect(c.allServing()).toBe(true);
    expect(c.node(1).lines.some((l) => l.includes("Exception when following the leader"))).toBe(false);
  });

  it("exits with status 13 when the leader's first packet is not DIFF, SNAP or TRUNC", () => {
    const c = rejoin((p) => (p.type === "DIFF" || p.type === "SNAP" || p.type === "TRUNC" ? [{ type: "PING", zxid: 0 }, p] : [p]));
    expect(c.node(1).exitStatus).toBe(13);
    expect(c.node(1).lines.some((l) => l.endsWith("Got unexpected packet from leader 5 exiting ... "))).toBe(true);
  });
});
