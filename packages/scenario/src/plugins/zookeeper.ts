import {
  checkAcknowledgedWrites,
  checkClientOrder,
  checkCommittedPrefix,
  checkOneLeaderPerEpoch,
  checkReplicasAgree,
  checkWriteAvailability,
  startWorkload,
  READ_BACK_BUDGET_MS,
  type ReadBack,
  type Workload as ZkWorkload,
} from "@ksim/zookeeper";
import type { CheckResult, Proc, Violation } from "@ksim/sim";
import { numberParam, ParamError, stringParam, stringsParam, workloadParam, type CheckContext, type CheckPlugin, type PluginRegistry, type Workload, type WorkloadPlugin } from "../plugins.js";

/**
 * A ZooKeeper workload keeps its final read-back for the acknowledged-writes checker and, when
 * the scenario lists the ensemble's `members`, what each of them holds for replicas-agree.
 */
interface ZooKeeperWorkload extends Workload {
  readonly zk: ZkWorkload;
  finalState: ReadBack | undefined;
  readonly byMember: Map<string, ReadBack>;
  finishedAt: number;
}

const workload: WorkloadPlugin = {
  type: "zookeeper",
  durabilityCheck: "zookeeper.acknowledged-writes",
  description: "clients creating unique znodes through the client service, recording every write",
  start(ctx, params) {
    const zk = startWorkload({
      host: ctx.client,
      resolve: (n) => ctx.resolve(n),
      connectString: stringParam(params, "connect", "zk-cs.default.svc.cluster.local:2181"),
      clients: numberParam(params, "clients", 3),
      intervalMs: numberParam(params, "intervalMs", 200),
      durationMs: numberParam(params, "durationMs", Number.MAX_SAFE_INTEGER / 2),
      requestTimeoutMs: numberParam(params, "requestTimeoutMs", 10_000),
      prefix: stringParam(params, "prefix", "/ksim-w"),
    });
    const readBackMs = numberParam(params, "readBackMs", READ_BACK_BUDGET_MS);
    const members = stringsParam(params, "members", []);
    const w: ZooKeeperWorkload = {
      zk,
      history: zk.history,
      finalState: undefined,
      byMember: new Map(),
      finishedAt: 0,
      stop: () => zk.stop(),
      *finish(): Proc<void> {
        w.finalState = yield* zk.readBack(readBackMs);
        for (const m of members) w.byMember.set(memberName(m), yield* zk.readBack(readBackMs, m));
        w.finishedAt = ctx.sim.now;
      },
    };
    return w;
  },
};

/** A member as messages name it: `zk-0` for `zk-0.zk-hs.default.svc.cluster.local:2181`, an address as it is. */
function memberName(hostPort: string): string {
  const colon = hostPort.lastIndexOf(":");
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  return /^[\d.]+$/.test(host) ? host : host.split(".")[0]!;
}

function zkWorkload(w: Workload): ZooKeeperWorkload {
  return w as ZooKeeperWorkload;
}

/** The last fault injected, or undefined when the run had none. */
function lastFault(ctx: CheckContext): number | undefined {
  return ctx.faults.length > 0 ? ctx.faults[ctx.faults.length - 1] : undefined;
}

/** Timings as a verdict: a violation for each limit the scenario set that its metric broke or never reached. */
function timing(invariant: string, metrics: Record<string, number>, limits: readonly { metric: string; max: number | undefined; what: string }[], end: number): CheckResult {
  const violations: Violation[] = [];
  for (const l of limits) {
    const v = metrics[l.metric]!;
    if (l.max === undefined) continue;
    if (v < 0) violations.push({ invariant, time: end, message: `${l.what}: never` });
    else if (v > l.max) violations.push({ invariant, time: end, message: `${l.what} took ${v} ms, more than ${l.max} ms` });
  }
  return { invariant, ok: violations.length === 0, violations, metrics };
}

function optionalNumber(params: Readonly<Record<string, unknown>>, key: string): number | undefined {
  return params[key] === undefined ? undefined : numberParam(params, key);
}

/**
 * How long the ensemble went without a leader: from the start to the first leader that
 * established itself (zk.established, a quorum acknowledged its NEWLEADER), and from the last
 * fault to the first leader established after it. -1 when it never happened.
 */
const timeToLeader: CheckPlugin = {
  type: "zookeeper.time-to-leader",
  description: "time from the start, and from the last fault, to the first leader a quorum followed",
  events: ["zk.established"],
  check(ctx, params) {
    const established = ctx.events.filter((e) => e.type === "zk.established").map((e) => e.time);
    const fault = lastFault(ctx);
    const after = fault === undefined ? undefined : established.find((t) => t >= fault);
    const metrics: Record<string, number> = { firstLeaderMs: established.length > 0 ? established[0]! - ctx.start : -1 };
    if (fault !== undefined) metrics.afterLastFaultMs = after === undefined ? -1 : after - fault;
    return timing("time-to-leader", metrics, [
      { metric: "firstLeaderMs", max: optionalNumber(params, "maxMs"), what: "the first leader" },
      ...(fault !== undefined ? [{ metric: "afterLastFaultMs", max: optionalNumber(params, "maxAfterFaultMs"), what: "a leader after the last fault" }] : []),
    ], ctx.end);
  },
};

/**
 * How long until every member of the StatefulSet was Ready: from the start, and from the last
 * fault (once the set had dropped below its replicas) to all Ready again. -1 when never.
 */
const timeToReady: CheckPlugin = {
  type: "zookeeper.time-to-ready",
  description: "time from the start, and from the last fault, until every pod of the ensemble's StatefulSet was Ready",
  check(ctx, params) {
    const name = `${stringParam(params, "namespace", "default")}/${stringParam(params, "statefulset", "zk")}`;
    const series = ctx.readiness.get(name) ?? [];
    const allReady = (from: number, mustDrop: boolean): number => {
      let dropped = !mustDrop;
      for (const p of series) {
        if (p.at < from) continue;
        const full = p.replicas > 0 && p.ready >= p.replicas;
        if (!full) dropped = true;
        else if (dropped) return p.at - from;
      }
      return -1;
    };
    const fault = lastFault(ctx);
    const metrics: Record<string, number> = { allReadyMs: allReady(ctx.start, false) };
    if (fault !== undefined) metrics.afterLastFaultMs = allReady(fault, true);
    return timing(`time-to-ready of statefulset/${name.replace(/^default\//, "")}`, metrics, [
      { metric: "allReadyMs", max: optionalNumber(params, "maxMs"), what: "every pod Ready" },
      ...(fault !== undefined ? [{ metric: "afterLastFaultMs", max: optionalNumber(params, "maxAfterFaultMs"), what: "every pod Ready again after the last fault" }] : []),
    ], ctx.end);
  },
};

const checks: CheckPlugin[] = [
  {
    type: "zookeeper.single-leader-per-epoch",
    description: "at most one leader establishes itself in any epoch",
    events: ["zk."],
    check: (ctx) => checkOneLeaderPerEpoch(ctx.events),
  },
  {
    type: "zookeeper.committed-prefix",
    description: "every server commits the same transaction at each zxid, in order",
    events: ["zk."],
    check: (ctx) => checkCommittedPrefix(ctx.events),
  },
  timeToLeader,
  timeToReady,
  {
    type: "zookeeper.acknowledged-writes",
    description: "every write a client saw acknowledged is present at the end",
    check(ctx, params) {
      const w = zkWorkload(workloadParam(ctx, params).workload);
      return checkAcknowledgedWrites(w.history.operations, w.finalState ?? new Map(), w.finishedAt);
    },
  },
  {
    type: "zookeeper.replicas-agree",
    description: "every member, read on its own at the end, holds the same znodes as the others (the workload lists the members)",
    check(ctx, params) {
      const w = zkWorkload(workloadParam(ctx, params).workload);
      if (w.byMember.size < 2) throw new ParamError("replicas-agree needs the workload's members: the address of each server, e.g. zk-0.zk-hs.default.svc.cluster.local:2181");
      return checkReplicasAgree(w.history.operations, w.byMember, w.finishedAt);
    },
  },
  {
    type: "zookeeper.client-order",
    description: "each client's acknowledged writes commit in the order it issued them",
    check: (ctx, params) => checkClientOrder(workloadParam(ctx, params).history.operations),
  },
  {
    type: "zookeeper.write-availability",
    description: "writes keep succeeding: no window without a successful write longer than maxGapMs",
    check(ctx, params) {
      const run = workloadParam(ctx, params);
      return checkWriteAvailability(run.history.operations, run.start, run.end, numberParam(params, "maxGapMs", 30_000));
    },
  },
];

export function registerZooKeeperPlugins(registry: PluginRegistry): void {
  registry.addWorkload(workload);
  for (const c of checks) registry.addCheck(c);
}
