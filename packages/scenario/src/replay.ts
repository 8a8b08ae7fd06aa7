import { readTrace, Trace, TraceFormatError, type TraceEvent } from "@ksim/sim";
import { ScenarioSchema, type ScenarioFile } from "./file.js";
import { runScenario } from "./runner.js";
import { Schema } from "effect";

export interface ReplayResult {
  readonly name: string;
  readonly seed: number | string;
  readonly recordedHash: string;
  readonly replayedHash: string;
  /** Where the runs part, when the hashes differ. */
  readonly divergence?: { readonly index: number; readonly recorded: TraceEvent | undefined; readonly replayed: TraceEvent | undefined };
}

const decodeFile = Schema.decodeUnknownSync(ScenarioSchema);

/** The scenario and seed a trace recorded (its `scenario.start` event). */
export function scenarioOfTrace(events: readonly TraceEvent[]): { file: ScenarioFile; seed: number | string } {
  const start = events.find((e) => e.type === "scenario.start");
  const data = start?.data as { seed?: number | string; scenario?: unknown } | undefined;
  if (data?.scenario === undefined || data.seed === undefined) throw new TraceFormatError("the trace holds no scenario (it was not written by ksim run)");
  return { file: decodeFile(data.scenario), seed: data.seed };
}

/**
 * Runs a traced scenario again and compares: the same hash means the same run, event for event;
 * otherwise the first event where the two traces differ.
 */
export function replay(bytes: Uint8Array, recordedHash: string): ReplayResult {
  const recorded = readTrace(bytes);
  const { file, seed } = scenarioOfTrace(recorded);
  const chunks: Uint8Array[] = [];
  const result = runScenario(file, { seed, trace: new Trace((c) => chunks.push(c)) });
  const base = { name: file.name, seed, recordedHash, replayedHash: result.traceHash };
  if (result.traceHash === recordedHash) return base;
  const replayed = readTrace(Buffer.concat(chunks));
  const same = (a: TraceEvent, b: TraceEvent) => a.time === b.time && a.type === b.type && canonical(a.data) === canonical(b.data);
  let index = 0;
  while (index < recorded.length && index < replayed.length && same(recorded[index]!, replayed[index]!)) index++;
  return { ...base, divergence: { index, recorded: recorded[index], replayed: replayed[index] } };
}

/** JSON with bigints, for comparing and printing event data. */
export function canonical(data: unknown): string {
  return JSON.stringify(data, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
