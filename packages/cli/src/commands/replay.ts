import { readFileSync } from "node:fs";
import { canonical, replay } from "@ksim/scenario";
import { hashTrace, TraceFormatError, type TraceEvent } from "@ksim/sim";
import { Effect } from "effect";
import { Argument, Command } from "effect/cli";
import { formatEventTime } from "./trace.js";

export const replayCommand = Command.make("replay", { trace: Argument.String("trace") }, ({ trace }) =>
  Effect.sync(() => {
    process.exitCode = replayFile(trace);
  }),
).pipe(Command.withDescription("run the scenario a trace recorded again and confirm the same trace hash, or show where the runs part"));

function replayFile(path: string): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    process.stderr.write(`ksim: ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return 2;
  }
  let r;
  try {
    r = replay(bytes, hashTrace(bytes));
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    process.stderr.write(`ksim: ${path}: ${e.message}\n`);
    return 2;
  }
  if (r.divergence === undefined) {
    process.stdout.write(`ksim: replayed ${r.name} (seed ${r.seed}): identical, trace=${r.replayedHash}\n`);
    return 0;
  }
  const show = (e: TraceEvent | undefined) => (e === undefined ? "(the trace ends here)" : `${formatEventTime(e.time)}  ${e.type}  ${canonical(e.data)}`);
  process.stdout.write(
    `ksim: replayed ${r.name} (seed ${r.seed}): DIVERGED\n` +
      `  recorded trace=${r.recordedHash}\n  replayed trace=${r.replayedHash}\n` +
      `  first difference at event ${r.divergence.index}:\n    recorded: ${show(r.divergence.recorded)}\n    replayed: ${show(r.divergence.replayed)}\n`,
  );
  return 1;
}
