import { readFileSync } from "node:fs";
import { decodeSweepResults, formatSweepSummary, parseSeeds, SweepFileError, type SeedSummary, type SweepResultsFile } from "@ksim/scenario";
import { Effect } from "effect";
import { Argument, Command } from "effect/cli";

export const mergeCommand = Command.make("merge", { files: Argument.String("results").pipe(Argument.variadic({ min: 1 })) }, ({ files }) =>
  Effect.sync(() => {
    process.exitCode = merge(files);
  }),
).pipe(Command.withDescription("combine the results files of a sharded sweep (--out) into its summary"));

function merge(paths: readonly string[]): number {
  const files: SweepResultsFile[] = [];
  try {
    for (const p of paths) files.push(decodeSweepResults(readFileSync(p), p));
  } catch (e) {
    if (e instanceof SweepFileError) process.stderr.write(`ksim: ${e.message}\n`);
    else process.stderr.write(`ksim: ${(e as Error).message}\n`);
    return 2;
  }
  const first = files[0]!;
  for (const [i, f] of files.entries()) {
    if (f.scenarioSha256 !== first.scenarioSha256 || f.seedsText !== first.seedsText) {
      process.stderr.write(`ksim: ${paths[i]} is from another sweep (${f.file}, seeds ${f.seedsText}) than ${paths[0]} (${first.file}, seeds ${first.seedsText})\n`);
      return 2;
    }
  }
  const bySeed = new Map<number, SeedSummary>();
  for (const f of files) for (const r of f.results) bySeed.set(r.seed, r);
  const results = [...bySeed.values()];
  const seeds = parseSeeds(first.seedsText);
  process.stdout.write(formatSweepSummary({ file: first.file, scenario: first.scenario, seedsText: first.seedsText, seeds, results }));
  const complete = seeds.every((s) => bySeed.has(s));
  return results.some((r) => !r.passed) || !complete ? 1 : 0;
}
