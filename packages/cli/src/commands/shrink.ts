import { writeFileSync } from "node:fs";
import { shrink, ShrinkError } from "@ksim/scenario";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";
import { stringify } from "yaml";
import { loadScenario } from "../scenario-file.js";

const options = {
  file: Argument.String("file"),
  seed: Flag.String("seed").pipe(Flag.withDescription("the failing seed")),
  out: Flag.String("out").pipe(Flag.withDescription("where to write the shrunk scenario (default: FILE with .shrunk-SEED.yaml)"), Flag.optional),
  maxRuns: Flag.Int("max-runs").pipe(Flag.withDescription("give up searching after this many runs"), Flag.withDefault(200)),
};

export const shrinkCommand = Command.make("shrink", options, (o) =>
  Effect.sync(() => {
    process.exitCode = shrinkFile(o.file, o.seed, o.out._tag === "Some" ? o.out.value : undefined, o.maxRuns);
  }),
).pipe(Command.withDescription("find a smaller fault schedule that still fails a seed's invariant, and write it as a scenario with explicit faults"));

function shrinkFile(file: string, seedText: string, out: string | undefined, maxRuns: number): number {
  const loaded = loadScenario(file);
  if (typeof loaded === "number") return loaded;
  const seed = /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  let r;
  try {
    r = shrink(loaded.scenario, { seed, maxRuns, onProgress: (m) => process.stderr.write(`ksim: ${m}\n`) });
  } catch (e) {
    if (!(e instanceof ShrinkError)) throw e;
    process.stderr.write(`ksim: ${file}: ${e.message}\n`);
    return 1;
  }
  const target = out ?? file.replace(/(\.ya?ml)?$/, `.shrunk-${seed}.yaml`);
  writeFileSync(target, `# ${r.invariant} (check ${r.check}) fails with these ${r.faults} faults (shrunk from ${r.originalFaults} in ${r.runs} runs).\n${stringify(r.scenario, { lineWidth: 0 })}`);
  process.stdout.write(`ksim: ${r.invariant} still violated with ${r.faults} of ${r.originalFaults} faults (${r.runs} runs)\nksim: wrote ${target}; run it with: ksim run ${target}\n`);
  return 0;
}
