import { describe, expect, it } from "vitest";
import { blockFor, checkAvailable } from "../src/core/consistency.js";
import type { Replication } from "../src/core/replication.js";

describe("consistency levels", () => {
  const simple: Replication = { class: "SimpleStrategy", replication_factor: 3 };
  const nts: Replication = { class: "NetworkTopologyStrategy", dcs: { east: 3, west: 2 } };

  it("needs as many replicas as ConsistencyLevel.blockFor says", () => {
    expect(["ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL"].map((cl) => blockFor(cl as never, simple, "east"))).toEqual([1, 1, 2, 3, 2, 3]);
    expect(blockFor("QUORUM", nts, "east")).toBe(3);
    expect(blockFor("LOCAL_QUORUM", nts, "east")).toBe(2);
    expect(blockFor("LOCAL_QUORUM", nts, "west")).toBe(2);
    expect(blockFor("EACH_QUORUM", nts, "east")).toBe(4);
    expect(blockFor("ALL", nts, "east")).toBe(5);
  });

  it("is unavailable when too few live replicas could answer, counting only the local data center for LOCAL_*", () => {
    const live = (east: number, west: number) => [...Array(east).fill({ dc: "east" }), ...Array(west).fill({ dc: "west" })];
    expect(checkAvailable("QUORUM", simple, live(1, 0), "east")).toEqual({ required: 2, alive: 1 });
    expect(checkAvailable("QUORUM", simple, live(2, 0), "east")).toBeUndefined();
    expect(checkAvailable("ANY", simple, [], "east")).toBeUndefined();
    expect(checkAvailable("LOCAL_QUORUM", nts, live(1, 2), "east")).toEqual({ required: 2, alive: 1 });
    expect(checkAvailable("LOCAL_ONE", nts, live(0, 2), "east")).toEqual({ required: 1, alive: 0 });
    expect(checkAvailable("EACH_QUORUM", nts, live(3, 1), "east")).toEqual({ required: 2, alive: 1 });
    expect(checkAvailable("EACH_QUORUM", nts, live(2, 2), "east")).toBeUndefined();
  });
});
