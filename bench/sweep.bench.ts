import { readFileSync } from "node:fs";
import { BUNDLE, bundleIsFresh, buildBundle } from "../packages/cli/build-bundle.mjs";
import { runJobs } from "../packages/cli/src/sweep/pool.js";
import type { Bench } from "./harness.js";

const SCENARIO = "scenarios/zookeeper/drain-under-pdb.yaml";
const SEEDS = Number(process.env.SEEDS ?? 12);

/** Seeds per minute of a sweep of `workers` threads (the CLI's own pool and worker entry). */
async function seedsPerMinute(workers: number): Promise<{ perMinute: number; passed: number }> {
  const setup = { fileText: readFileSync(SCENARIO, "utf8"), fileName: SCENARIO };
  const jobs = Array.from({ length: SEEDS }, (_, i) => ({ seed: i + 1 }));
  const t0 = process.hrtime.bigint();
  // Both sides run on worker threads, so thread start-up is in both measurements.
  const results = await runJobs(setup, jobs, { workers, entry: new URL(BUNDLE), threads: true });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perMinute: (SEEDS / seconds) * 60, passed: results.filter((r) => r.passed).length };
}

export const sweepBench: Bench = {
  name: "sweep",
  async run() {
    if (!bundleIsFresh()) await buildBundle();
    const one = await seedsPerMinute(1);
    const two = await seedsPerMinute(2);
    const ratio = two.perMinute / one.perMinute;
    return {
      text:
        `sweep: ${SEEDS} seeds of ${SCENARIO}\n` +
        `  1 worker:  ${one.perMinute.toFixed(1)} seeds/min\n` +
        `  2 workers: ${two.perMinute.toFixed(1)} seeds/min\n` +
        `  ratio ${ratio.toFixed(2)} (aim >= 1.7 on 2 cores)`,
      json: { name: "sweep", seeds: SEEDS, oneWorkerPerMin: Number(one.perMinute.toFixed(1)), twoWorkersPerMin: Number(two.perMinute.toFixed(1)), ratio: Number(ratio.toFixed(3)) },
    };
  },
};
