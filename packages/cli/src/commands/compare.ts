import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { formatComparison, parseSeeds, renderComparisonReport, parseVary, variantLabel, VaryError } from "@ksim/scenario";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";
import { Progress } from "../progress.js";
import { runJobs } from "../sweep/pool.js";
import { loadScenario } from "../scenario-file.js";
import { workerEntry } from "./sweep.js";

const options = {
  file: Argument.String("file"),
  vary: Flag.String("vary").pipe(Flag.withDescription("TYPE/NAME:FIELD.PATH=VALUE,VALUE… e.g. statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel")),
  seeds: Flag.String("seeds").pipe(Flag.withDescription("seeds each variant runs: 1..30"), Flag.withDefault("1..30")),
  workers: Flag.Int("workers").pipe(Flag.withDescription("worker threads (default: one per core)"), Flag.optional),
  report: Flag.String("report").pipe(Flag.withDescription("write an HTML report (distributions per metric and variant) to this file"), Flag.optional),
};

export const compareCommand = Command.make("compare", options, (o) =>
  Effect.promise(async () => {
    process.exitCode = await compare(o.file, o.vary, o.seeds, o.workers._tag === "Some" ? o.workers.value : availableParallelism(), o.report._tag === "Some" ? o.report.value : undefined);
  }),
).pipe(Command.withDescription("run variants of a scenario on the same seeds and faults; tables per metric and invariant"));

async function compare(file: string, vary: string, seedsText: string, workers: number, reportPath: string | undefined): Promise<number> {
  const loaded = loadScenario(file);
  if (typeof loaded === "number") return loaded;
  let seeds: number[];
  let variation;
  try {
    seeds = parseSeeds(seedsText);
    variation = parseVary(vary);
  } catch (e) {
    if (!(e instanceof VaryError) && !(e instanceof RangeError)) throw e;
    process.stderr.write(`ksim: ${e.message}\n`);
    return 2;
  }
  const jobs = variation.values.flatMap((value) => seeds.map((seed) => ({ seed, value })));
  const progress = new Progress(jobs.length, "runs");
  let failed = 0;
  const results = await runJobs({ fileText: loaded.text, fileName: file, vary }, jobs, {
    workers,
    entry: workerEntry(),
    onResult: (s, done) => {
      if (!s.passed) failed++;
      progress.update(done, failed);
    },
  });
  progress.end();
  const report = { file, scenario: loaded.scenario.name, seedsText, vary, variants: variation.values.map((v) => variantLabel(variation, v)), results };
  process.stdout.write(formatComparison(report));
  if (reportPath !== undefined) writeFileSync(reportPath, renderComparisonReport(report));
  process.stderr.write(`ksim: ${jobs.length} runs in ${progress.seconds.toFixed(1)}s wall\n`);
  return 0;
}
