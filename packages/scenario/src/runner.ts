import { stringInput, type InputStream, type OutputStream } from "@ksim/kube";
import { Future, type Trace, type Waitable } from "@ksim/sim";
import { createEnvironment, type Environment } from "./environment.js";
import { checkExpectation, type StepOutput } from "./expect.js";
import type { ScenarioFile } from "./file.js";

export interface RunOptions {
  /** Overrides the file's seed. */
  readonly seed?: number | string;
  readonly trace?: Trace;
  /** Receives the transcript as it is produced (the CLI prints it live). */
  readonly onOutput?: (text: string) => void;
}

export interface StepResult extends StepOutput {
  readonly index: number;
  readonly name: string | undefined;
  readonly command: string;
  readonly failures: readonly string[];
  /** Simulated milliseconds at the start and end of the step. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly seed: number | string;
  readonly passed: boolean;
  readonly steps: readonly StepResult[];
  readonly simulatedMs: number;
  readonly traceHash: string;
  readonly transcript: string;
  readonly environment: Environment;
}

/**
 * Runs a scenario: a fresh cluster and workstation from the seed, each step's commands typed
 * into one shell session, every expectation checked. The transcript shows each command after
 * `$ ` (continuation lines after `> `) followed by what it printed, background jobs included.
 */
export function runScenario(file: ScenarioFile, options: RunOptions = {}): ScenarioResult {
  const seed = options.seed ?? file.seed ?? 1;
  const env = createEnvironment({
    seed,
    ...(file.cluster?.nodes !== undefined ? { nodes: file.cluster.nodes } : {}),
    ...(file.cluster?.zones !== undefined ? { zones: file.cluster.zones } : {}),
    ...(file.start !== undefined ? { startEpochMs: Date.parse(file.start) } : {}),
    ...(options.trace !== undefined ? { trace: options.trace } : {}),
  });
  const sim = env.cluster.sim;
  let transcript = "";
  const emit = (text: string) => {
    transcript += text;
    options.onOutput?.(text);
  };
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
  const session = env.workstation.session({
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    stdin,
    onCommand: (source) => emit(`$ ${source.replace(/\n/g, "\n> ")}\n`),
  });
  sim.trace.record("scenario.start", { name: file.name, seed });
  const results: StepResult[] = [];
  file.steps.forEach((step, index) => {
    current = { stdout: "", stderr: "", output: "" };
    stdin.use(step.stdin === undefined ? undefined : stringInput(step.stdin));
    if (step.name !== undefined) emit(`# ${step.name}\n`);
    const startedAt = sim.now;
    const exitCode = session.run(step.run.endsWith("\n") ? step.run : `${step.run}\n`);
    const out: StepOutput = { ...current, exitCode };
    const failures = step.expect === undefined ? [] : checkExpectation(step.expect, out);
    sim.trace.record("scenario.step", { index, exitCode, failures: failures.length });
    results.push({ index, name: step.name, command: step.run, ...out, failures, startedAt, endedAt: sim.now });
  });
  const passed = results.every((r) => r.failures.length === 0);
  sim.trace.record("scenario.end", { passed });
  return {
    name: file.name,
    seed,
    passed,
    steps: results,
    simulatedMs: sim.now,
    traceHash: sim.trace.finish(),
    transcript,
    environment: env,
  };
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
