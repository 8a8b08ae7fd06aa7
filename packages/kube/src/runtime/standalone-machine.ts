import type { Sim } from "@ksim/sim";
import type { Machine, MachineUsage } from "./process.js";
import { pipeInodes } from "./procfs.js";
import { SchedStats } from "./sched-stats.js";

/**
 * A machine that is not a cluster node (a test's sandbox, the user's workstation): its clock is
 * the simulation's, it booted when the simulation began, its disks never slow down.
 */
export function standaloneMachine(sim: Sim, spec: { readonly memoryBytes: number; readonly cpus: number; readonly usage: () => MachineUsage }): Machine {
  return {
    clock: () => sim.epochMs(),
    uptime: () => sim.now,
    fsyncDelay: () => 0,
    memoryBytes: () => spec.memoryBytes,
    cpus: () => spec.cpus,
    usage: spec.usage,
    pipeInode: pipeInodes(),
    sched: new SchedStats(() => sim.now, () => spec.cpus),
  };
}
