import { spawn, type Proc, type Task } from "@ksim/sim";
import { dieOfIoError, isEnvironmentIoError, type ProcessContext } from "./process.js";

/**
 * Coroutines that belong to a process (one per client connection, one per HTTP request): they
 * are killed when the process exits, as its threads would be.
 */
export class ProcessTasks {
  private readonly running = new Set<Task<unknown>>();
  private dead = false;

  constructor(private readonly ctx: ProcessContext) {
    ctx.exited.subscribe(() => {
      this.dead = true;
      for (const t of [...this.running]) t.kill();
      this.running.clear();
    });
  }

  spawn(proc: Proc<unknown>, name: string): void {
    if (this.dead) return;
    const task = spawn(this.ctx.sim, proc, `${name}:${this.ctx.hostname}:${this.ctx.pid}`);
    this.running.add(task);
    task.subscribe((outcome) => {
      this.running.delete(task);
      if (outcome.ok || "killed" in outcome) return;
      if (isEnvironmentIoError(outcome.error)) dieOfIoError(this.ctx, outcome.error);
      else throw outcome.error;
    });
  }
}
