import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  encodeSweepResults,
  formatSweepSummary,
  parseSeeds,
  parseShard,
  renderSweepReport,
  scenarioHash,
  shardSeeds,
  type SeedSummary,
} from "@ksim/scenario";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";
import { Progress } from "../progress.js";
import { loadScenario } from "../scenario-file.js";
import { runJobs } from "../sweep/pool.js";
import { emitJob } from "../sweep/emit-job.js";

const options = {
  file: Argument.String("file"),
  seeds: Flag.String("seeds").pipe(Flag.withDescription("seeds to run: 1..500, 7, 1,4,9"), Flag.withDefault("1..100")),
  workers: Flag.Int("workers").pipe(Flag.withDescription("worker threads (default: one per core)"), Flag.optional),
  shard: Flag.String("shard").pipe(Flag.withDescription("run only slice INDEX of COUNT, e.g. 2/4"), Flag.optional),
  report: Flag.String("report").pipe(Flag.withDescription("write an HTML report (distributions per metric) to this file"), Flag.optional),
  out: Flag.String("out").pipe(Flag.withDescription("write the results (msgpack) for `ksim merge`"), Flag.optional),
  emitJob: Flag.Boolean("emit-job").pipe(Flag.withDescription("print a Kubernetes Indexed Job that runs the sweep's shards instead of running it"), Flag.withDefault(false)),
  shards: Flag.Int("shards").pipe(Flag.withDescription("with --emit-job: how many shards (pods)"), Flag.withDefault(4)),
  image: Flag.String("image").pipe(Flag.withDescription("with --emit-job: an image with ksim installed"), Flag.withDefault("ksim:0.1.0")),
};

export const sweepCommand = Command.make("sweep", options, (o) =>
  Effect.promise(async () => {
    process.exitCode = await sweep({
      file: o.file,
      seeds: o.seeds,
      workers: o.workers._tag === "Some" ? o.workers.value : availableParallelism(),
      shard: o.shard._tag === "Some" ? o.shard.value : undefined,
      out: o.out._tag === "Some" ? o.out.value : undefined,
      report: o.report._tag === "Some" ? o.report.value : undefined,
      emitJob: o.emitJob,
      shards: o.shards,
      image: o.image,
    });
  }),
).pipe(Command.withDescription("run a scenario over many seeds in parallel and summarize: failures per invariant, worst figures, reproduce commands"));

interface SweepOptions {
  readonly file: string;
  readonly seeds: string;
  readonly workers: number;
  readonly shard: string | undefined;
  readonly out: string | undefined;
  readonly report: string | undefined;
  readonly emitJob: boolean;
  readonly shards: number;
  readonly image: string;
}

async function sweep(o: SweepOptions): Promise<number> {
  const loaded = loadScenario(o.file);
  if (typeof loaded === "number") return loaded;
  let seeds: number[];
  let shard;
  try {
    seeds = parseSeeds(o.seeds);
    shard = o.shard === undefined ? undefined : parseShard(o.shard);
  } catch (e) {
    process.stderr.write(`ksim: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.emitJob) {
    process.stdout.write(emitJob({ file: o.file, text: loaded.text, scenario: loaded.scenario.name, seedsText: o.seeds, shards: o.shards, image: o.image }));
    return 0;
  }
  const mine = shard === undefined ? seeds : shardSeeds(seeds, shard);
  const progress = new Progress(mine.length, "seeds");
  let failed = 0;
  const results: SeedSummary[] = await runJobs(
    { fileText: loaded.text, fileName: o.file },
    mine.map((seed) => ({ seed })),
    {
      workers: o.workers,
      entry: workerEntry(),
      onResult: (s, done) => {
        if (!s.passed) failed++;
        progress.update(done, failed);
      },
    },
  );
  progress.end();
  if (o.out !== undefined) {
    writeFileSync(
      o.out,
      encodeSweepResults({
        format: "ksim-sweep-results",
        version: 1,
        file: o.file,
        scenario: loaded.scenario.name,
        scenarioSha256: scenarioHash(loaded.text),
        seedsText: o.seeds,
        shard: o.shard ?? "1/1",
        results,
      }),
    );
  }
  const report = { file: o.file, scenario: loaded.scenario.name, seedsText: shard === undefined ? o.seeds : `${o.seeds} (shard ${o.shard})`, seeds: mine, results };
  process.stdout.write(formatSweepSummary(report));
  if (o.report !== undefined) writeFileSync(o.report, renderSweepReport(report));
  process.stderr.write(`ksim: ${mine.length} seeds in ${progress.seconds.toFixed(1)}s wall on ${Math.min(o.workers, mine.length)} worker(s)\n`);
  return failed > 0 ? 1 : 0;
}

/**
 * Worker threads start in the CLI's own entry: in the bundle every module shares its URL;
 * from source (under tsx) it is main.ts beside this folder.
 */
export function workerEntry(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("../main.ts", import.meta.url) : new URL(import.meta.url);
}
