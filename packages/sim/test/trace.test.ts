import { describe, expect, it } from "vitest";
import { Sim, Trace, TraceFormatError, hashTrace, readTrace } from "../src/index.js";

describe("trace", () => {
  it("round-trips records and hashes exactly the bytes it streamed", () => {
    const chunks: Uint8Array[] = [];
    const trace = new Trace((c) => chunks.push(c));
    const sim = new Sim({ trace });
    sim.schedule(5, () => trace.record("pod.phase", { pod: "web-0", phase: "Running" }));
    sim.schedule(7, () => trace.record("fault", ["partition", 1]));
    for (let i = 0; i < 20000; i++) sim.schedule(10, () => trace.record("tick", i));
    sim.runUntilIdle();
    const hash = trace.finish();
    const bytes = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(20);
    expect(hashTrace(bytes)).toBe(hash);
    const events = readTrace(bytes);
    expect(events.length).toBe(20002);
    expect(events[0]).toEqual({ time: 5, type: "pod.phase", data: { pod: "web-0", phase: "Running" } });
    expect(events[1]).toEqual({ time: 7, type: "fault", data: ["partition", 1] });
    expect(events[20001]).toEqual({ time: 10, type: "tick", data: 19999 });
    expect(() => trace.record("late")).toThrow();
  });

  it("refuses bytes that are not a trace", () => {
    expect(() => readTrace(new Uint8Array([0xc1]))).toThrow(TraceFormatError);
    expect(() => readTrace(new Uint8Array([0x91, 0x93, 1, 2, 3]))).toThrow(/record 0 is not/);
    expect(() => readTrace(new Uint8Array([0x05]))).toThrow(/batch 0/);
  });
});

describe("trace observers", () => {
  it("see matching records as they happen, and stop when unsubscribed", () => {
    const trace = new Trace();
    const sim = new Sim({ trace });
    const seen: string[] = [];
    const stop = trace.observe("zk.", (e) => seen.push(`${e.time}:${e.type}`));
    sim.schedule(3, () => trace.record("zk.role", { role: "LEADING" }));
    sim.schedule(4, () => trace.record("net.data", 1));
    sim.schedule(5, () => stop());
    sim.schedule(6, () => trace.record("zk.role", { role: "LOOKING" }));
    sim.runUntilIdle();
    expect(seen).toEqual(["3:zk.role"]);
  });
});
