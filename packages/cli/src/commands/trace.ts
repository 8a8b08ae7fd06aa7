import { readFileSync } from "node:fs";
import { canonical } from "@ksim/scenario";
import { parseGoDuration } from "@ksim/kube";
import { readTrace, TraceFormatError } from "@ksim/sim";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";

const options = {
  trace: Argument.String("trace"),
  filter: Flag.String("filter").pipe(Flag.withDescription("only events whose type starts with this (repeatable): zk., fault., kubelet."), Flag.atLeast(0)),
  from: Flag.String("from").pipe(Flag.withDescription("only events at or after this simulated time (90s, 2m30s)"), Flag.optional),
  to: Flag.String("to").pipe(Flag.withDescription("only events before this simulated time"), Flag.optional),
  json: Flag.Boolean("json").pipe(Flag.withDescription("one JSON object per line"), Flag.withDefault(false)),
};

export const traceCommand = Command.make("trace", options, (o) =>
  Effect.sync(() => {
    process.exitCode = printTrace(o.trace, o.filter, o.from._tag === "Some" ? o.from.value : undefined, o.to._tag === "Some" ? o.to.value : undefined, o.json);
  }),
).pipe(Command.withDescription("print the events of a trace file"));

/** `  1m02.345s` — simulated time, aligned. */
export function formatEventTime(ms: number): string {
  const m = Math.floor(ms / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, "0");
  return `${m > 0 ? `${m}m` : ""}${m > 0 ? s : String(Number(s).toFixed(3))}s`.padStart(11);
}

function printTrace(path: string, filters: readonly string[], from: string | undefined, to: string | undefined, json: boolean): number {
  const bound = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    const ms = parseGoDuration(text);
    if (typeof ms === "string") throw new RangeError(`--${flag}: ${ms}`);
    return ms;
  };
  let events;
  let fromMs: number | undefined;
  let toMs: number | undefined;
  try {
    fromMs = bound(from, "from");
    toMs = bound(to, "to");
    events = readTrace(readFileSync(path));
  } catch (e) {
    if (!(e instanceof TraceFormatError) && !(e instanceof RangeError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
    process.stderr.write(`ksim: ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return 2;
  }
  let out = "";
  for (const e of events) {
    if (filters.length > 0 && !filters.some((f) => e.type.startsWith(f))) continue;
    if ((fromMs !== undefined && e.time < fromMs) || (toMs !== undefined && e.time >= toMs)) continue;
    // The scenario.start event carries the whole scenario: show its name and seed only.
    const data = e.type === "scenario.start" ? { name: (e.data as { name: string }).name, seed: (e.data as { seed: unknown }).seed } : e.data;
    out += json ? `${canonical({ time: e.time, type: e.type, data })}\n` : `${formatEventTime(e.time)}  ${e.type}  ${canonical(data)}\n`;
    if (out.length > 1 << 16) {
      process.stdout.write(out);
      out = "";
    }
  }
  process.stdout.write(out);
  return 0;
}
