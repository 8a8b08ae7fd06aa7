/**
 * vitest matchers for simulations: `import "ksim/vitest"` once (in a test file or a setup file).
 *
 *   expect(sim).toKeepQuorum("zk");
 *   expect(sim).toLoseNoAcknowledgedWrites();
 *   expect(sim).toHold("zookeeper.single-leader-per-epoch");
 *   expect(sim).toBeAvailableAtLeast(0.99);
 *
 * A failure names the invariant, the seed, the first violation and its time, and the command
 * that reproduces the run with the CLI.
 */
import { expect } from "vitest";
import type { QuorumOptions } from "@ksim/scenario";
import { Simulation, type Verdict } from "./simulate.js";

interface KsimMatchers<R = unknown> {
  /** A StatefulSet kept a majority (or `min`) of its pods Ready from when it first had them. */
  toKeepQuorum(statefulset: string, options?: QuorumOptions & { readonly namespace?: string }): R;
  /** Every write a workload (each, or the one named) saw acknowledged was still there at the end. */
  toLoseNoAcknowledgedWrites(workload?: string): R;
  /** An invariant held: by check type (`zookeeper.single-leader-per-epoch`) or invariant name. */
  toHold(invariant: string, params?: Readonly<Record<string, unknown>>): R;
  /** At least this share of a workload's operations (its first kind, or `op`) succeeded. */
  toBeAvailableAtLeast(fraction: number, workload?: string, op?: string): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends KsimMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends KsimMatchers {}
}

function simulation(received: unknown): Simulation {
  if (!(received instanceof Simulation)) throw new TypeError(`expected the result of simulate(), got ${typeof received}`);
  return received;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `+${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** The matcher result for verdicts that must all hold. */
function judge(sim: Simulation, verdicts: readonly Verdict[], what: string, isNot: boolean) {
  const failed = verdicts.filter((v) => !v.ok);
  const pass = failed.length === 0;
  return {
    pass,
    message: () => {
      const head = `${sim.name}, seed ${sim.seed}: expected ${isNot ? "a violation of" : ""}${isNot ? " " : ""}${what}${isNot ? "" : " to hold"}`;
      const detail = pass
        ? `but it held (${verdicts.map((v) => `${v.invariant}: ${Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(" ")}`).join("; ")})`
        : failed.map((v) => `but ${v.invariant} was violated${v.first ? ` at ${clock(v.first.time)}: ${v.first.message}` : ""}${v.violations.length > 1 ? ` (and ${v.violations.length - 1} more)` : ""}`).join("\n");
      return `${head}\n${detail}\nreproduce: ${sim.reproduce}`;
    },
  };
}

expect.extend({
  toKeepQuorum(received: unknown, statefulset: string, options?: QuorumOptions & { readonly namespace?: string }) {
    const sim = simulation(received);
    return judge(sim, [sim.quorum(statefulset, options)], `a quorum of statefulset/${statefulset}`, this.isNot);
  },
  toLoseNoAcknowledgedWrites(received: unknown, workload?: string) {
    const sim = simulation(received);
    return judge(sim, sim.durability(workload), `no acknowledged write lost${workload ? ` by ${workload}` : ""}`, this.isNot);
  },
  toHold(received: unknown, invariant: string, params?: Readonly<Record<string, unknown>>) {
    const sim = simulation(received);
    return judge(sim, [sim.verdict(invariant, params)], invariant, this.isNot);
  },
  toBeAvailableAtLeast(received: unknown, fraction: number, workload?: string, op?: string) {
    const sim = simulation(received);
    const v = sim.availability(workload, op);
    const got = v.metrics.availability ?? 0;
    // No operations at all is no evidence of availability.
    const ok = (v.metrics.operations ?? 0) > 0 && got >= fraction;
    const why = (v.metrics.operations ?? 0) === 0 ? "the workload issued no operations" : `${(got * 100).toFixed(2)}% succeeded, below ${(fraction * 100).toFixed(2)}%`;
    return judge(sim, [{ ...v, ok, ...(ok ? {} : { first: { time: sim.simulatedMs, message: why } }) }], `availability of at least ${fraction}`, this.isNot);
  },
});
