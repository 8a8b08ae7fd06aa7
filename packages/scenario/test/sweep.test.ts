import { describe, expect, it } from "vitest";
import {
  applyVariant,
  decodeSweepResults,
  encodeSweepResults,
  formatComparison,
  formatSweepSummary,
  parseScenario,
  parseSeeds,
  parseShard,
  parseVary,
  runScenario,
  scenarioHash,
  shardSeeds,
  summarizeRun,
  VaryError,
  type SeedSummary,
} from "../src/index.js";

function summary(seed: number, ok: boolean, gap: number, variant?: string): SeedSummary {
  return {
    seed,
    ...(variant !== undefined ? { variant } : {}),
    passed: ok,
    failedSteps: [],
    checks: [{ type: "availability", invariant: "availability of writes", ok, violations: ok ? 0 : 1, ...(ok ? {} : { first: `no write for ${gap} ms` }), metrics: { longestGapMs: gap } }],
    simulatedMs: 1000,
    faults: 2,
    traceHash: `sha256:${seed}`,
  };
}

describe("sweep", () => {
  it("parses seed ranges and lists, and refuses nonsense", () => {
    expect(parseSeeds("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds("7")).toEqual([7]);
    expect(parseSeeds("1,4,9..10")).toEqual([1, 4, 9, 10]);
    expect(() => parseSeeds("5..1")).toThrow("--seeds: the range 5..1 ends before it starts");
    expect(() => parseSeeds("a..b")).toThrow(/expected a range such as 1\.\.500/);
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(() => parseShard("0/4")).toThrow(/1 <= INDEX <= COUNT/);
  });

  it("splits seeds into shards that cover each seed exactly once", () => {
    const seeds = parseSeeds("1..103");
    const shards = [1, 2, 3].map((index) => shardSeeds(seeds, { index, count: 3 }));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(seeds);
    expect(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length))).toBeLessThanOrEqual(1);
  });

  it("prints the same summary whatever order and grouping the results arrive in", () => {
    const results = [1, 2, 3, 4, 5, 6].map((s) => summary(s, s !== 4, s * 1000));
    const seeds = parseSeeds("1..6");
    const report = (r: SeedSummary[]) => formatSweepSummary({ file: "s.yaml", scenario: "s", seedsText: "1..6", seeds, results: r });
    const text = report(results);
    expect(report([...results].reverse())).toBe(text);
    expect(text).toContain("6 runs: 5 passed, 1 failed");
    expect(text).toMatch(/availability of writes \(availability\)\s+1\s+4/);
    expect(text).toContain("ksim run s.yaml --seed 4    # no write for 4000 ms");
    expect(text).toMatch(/availability longestGapMs\s+3500\s+3000\s+6000\s+1000\s+1\s+6000\s+6/);
    expect(report(results.slice(0, 5))).toContain("missing 1 seeds: 6");
  });

  it("round-trips shard results through msgpack and rejects other files", () => {
    const file = { format: "ksim-sweep-results", version: 1, file: "s.yaml", scenario: "s", scenarioSha256: scenarioHash("x"), seedsText: "1..2", shard: "1/1", results: [summary(1, true, 5)] } as const;
    expect(decodeSweepResults(encodeSweepResults(file), "r.msgpack")).toEqual(file);
    expect(() => decodeSweepResults(new TextEncoder().encode("hello"), "r.msgpack")).toThrow(/r\.msgpack: not a ksim sweep results file/);
  });

  it("summarizes a real run: its verdict, step failures and trace hash", () => {
    const r = runScenario(parseScenario("name: s\nsteps:\n  - run: echo hi\n    expect: {stdout: bye}\n", "s.yaml"), { seed: 9 });
    const s = summarizeRun(r, 9);
    expect(s).toMatchObject({ seed: 9, passed: false, failedSteps: ["step 1"], checks: [], traceHash: r.traceHash });
  });
});

const manifests = `apiVersion: v1
kind: Service
metadata:
  name: zk-hs
spec:
  clusterIP: None
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zk
spec:
  # the policy under comparison
  podManagementPolicy: OrderedReady
  replicas: 3
`;

describe("compare", () => {
  const file = parseScenario(`name: z\nfiles:\n  zk.yaml: |\n${manifests.replace(/^/gm, "    ")}\nsteps:\n  - run: cat zk.yaml\n`, "z.yaml");

  it("sets one field of one object in the scenario's manifests, keeping the rest as written", () => {
    const v = parseVary("statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel");
    expect(v).toMatchObject({ kind: "StatefulSet", name: "zk", path: ["spec", "podManagementPolicy"], values: ["OrderedReady", "Parallel"] });
    const text = applyVariant(file, v, "Parallel", () => undefined).files!["zk.yaml"] as string;
    expect(text).toBe(manifests.replace("OrderedReady", "Parallel"));
    const replicas = applyVariant(file, parseVary("sts/zk:spec.replicas=3,5"), "5", () => undefined).files!["zk.yaml"] as string;
    expect(replicas).toContain("replicas: 5\n");
    const run = runScenario(applyVariant(file, v, "Parallel", () => undefined));
    expect(run.transcript).toContain("podManagementPolicy: Parallel");
  });

  it("names what it cannot vary", () => {
    expect(() => applyVariant(file, parseVary("statefulset/web:spec.replicas=1,2"), "2", () => undefined)).toThrow('--vary: no StatefulSet named "web" in the scenario\'s files');
    expect(() => parseVary("widget/zk:spec.x=1,2")).toThrow(VaryError);
    expect(() => parseVary("statefulset/zk:spec.replicas=3")).toThrow("--vary: give at least two values to compare");
  });

  it("tabulates each variant's figures and violations", () => {
    const results = [
      ...[1, 2, 3].map((s) => summary(s, true, s * 100, "podManagementPolicy=OrderedReady")),
      ...[1, 2, 3].map((s) => summary(s, s !== 2, s * 10, "podManagementPolicy=Parallel")),
    ];
    const text = formatComparison({
      file: "z.yaml",
      scenario: "z",
      seedsText: "1..3",
      vary: "statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel",
      variants: ["podManagementPolicy=OrderedReady", "podManagementPolicy=Parallel"],
      results,
    });
    expect(text).toMatch(/availability longestGapMs\s+mean\s+p50\s+p95\s+max\n\s+podManagementPolicy=OrderedReady\s+200\s+200\s+300\s+300\n\s+podManagementPolicy=Parallel\s+20\s+20\s+30\s+30\n/);
    expect(text).toMatch(/availability\s+0\/3\s+1\/3\n/);
  });
});
