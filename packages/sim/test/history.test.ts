import { describe, expect, it } from "vitest";
import { History, Sim, availability } from "../src/index.js";

describe("history", () => {
  it("records invocations and completions with simulated times", () => {
    const sim = new Sim();
    const h = new History(sim);
    const a = h.invoke("c1", "write", 1);
    sim.advance(10);
    const b = h.invoke("c2", "write", 2);
    sim.advance(5);
    h.ok(a);
    h.info(b, "timeout");
    expect(h.operations.map((o) => [o.process, o.outcome, o.invokedAt, o.completedAt])).toEqual([
      ["c1", "ok", 0, 15],
      ["c2", "info", 10, 15],
    ]);
    expect(() => h.fail(a, "again")).toThrow(/already completed/);
  });

  it("measures availability and the longest gap between successes", () => {
    const sim = new Sim();
    const h = new History(sim);
    for (let t = 0; t < 100; t += 10) {
      sim.runUntil(t);
      const i = h.invoke("c", "write", t);
      if (t >= 30 && t < 70) h.fail(i, "no quorum");
      else h.ok(i);
    }
    const a = availability(h.operations, "write", 0, 100);
    expect(a.fraction).toBe(0.6);
    expect(a.longestGapMs).toBe(50);
  });
});
