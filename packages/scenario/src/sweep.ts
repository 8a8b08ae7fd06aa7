import type { ScenarioResult } from "./runner.js";

/**
 * What a sweep keeps of one run: enough for the summary, the comparison tables and the
 * reproduce commands, small enough to pass between threads and store per shard. No wall-clock
 * times: a summary must not depend on how many workers or shards produced it.
 */
export interface SeedSummary {
  readonly seed: number;
  /** The variant of a comparison, `PATH=VALUE`; undefined in a sweep. */
  readonly variant?: string;
  readonly passed: boolean;
  /** Steps whose expectations failed: `step 3 (drain node-1)`. */
  readonly failedSteps: readonly string[];
  readonly checks: readonly CheckSummary[];
  readonly simulatedMs: number;
  readonly faults: number;
  readonly traceHash: string;
}

export interface CheckSummary {
  readonly type: string;
  readonly invariant: string;
  readonly ok: boolean;
  readonly violations: number;
  /** The first violation's message, for the failure list. */
  readonly first?: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export function summarizeRun(result: ScenarioResult, seed: number, variant?: string): SeedSummary {
  return {
    seed,
    ...(variant !== undefined ? { variant } : {}),
    passed: result.passed,
    failedSteps: result.steps.filter((s) => s.failures.length > 0).map((s) => `step ${s.index + 1}${s.name ? ` (${s.name})` : ""}`),
    checks: result.checks.map((c) => ({
      type: c.type,
      invariant: c.result.invariant,
      ok: c.result.ok,
      violations: c.result.violations.length,
      ...(c.result.violations[0] !== undefined ? { first: c.result.violations[0].message } : {}),
      metrics: c.result.metrics,
    })),
    simulatedMs: result.simulatedMs,
    faults: result.faults.length,
    traceHash: result.traceHash,
  };
}

/** `1..500`, `3`, `1,4,9`, `1..10,20..30`: the seeds, in the order given. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(part);
    if (m === null) throw new RangeError(`--seeds: expected a range such as 1..500 or a list such as 1,4,9, got ${JSON.stringify(text)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new RangeError(`--seeds: the range ${part.trim()} ends before it starts`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const shard = m === null ? undefined : { index: Number(m[1]), count: Number(m[2]) };
  if (shard === undefined || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw new RangeError(`--shard: expected INDEX/COUNT with 1 <= INDEX <= COUNT, such as 1/4, got ${JSON.stringify(text)}`);
  }
  return shard;
}

/** Every COUNT-th seed from the INDEX-th: slices of similar cost when cost grows with the seed's position. */
export function shardSeeds(seeds: readonly number[], shard: Shard): number[] {
  return seeds.filter((_, i) => i % shard.count === shard.index - 1);
}

export interface Stats {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly minSeed: number;
  readonly maxSeed: number;
}

/** Nearest-rank percentiles, so every figure is one a run really produced. */
export function stats(values: readonly { seed: number; value: number }[]): Stats {
  const sorted = [...values].sort((a, b) => a.value - b.value || a.seed - b.seed);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!.value;
  return {
    n: sorted.length,
    mean: sorted.reduce((s, v) => s + v.value, 0) / sorted.length,
    p50: rank(0.5),
    p95: rank(0.95),
    min: sorted[0]!.value,
    max: sorted[sorted.length - 1]!.value,
    minSeed: sorted[0]!.seed,
    maxSeed: sorted[sorted.length - 1]!.seed,
  };
}

/** Figures per `check metric`, in the order checks first report them. */
export function metricsOf(results: readonly SeedSummary[]): Map<string, { seed: number; value: number }[]> {
  const out = new Map<string, { seed: number; value: number }[]>();
  for (const r of results) {
    for (const c of r.checks) {
      for (const [name, value] of Object.entries(c.metrics)) {
        const key = `${c.type} ${name}`;
        const list = out.get(key) ?? [];
        list.push({ seed: r.seed, value });
        out.set(key, list);
      }
    }
  }
  return out;
}

/** The invariants that failed, each with the seeds that broke it (steps count as invariants too). */
export function failuresOf(results: readonly SeedSummary[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (what: string, seed: number) => out.set(what, [...(out.get(what) ?? []), seed]);
  for (const r of results) {
    for (const s of r.failedSteps) add(`${s}: expectations`, r.seed);
    for (const c of r.checks) if (!c.ok) add(`${c.invariant} (${c.type})`, r.seed);
  }
  return out;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** Left-aligned first column, right-aligned figures, two spaces between columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd() + "\n").join("");
}

export interface SweepReport {
  /** The scenario file as given on the command line (for reproduce commands). */
  readonly file: string;
  readonly scenario: string;
  readonly seedsText: string;
  /** The seeds that should have run (the whole range, even when merged from shards). */
  readonly seeds: readonly number[];
  readonly results: readonly SeedSummary[];
}

/** The summary `ksim sweep` and `ksim merge` print: the same text whatever produced the results. */
export function formatSweepSummary(report: SweepReport): string {
  const results = [...report.results].sort((a, b) => a.seed - b.seed);
  const have = new Set(results.map((r) => r.seed));
  const missing = report.seeds.filter((s) => !have.has(s));
  const failed = results.filter((r) => !r.passed);
  let out = `sweep of ${report.scenario} (${report.file}), seeds ${report.seedsText}\n`;
  out += `${results.length} runs: ${results.length - failed.length} passed, ${failed.length} failed\n`;
  if (missing.length > 0) out += `missing ${missing.length} seeds: ${abbreviate(missing)}\n`;

  const failures = failuresOf(results);
  if (failures.size > 0) {
    out += `\nfailures by invariant:\n`;
    out += table([["invariant", "seeds", "first seeds"], ...[...failures].map(([what, seeds]) => [what, String(seeds.length), abbreviate(seeds)])]);
  }
  const metrics = metricsOf(results);
  if (metrics.size > 0) {
    out += `\nfigures:\n`;
    const rows = [["metric", "mean", "p50", "p95", "min", "(seed)", "max", "(seed)"]];
    for (const [name, values] of metrics) {
      const s = stats(values);
      rows.push([name, formatNumber(s.mean), formatNumber(s.p50), formatNumber(s.p95), formatNumber(s.min), String(s.minSeed), formatNumber(s.max), String(s.maxSeed)]);
    }
    out += table(rows);
  }
  if (failed.length > 0) {
    out += `\nreproduce:\n`;
    const shown = failed.slice(0, 20);
    const width = Math.max(...shown.map((r) => String(r.seed).length));
    for (const r of shown) {
      const why = [...r.failedSteps, ...r.checks.filter((c) => !c.ok).map((c) => c.first ?? c.invariant)];
      out += `  ksim run ${report.file} --seed ${String(r.seed).padEnd(width)}    # ${why[0] ?? "failed"}\n`;
    }
    if (failed.length > 20) out += `  … and ${failed.length - 20} more failing seeds\n`;
  }
  return out;
}

/** `1, 2, 5, … (14 in all)`: the first few of a list. */
export function abbreviate(seeds: readonly number[], first = 8): string {
  return seeds.length <= first ? seeds.join(", ") : `${seeds.slice(0, first).join(", ")}, … (${seeds.length} in all)`;
}
