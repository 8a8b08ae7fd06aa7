import { describe, expect, it } from "vitest";
import type { Pod } from "../src/api/types.js";
import { headless, isReady, pods, statefulSet, testCluster } from "./helpers.js";

describe("cluster smoke", () => {
  it("runs a StatefulSet to Ready", () => {
    const c = testCluster();
    c.create(headless("nginx", "nginx"));
    c.create(statefulSet("web", "nginx", 2));
    const ok = c.runUntil(() => pods(c, "nginx").length === 2 && pods(c, "nginx").every(isReady), 120_000);
    const ps = pods(c, "nginx");
    expect(ok, JSON.stringify(ps.map((p) => [p.metadata.name, p.status]), null, 1)).toBe(true);
    expect(ps.map((p) => p.metadata.name)).toEqual(["web-0", "web-1"]);
    const pod = c.api.get<Pod>("Pod", "default", "web-0")!;
    expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
  });
});
