import { ApiError } from "../api/errors.js";
import { jsonEqual } from "../api/json-value.js";
import { typeForKind } from "../api/resources.js";
import { resourceName } from "../api/server.js";
import type { HorizontalPodAutoscaler, KubeObject } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { keyOf, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "horizontal-pod-autoscaler";
/** --horizontal-pod-autoscaler-sync-period. */
const SYNC_PERIOD_MS = 15_000;
const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet"]);
/** What the resource metrics client says when metrics-server is not installed, as on a bare minikube. */
const NO_METRICS_API = "unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

type Status = NonNullable<HorizontalPodAutoscaler["status"]>;
type Condition = NonNullable<Status["conditions"]>[number];

/**
 * kube-controller-manager's horizontal-pod-autoscaler controller (pkg/controller/podautoscaler)
 * on a cluster without metrics-server: every sync period it reads the target's scale; outside
 * [minReplicas, maxReplicas] it rescales to the bound, otherwise it cannot fetch any resource
 * metric, so ScalingActive is False and it says why in events. Nothing is scheduled until an HPA
 * exists, and a deleted HPA's resync stops.
 */
export class HorizontalPodAutoscalerController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
  }

  start(): void {
    const api = this.ctx.api;
    // Updates (the controller's own status writes among them) wait for the next resync, as the
    // real queue's fixed-interval rate limiter makes them.
    api.watch<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", (e) => {
      if (e.type === "ADDED") this.queue.add(keyOf(e.object));
    });
    for (const hpa of api.list<HorizontalPodAutoscaler>("HorizontalPodAutoscaler")) this.queue.add(keyOf(hpa));
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const hpa = this.ctx.api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", namespace, name);
    if (hpa === undefined) return;
    this.reconcile(hpa);
    this.queue.addAfter(key, SYNC_PERIOD_MS);
  }

  private reconcile(hpa: HorizontalPodAutoscaler): void {
    const { api, events } = this.ctx;
    const original = hpa.status ?? { desiredReplicas: 0 };
    const status: Status = structuredClone(original);
    const ref = hpa.spec.scaleTargetRef;
    const type = typeForKind(ref.kind);
    const target = SCALABLE.has(ref.kind) ? api.get<KubeObject & { spec: { replicas?: number } }>(ref.kind, hpa.metadata.namespace, ref.name) : undefined;
    if (target === undefined) {
      const err =
        type === undefined
          ? `no matches for kind "${ref.kind}" in group "${ref.apiVersion?.includes("/") ? ref.apiVersion.split("/")[0] : ""}"`
          : SCALABLE.has(ref.kind)
            ? `${resourceName(ref.kind)} "${ref.name}" not found`
            : "the server could not find the requested resource";
      events.record(hpa, "Warning", "FailedGetScale", err, COMPONENT);
      this.setCondition(status, "AbleToScale", "False", "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${err}`);
      this.writeStatus(hpa, original, status);
      return;
    }
    this.setCondition(status, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");
    const current = target.spec.replicas ?? 1;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    status.currentReplicas = current;
    let desired: number;
    let reason: string;
    if (current === 0 && min !== 0) {
      delete status.currentMetrics;
      status.desiredReplicas = 0;
      this.setCondition(status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
      this.writeStatus(hpa, original, status);
      return;
    } else if (current > max) {
      [desired, reason] = [max, "Current number of replicas above Spec.MaxReplicas"];
    } else if (current < min) {
      [desired, reason] = [min, "Current number of replicas below Spec.MinReplicas"];
    } else {
      this.failMetrics(hpa, status);
      this.writeStatus(hpa, original, status);
      return;
    }
    delete status.currentMetrics;
    api.mutate<KubeObject & { spec: { replicas?: number } }>(ref.kind, hpa.metadata.namespace, ref.name, (draft) => void (draft.spec.replicas = desired));
    this.setCondition(status, "AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
    events.record(hpa, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`, COMPONENT);
    status.desiredReplicas = desired;
    status.lastScaleTime = api.now();
    this.writeStatus(hpa, original, status);
  }

  /** computeReplicasForMetrics with no metrics API: every Resource metric fails, the others are not modelled and fail alike. */
  private failMetrics(hpa: HorizontalPodAutoscaler, status: Status): void {
    const metrics = hpa.spec.metrics ?? [];
    const errors = metrics.map((m) => {
      const name = m.resource?.name ?? m.containerResource?.name ?? "";
      const err = `failed to get ${name} utilization: unable to get metrics for resource ${name}: ${NO_METRICS_API}`;
      this.ctx.events.record(hpa, "Warning", "FailedGetResourceMetric", err, COMPONENT);
      this.setCondition(status, "ScalingActive", "False", "FailedGetResourceMetric", `the HPA was unable to compute the replica count: ${err}`);
      return `failed to get ${name} resource metric value: ${err}`;
    });
    // The statuses of metrics that could not be read stay empty.
    status.currentMetrics = metrics.map(() => ({ type: "" }));
    if (errors.length > 0) {
      this.ctx.events.record(hpa, "Warning", "FailedComputeMetricsReplicas", `invalid metrics (${errors.length} invalid out of ${metrics.length}), first error is: ${errors[0]}`, COMPONENT);
    }
  }

  /** setCondition: a condition's transition time moves only when its status changes. */
  private setCondition(status: Status, type: string, value: string, reason: string, message: string): void {
    const conditions = (status.conditions ??= []);
    const existing = conditions.find((c) => c.type === type);
    const next: Condition = { type, status: value, lastTransitionTime: existing?.status === value ? existing.lastTransitionTime : this.ctx.api.now(), reason, message };
    if (existing === undefined) conditions.push(next);
    else Object.assign(existing, next);
  }

  private writeStatus(hpa: HorizontalPodAutoscaler, original: Status, status: Status): void {
    if (jsonEqual(original, status)) return;
    try {
      this.ctx.api.updateStatus({ ...hpa, status });
    } catch (e) {
      // Deleted meanwhile: its resync stops at the next sync.
      if (!(e instanceof ApiError)) throw e;
    }
  }
}
