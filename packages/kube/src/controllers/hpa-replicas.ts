import { milliValue, parseQuantity } from "../api/quantity.js";
import { parseTime } from "../api/time.js";
import type { Container, Pod } from "../api/types.js";

/**
 * The HPA's replica calculator for resource metrics (pkg/controller/podautoscaler/
 * replica_calculator.go and metrics/utilization.go): pods grouped into ready, unready, missing
 * and ignored; the usage ratio against the target; the fast path inside the tolerance; and the
 * conservative path that fills in missing pods (100% of their request when scaling down, 0 when
 * scaling up) and unready ones (0, when scaling up) before deciding.
 */

/** --horizontal-pod-autoscaler-cpu-initialization-period and -initial-readiness-delay. */
const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
const INITIAL_READINESS_DELAY_MS = 30_000;
/** --horizontal-pod-autoscaler-tolerance: the default of each direction. */
export const DEFAULT_TOLERANCE = 0.1;

/** How far below and above 1 the usage ratio may be without a change (behavior.scaleDown/scaleUp.tolerance). */
export interface Tolerances {
  readonly down: number;
  readonly up: number;
}

/** One pod's metric: milli-units of the resource, read at `timestamp` over `windowMs`. */
export interface PodMetric {
  readonly value: number;
  readonly timestamp: number;
  readonly windowMs: number;
}

export class ReplicaCalculationError extends Error {
  override name = "ReplicaCalculationError";
}

function isWithin(ratio: number, t: Tolerances): boolean {
  return 1 - t.down <= ratio && ratio <= 1 + t.up;
}

interface Groups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods: the first rule that matches a pod decides its group. */
function groupPods(pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, resource: string, now: number): Groups {
  const g: Groups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp !== undefined || pod.status?.phase === "Failed") {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === "Pending") {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (metric === undefined) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      // A pod's CPU is not trusted while it starts: it may burn more than it will.
      const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
      const started = pod.status?.startTime;
      let unready: boolean;
      if (ready === undefined || started === undefined) unready = true;
      else {
        const start = parseTime(started);
        const transition = parseTime(ready.lastTransitionTime ?? started);
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) unready = ready.status === "False" || metric.timestamp < transition + metric.windowMs;
        else unready = ready.status === "False" && start + INITIAL_READINESS_DELAY_MS > transition;
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyCount++;
  }
  return g;
}

/** calculatePodRequests: regular containers and restartable (sidecar) init containers; each must request it. */
function podRequests(pods: readonly Pod[], resource: string, container: string | undefined): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    let total = 0;
    const containers: Container[] = [...pod.spec.containers, ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always")];
    if (container !== undefined && !containers.some((c) => c.name === container)) throw new ReplicaCalculationError(`container ${container} not found in Pod ${pod.metadata.name}`);
    for (const c of containers) {
      if (container !== undefined && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      total += Number(milliValue(parseQuantity(q)));
    }
    requests.set(pod.metadata.name!, total);
  }
  return requests;
}

/** GetResourceUtilizationRatio: the utilization is truncated to a whole percent before the ratio. */
function utilizationRatio(metrics: ReadonlyMap<string, PodMetric>, requests: ReadonlyMap<string, number>, target: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalculationError("no metrics returned matched known pods");
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

export interface Proposal {
  readonly replicas: number;
  /** The utilization (whole percent) for a Utilization target. */
  readonly utilization?: number;
  /** The average value, in milli-units. */
  readonly average: number;
}

/**
 * GetResourceReplicas (a Utilization target) or GetRawResourceReplicas (an AverageValue target,
 * `targetMilli` per pod): the proposed replica count from the pods' metrics.
 */
export function resourceReplicas(
  current: number,
  target: { readonly utilization: number } | { readonly averageMilli: number },
  resource: string,
  container: string | undefined,
  pods: readonly Pod[],
  allMetrics: ReadonlyMap<string, PodMetric>,
  now: number,
  tolerances: Tolerances = { down: DEFAULT_TOLERANCE, up: DEFAULT_TOLERANCE },
): Proposal {
  if (pods.length === 0) throw new ReplicaCalculationError("no pods returned by selector while calculating replica count");
  const groups = groupPods(pods, allMetrics, resource, now);
  const metrics = new Map(allMetrics);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  if (metrics.size === 0) throw new ReplicaCalculationError("did not receive metrics for targeted pods (pods might be unready)");
  const utilizationTarget = "utilization" in target;
  const requests = utilizationTarget ? podRequests(pods, resource, container) : new Map<string, number>();
  const measure = (m: ReadonlyMap<string, PodMetric>) => {
    if (utilizationTarget) return utilizationRatio(m, requests, target.utilization);
    let total = 0;
    for (const x of m.values()) total += x.value;
    const usage = Math.trunc(total / m.size);
    return { ratio: usage / target.averageMilli, utilization: undefined, rawAverage: usage };
  };
  const first = measure(metrics);
  const result = (replicas: number): Proposal => ({ replicas, ...(first.utilization !== undefined ? { utilization: first.utilization } : {}), average: first.rawAverage });
  const rebalanceUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!rebalanceUnready && groups.missing.size === 0) {
    if (isWithin(first.ratio, tolerances)) return result(current);
    return result(Math.ceil(first.ratio * groups.readyCount));
  }
  if (groups.missing.size > 0) {
    for (const name of groups.missing) {
      let value: number | undefined;
      if (first.ratio < 1) value = utilizationTarget ? Math.trunc((requests.get(name)! * Math.max(100, target.utilization)) / 100) : target.averageMilli;
      else if (first.ratio > 1) value = 0;
      if (value !== undefined) metrics.set(name, { value, timestamp: now, windowMs: 0 });
    }
  }
  if (rebalanceUnready) for (const name of groups.unready) metrics.set(name, { value: 0, timestamp: now, windowMs: 0 });
  const next = measure(metrics).ratio;
  if (isWithin(next, tolerances) || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1)) return result(current);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return result(current);
  return result(replicas);
}
