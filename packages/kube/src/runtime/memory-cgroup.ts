import type { Sim } from "@ksim/sim";
import type { SimProcess } from "./process.js";

/**
 * A container's memory cgroup: memory.max from its limits.memory, and memory.oom.group set, as
 * the kubelet sets it on cgroup v2. The resident memory of its processes is charged to it; when a
 * process starts or grows past the limit, the kernel's OOM killer kills every process in it, so
 * the container dies with SIGKILL (exit 137) and the kubelet reports OOMKilled.
 */
export class MemoryCgroup {
  private readonly members = new Set<SimProcess>();
  private killed = false;

  constructor(
    private readonly sim: Sim,
    readonly limitBytes: number,
    private readonly name: string,
  ) {}

  /** Whether the OOM killer has been here. */
  get oomKilled(): boolean {
    return this.killed;
  }

  usageBytes(): number {
    let kib = 0;
    for (const p of this.members) kib += p.stats.residentKiB;
    return kib * 1024;
  }

  /** @internal a process of the container started. */
  join(p: SimProcess): void {
    this.members.add(p);
    this.charge();
  }

  /** @internal a process of the container exited. */
  leave(p: SimProcess): void {
    this.members.delete(p);
  }

  /** Called when a member's resident memory changes: over the limit, everything is killed. */
  charge(): void {
    if (this.killed) return;
    const usage = this.usageBytes();
    if (usage <= this.limitBytes) return;
    this.killed = true;
    this.sim.trace.record("container.oom", { container: this.name, usageBytes: usage, limitBytes: this.limitBytes });
    // The allocation that failed returns to its caller first; the kill lands right after.
    this.sim.schedule(0, () => {
      for (const p of [...this.members].sort((a, b) => a.pid - b.pid)) p.signal("SIGKILL");
    }, "oom-kill");
  }
}
