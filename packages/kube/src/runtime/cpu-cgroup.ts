import type { SimProcess } from "./process.js";

/**
 * A container's CPU cgroup with cpu.max from its limits.cpu (the CFS quota the kubelet sets):
 * while its processes ask for more CPU than the quota, each gets the same share of what it asks,
 * so together they use the quota. Their CPU time accrues at that share.
 */
export class CpuCgroup {
  private readonly members = new Set<SimProcess>();
  private factor = 1;

  constructor(readonly quotaCores: number) {}

  /** The share of what its processes ask that they get: 1 under the quota. */
  get share(): number {
    return this.factor;
  }

  /** @internal a process of the container started. */
  join(p: SimProcess): void {
    this.members.add(p);
    this.rebalance();
  }

  /** @internal a process of the container exited. */
  leave(p: SimProcess): void {
    this.members.delete(p);
    this.rebalance();
  }

  /** @internal what a member asks for changed: every member's time so far is settled at the old share first. */
  rebalance(): void {
    let asked = 0;
    for (const p of this.members) asked += p.cpuAsked();
    const next = asked <= this.quotaCores ? 1 : this.quotaCores / asked;
    if (next === this.factor) return;
    for (const p of this.members) p.settleCpu();
    this.factor = next;
  }
}
