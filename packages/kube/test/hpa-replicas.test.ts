import { describe, expect, it } from "vitest";
import type { Pod } from "../src/api/types.js";
import { resourceReplicas, ReplicaCalculationError, type PodMetric } from "../src/controllers/hpa-replicas.js";
import { ScalingHistory } from "../src/controllers/hpa-scaling-rules.js";

const T0 = Date.UTC(2024, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function pod(name: string, request: string | undefined, startedAt = T0 - 600_000): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { containers: [{ name: "app", image: "x", ...(request === undefined ? {} : { resources: { requests: { cpu: request } } }) }] },
    status: { phase: "Running", startTime: iso(startedAt), conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(startedAt) }] },
  } as Pod;
}

const metric = (value: number): PodMetric => ({ value, timestamp: T0 - 1000, windowMs: 60_000 });

/** The replica calculator's cases, from replica_calculator.go: tolerance, truncation, missing and unready pods. */
describe("HPA replica calculation", () => {
  const now = T0;
  it("keeps the count inside the 10% tolerance and otherwise takes the ceiling of ratio × ready pods", () => {
    const pods = [pod("a", "500m"), pod("b", "500m")];
    expect(resourceReplicas(2, { utilization: 50 }, "cpu", undefined, pods, new Map([["a", metric(260)], ["b", metric(260)]]), now)).toEqual({ replicas: 2, utilization: 52, average: 260 });
    // With a scale-up tolerance of 0 (behavior.scaleUp.tolerance), 52% of a 50% target is enough.
    expect(resourceReplicas(2, { utilization: 50 }, "cpu", undefined, pods, new Map([["a", metric(260)], ["b", metric(260)]]), now, { down: 0.1, up: 0 }).replicas).toBe(3);
    // 333m of 500m is 66% once truncated: 66/50 of 2 pods is 2.64, so 3.
    expect(resourceReplicas(2, { utilization: 50 }, "cpu", undefined, pods, new Map([["a", metric(333)], ["b", metric(333)]]), now).replicas).toBe(3);
  });

  it("assumes missing pods at 100% of their request when scaling down, so a flip in direction keeps the count", () => {
    const pods = [pod("a", "500m"), pod("b", "500m")];
    expect(resourceReplicas(2, { utilization: 50 }, "cpu", undefined, pods, new Map([["a", metric(100)]]), now).replicas).toBe(2);
    // Scaling up, a missing pod counts as idle: 1500m over 1000m requested is 150%, three times 50%, of 2 pods.
    expect(resourceReplicas(2, { utilization: 50 }, "cpu", undefined, pods, new Map([["a", metric(1500)]]), now).replicas).toBe(6);
  });

  it("does not trust the CPU of a pod still starting, and names a container without a request", () => {
    const young = pod("young", "500m", T0 - 60_000);
    young.status!.conditions![0]!.status = "False";
    expect(() => resourceReplicas(1, { utilization: 50 }, "cpu", undefined, [young], new Map([["young", metric(900)]]), now)).toThrow(
      new ReplicaCalculationError("did not receive metrics for targeted pods (pods might be unready)"),
    );
    expect(() => resourceReplicas(1, { utilization: 50 }, "cpu", undefined, [pod("bare", undefined)], new Map([["bare", metric(900)]]), now)).toThrow(
      new ReplicaCalculationError("missing request for cpu in container app of Pod bare"),
    );
    // An AverageValue target needs no request.
    expect(resourceReplicas(1, { averageMilli: 300 }, "cpu", undefined, [pod("bare", undefined)], new Map([["bare", metric(900)]]), now)).toEqual({ replicas: 3, average: 900 });
  });
});

describe("HPA scaling rules", () => {
  it("without a behavior: the highest recommendation of 5 minutes, and at most max(2 × current, 4) at once", () => {
    const h = new ScalingHistory();
    h.seed("k", 5, T0);
    expect(h.legacy("k", 5, 1, 1, 10, T0 + 60_000)).toMatchObject({ replicas: 5, ableToScale: { reason: "ScaleDownStabilized" } });
    expect(h.legacy("k", 5, 1, 1, 10, T0 + 301_000)).toMatchObject({ replicas: 1, ableToScale: { reason: "ReadyForNewScale" }, scalingLimited: { status: "False" } });
    expect(h.legacy("k", 1, 9, 1, 10, T0 + 302_000)).toMatchObject({ replicas: 4, scalingLimited: { status: "True", reason: "ScaleUpLimit" } });
  });

  it("with a behavior: the policies' rate over their period counts the changes already made", () => {
    const h = new ScalingHistory();
    const up = { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] };
    const down = { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
    h.seed("k", 2, T0);
    const first = h.withBehavior("k", 2, 20, 1, 50, up, down, T0 + 1000);
    expect(first).toMatchObject({ replicas: 6, scalingLimited: { status: "True", reason: "ScaleUpLimit" } });
    h.scaled("k", 2, 6, [up, down], T0 + 1000);
    // Within the same 15 s the period started at 2 replicas: still at most 6.
    expect(h.withBehavior("k", 6, 20, 1, 50, up, down, T0 + 5000).replicas).toBe(6);
    expect(h.withBehavior("k", 6, 20, 1, 50, up, down, T0 + 17_000).replicas).toBe(12);
  });
});
