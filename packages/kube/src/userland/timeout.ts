import { race, sleep, wait, type Proc } from "@ksim/sim";
import { parseSignal, SIGNALS, SpawnError, type ChildProcess, type ProcessContext, type Signal } from "../runtime/process.js";
import { devNull } from "../runtime/streams.js";
import { has, last, parseOptions, UsageError, usageFailure, withOptions, type ParsedOptions } from "./common.js";
import { BusyboxDie, busyboxUsage, xstrtou } from "./libbb.js";
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

/**
 * busybox 1.28's timeout (changed to GNU's `SECS PROG` form in 1.30): `timeout [-t SECS] [-s SIG]
 * PROG ARGS`, 10 seconds and TERM by default. It forks a child that daemonizes a watcher and
 * exits, then execs PROG in its own place, so PROG keeps the pid and its status is timeout's.
 * The watcher, a copy of timeout reparented to init with its stdio on /dev/null, wakes every
 * second: it leaves once PROG is gone and signals it when the seconds run out. So a GNU-style
 * `timeout 5 sleep 1` tries to run "5".
 */
export function* busyboxTimeoutProgram(ctx: ProcessContext): Proc<number> {
  let o: ParsedOptions;
  let seconds = 10;
  let signal: Signal | undefined = "SIGTERM";
  try {
    o = parseOptions(ctx.argv.slice(1), { short: "s:t:", inOrder: true });
    const t = last(o, "t");
    if (t !== undefined) seconds = Number(xstrtou(t, 10, 0n, 2147483647n));
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr.write(`timeout: ${e.message}\n`);
      return busyboxUsage(ctx, "timeout", 1);
    }
    if (!(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`timeout: ${e.message}\n`);
    return 1;
  }
  const signalName = last(o, "s");
  if (signalName !== undefined) signal = signalName.startsWith("-") ? undefined : parseSignal(signalName);
  if (signal === undefined) {
    ctx.stderr.write(`timeout: unknown signal '${signalName}'\n`);
    return 1;
  }
  if (o.operands.length === 0) return busyboxUsage(ctx, "timeout", 1);
  const prog = ctx.pid;
  const watch = function* (w: ProcessContext): Proc<number> {
    for (let left = seconds; ; ) {
      yield* wait(sleep(w.sim, 1000));
      if (--left <= 0) break;
      if (!w.processExists(prog)) return 0;
    }
    w.kill(prog, signal);
    return 0;
  };
  const daemon = { stdin: devNull, stdout: devNull, stderr: devNull };
  const child = ctx.fork(function* (c) {
    c.fork(watch, daemon);
    return 0;
  });
  yield* wait(child.exited);
  try {
    return yield* ctx.exec(o.operands);
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    const notFound = e.reason === "not found";
    ctx.stderr.write(`timeout: can't execute '${o.operands[0]}': ${notFound ? "No such file or directory" : "Permission denied"}\n`);
    return notFound ? NOT_FOUND : CANNOT_INVOKE;
  }
}
