import type { Proc } from "@ksim/sim";
import { wait } from "@ksim/sim";
import type { ProcessContext } from "@ksim/kube";

/**
 * /sbin/dumb-init (Yelp, 1.2.0) as the container's init: runs its command as a child and
 * forwards every signal it gets to the child's whole process tree (its setsid mode), then exits
 * with the child's status — at which point the rest of the container dies with it.
 */
export function* dumbInit(ctx: ProcessContext): Proc<number> {
  const argv = ctx.argv.slice(1);
  if (argv.length === 0) {
    ctx.stderr.write("Usage: dumb-init [option] command [[arg] ...]\n");
    return 1;
  }
  const child = ctx.spawn(argv);
  ctx.onSignal((signal) => {
    const procs = ctx.processes();
    const tree = new Set([child.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) {
        if (!tree.has(p.pid) && tree.has(p.ppid)) {
          tree.add(p.pid);
          grew = true;
        }
      }
    }
    for (const pid of [...tree].sort((a, b) => a - b)) ctx.kill(pid, signal);
  });
  return yield* wait(child.exited);
}
