import { bundledUrl, CommandTimeout, goDuration, ImageLayer, stringInput, WORKSTATION_HOME, type InputStream, type OutputStream } from "@ksim/kube";
import { DEFAULT_START_EPOCH_MS, Future, spawn, type CheckResult, type Proc, type Trace, type TraceEvent, type Waitable } from "@ksim/sim";
import { createEnvironment, type Environment } from "./environment.js";
import { checkExpectation, type StepOutput } from "./expect.js";
import { durationMs, type CheckFile, type ScenarioFile, type ScenarioStep } from "./file.js";
import { nemesisCommand, planNemesis } from "./faults/nemesis.js";
import { runFaults, type TimedFault } from "./faults/schedule.js";
import { ParamError, type CheckContext, type PluginRegistry, type Workload, type WorkloadContext, type WorkloadRun } from "./plugins.js";
import { standardPlugins } from "./plugins/index.js";
import { TimelineRecorder, type Timeline } from "./report/timeline.js";
import { entryText } from "./vary.js";
import { ReadinessRecorder, type ReadinessPoint } from "./readiness.js";

export interface RunOptions {
  /** Overrides the file's seed. */
  readonly seed?: number | string;
  readonly trace?: Trace;
  /** Receives the transcript as it is produced (the CLI prints it live). */
  readonly onOutput?: (text: string) => void;
  /** Workloads and checks scenarios may name (default: every bundled application's). */
  readonly plugins?: PluginRegistry;
  /** Record the timeline a report draws (pods per node, faults, roles, workload figures). */
  readonly record?: boolean;
  /** Trace event prefixes to keep for checks run afterwards with `result.check` (zk., cassandra., …). */
  readonly events?: readonly string[];
}

export interface StepResult extends StepOutput {
  readonly index: number;
  readonly name: string | undefined;
  /** The step as the transcript shows it: its commands, or `workload writes (zookeeper)`. */
  readonly command: string;
  readonly failures: readonly string[];
  /** Simulated milliseconds at the start and end of the step. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface CheckOutcome {
  readonly type: string;
  readonly result: CheckResult;
}

/** A fault a faults or nemesis step ran. */
export interface FiredFault {
  /** Simulated ms. */
  readonly at: number;
  readonly command: string;
  /** The step that ran it, and when after that step began. */
  readonly step: number;
  readonly offset: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly seed: number | string;
  readonly passed: boolean;
  readonly steps: readonly StepResult[];
  readonly checks: readonly CheckOutcome[];
  /** Every workload that ran, with its history and the window it ran in. */
  readonly workloads: ReadonlyMap<string, WorkloadRun>;
  /** Each StatefulSet's Ready pods over the run, by `namespace/name`. */
  readonly readiness: ReadonlyMap<string, readonly ReadinessPoint[]>;
  /** Every fault command a faults or nemesis step ran, in order. */
  readonly faults: readonly FiredFault[];
  readonly simulatedMs: number;
  readonly traceHash: string;
  readonly transcript: string;
  readonly environment: Environment;
  /** With `record`: what happened when, for reports. */
  readonly timeline?: Timeline;
  /**
   * Runs a check the scenario did not list, on this run's data (event-based checks need their
   * events kept: RunOptions.events). Throws ScenarioError for an unknown type or bad parameters.
   */
  check(type: string, params?: Readonly<Record<string, unknown>>): CheckResult;
}

/** A step that has not finished after this much simulated time is stuck: the run stops there. */
const STEP_LIMIT_MS = 24 * 3_600_000;

/** The address of the machine workloads run their clients on (inside the pod network). */
const LOAD_CLIENT_IP = "10.250.0.10";

/** A scenario that cannot run as written (a workload or check misconfigured). */
export class ScenarioError extends Error {
  override name = "ScenarioError";
}

/**
 * Runs a scenario: a fresh cluster and workstation from the seed, each step in turn (commands
 * typed into one shell session, workloads started and stopped, faults injected), every
 * expectation checked, then the checks' verdicts. The transcript shows each command after
 * `$ ` (continuation lines after `> `), faults after their time, and what everything printed.
 */
export function runScenario(file: ScenarioFile, options: RunOptions = {}): ScenarioResult {
  const seed = options.seed ?? file.seed ?? 1;
  const plugins = options.plugins ?? standardPlugins();
  const startEpochMs = file.start !== undefined ? Date.parse(file.start) : undefined;
  const env = createEnvironment({
    seed,
    ...(file.cluster?.nodes !== undefined ? { nodes: file.cluster.nodes } : {}),
    ...(file.cluster?.zones !== undefined ? { zones: file.cluster.zones } : {}),
    ...(startEpochMs !== undefined ? { startEpochMs } : {}),
    ...(options.trace !== undefined ? { trace: options.trace } : {}),
    ...(file.files !== undefined ? { userFiles: scenarioFiles(file.files, startEpochMs) } : {}),
  });
  const { cluster, workstation } = env;
  const sim = cluster.sim;
  const start = sim.now;
  let transcript = "";
  // Whether the transcript is empty or ends a line. Kept as text is added: asking the transcript,
  // a rope of many appended pieces, would flatten it into one copy on every command.
  let atLineStart = true;
  const emit = (text: string) => {
    transcript += text;
    if (text !== "") atLineStart = text.endsWith("\n");
    options.onOutput?.(text);
  };
  // Commands, notes and faults start on a line of their own, even after output without a newline.
  const emitLine = (text: string) => emit(atLineStart ? text : `\n${text}`);
  const label = () => `+${goDuration(sim.now - start)}`;
  let current = { stdout: "", stderr: "", output: "" };
  const sink = (stream: "stdout" | "stderr"): OutputStream => ({
    write(chunk) {
      current[stream] += chunk;
      current.output += chunk;
      emit(chunk);
    },
    close() {},
  });
  const stdin = new SwitchableInput();
  const session = workstation.session({
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    stdin,
    onCommand: (source) => emitLine(`$ ${source.replace(/\n/g, "\n> ")}\n`),
  });
  const client = cluster.network.addHost("load-client", LOAD_CLIENT_IP);
  const workloadContext: WorkloadContext = { cluster, sim, client, resolve: (name) => cluster.dns.resolve(name, "default") };

  // Checks that watch the run, and the trace events checks read, are set up before anything runs.
  const checks = (file.checks ?? []).map((c) => ({ spec: c, plugin: lookup(() => plugins.check(c.type), `checks: ${c.type}`) }));
  const events: TraceEvent[] = [];
  for (const prefix of new Set([...checks.flatMap((c) => c.plugin.events ?? []), ...(options.events ?? [])])) sim.trace.observe(prefix, (e) => events.push(e));
  const observers = checks.map((c) => (c.plugin.observe === undefined ? undefined : lookup(() => c.plugin.observe!(workloadContext, params(c.spec)), `checks: ${c.spec.type}`)));

  const recorder = options.record ? new TimelineRecorder(cluster) : undefined;
  const readiness = new ReadinessRecorder(cluster);
  const workloads = new Map<string, { type: string; workload: Workload; start: number; end?: number }>();
  const faults: FiredFault[] = [];
  const drive = (proc: Proc<void>, what: string) => {
    const task = spawn(sim, proc, what);
    sim.runWhile(() => !task.done);
    const r = task.result;
    if (r === undefined) throw new ScenarioError(`${what}: the simulation ran out of events before it finished`);
    if (!r.ok) throw "killed" in r ? new ScenarioError(`${what} was killed`) : r.error;
  };

  // The scenario itself goes into the trace, so that `ksim replay` can run it again from the trace alone.
  sim.trace.record("scenario.start", { name: file.name, seed, scenario: file });
  const results: StepResult[] = [];
  file.steps.forEach((step, index) => {
    current = { stdout: "", stderr: "", output: "" };
    // Background jobs started by the last step print what they have at this instant (a watch's
    // first listing) before this step's header, where a terminal would have shown it.
    sim.runUntil(sim.now);
    if (step.name !== undefined) emitLine(`# ${step.name}\n`);
    const startedAt = sim.now;
    let exitCode = 0;
    let command: string;
    let failures: string[] = [];
    if (step.run !== undefined) {
      command = step.run;
      stdin.use(step.stdin === undefined ? undefined : stringInput(step.stdin));
      try {
        exitCode = session.run(step.run.endsWith("\n") ? step.run : `${step.run}\n`, { limitMs: STEP_LIMIT_MS });
      } catch (e) {
        if (!(e instanceof CommandTimeout)) throw e;
        throw new ScenarioError(`steps[${index}]: still running after ${goDuration(STEP_LIMIT_MS)} of simulated time (a command waiting forever needs a --timeout): ${step.run.trim().split("\n")[0]}`);
      }
      if (step.expect !== undefined) failures = checkExpectation(step.expect, { ...current, exitCode });
    } else if (step.workload !== undefined) {
      const name = step.workload;
      command = `workload ${name} (${step.type})`;
      if (workloads.has(name)) throw new ScenarioError(`steps[${index}]: a workload named ${JSON.stringify(name)} is already running`);
      const plugin = lookup(() => plugins.workload(step.type!), `steps[${index}].type`);
      workloads.set(name, { type: plugin.type, workload: lookup(() => plugin.start(workloadContext, step.params ?? {}), `steps[${index}].params`), start: sim.now });
      emitLine(`[${label()}] workload ${name} (${step.type}) started\n`);
    } else if (step.stop !== undefined) {
      const names = typeof step.stop === "string" ? [step.stop] : step.stop;
      command = `stop ${names.join(" ")}`;
      for (const n of names) {
        const w = workloads.get(n);
        if (w === undefined || w.end !== undefined) throw new ScenarioError(`steps[${index}].stop: no workload named ${JSON.stringify(n)} is running`);
        w.workload.stop();
        w.end = sim.now;
        emitLine(`[${label()}] workload ${n} stopped\n`);
      }
    } else {
      const timed = timedFaults(env, step, index, seed);
      command = step.faults !== undefined ? "faults" : "nemesis";
      const run = {
        sim,
        workstation,
        emit,
        emitLine,
        label,
        fired: (c: string) => faults.push({ at: sim.now, command: c, step: index, offset: sim.now - startedAt }),
        // Status 2 is a command that could not be understood (chaos's usage errors, the shell's
        // syntax errors): the fault never happened, and the run must not pass as if it had.
        exited: (c: string, status: number) => {
          if (status === 2) failures.push(`fault ${JSON.stringify(c)} could not run (exit status 2)`);
        },
      };
      // A nemesis lasts its duration; a faults step at least until its `until`.
      const lasts = step.nemesis !== undefined ? durationMs(step.nemesis.duration) : step.until !== undefined ? durationMs(step.until) : 0;
      drive(runFaults(run, timed, startedAt + lasts), `steps[${index}] (${command})`);
    }
    sim.trace.record("scenario.step", { index, exitCode, failures: failures.length });
    results.push({ index, name: step.name, command, ...current, exitCode, failures, startedAt, endedAt: sim.now });
  });

  // Workloads still running stop with the steps; then each reads back what the checks need.
  const end = sim.now;
  for (const [name, w] of workloads) {
    w.workload.stop();
    w.end ??= end;
    drive(w.workload.finish(), `workload ${name}: reading back`);
  }
  const runs: ReadonlyMap<string, WorkloadRun> = new Map([...workloads].map(([name, w]) => [name, { type: w.type, workload: w.workload, history: w.workload.history, start: w.start, end: w.end! }]));
  const checkContext: CheckContext = {
    cluster,
    workloads: runs,
    events,
    start,
    end,
    faults: [...new Set([...env.faults.injectedAt, ...faults.map((f) => f.at)])].sort((a, b) => a - b),
    readiness: readiness.result(),
  };
  const outcomes: CheckOutcome[] = checks.map((c, i) => {
    const observed = observers[i];
    const result = lookup(() => (observed !== undefined ? observed(checkContext) : c.plugin.check!(checkContext, params(c.spec))), `checks: ${c.spec.type}`);
    emitLine(formatCheck(c.spec.type, result));
    return { type: c.spec.type, result };
  });
  const passed = results.every((r) => r.failures.length === 0) && outcomes.every((o) => o.result.ok);
  sim.trace.record("scenario.end", { passed });
  return {
    name: file.name,
    seed,
    passed,
    steps: results,
    checks: outcomes,
    workloads: runs,
    readiness: readiness.result(),
    faults,
    simulatedMs: sim.now,
    traceHash: sim.trace.finish(),
    transcript,
    environment: env,
    ...(recorder !== undefined ? { timeline: recorder.finish(new Map([...workloads].map(([n, w]) => [n, w.workload]))) } : {}),
    check: (type, p = {}) =>
      lookup(() => {
        const plugin = plugins.check(type);
        if (plugin.check === undefined) throw new ParamError(`${type} watches the run as it happens: list it in the scenario's checks`);
        return plugin.check(checkContext, p);
      }, `check ${type}`),
  };
}

/** A faults or nemesis step as timed commands (a nemesis draws its faults from the seed alone). */
function timedFaults(env: Environment, step: ScenarioStep, index: number, seed: number | string): TimedFault[] {
  if (step.faults !== undefined) return step.faults.map((f) => ({ atMs: durationMs(f.at), command: () => f.run, what: f.run }));
  const spec = step.nemesis!;
  const random = env.cluster.sim.random.fork(`nemesis/${index}`);
  env.cluster.sim.trace.record("scenario.nemesis", { index, seed });
  return planNemesis(spec, random).map((p) => ({ atMs: p.atMs, command: () => nemesisCommand(env.cluster, spec, p), what: p.kind }));
}

function params(check: CheckFile): Readonly<Record<string, unknown>> {
  const { type: _type, ...rest } = check;
  return rest;
}

/** Runs `fn`, turning a plug-in's parameter complaint into a ScenarioError naming where it is. */
function lookup<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ParamError) throw new ScenarioError(`${where}: ${e.message}`);
    throw e;
  }
}

function formatCheck(type: string, r: CheckResult): string {
  const metrics = Object.entries(r.metrics ?? {})
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(" ");
  const head = `check ${type}: ${r.ok ? "ok" : "FAILED"} — ${r.invariant}${metrics === "" ? "" : ` [${metrics}]`}\n`;
  return head + r.violations.slice(0, 5).map((v) => `  at ${goDuration(v.time)}: ${v.message}\n`).join("") + (r.violations.length > 5 ? `  … and ${r.violations.length - 5} more\n` : "");
}

/** The scenario's `files`, in the workstation's home directory. */
function scenarioFiles(files: NonNullable<ScenarioFile["files"]>, startEpochMs: number | undefined): ImageLayer {
  const specs: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) {
    // parseScenario has checked that every URL is bundled and every edit finds its object.
    specs[`${WORKSTATION_HOME}/${path}`] = typeof content === "string" ? content : entryText(content, bundledUrl)!;
  }
  return new ImageLayer(specs, startEpochMs ?? DEFAULT_START_EPOCH_MS);
}

/** stdin for the session, switched per step (nothing, or the step's `stdin` text). */
class SwitchableInput implements InputStream {
  private source: InputStream | undefined;

  use(source: InputStream | undefined): void {
    this.source = source;
  }

  read(): Waitable<string | null> {
    if (this.source !== undefined) return this.source.read();
    const eof = new Future<string | null>();
    eof.resolve(null);
    return eof;
  }
}
