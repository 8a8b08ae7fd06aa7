import { spawn, type Proc } from "@ksim/sim";
import type { AggregatedResponse } from "../api/aggregator.js";
import { ApiError } from "../api/errors.js";
import { jsonEqual } from "../api/json-value.js";
import { labelSelectorAsSelector, NOTHING, selectorMatches, selectorString } from "../api/labels.js";
import { formatQuantity, milliValue, parseQuantity, quantityValue } from "../api/quantity.js";
import { typeForKind } from "../api/resources.js";
import { resourceName } from "../api/server.js";
import { parseTime } from "../api/time.js";
import type { APIService, HorizontalPodAutoscaler, KubeObject, LabelSelector, MetricSpec, Pod } from "../api/types.js";
import { parseGoDuration } from "../kubectl/commands/durations.js";
import type { ControllerContext } from "./context.js";
import { DEFAULT_TOLERANCE, resourceReplicas, ReplicaCalculationError, type PodMetric, type Tolerances } from "./hpa-replicas.js";
import { ScalingHistory, type Normalized } from "./hpa-scaling-rules.js";
import { keyOf, splitKey } from "./pod-util.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "horizontal-pod-autoscaler";
/** --horizontal-pod-autoscaler-sync-period. */
const SYNC_PERIOD_MS = 15_000;
const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet"]);

type Status = NonNullable<HorizontalPodAutoscaler["status"]>;
type Condition = NonNullable<Status["conditions"]>[number];
type MetricStatus = NonNullable<Status["currentMetrics"]>[number];
type Scalable = KubeObject & { spec: { replicas?: number; selector?: LabelSelector } };

/** How the controller reads the resource metrics API (through the aggregation layer). */
type MetricsReader = (path: string) => Proc<AggregatedResponse>;

/**
 * kube-controller-manager's horizontal-pod-autoscaler controller (pkg/controller/podautoscaler):
 * every sync period it reads the target's scale, lists the pods its selector picks and their
 * metrics from metrics.k8s.io (metrics-server, through the aggregator), proposes a replica count
 * per metric (the highest wins), stabilizes and rate-limits it, and rescales, with the real
 * conditions and events at each step. Without the metrics API every Resource metric fails, as on
 * a bare minikube; Pods, Object and External metrics fail as they do on a cluster with no custom
 * or external metrics adapter.
 */
export class HorizontalPodAutoscalerController {
  private readonly queue: WorkQueue;
  private readonly history = new ScalingHistory();
  private readonly busy = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly readMetrics: MetricsReader,
  ) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (key) => this.sync(key));
  }

  start(): void {
    const api = this.ctx.api;
    // Updates (the controller's own status writes among them) wait for the next resync, as the
    // real queue's fixed-interval rate limiter makes them.
    api.watch<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", (e) => {
      if (e.type === "ADDED") this.queue.add(keyOf(e.object));
      if (e.type === "DELETED") this.history.forget(keyOf(e.object));
    });
    for (const hpa of api.list<HorizontalPodAutoscaler>("HorizontalPodAutoscaler")) this.queue.add(keyOf(hpa));
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    if (this.ctx.api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", namespace, name) === undefined) return;
    this.queue.addAfter(key, SYNC_PERIOD_MS);
    if (this.busy.has(key)) return;
    this.busy.add(key);
    spawn(this.ctx.sim, this.reconcile(key), `hpa:${key}`).subscribe(() => this.busy.delete(key));
  }

  private *reconcile(key: string): Proc<void> {
    const { api, events } = this.ctx;
    const [namespace, name] = splitKey(key);
    const hpa = api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", namespace, name);
    if (hpa === undefined) return;
    const original = hpa.status ?? { desiredReplicas: 0 };
    const status: Status = structuredClone(original);
    const ref = hpa.spec.scaleTargetRef;
    const type = typeForKind(ref.kind);
    const target = SCALABLE.has(ref.kind) ? api.get<Scalable>(ref.kind, hpa.metadata.namespace, ref.name) : undefined;
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
    const now = this.ctx.sim.epochMs();
    this.history.seed(key, current, now);
    let desired = 0;
    let reason = "";
    let metrics: MetricStatus[] | undefined;
    let rescale = true;
    if (current === 0 && min !== 0) {
      rescale = false;
      this.setCondition(status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (current > max) {
      [desired, reason] = [max, "Current number of replicas above Spec.MaxReplicas"];
    } else if (current < min) {
      [desired, reason] = [min, "Current number of replicas below Spec.MinReplicas"];
    } else {
      const computed = yield* this.computeReplicas(hpa, target, current, status, now);
      metrics = computed.statuses;
      if (computed.replicas === -1) {
        status.currentReplicas = current;
        status.currentMetrics = metrics;
        this.writeStatus(hpa, original, status);
        events.record(hpa, "Warning", "FailedComputeMetricsReplicas", computed.error!, COMPONENT);
        return;
      }
      if (computed.replicas > desired) desired = computed.replicas;
      if (desired > current) reason = `${computed.metric} above target`;
      if (desired < current) reason = "All metrics below target";
      const behavior = hpa.spec.behavior;
      const normalized: Normalized =
        behavior === undefined
          ? this.history.legacy(key, current, desired, min, max, now)
          : this.history.withBehavior(key, current, desired, min, max, behavior.scaleUp ?? {}, behavior.scaleDown ?? {}, now);
      this.setCondition(status, "AbleToScale", normalized.ableToScale.status, normalized.ableToScale.reason, normalized.ableToScale.message);
      this.setCondition(status, "ScalingLimited", normalized.scalingLimited.status, normalized.scalingLimited.reason, normalized.scalingLimited.message);
      desired = normalized.replicas;
      rescale = desired !== current;
    }
    if (rescale) {
      api.mutate<Scalable>(ref.kind, hpa.metadata.namespace, ref.name, (draft) => void (draft.spec.replicas = desired));
      this.setCondition(status, "AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
      events.record(hpa, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`, COMPONENT);
      const behavior = hpa.spec.behavior;
      if (behavior !== undefined) this.history.scaled(key, current, desired, [behavior.scaleUp ?? {}, behavior.scaleDown ?? {}], now);
      status.lastScaleTime = api.now();
    } else desired = current;
    status.currentReplicas = current;
    status.desiredReplicas = desired;
    if (metrics === undefined) delete status.currentMetrics;
    else status.currentMetrics = metrics;
    this.writeStatus(hpa, original, status);
  }

  /**
   * computeReplicasForMetrics: each metric's proposal, the highest winning; -1 when every metric
   * failed, or some did and the rest would scale down.
   */
  private *computeReplicas(hpa: HorizontalPodAutoscaler, target: Scalable, current: number, status: Status, now: number) {
    const specs = hpa.spec.metrics ?? [];
    const statuses: MetricStatus[] = specs.map(() => ({ type: "" }));
    let replicas = 0;
    let metric = "";
    let invalid = 0;
    let firstError: string | undefined;
    let firstCondition: { reason: string; message: string } | undefined;
    for (const [i, spec] of specs.entries()) {
      const r = yield* this.computeForMetric(hpa, target, spec, current, now);
      if ("error" in r) {
        if (invalid === 0) [firstError, firstCondition] = [r.error, r.condition];
        invalid++;
        continue;
      }
      statuses[i] = r.status;
      if (replicas === 0 || r.replicas > replicas) [replicas, metric] = [r.replicas, r.metric];
    }
    const error = firstError === undefined ? undefined : `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError}`;
    if (invalid >= specs.length || (invalid > 0 && replicas < current)) {
      if (firstCondition !== undefined) this.setCondition(status, "ScalingActive", "False", firstCondition.reason, firstCondition.message);
      return { replicas: -1, metric: "", statuses, error };
    }
    this.setCondition(status, "ScalingActive", "True", "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  /** computeReplicasForMetric: Resource and ContainerResource metrics from metrics-server; the others from APIs no ksim cluster serves. */
  private *computeForMetric(hpa: HorizontalPodAutoscaler, target: Scalable, spec: MetricSpec, current: number, now: number) {
    if (spec.type === "Pods" || spec.type === "Object") return this.customMetric(hpa, spec);
    if (spec.type === "External") return this.externalMetric(hpa, spec);
    return yield* this.resourceMetric(hpa, target, spec, current, now);
  }

  /**
   * getUnableComputeReplicaCountCondition: the event and the ScalingActive condition for `err`,
   * and the error computeReplicasForMetric returns (`wrapped`).
   */
  private unableToCompute(hpa: HorizontalPodAutoscaler, reason: string, err: string, wrapped: string) {
    this.ctx.events.record(hpa, "Warning", reason, err, COMPONENT);
    return { error: wrapped, condition: { reason, message: `the HPA was unable to compute the replica count: ${err}` } } as const;
  }

  /** Whether discovery lists `group`: an APIService registers it, Available or not. */
  private registered(group: string): boolean {
    return this.ctx.api.list<APIService>("APIService").some((s) => s.spec.group === group);
  }

  /**
   * Pods and Object metrics, read from custom.metrics.k8s.io (GetRawMetric, GetObjectMetric): the
   * custom metrics client first looks the group up in discovery, and a cluster with no adapter
   * has none, so both fail there. ksim runs no custom metrics adapter of its own.
   */
  private customMetric(hpa: HorizontalPodAutoscaler, spec: MetricSpec) {
    const fetch = this.registered("custom.metrics.k8s.io") ? "ksim does not model custom metrics adapters" : "no custom metrics API (custom.metrics.k8s.io) registered";
    const why = `unable to fetch metrics from custom metrics API: ${fetch}`;
    if (spec.type === "Pods") {
      const err = `unable to get metric ${spec.pods!.metric.name}: ${why}`;
      return this.unableToCompute(hpa, "FailedGetPodsMetric", err, `failed to get pods metric value: ${err}`);
    }
    const { describedObject: ref, metric, target } = spec.object!;
    // computeStatusForObjectMetric: a Value target, an AverageValue target, or neither.
    if (target.type !== "Value" && target.type !== "AverageValue") {
      const err = "invalid object metric source: neither a value target nor an average value target was set";
      return this.unableToCompute(hpa, "FailedGetObjectMetric", err, `failed to get object metric value: ${err}`);
    }
    const err = `unable to get metric ${metric.name}: ${ref.kind} on ${hpa.metadata.namespace} ${ref.name}/${why}`;
    const status = target.type === "Value" ? err : `failed to get ${metric.name} object metric: ${err}`;
    return this.unableToCompute(hpa, "FailedGetObjectMetric", err, `failed to get object metric value: ${status}`);
  }

  /**
   * External metrics (GetExternalMetric): the client asks the API server for the metric under
   * external.metrics.k8s.io directly, and without an APIService for it the answer is a 404.
   */
  private externalMetric(hpa: HorizontalPodAutoscaler, spec: MetricSpec) {
    const { metric, target } = spec.external!;
    const namespace = hpa.metadata.namespace ?? "default";
    if (target.averageValue === undefined && target.value === undefined) {
      const err = "invalid external metric source: neither a value target nor an average value target was set";
      return this.unableToCompute(hpa, "FailedGetExternalMetric", err, err);
    }
    const fetch = this.registered("external.metrics.k8s.io")
      ? "ksim does not model external metrics adapters"
      : `the server could not find the requested resource (get ${metric.name}.external.metrics.k8s.io)`;
    const err = `unable to get external metric ${namespace}/${metric.name}/${goLabelSelectorString(metric.selector)}: unable to fetch metrics from external metrics API: ${fetch}`;
    const wrapped = target.averageValue !== undefined ? `failed to get ${metric.name} external metric: ${err}` : `failed to get external metric ${metric.name}: ${err}`;
    return this.unableToCompute(hpa, "FailedGetExternalMetric", err, wrapped);
  }

  /** computeStatusForResourceMetric and computeStatusForContainerResourceMetric. */
  private *resourceMetric(hpa: HorizontalPodAutoscaler, target: Scalable, spec: MetricSpec, current: number, now: number) {
    const source = spec.type === "ContainerResource" ? spec.containerResource : spec.resource;
    const name = source?.name ?? "";
    const container = spec.type === "ContainerResource" ? spec.containerResource?.container : undefined;
    const utilization = source?.target.averageUtilization;
    const conditionReason = spec.type === "ContainerResource" ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
    const fail = (inner: string) => {
      const err = `failed to get ${name} ${utilization !== undefined || source?.target.type === "Utilization" ? "utilization" : "usage"}: ${inner}`;
      const wrapped = spec.type === "ContainerResource" ? `failed to get ${container} container metric value: ${err}` : `failed to get ${name} resource metric value: ${err}`;
      return this.unableToCompute(hpa, conditionReason, err, wrapped);
    };
    const selector = labelSelectorAsSelector(target.spec.selector);
    const query = selector === NOTHING ? "" : `?labelSelector=${encodeURIComponent(selectorString(selector))}`;
    const read = yield* this.readMetrics(`/apis/metrics.k8s.io/v1beta1/namespaces/${hpa.metadata.namespace}/pods${query}`);
    if (read.kind !== "response" || read.status !== 200) {
      const why =
        read.kind === "notFound"
          ? "the server could not find the requested resource (get pods.metrics.k8s.io)"
          : read.kind === "unavailable"
            ? "the server is currently unable to handle the request (get pods.metrics.k8s.io)"
            : `an error on the server ("${read.body.trim()}") has prevented the request from succeeding (get pods.metrics.k8s.io)`;
      return fail(`unable to get metrics for resource ${name}: unable to fetch metrics from resource metrics API: ${why}`);
    }
    const items = (JSON.parse(read.body) as { items: PodMetricsJson[] }).items;
    if (items.length === 0) return fail(`unable to get metrics for resource ${name}: no metrics returned from resource metrics API`);
    const podMetrics = new Map<string, PodMetric>();
    for (const m of items) {
      const value = podValue(m, name, container);
      if (value !== undefined) podMetrics.set(m.metadata.name, { value, timestamp: parseTime(m.timestamp), windowMs: windowOf(m.window) });
    }
    const pods = this.ctx.api.list<Pod>("Pod", hpa.metadata.namespace).filter((p) => selectorMatches(selector, p.metadata.labels));
    const goal = utilization !== undefined ? { utilization } : { averageMilli: Number(milliValue(parseQuantity(source?.target.averageValue ?? "0"))) };
    let proposal;
    try {
      proposal = resourceReplicas(current, goal, name, container, pods, podMetrics, now, tolerancesOf(hpa));
    } catch (e) {
      if (!(e instanceof ReplicaCalculationError)) throw e;
      return fail(e.message);
    }
    const metricName =
      utilization !== undefined
        ? `${name}${spec.type === "ContainerResource" ? " container" : ""} resource utilization (percentage of request)`
        : `${name} resource`;
    const measured = {
      ...(proposal.utilization !== undefined ? { averageUtilization: proposal.utilization } : {}),
      averageValue: formatQuantity({ mantissa: BigInt(proposal.average), exponent: -3, format: "DecimalSI" }),
    };
    const status: MetricStatus =
      spec.type === "ContainerResource"
        ? { type: "ContainerResource", containerResource: { name, container: container!, current: measured } }
        : { type: "Resource", resource: { name, current: measured } };
    return { replicas: proposal.replicas, metric: metricName, status };
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
      const latest = this.ctx.api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", hpa.metadata.namespace, hpa.metadata.name!);
      if (latest !== undefined) this.ctx.api.updateStatus({ ...latest, status });
    } catch (e) {
      // Deleted meanwhile: its resync stops at the next sync.
      if (!(e instanceof ApiError)) throw e;
    }
  }
}

interface PodMetricsJson {
  readonly metadata: { readonly name: string };
  readonly timestamp: string;
  readonly window: string;
  readonly containers: readonly { readonly name: string; readonly usage: Readonly<Record<string, string>> }[];
}

/** getPodMetrics: the sum over the pod's containers (or the one named), none if any lacks the resource. */
function podValue(m: PodMetricsJson, resource: string, container: string | undefined): number | undefined {
  const containers = container === undefined ? m.containers : m.containers.filter((c) => c.name === container);
  if (containers.length === 0) return undefined;
  let total = 0;
  for (const c of containers) {
    const q = c.usage[resource];
    if (q === undefined) return undefined;
    total += Number(milliValue(parseQuantity(q)));
  }
  return total;
}

/** Each direction's tolerance (HPAConfigurableTolerance, beta and on in 1.35), the controller's flag where unset. */
function tolerancesOf(hpa: HorizontalPodAutoscaler): Tolerances {
  const of = (q: string | undefined) => (q === undefined ? DEFAULT_TOLERANCE : quantityValue(parseQuantity(q)));
  return { down: of(hpa.spec.behavior?.scaleDown?.tolerance), up: of(hpa.spec.behavior?.scaleUp?.tolerance) };
}

function windowOf(text: string): number {
  const ms = parseGoDuration(text);
  return typeof ms === "number" ? ms : 0;
}

/**
 * A *metav1.LabelSelector as %+v prints it (the generated String method): "nil", or its match
 * labels in key order and its requirements in order.
 */
function goLabelSelectorString(s: LabelSelector | undefined): string {
  if (s === undefined) return "nil";
  const labels = Object.keys(s.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${s.matchLabels![k]},`)
    .join("");
  const requirements = (s.matchExpressions ?? []).map((r) => `LabelSelectorRequirement{Key:${r.key},Operator:${r.operator},Values:[${(r.values ?? []).join(" ")}],},`).join("");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${requirements}},}`;
}
