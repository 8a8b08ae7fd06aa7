import type { HPAScalingRules } from "../api/types.js";

/**
 * How the HPA controller turns a metric's proposal into a replica count
 * (normalizeDesiredReplicas and normalizeDesiredReplicasWithBehaviors in horizontal.go): the
 * stabilization windows over recent recommendations, then the rate limits, then min and max.
 * It keeps per-HPA history, as the controller does in memory.
 */

/** --horizontal-pod-autoscaler-downscale-stabilization. */
const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;

export interface Condition {
  readonly status: "True" | "False";
  readonly reason: string;
  readonly message: string;
}

export interface Normalized {
  readonly replicas: number;
  readonly ableToScale: Condition;
  readonly scalingLimited: Condition;
}

interface Timestamped {
  value: number;
  at: number;
}

const READY: Condition = { status: "True", reason: "ReadyForNewScale", message: "recommended size matches current size" };
const DOWN_STABILIZED: Condition = {
  status: "True",
  reason: "ScaleDownStabilized",
  message: "recent recommendations were higher than current one, applying the highest recent recommendation",
};
const UP_STABILIZED: Condition = {
  status: "True",
  reason: "ScaleUpStabilized",
  message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
};
const WITHIN = { reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
const TOO_FEW = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
const TOO_MANY = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
const UP_LIMIT = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
const DOWN_LIMIT = { reason: "ScaleDownLimit", message: "the desired replica count is decreasing faster than the maximum scale rate" };

export class ScalingHistory {
  private readonly recommendations = new Map<string, Timestamped[]>();
  private readonly scaleUps = new Map<string, Timestamped[]>();
  private readonly scaleDowns = new Map<string, Timestamped[]>();

  /** recordInitialRecommendation: the current count seeds an HPA's history. */
  seed(key: string, replicas: number, now: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ value: replicas, at: now }]);
  }

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUps.delete(key);
    this.scaleDowns.delete(key);
  }

  /** Without spec.behavior: the highest recommendation of the last 5 minutes, then at most max(2 × current, 4). */
  legacy(key: string, current: number, desired: number, min: number, max: number, now: number): Normalized {
    const recs = this.recommendations.get(key) ?? [];
    let stabilized = desired;
    let old = -1;
    recs.forEach((r, i) => {
      if (r.at < now - DOWNSCALE_STABILIZATION_MS) old = i;
      else if (r.value > stabilized) stabilized = r.value;
    });
    this.record(recs, old, desired, now, key);
    const upLimit = Math.max(2 * current, 4);
    const [maxAllowed, limiting] = max > upLimit ? [upLimit, UP_LIMIT] : [max, TOO_MANY];
    let replicas = stabilized;
    let why = WITHIN;
    if (stabilized < min) [replicas, why] = [min, TOO_FEW];
    else if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, limiting];
    return {
      replicas,
      ableToScale: stabilized !== desired ? DOWN_STABILIZED : READY,
      scalingLimited: { status: replicas === stabilized ? "False" : "True", ...why },
    };
  }

  /** With spec.behavior: both stabilization windows, then the policies' rate over their periods. */
  withBehavior(key: string, current: number, desired: number, min: number, max: number, up: HPAScalingRules, down: HPAScalingRules, now: number): Normalized {
    const recs = this.recommendations.get(key) ?? [];
    const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = now - (down.stabilizationWindowSeconds ?? DOWNSCALE_STABILIZATION_MS / 1000) * 1000;
    let upRec = desired;
    let downRec = desired;
    let old = -1;
    recs.forEach((r, i) => {
      if (r.at > upCutoff) upRec = Math.min(r.value, upRec);
      if (r.at > downCutoff) downRec = Math.max(r.value, downRec);
      if (r.at < upCutoff && r.at < downCutoff) old = i;
    });
    let stabilized = current;
    if (stabilized < upRec) stabilized = upRec;
    if (stabilized > downRec) stabilized = downRec;
    this.record(recs, old, desired, now, key);
    const ableToScale = stabilized !== desired ? (desired >= current ? UP_STABILIZED : DOWN_STABILIZED) : READY;
    let replicas = stabilized;
    let why = WITHIN;
    const ups = this.scaleUps.get(key) ?? [];
    const downs = this.scaleDowns.get(key) ?? [];
    if (stabilized > current) {
      const limit = Math.max(current, rateLimit(current, ups, downs, up, now, "up"));
      const [maxAllowed, limiting] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
      if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, limiting];
    } else if (stabilized < current) {
      const limit = Math.min(current, rateLimit(current, ups, downs, down, now, "down"));
      const [minAllowed, limiting] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
      if (stabilized < minAllowed) [replicas, why] = [minAllowed, limiting];
    }
    return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? "False" : "True", ...why } };
  }

  /** storeScaleEvent: the change, for the policies' periods (only with spec.behavior). */
  scaled(key: string, from: number, to: number, rules: readonly HPAScalingRules[], now: number): void {
    const longest = Math.max(0, ...rules.flatMap((r) => (r.policies ?? []).map((p) => p.periodSeconds))) * 1000;
    const events = to > from ? this.scaleUps : this.scaleDowns;
    const list = (events.get(key) ?? []).filter((e) => e.at > now - longest);
    list.push({ value: Math.abs(to - from), at: now });
    events.set(key, list);
  }

  private record(recs: Timestamped[], old: number, value: number, now: number, key: string): void {
    if (old >= 0) recs[old] = { value, at: now };
    else recs.push({ value, at: now });
    this.recommendations.set(key, recs);
  }
}

/** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. */
function rateLimit(current: number, ups: readonly Timestamped[], downs: readonly Timestamped[], rules: HPAScalingRules, now: number, direction: "up" | "down"): number {
  const select = rules.selectPolicy ?? "Max";
  if (select === "Disabled") return current;
  // Scaling down, the policy that changes least gives the highest count.
  const pickMax = (select === "Max") === (direction === "up");
  let result = pickMax ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const since = now - p.periodSeconds * 1000;
    const added = ups.filter((e) => e.at > since).reduce((n, e) => n + e.value, 0);
    const removed = downs.filter((e) => e.at > since).reduce((n, e) => n + e.value, 0);
    const start = current - added + removed;
    let proposed: number;
    if (direction === "up") proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    else proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}
