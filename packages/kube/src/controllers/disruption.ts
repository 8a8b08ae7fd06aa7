import { ApiError, notFound } from "../api/errors.js";
import type { ApiServer } from "../api/server.js";
import { parseTime, rfc3339 } from "../api/time.js";
import type {
  Deployment,
  KubeObject,
  Pod,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
  ReplicaSet,
  StatefulSet,
} from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { LabelIndex } from "./label-index.js";
import { controllerRef, isPodReady, isTerminating, keyOf, matchesSelector, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";
import { scaledValue } from "./int-or-percent.js";

const COMPONENT = "controllermanager";
/** How long an evicted pod counts as disrupted before the controller expects it gone. */
const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's
 * status — expected pods, desired and current healthy, disruptions allowed — which the Eviction
 * API consults.
 */
export class DisruptionController {
  readonly queue: WorkQueue;
  private readonly pods: LabelIndex<Pod>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, "disruption-controller", (key) => this.sync(key));
    this.pods = LabelIndex.of(ctx.api.store, "Pod");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<PodDisruptionBudget>("PodDisruptionBudget", (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>("Pod", (e) => {
      for (const pdb of api.list<PodDisruptionBudget>("PodDisruptionBudget", e.object.metadata.namespace)) {
        if (matchesSelector(pdb.spec.selector, e.object.metadata.labels) || (e.previous && matchesSelector(pdb.spec.selector, e.previous.metadata.labels))) {
          this.queue.add(keyOf(pdb));
        }
      }
    });
    // A change of scale changes expectedPods.
    for (const kind of ["StatefulSet", "ReplicaSet", "Deployment"]) {
      api.watch(kind, (e) => {
        for (const pdb of api.list<PodDisruptionBudget>("PodDisruptionBudget", e.object.metadata.namespace)) this.queue.add(keyOf(pdb));
      });
    }
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const { api, sim, events } = this.ctx;
    const pdb = api.get<PodDisruptionBudget>("PodDisruptionBudget", namespace, name);
    if (pdb === undefined) return;
    const now = sim.epochMs();
    const pods = podsFor(this.pods, api, pdb);
    let status: PodDisruptionBudgetStatus;
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    for (const [pod, when] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const p = pods.find((x) => x.metadata.name === pod);
      if (p === undefined || isTerminating(p)) continue;
      const expiry = parseTime(when) + DELETION_TIMEOUT_MS;
      if (expiry < now) {
        events.record(pdb, "Warning", "NotDeleted", `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`, COMPONENT);
        continue;
      }
      disrupted[pod] = when;
      recheckAt = Math.min(recheckAt ?? expiry, expiry);
    }
    try {
      const { expected, desiredHealthy } = expectedAndDesired(api, pdb, pods);
      const currentHealthy = pods.filter((p) => !isTerminating(p) && disrupted[p.metadata.name!] === undefined && isPodReady(p)).length;
      let allowed = currentHealthy - desiredHealthy;
      if (expected <= 0 || allowed < 0) allowed = 0;
      status = {
        observedGeneration: pdb.metadata.generation,
        disruptionsAllowed: allowed,
        currentHealthy,
        desiredHealthy,
        expectedPods: expected,
        conditions: [condition(pdb, allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", rfc3339(now))],
      };
    } catch (e) {
      // failSafe: no disruptions while the budget cannot be computed.
      status = {
        observedGeneration: pdb.metadata.generation,
        disruptionsAllowed: 0,
        currentHealthy: pdb.status?.currentHealthy ?? 0,
        desiredHealthy: pdb.status?.desiredHealthy ?? 0,
        expectedPods: pdb.status?.expectedPods ?? 0,
        conditions: [condition(pdb, "False", "SyncFailed", (e as Error).message, rfc3339(now))],
      };
    }
    if (Object.keys(disrupted).length > 0) status.disruptedPods = disrupted;
    if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - now + 1);
    if (JSON.stringify(status) !== JSON.stringify(pdb.status)) api.updateStatus({ ...pdb, status });
  }
}

function condition(pdb: PodDisruptionBudget, status: "True" | "False", reason: string, message: string, now: string) {
  const old = pdb.status?.conditions?.find((c) => c.type === "DisruptionAllowed");
  return {
    type: "DisruptionAllowed",
    status,
    reason,
    message,
    observedGeneration: pdb.metadata.generation,
    lastTransitionTime: old !== undefined && old.status === status ? old.lastTransitionTime : now,
  };
}

function podsFor(index: LabelIndex<Pod>, api: ApiServer, pdb: PodDisruptionBudget): Pod[] {
  const sel = pdb.spec.selector;
  // An empty or missing selector matches nothing for a policy/v1 budget.
  if (sel === undefined || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return [];
  const candidates = Object.keys(sel.matchLabels ?? {}).length > 0
    ? index.matching(pdb.metadata.namespace, sel.matchLabels!)
    : api.list<Pod>("Pod", pdb.metadata.namespace);
  return candidates.filter((p) => matchesSelector(sel, p.metadata.labels));
}

/** getExpectedPodCount: expected pods and desired healthy, from maxUnavailable or minAvailable. */
function expectedAndDesired(api: ApiServer, pdb: PodDisruptionBudget, pods: Pod[]): { expected: number; desiredHealthy: number } {
  const { maxUnavailable, minAvailable } = pdb.spec;
  if (maxUnavailable !== undefined) {
    const expected = controllerScale(api, pods);
    const mu = scaledValue(maxUnavailable, expected, true);
    return { expected, desiredHealthy: Math.max(0, expected - mu) };
  }
  if (minAvailable !== undefined && typeof minAvailable === "number") {
    return { expected: pods.length, desiredHealthy: minAvailable };
  }
  if (minAvailable !== undefined) {
    const expected = controllerScale(api, pods);
    return { expected, desiredHealthy: scaledValue(minAvailable, expected, true) };
  }
  return { expected: pods.length, desiredHealthy: 0 };
}

/** Sum of the scale of the controllers owning the pods, each controller once. */
function controllerScale(api: ApiServer, pods: Pod[]): number {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const ref = controllerRef(pod);
    if (ref === undefined) throw new Error(`found no controller ref for pod "${pod.metadata.name}"`);
    if (seen.has(ref.uid)) continue;
    const owner = api.store.getByUid<KubeObject>(ref.uid);
    if (owner === undefined) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    let scale: number;
    if (owner.kind === "StatefulSet") scale = (owner as StatefulSet).spec.replicas ?? 1;
    else if (owner.kind === "ReplicaSet") {
      const rs = owner as ReplicaSet;
      const dref = controllerRef(rs);
      const d = dref?.kind === "Deployment" ? api.store.getByUid<Deployment>(dref.uid) : undefined;
      if (d !== undefined) {
        if (seen.has(d.metadata.uid!)) continue;
        seen.set(d.metadata.uid!, d.spec.replicas ?? 1);
        continue;
      }
      scale = rs.spec.replicas ?? 1;
    } else throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    seen.set(ref.uid, scale);
  }
  let total = 0;
  for (const v of seen.values()) total += v;
  return total;
}


/**
 * The Eviction subresource (pkg/registry/core/pod/storage/eviction.go): deletes the pod unless
 * a PodDisruptionBudget forbids it, in which case the API answers 429 with the budget's reason.
 */
export function evictPod(api: ApiServer, namespace: string, name: string, options: { gracePeriodSeconds?: number } = {}): void {
  const pod = api.get<Pod>("Pod", namespace, name);
  if (pod === undefined) throw notFound("pods", name);
  const phase = pod.status?.phase;
  // addConditionAndDeletePod: the pod is marked as disrupted, then deleted.
  const del = () => {
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
    const old = pod.status?.conditions?.find((c) => c.type === "DisruptionTarget");
    const transition = old?.status === "True" ? old.lastTransitionTime : rfc3339(api.sim.epochMs());
    conditions.push({ type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: transition, reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
    api.updateStatus({ ...pod, status: { ...pod.status, conditions } });
    api.delete("Pod", namespace, name, { gracePeriodSeconds: options.gracePeriodSeconds, uid: pod.metadata.uid });
  };
  if (phase === "Succeeded" || phase === "Failed" || phase === "Pending" || isTerminating(pod)) {
    del();
    return;
  }
  const pdbs = api.list<PodDisruptionBudget>("PodDisruptionBudget", namespace).filter((b) => {
    const sel = b.spec.selector;
    if (sel === undefined || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
    return matchesSelector(sel, pod.metadata.labels);
  });
  if (pdbs.length > 1) {
    throw new ApiError("InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }
  const pdb = pdbs[0];
  if (pdb === undefined) {
    del();
    return;
  }
  const st = pdb.status;
  if (!isPodReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === "AlwaysAllow") {
      del();
      return;
    }
    if (st !== undefined && st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0) {
      del();
      return;
    }
  }
  if (st === undefined || (st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw new ApiError("TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", [
      { type: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` },
    ]);
  }
  if (st.disruptionsAllowed < 0) throw new ApiError("Forbidden", "pdb disruptions allowed is negative");
  if (Object.keys(st.disruptedPods ?? {}).length > 2000) {
    throw new ApiError("Forbidden", "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  if (st.disruptionsAllowed === 0) {
    throw new ApiError("TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", [
      { type: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently` },
    ]);
  }
  api.updateStatus({
    ...pdb,
    status: {
      ...st,
      disruptionsAllowed: st.disruptionsAllowed - 1,
      disruptedPods: { ...(st.disruptedPods ?? {}), [name]: rfc3339(api.sim.epochMs()) },
    },
  });
  del();
}
