import { goDuration } from "../../kubelet/pod-worker.js";
import { Future, Task, race, sleep, timeout, wait, type Proc, type Sim, type Waitable } from "@ksim/sim";
import { brokenPipeError } from "../../runtime/streams.js";
import type { Session } from "./session.js";

/**
 * Blocking in simulated time, as kubectl's watches and goroutines do: waiting for the API
 * server's state to satisfy a condition, and running per-object loops side by side.
 */

/**
 * Waits until `check()` gives a value, checking now and after every change to objects of
 * `kinds` (a watch, not polling); undefined if `timeoutMs` passes first.
 */
export function* waitForState<T>(s: Session, kinds: readonly string[], check: () => T | undefined, timeoutMs?: number): Proc<T | undefined> {
  const first = check();
  if (first !== undefined) return first;
  const done = new Future<T>();
  const stops = kinds.map((kind) =>
    s.api.watch(kind, () => {
      if (done.settled) return;
      const v = check();
      if (v !== undefined) done.resolve(v);
    }),
  );
  try {
    if (timeoutMs === undefined) return yield* wait(done);
    const r = yield* wait(timeout(s.sim, done, timeoutMs));
    return r?.value;
  } finally {
    for (const stop of stops) stop();
  }
}

/**
 * Runs `procs` side by side and returns their results in order. If this coroutine is stopped
 * (kubectl killed), the ones still running stop with it.
 */
export function* concurrently<T>(sim: Sim, procs: readonly Proc<T>[]): Proc<T[]> {
  const tasks = procs.map((p) => new Task(sim, p, "kubectl"));
  try {
    const results: T[] = [];
    for (const t of tasks) {
      const outcome = yield* wait(t);
      if (!outcome.ok) throw outcome.error;
      results.push(outcome.value);
    }
    return results;
  } finally {
    for (const t of tasks) t.kill();
  }
}

/**
 * How long a streaming command (`get -w`, `logs -f`) runs: until `done` settles, until
 * `--request-timeout` passes, or, without one, until nothing has happened for the quiet period
 * (`lastActivity()` is when something last did). Its first write after the reader of its pipe
 * has gone ends it by SIGPIPE (`kubectl logs -f web | grep -m1 ready` ends with the next line).
 */
export function* streamUntilQuiet(s: Session, lastActivity: () => number, done?: Waitable<unknown>): Proc<void> {
  const deadline = s.requestTimeoutMs === undefined ? undefined : s.sim.now + s.requestTimeoutMs;
  for (;;) {
    const until = deadline ?? lastActivity() + s.options.watchQuietMs;
    if (s.sim.now >= until) {
      // Not kubectl's doing but the simulated user's Ctrl-C: say so to someone at a terminal.
      if (deadline === undefined && s.ctx.tty) s.err(`(ksim: nothing changed for ${goDuration(s.options.watchQuietMs)}; stopped watching as if you had pressed Ctrl-C)\n`);
      return;
    }
    const racers: Waitable<unknown>[] = [sleep(s.sim, until - s.sim.now), s.wroteToBrokenPipe];
    if (done !== undefined) racers.push(done);
    const r = yield* wait(race<unknown>(racers));
    if (r.index === 1) throw brokenPipeError();
    if (r.index === 2) return;
  }
}
