import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenario, runScenario, shrink, ShrinkError } from "../src/index.js";

// Two web servers, and a check that wants both Ready all the time: any fault that takes one
// down for long violates it, so most of what the nemesis draws is noise for the shrinker.
const flaky = parseScenario(
  `
name: web under a nemesis
cluster: { nodes: 3 }
steps:
  - run: kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web
  - nemesis:
      duration: 10m
      faults: [kill, partition-pod, delay-pod, crash-node]
      pods: app=nginx
      interval: 20s..1m
      lasting: 20s..1m
  - run: sleep 60
checks:
  - type: quorum
    statefulset: web
    maxBelowMs: 30000
`,
  "flaky.yaml",
);

describe("shrink", () => {
  it("finds a smaller explicit fault schedule that still violates the invariant", () => {
    const first = runScenario(flaky, { seed: 4 });
    expect(first.checks[0]!.result.ok).toBe(false);
    const r = shrink(flaky, { seed: 4, maxRuns: 60 });
    expect(r.check).toBe("quorum");
    expect(r.originalFaults).toBe(first.faults.length);
    expect(r.faults).toBeLessThan(r.originalFaults);
    expect(r.faults).toBeLessThanOrEqual(2);
    // The shrunk scenario is a file of its own: no nemesis, explicit faults, and it still fails.
    expect(r.scenario.steps.some((s) => s.nemesis !== undefined)).toBe(false);
    const text = stringify(r.scenario);
    const again = runScenario(parseScenario(text, "shrunk.yaml"));
    expect(again.checks.find((c) => c.type === "quorum")!.result.ok).toBe(false);
  });

  it("refuses a run that does not fail", () => {
    expect(() => shrink(parseScenario("name: fine\nsteps:\n  - run: 'true'\n", "f.yaml"), { seed: 1 })).toThrow(ShrinkError);
  });
});
