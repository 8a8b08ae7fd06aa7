import { formatNumber, metricsOf, stats, table, type SeedSummary } from "./sweep.js";

export interface ComparisonReport {
  readonly file: string;
  readonly scenario: string;
  readonly seedsText: string;
  readonly vary: string;
  /** Variant labels in the order given. */
  readonly variants: readonly string[];
  readonly results: readonly SeedSummary[];
}

/**
 * `ksim compare`'s tables: per metric, each variant's mean, p50, p95 and max over the same
 * seeds (and so the same faults); per invariant, how many seeds each variant failed.
 */
export function formatComparison(report: ComparisonReport): string {
  const byVariant = new Map(report.variants.map((v) => [v, [...report.results.filter((r) => r.variant === v)].sort((a, b) => a.seed - b.seed)]));
  let out = `comparison of ${report.scenario} (${report.file}), seeds ${report.seedsText}, varying ${report.vary}\n`;
  const metricNames = [...metricsOf(report.results).keys()];
  for (const name of metricNames) {
    const rows = [[name, "mean", "p50", "p95", "max"]];
    for (const [variant, results] of byVariant) {
      const values = metricsOf(results).get(name);
      if (values === undefined || values.length === 0) rows.push([`  ${variant}`, "-", "-", "-", "-"]);
      else {
        const s = stats(values);
        rows.push([`  ${variant}`, formatNumber(s.mean), formatNumber(s.p50), formatNumber(s.p95), formatNumber(s.max)]);
      }
    }
    out += `\n${table(rows)}`;
  }
  const invariants = new Map<string, string>();
  for (const r of report.results) for (const c of r.checks) invariants.set(c.type, c.invariant);
  const rows = [["invariant (seeds violating)", ...report.variants]];
  for (const [type] of invariants) {
    rows.push([type, ...[...byVariant.values()].map((results) => `${results.filter((r) => r.checks.some((c) => c.type === type && !c.ok)).length}/${results.length}`)]);
  }
  rows.push(["step expectations", ...[...byVariant.values()].map((results) => `${results.filter((r) => r.failedSteps.length > 0).length}/${results.length}`)]);
  out += `\n${table(rows)}`;
  return out;
}
