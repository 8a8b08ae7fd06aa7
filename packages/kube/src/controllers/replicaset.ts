import { parseTime } from "../api/time.js";
import type { Pod, PodSpec, ReplicaSet, ReplicaSetStatus } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { isPodAvailable, isPodReady, isTerminating, keyOf, matchesSelector, newControllerRef, podCondition, splitKey } from "./pod-util.js";
import { claimObjects, ownersToSync } from "./claims.js";
import { OrphanIndex } from "./orphans.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "replicaset-controller";

/** A pod still counts towards replicas: not terminating and not finished. */
export function isActivePod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !isTerminating(pod) && phase !== "Succeeded" && phase !== "Failed";
}

/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `replicas` active pods, created
 * from the template with generated names, deleting the least valuable pods first.
 */
export class ReplicaSetController {
  readonly queue: WorkQueue;
  private readonly orphans: OrphanIndex<Pod>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
    this.orphans = new OrphanIndex(ctx.api.store, "Pod");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<ReplicaSet>("ReplicaSet", (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>("Pod", (e) => {
      for (const key of ownersToSync(api, "ReplicaSet", e)) this.queue.add(key);
    });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const { api, events, sim } = this.ctx;
    const rs = api.get<ReplicaSet>("ReplicaSet", namespace, name);
    if (rs === undefined) return;
    const pods = this.claimPods(rs);
    const active = pods.filter(isActivePod);
    const want = rs.spec.replicas ?? 1;
    if (!isTerminating(rs)) {
      if (active.length < want) {
        for (let i = active.length; i < want; i++) {
          const pod = api.create(podFromTemplate(rs));
          events.record(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, COMPONENT);
          active.push(pod);
        }
      } else if (active.length > want) {
        const now = sim.epochMs();
        const victims = rankForDeletion(active, now).slice(0, active.length - want);
        for (const pod of victims) {
          api.delete("Pod", pod.metadata.namespace, pod.metadata.name!);
          events.record(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, COMPONENT);
        }
      }
    }
    this.writeStatus(rs, pods);
  }

  private claimPods(rs: ReplicaSet): Pod[] {
    return claimObjects(this.ctx.api, rs, "Pod", this.orphans, (p) => matchesSelector(rs.spec.selector, p.metadata.labels));
  }

  private writeStatus(rs: ReplicaSet, pods: Pod[]): void {
    const api = this.ctx.api;
    const now = this.ctx.sim.epochMs();
    const latestPods = pods
      .map((p) => api.get<Pod>("Pod", p.metadata.namespace, p.metadata.name!))
      .filter((p): p is Pod => p !== undefined && isActivePod(p));
    const templateLabels = rs.spec.template.metadata?.labels ?? {};
    const status: ReplicaSetStatus = {
      replicas: latestPods.length,
      fullyLabeledReplicas: latestPods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: latestPods.filter(isPodReady).length,
      availableReplicas: latestPods.filter((p) => isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)).length,
      observedGeneration: rs.metadata.generation,
    };
    const latest = api.get<ReplicaSet>("ReplicaSet", rs.metadata.namespace, rs.metadata.name!);
    if (latest === undefined || JSON.stringify(latest.status) === JSON.stringify(status)) return;
    api.updateStatus({ ...latest, status });
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.queue.addAfter(keyOf(rs), minReady * 1000);
  }
}

/** controller.GetPodFromTemplate for a ReplicaSet: generated name, template labels, controller ref. */
function podFromTemplate(rs: ReplicaSet): Pod {
  const meta = rs.spec.template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [newControllerRef(rs)],
    },
    spec: structuredClone(rs.spec.template.spec) as PodSpec,
  };
  if (meta.annotations !== undefined) pod.metadata.annotations = { ...meta.annotations };
  return pod;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The order pods are deleted in when scaling down (controller.ActivePods ranking): unscheduled
 * before scheduled, pending before running, not ready before ready, more pods on the same node
 * first, ready for less time first, more restarts first, newer first.
 */
export function rankForDeletion(pods: Pod[], nowMs: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of pods) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const readySince = (p: Pod) => {
    const c = podCondition(p, "Ready");
    return c?.status === "True" && c.lastTransitionTime ? parseTime(c.lastTransitionTime) : nowMs;
  };
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((a, c) => a + c.restartCount, 0);
  return [...pods].sort((a, b) => {
    const sa = a.spec.nodeName ? 1 : 0;
    const sb = b.spec.nodeName ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const pa = PHASE_RANK[a.status?.phase ?? "Pending"] ?? 0;
    const pb = PHASE_RANK[b.status?.phase ?? "Pending"] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a) ? 1 : 0;
    const rb = isPodReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    const na = perNode.get(a.spec.nodeName ?? "") ?? 0;
    const nb = perNode.get(b.spec.nodeName ?? "") ?? 0;
    if (na !== nb) return nb - na;
    if (ra === 1) {
      const ta = readySince(a);
      const tb = readySince(b);
      if (ta !== tb) return tb - ta;
    }
    const xa = restarts(a);
    const xb = restarts(b);
    if (xa !== xb) return xb - xa;
    return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
  });
}
