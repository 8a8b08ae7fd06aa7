import { availability, type CheckResult, type Violation } from "@ksim/sim";
import { parseSelector, selectorMatches, type Pod } from "@ksim/kube";
import { numberParam, stringParam, workloadParam, type CheckPlugin, type PluginRegistry } from "../plugins.js";
import { quorumVerdict } from "../readiness.js";

function verdict(invariant: string, violations: Violation[], metrics: Record<string, number>): CheckResult {
  return { invariant, ok: violations.length === 0, violations, metrics };
}

/** Operation kinds a workload recorded, for a check whose `op` defaults to the first one. */
function opKind(ops: readonly { f: string }[], params: Readonly<Record<string, unknown>>): string {
  return stringParam(params, "op", ops[0]?.f ?? "write");
}

const availabilityCheck: CheckPlugin = {
  type: "availability",
  description: "share of a workload's operations that succeeded, and the longest window without a success",
  check(ctx, params) {
    const run = workloadParam(ctx, params);
    const ops = run.history.operations;
    const f = opKind(ops, params);
    const { fraction, longestGapMs } = availability(ops, f, run.start, run.end);
    const invariant = `availability of ${f}s (workload ${stringParam(params, "workload")})`;
    const violations: Violation[] = [];
    if (params.min !== undefined && fraction < numberParam(params, "min")) {
      violations.push({ invariant, time: ctx.end, message: `${(fraction * 100).toFixed(2)}% of ${f}s succeeded, below ${(numberParam(params, "min") * 100).toFixed(2)}%` });
    }
    if (params.maxGapMs !== undefined && longestGapMs > numberParam(params, "maxGapMs")) {
      violations.push({ invariant, time: ctx.end, message: `no ${f} succeeded for ${longestGapMs} ms, more than ${numberParam(params, "maxGapMs")} ms` });
    }
    return verdict(invariant, violations, { operations: ops.filter((o) => o.f === f).length, availability: fraction, longestGapMs });
  },
};

const recoveryCheck: CheckPlugin = {
  type: "recovery-time",
  description: "time from the last fault to the workload's next successful operation",
  check(ctx, params) {
    const ops = workloadParam(ctx, params).history.operations;
    const f = opKind(ops, params);
    const invariant = `recovery of ${stringParam(params, "workload")} after the last fault`;
    const last = ctx.faults.length > 0 ? Math.max(...ctx.faults) : ctx.start;
    const next = ops.filter((o) => o.f === f && o.outcome === "ok" && o.completedAt! >= last).map((o) => o.completedAt!).sort((a, b) => a - b)[0];
    const recoveryMs = next === undefined ? ctx.end - last : next - last;
    const violations: Violation[] = [];
    if (next === undefined) violations.push({ invariant, time: ctx.end, message: `no ${f} succeeded after the last fault at ${last} ms` });
    else if (params.maxMs !== undefined && recoveryMs > numberParam(params, "maxMs")) {
      violations.push({ invariant, time: next, message: `the first ${f} after the last fault succeeded ${recoveryMs} ms later, more than ${numberParam(params, "maxMs")} ms` });
    }
    return verdict(invariant, violations, { recoveryMs });
  },
};

const podsReady: CheckPlugin = {
  type: "pods-ready",
  description: "how many pods matching a selector were Ready over time; fails when fewer than `min` were Ready for longer than `maxBelowMs`",
  observe(ctx, params) {
    const selector = stringParam(params, "selector");
    const min = numberParam(params, "min");
    const namespace = stringParam(params, "namespace", "default");
    const parsed = parseSelector(selector);
    const ready = new Set<string>();
    let belowSince: number | undefined = ctx.sim.now;
    let longestBelow = 0;
    let fewest = Number.POSITIVE_INFINITY;
    let firstAllReady: number | undefined;
    const start = ctx.sim.now;
    const update = () => {
      fewest = Math.min(fewest, ready.size);
      if (ready.size >= min) {
        if (belowSince !== undefined) longestBelow = Math.max(longestBelow, ctx.sim.now - belowSince);
        belowSince = undefined;
        firstAllReady ??= ctx.sim.now;
      } else belowSince ??= ctx.sim.now;
    };
    ctx.cluster.api.watch<Pod>("Pod", (e) => {
      const p = e.object;
      if (p.metadata.namespace !== namespace || !selectorMatches(parsed, p.metadata.labels)) return;
      const isReady = e.type !== "DELETED" && p.metadata.deletionTimestamp === undefined && (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
      const key = p.metadata.name!;
      if (isReady) ready.add(key);
      else ready.delete(key);
      update();
    });
    return (end) => {
      if (belowSince !== undefined) longestBelow = Math.max(longestBelow, end.end - belowSince);
      // Before the pods first became Ready the set was starting up, not failing.
      const invariant = `at least ${min} pods ${selector} Ready`;
      const violations: Violation[] = [];
      const budget = params.maxBelowMs === undefined ? 0 : numberParam(params, "maxBelowMs");
      if (firstAllReady === undefined) violations.push({ invariant, time: end.end, message: `never ${min} Ready pods ${selector}` });
      else if (longestBelow > budget && longestBelow !== firstAllReady - start) {
        violations.push({ invariant, time: end.end, message: `fewer than ${min} pods ${selector} were Ready for ${longestBelow} ms, more than ${budget} ms` });
      }
      return verdict(invariant, violations, { fewestReady: fewest === Number.POSITIVE_INFINITY ? 0 : fewest, longestBelowMs: longestBelow, timeToReadyMs: firstAllReady === undefined ? -1 : firstAllReady - start });
    };
  },
};

const quorum: CheckPlugin = {
  type: "quorum",
  description: "a StatefulSet keeps a majority of its pods Ready (or `min`) from when it first has them; `maxBelowMs` tolerates short dips",
  check(ctx, params) {
    const name = `${stringParam(params, "namespace", "default")}/${stringParam(params, "statefulset")}`;
    return quorumVerdict(name, ctx.readiness.get(name), ctx.end, {
      ...(params.min !== undefined ? { min: numberParam(params, "min") } : {}),
      ...(params.maxBelowMs !== undefined ? { maxBelowMs: numberParam(params, "maxBelowMs") } : {}),
    });
  },
};

export function registerGenericPlugins(registry: PluginRegistry): void {
  registry.addCheck(quorum);
  registry.addCheck(availabilityCheck);
  registry.addCheck(recoveryCheck);
  registry.addCheck(podsReady);
}
