import { describe, expect, it } from "vitest";
import { Future, Sim, race, sleep, spawn, timeout, wait, type Proc, type Task } from "../src/index.js";

describe("coroutines", () => {
  it("sleep advances simulated time only", () => {
    const sim = new Sim();
    const times: number[] = [];
    spawn(sim, (function* (): Proc {
      times.push(sim.now);
      yield* wait(sleep(sim, 30_000));
      times.push(sim.now);
      yield* wait(sleep(sim, 5));
      times.push(sim.now);
    })());
    sim.runUntilIdle();
    expect(times).toEqual([0, 30_000, 30_005]);
  });

  it("returns values and reports errors", () => {
    const sim = new Sim();
    const ok = spawn(sim, (function* (): Proc<number> {
      const f = new Future<number>();
      sim.schedule(10, () => f.resolve(41));
      return (yield* wait(f)) + 1;
    })());
    const bad = spawn(sim, (function* (): Proc<number> {
      yield* wait(sleep(sim, 1));
      throw new Error("boom");
    })());
    sim.runUntilIdle();
    expect(ok.result).toEqual({ ok: true, value: 42 });
    expect(bad.result).toMatchObject({ ok: false, error: new Error("boom") });
  });

  it("race takes the first and withdraws from the rest", () => {
    const sim = new Sim();
    const a = new Future<string>();
    const b = new Future<string>();
    let got: unknown;
    spawn(sim, (function* (): Proc {
      got = yield* wait(race([a, b, sleep(sim, 100) as never]));
    })());
    sim.schedule(5, () => b.resolve("b"));
    sim.schedule(6, () => a.resolve("a"));
    sim.runUntilIdle();
    expect(got).toEqual({ index: 1, value: "b" });
    expect(sim.now).toBe(6);
  });

  it("timeout gives up at the deadline", () => {
    const sim = new Sim();
    const never = new Future<number>();
    const soon = new Future<number>();
    const results: unknown[] = [];
    spawn(sim, (function* (): Proc {
      results.push(yield* wait(timeout(sim, never, 50)), sim.now);
      sim.schedule(10, () => soon.resolve(7));
      results.push(yield* wait(timeout(sim, soon, 50)), sim.now);
    })());
    sim.runUntilIdle();
    expect(results).toEqual([undefined, 50, { value: 7 }, 60]);
  });

  it("kill stops a coroutine, runs its finally block and cancels its wait", () => {
    const sim = new Sim();
    const log: string[] = [];
    const t = spawn(sim, (function* (): Proc {
      try {
        yield* wait(sleep(sim, 1000));
        log.push("woke");
      } finally {
        log.push("cleanup");
      }
    })());
    sim.schedule(10, () => t.kill());
    sim.runUntilIdle();
    expect(log).toEqual(["cleanup"]);
    expect(t.result).toEqual({ ok: false, killed: true });
    expect(sim.now).toBe(10);
  });

  it("a coroutine killed from inside its own step stops at the next wait, its finally block run", () => {
    const sim = new Sim();
    const log: string[] = [];
    const self: { task?: Task<void> } = {};
    const t = (self.task = spawn(sim, (function* (): Proc {
      try {
        log.push("kills itself");
        self.task!.kill();
        yield* wait(sleep(sim, 0));
        log.push("resumed");
        yield* wait(sleep(sim, 1000));
      } finally {
        log.push("cleanup");
      }
    })()));
    sim.runUntilIdle();
    expect(log).toEqual(["kills itself", "cleanup"]);
    expect(t.result).toEqual({ ok: false, killed: true });
    expect(sim.now).toBe(0);
  });

  it("tasks can wait for other tasks", () => {
    const sim = new Sim();
    const child = spawn(sim, (function* (): Proc<string> {
      yield* wait(sleep(sim, 20));
      return "child done";
    })());
    let seen: unknown;
    spawn(sim, (function* (): Proc {
      seen = yield* wait(child);
    })());
    sim.runUntilIdle();
    expect(seen).toEqual({ ok: true, value: "child done" });
  });
});
