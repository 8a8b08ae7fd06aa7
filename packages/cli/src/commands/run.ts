import { writeFileSync } from "node:fs";
import { bundledUrl } from "@ksim/kube";
import { applyEdits, ClusterStartError, parseSet, renderRunReport, runReportData, runScenario, ScenarioError, VaryError } from "@ksim/scenario";
import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";
import { formatSimulated } from "../format.js";
import { loadScenario } from "../scenario-file.js";
import { openTrace } from "../trace-file.js";

const seedFlag = Flag.String("seed").pipe(Flag.withDescription("seed for this run (overrides the file's)"), Flag.optional);
const traceFlag = Flag.String("trace").pipe(Flag.withDescription("write the msgpack trace to this file"), Flag.optional);
const setFlag = Flag.String("set").pipe(
  Flag.withDescription("set a field of the scenario's manifests: TYPE/NAME:FIELD.PATH=VALUE (repeatable)"),
  Flag.atLeast(0),
);
const reportFlag = Flag.String("report").pipe(Flag.withDescription("write an HTML report (timeline of nodes, pods, faults, roles, workloads) to this file"), Flag.optional);

export const runCommand = Command.make(
  "run",
  { file: Argument.String("file"), seed: seedFlag, trace: traceFlag, report: reportFlag, set: setFlag },
  ({ file, seed, trace, report, set }) =>
    Effect.sync(() => {
      process.exitCode = runFile(file, {
        seed: seed._tag === "Some" ? seed.value : undefined,
        trace: trace._tag === "Some" ? trace.value : undefined,
        report: report._tag === "Some" ? report.value : undefined,
        set,
      });
    }),
).pipe(Command.withDescription("run a scenario file: its steps, its expectations, a summary with the trace hash"));

/** Exit status: 0 when every expectation held, 1 when one failed, 2 for a bad file. */
export interface RunFileOptions {
  readonly seed?: string | undefined;
  readonly trace?: string | undefined;
  readonly report?: string | undefined;
  /** `TYPE/NAME:FIELD.PATH=VALUE` edits to the scenario's manifests. */
  readonly set?: readonly string[];
}

export function runFile(file: string, options: RunFileOptions = {}): number {
  const { seed: seedText, trace: tracePath, report: reportPath } = options;
  const loaded = loadScenario(file);
  if (typeof loaded === "number") return loaded;
  let scenario = loaded.scenario;
  try {
    const edits = (options.set ?? []).map(parseSet);
    if (edits.length > 0) scenario = applyEdits(scenario, edits, bundledUrl, "--set");
  } catch (e) {
    if (!(e instanceof VaryError)) throw e;
    process.stderr.write(`ksim: ${e.message}\n`);
    return 2;
  }
  const seed = seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  const trace = openTrace(tracePath);
  const started = process.hrtime.bigint();
  let result;
  try {
    result = runScenario(scenario, {
      ...(seed !== undefined ? { seed } : {}),
      ...(trace !== undefined ? { trace: trace.trace } : {}),
      onOutput: (t) => process.stdout.write(t),
      record: reportPath !== undefined,
    });
  } catch (e) {
    if (!(e instanceof ScenarioError || e instanceof ClusterStartError)) throw e;
    process.stderr.write(`\nksim: ${file}: ${e.message}\n`);
    return 2;
  } finally {
    trace?.close();
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (reportPath !== undefined) {
    writeFileSync(reportPath, renderRunReport(runReportData(result.name, result.seed, result.passed, result.traceHash, result.checks, result.timeline!)));
  }
  const failed = result.steps.filter((s) => s.failures.length > 0);
  for (const s of failed) {
    process.stderr.write(`\nksim: step ${s.index + 1} failed${s.name ? ` (${s.name})` : ""}: ${s.command.trim().split("\n")[0]}\n`);
    for (const f of s.failures) process.stderr.write(`  ${f.replace(/\n/g, "\n  ")}\n`);
  }
  const violated = result.checks.filter((c) => !c.result.ok);
  for (const c of violated) {
    process.stderr.write(`\nksim: invariant violated: ${c.result.invariant} (check ${c.type}, seed ${result.seed})\n`);
    for (const v of c.result.violations.slice(0, 3)) process.stderr.write(`  ${v.message}\n`);
  }
  const problems = [
    ...(failed.length > 0 ? [`${failed.length} of ${result.steps.length} steps`] : []),
    ...(violated.length > 0 ? [`${violated.length} of ${result.checks.length} checks`] : []),
  ];
  const verdict = result.passed ? "passed" : `FAILED (${problems.join(", ")})`;
  const checks = result.checks.length > 0 ? `, ${result.checks.length} checks` : "";
  process.stdout.write(
    `\nksim: ${result.name} ${verdict}: ${result.steps.length} steps${checks}, seed ${result.seed}, ` +
      `${formatSimulated(result.simulatedMs)} simulated in ${wall.toFixed(2)}s, trace=${result.traceHash}\n`,
  );
  if (!result.passed) process.stderr.write(`ksim: reproduce with: ksim run ${file} --seed ${result.seed}${(options.set ?? []).map((s) => ` --set ${shellQuote(s)}`).join("")}\n`);
  return result.passed ? 0 : 1;
}

/** A word as the user would type it back into a shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
