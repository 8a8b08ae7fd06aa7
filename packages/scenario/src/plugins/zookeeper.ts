import type { Proc } from "@ksim/sim";
import {
  checkAcknowledgedWrites,
  checkClientOrder,
  checkCommittedPrefix,
  checkOneLeaderPerEpoch,
  checkWriteAvailability,
  startWorkload,
  type Workload as ZkWorkload,
} from "@ksim/zookeeper";
import { numberParam, stringParam, workloadParam, type CheckPlugin, type PluginRegistry, type Workload, type WorkloadPlugin } from "../plugins.js";

/** A ZooKeeper workload keeps its final read-back for the acknowledged-writes checker. */
interface ZooKeeperWorkload extends Workload {
  readonly zk: ZkWorkload;
  finalState: Map<string, string> | undefined;
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
    const w: ZooKeeperWorkload = {
      zk,
      history: zk.history,
      finalState: undefined,
      finishedAt: 0,
      stop: () => zk.stop(),
      *finish(): Proc<void> {
        w.finalState = yield* zk.readBack();
        w.finishedAt = ctx.sim.now;
      },
    };
    return w;
  },
};

function zkWorkload(w: Workload): ZooKeeperWorkload {
  return w as ZooKeeperWorkload;
}

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
  {
    type: "zookeeper.acknowledged-writes",
    description: "every write a client saw acknowledged is present at the end",
    check(ctx, params) {
      const w = zkWorkload(workloadParam(ctx, params).workload);
      return checkAcknowledgedWrites(w.history.operations, w.finalState ?? new Map(), w.finishedAt);
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
