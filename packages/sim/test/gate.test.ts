import { describe, expect, it } from "vitest";
import { Network, Sim, Task, sleep, wait, type Gate, type Proc } from "../src/index.js";

/** A gate a test shuts and opens by hand, as SIGSTOP and SIGCONT do a process's. */
class TestGate implements Gate {
  shut = false;
  private waiting: (() => void)[] = [];
  defer(fn: () => void): void {
    this.waiting.push(fn);
  }
  open(): void {
    this.shut = false;
    const work = this.waiting;
    this.waiting = [];
    for (const fn of work) fn();
  }
}

describe("a shut gate (a stopped process)", () => {
  it("holds a coroutine's steps until it opens, then resumes with what it was waiting for", () => {
    const sim = new Sim();
    const gate = new TestGate();
    const woke: number[] = [];
    new Task(sim, (function* (): Proc {
      yield* wait(sleep(sim, 100));
      woke.push(sim.now);
      yield* wait(sleep(sim, 100));
      woke.push(sim.now);
    })(), "t", gate);
    sim.advance(50);
    gate.shut = true;
    sim.advance(1000);
    expect(woke).toEqual([]);
    gate.open();
    sim.runUntilIdle();
    // The first sleep ended while it was shut; it resumes at once, and sleeps again from there.
    expect(woke).toEqual([1050, 1150]);
  });

  it("holds a connection's callbacks, in order, while the kernel keeps receiving", () => {
    const sim = new Sim({ seed: 1 });
    const net = new Network(sim);
    const a = net.addHost("a", "10.0.0.1");
    const b = net.addHost("b", "10.0.0.2");
    const gate = new TestGate();
    const seen: string[] = [];
    b.listen(80, (conn) => {
      conn.gate = gate;
      conn.onData = (d) => seen.push(`data ${String(d)}`);
      conn.onEnd = () => seen.push("end");
    });
    const c = a.connect("10.0.0.2", 80);
    let opened = false;
    c.onOpen = () => {
      opened = true;
      gate.shut = true;
      c.send("one");
      c.send("two");
      c.end();
    };
    sim.advance(5000);
    expect(opened).toBe(true);
    expect(seen).toEqual([]);
    gate.open();
    expect(seen).toEqual(["data one", "data two", "end"]);
  });
});
