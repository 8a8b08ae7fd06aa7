export interface BenchResult {
  /** Human-readable lines. */
  readonly text: string;
  /** The one-line JSON record `--json` prints. */
  readonly json: Record<string, unknown>;
}

export interface Bench {
  readonly name: string;
  run(): BenchResult | Promise<BenchResult>;
}

/** Wall-clock seconds taken by fn (benchmarks may read real time; the simulation may not). */
export function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Runs `ours` and `baseline` alternately `rounds` times after a warm-up and keeps the fastest
 * run of each: alternating spreads machine noise over both, the minimum discards interruptions.
 */
export function compare(rounds: number, ours: () => void, baseline: () => void): { ours: number; baseline: number } {
  ours();
  baseline();
  let best = { ours: Infinity, baseline: Infinity };
  for (let i = 0; i < rounds; i++) {
    best = {
      baseline: Math.min(best.baseline, timeIt(baseline)),
      ours: Math.min(best.ours, timeIt(ours)),
    };
  }
  return best;
}

export function fmtRate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)}M/s` : `${(perSec / 1e3).toFixed(1)}k/s`;
}
