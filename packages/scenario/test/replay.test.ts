import { hashTrace, readTrace, Trace } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { parseScenario, replay, runScenario, scenarioOfTrace } from "../src/index.js";

const file = parseScenario(
  `
name: replayable
cluster: { nodes: 2 }
steps:
  - run: chaos crash node-1 --for 30s; sleep 60; echo $RANDOM
`,
  "r.yaml",
);

function traced(seed: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  runScenario(file, { seed, trace: new Trace((c) => chunks.push(c)) });
  return Buffer.concat(chunks);
}

describe("replay", () => {
  it("runs the scenario a trace recorded again, from the trace alone, to the same hash", () => {
    const bytes = traced(5);
    expect(scenarioOfTrace(readTrace(bytes))).toMatchObject({ seed: 5, file: { name: "replayable" } });
    const r = replay(bytes, hashTrace(bytes));
    expect(r.divergence).toBeUndefined();
    expect(r.replayedHash).toBe(hashTrace(bytes));
  });

  it("shows the first event where a run parts from its trace", () => {
    const events = readTrace(traced(5));
    const at = events.findIndex((e) => e.type === "fault.crash");
    const chunks: Uint8Array[] = [];
    const sink = new Trace((c) => chunks.push(c));
    const clock = { now: 0 };
    sink.bindClock(clock);
    events.forEach((e, i) => {
      clock.now = e.time;
      sink.record(e.type, i === at ? { node: "node-2" } : e.data);
    });
    sink.finish();
    const bytes = Buffer.concat(chunks);
    const r = replay(bytes, hashTrace(bytes));
    expect(r.divergence).toMatchObject({ index: at, recorded: { type: "fault.crash", data: { node: "node-2" } }, replayed: { type: "fault.crash", data: { node: "node-1" } } });
  });
});
