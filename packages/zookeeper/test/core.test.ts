import { describe, expect, it } from "vitest";
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
