import { describe, expect, it } from "vitest";
import { EventBudgetExceeded, LivelockError, Sim } from "../src/index.js";

describe("Sim event queue", () => {
  it("runs timers in time order and breaks ties by scheduling order", () => {
    const sim = new Sim();
    const seen: string[] = [];
    sim.schedule(10, () => seen.push("b1"));
    sim.schedule(5, () => seen.push("a"));
    sim.schedule(10, () => seen.push("b2"));
    sim.schedule(10, () => seen.push("b3"));
    sim.schedule(0, () => seen.push("zero"));
    sim.runUntilIdle();
    expect(seen).toEqual(["zero", "a", "b1", "b2", "b3"]);
    expect(sim.now).toBe(10);
  });

  it("orders work scheduled from inside a timer after work already due at that instant", () => {
    const sim = new Sim();
    const seen: string[] = [];
    sim.schedule(1, () => {
      seen.push("first");
      sim.schedule(0, () => seen.push("nested"));
    });
    sim.schedule(1, () => seen.push("second"));
    sim.runUntilIdle();
    expect(seen).toEqual(["first", "second", "nested"]);
  });

  it("keeps integer milliseconds: fractional delays round up, negative delays run now", () => {
    const sim = new Sim();
    const t = sim.schedule(0.2, () => {});
    expect(t.time).toBe(1);
    expect(sim.schedule(-5, () => {}).time).toBe(0);
  });

  it("cancels timers, including many of them", () => {
    const sim = new Sim();
    let fired = 0;
    const timers = Array.from({ length: 5000 }, (_, i) => sim.schedule(i, () => fired++));
    timers.forEach((t, i) => {
      if (i % 10 !== 0) sim.cancel(t);
    });
    expect(sim.cancel(timers[1])).toBe(false);
    expect(sim.pending).toBe(500);
    sim.runUntilIdle();
    expect(fired).toBe(500);
  });

  it("runUntil stops at the time given and leaves the clock there", () => {
    const sim = new Sim();
    const seen: number[] = [];
    for (const t of [5, 10, 15]) sim.schedule(t, () => seen.push(t));
    sim.runUntil(10);
    expect(seen).toEqual([5, 10]);
    expect(sim.now).toBe(10);
    sim.runUntil(12);
    expect(sim.now).toBe(12);
    sim.advance(3);
    expect(seen).toEqual([5, 10, 15]);
  });

  it("step runs one timer at a time", () => {
    const sim = new Sim();
    const seen: number[] = [];
    sim.schedule(3, () => seen.push(3));
    sim.schedule(1, () => seen.push(1));
    expect(sim.step()).toBe(true);
    expect(seen).toEqual([1]);
    expect(sim.now).toBe(1);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
  });

  it("runWhile stops as soon as the condition fails, or at the deadline", () => {
    const sim = new Sim();
    let n = 0;
    const tick = () => {
      n++;
      sim.schedule(10, tick);
    };
    sim.schedule(10, tick);
    expect(sim.runWhile(() => n < 3)).toBe(true);
    expect(sim.now).toBe(30);
    expect(sim.runWhile(() => n < 100, 55)).toBe(false);
    expect(sim.now).toBe(55);
    expect(n).toBe(5);
  });

  it("stops a livelock with an error naming the looping events", () => {
    const sim = new Sim({ maxEventsPerInstant: 1000 });
    const spin = () => sim.schedule(0, spin, "spin");
    sim.schedule(7, spin, "spin");
    expect(() => sim.runUntil(100)).toThrow(LivelockError);
    try {
      sim.runUntil(100);
    } catch (e) {
      expect((e as LivelockError).message).toMatch(/livelock: \d+ events ran at t=7ms.*spin/);
    }
  });

  it("bounds runUntilIdle when periodic timers never let it idle", () => {
    const sim = new Sim();
    const tick = () => sim.schedule(1000, tick);
    tick();
    expect(() => sim.runUntilIdle(50)).toThrow(EventBudgetExceeded);
    expect(sim.now).toBe(50_000);
  });

  it("reports simulated wall-clock time from the start instant", () => {
    const sim = new Sim({ startEpochMs: Date.UTC(2016, 11, 8, 15, 13, 30) });
    sim.advance(1500);
    expect(new Date(sim.epochMs()).toISOString()).toBe("2016-12-08T15:13:31.500Z");
  });
});
