import { race, sleep, wait, type Proc } from "@ksim/sim";
import { parseSignal, SIGNALS, SpawnError, type ChildProcess, type ProcessContext, type Signal } from "../runtime/process.js";
import { has, last, usageFailure, withOptions } from "./common.js";
import { parseDuration } from "./system.js";

/** GNU timeout's own statuses: the command timed out, timeout failed, could not run, not found. */
const TIMED_OUT = 124;
const FAILED = 125;
const CANNOT_INVOKE = 126;
const NOT_FOUND = 127;

/**
 * GNU coreutils' timeout: runs a command and signals it (TERM unless -s says otherwise) when the
 * duration passes, then KILL after -k's duration if it is still there. Exits 124 on timeout
 * (128+9 when the signal was KILL), else with the command's status.
 */
export function* timeoutProgram(ctx: ProcessContext): Proc<number> {
  const spec = {
    short: "s:k:v",
    long: { "signal=": "s", "kill-after=": "k", verbose: "v", "preserve-status": "preserve-status", foreground: "foreground" },
    inOrder: true,
  };
  return yield* withOptions(
    ctx,
    "gnu",
    spec,
    function* (o) {
      const [durationText, ...argv] = o.operands;
      if (durationText === undefined || argv.length === 0) return usageFailure(ctx, "gnu", "missing operand", FAILED);
      const signalName = last(o, "s") ?? "TERM";
      const signal = parseSignal(signalName);
      if (signal === undefined) {
        ctx.stderr.write(`timeout: ${signalName}: invalid signal\nTry 'timeout --help' for more information.\n`);
        return FAILED;
      }
      const duration = parseDuration(durationText);
      if (duration === undefined) return usageFailure(ctx, "gnu", `invalid time interval '${durationText}'`, FAILED);
      const killAfterText = last(o, "k");
      const killAfter = killAfterText === undefined ? undefined : parseDuration(killAfterText);
      if (killAfter === undefined && killAfterText !== undefined) return usageFailure(ctx, "gnu", `invalid time interval '${killAfterText}'`, FAILED);
      let child: ChildProcess;
      try {
        child = ctx.spawn(argv);
      } catch (e) {
        if (!(e instanceof SpawnError)) throw e;
        const notFound = e.reason === "not found";
        ctx.stderr.write(`timeout: failed to run command '${argv[0]}': ${notFound ? "No such file or directory" : "Permission denied"}\n`);
        return notFound ? NOT_FOUND : CANNOT_INVOKE;
      }
      // A duration of 0 disables the timeout.
      if (duration === 0) return yield* wait(child.exited);
      const first = yield* wait(race<number | void>([child.exited, sleep(ctx.sim, duration)]));
      if (first.index === 0) return first.value as number;
      const send = (s: Signal) => {
        if (has(o, "v")) ctx.stderr.write(`timeout: sending signal ${s.slice(3)} to command '${argv[0]}'\n`);
        child.signal(s);
      };
      send(signal);
      let status: number;
      if (killAfter === undefined) status = yield* wait(child.exited);
      else {
        const after = yield* wait(race<number | void>([child.exited, sleep(ctx.sim, killAfter)]));
        if (after.index === 0) status = after.value as number;
        else {
          send("SIGKILL");
          yield* wait(child.exited);
          // timeout then kills itself with KILL too, so its parent sees 128+9.
          return 128 + SIGNALS.SIGKILL;
        }
      }
      if (has(o, "preserve-status")) return status;
      return signal === "SIGKILL" ? 128 + SIGNALS.SIGKILL : TIMED_OUT;
    },
    FAILED,
  );
}
