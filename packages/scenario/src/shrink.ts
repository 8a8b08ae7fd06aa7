import { goDuration, parseGoDuration } from "@ksim/kube";
import type { ScenarioFile, ScenarioStep } from "./file.js";
import { runScenario, type ScenarioResult } from "./runner.js";

/** One fault of an explicit schedule: its step, when after the step began, what it runs. */
interface Fault {
  readonly step: number;
  readonly offset: number;
  readonly command: string;
}

export interface ShrinkResult {
  /** The scenario with explicit faults only, still failing the invariant with the same seed. */
  readonly scenario: ScenarioFile;
  /** The check type whose invariant the shrunk scenario still violates. */
  readonly check: string;
  readonly invariant: string;
  readonly originalFaults: number;
  readonly faults: number;
  /** Scenario runs the search took. */
  readonly runs: number;
}

export class ShrinkError extends Error {
  override name = "ShrinkError";
}

export interface ShrinkOptions {
  readonly seed: number | string;
  /** Stop searching after this many runs (default 200) and keep the smallest failure found. */
  readonly maxRuns?: number;
  readonly onProgress?: (message: string) => void;
}

/**
 * Shrinks a failing run's faults: the faults its `faults` and `nemesis` steps fired become an
 * explicit schedule, then as many are removed as can be (delta debugging), and those left are
 * made earlier and shorter, each change kept only if the same invariant is still violated with
 * the same seed. The result no longer needs the seed's nemesis to fail.
 */
export function shrink(file: ScenarioFile, options: ShrinkOptions): ShrinkResult {
  const maxRuns = options.maxRuns ?? 200;
  const first = runScenario(file, { seed: options.seed });
  const failing = first.checks.find((c) => !c.result.ok);
  if (failing === undefined) {
    throw new ShrinkError(first.passed ? `seed ${options.seed} passes: there is no failure to shrink` : `seed ${options.seed} fails only its step expectations; shrinking needs a violated check`);
  }
  const lengths = first.steps.map((s) => s.endedAt - s.startedAt);
  const original: Fault[] = first.faults.map((f) => ({ step: f.step, offset: f.offset, command: f.command }));
  if (original.length === 0) throw new ShrinkError(`seed ${options.seed} fails ${failing.type} without any faults from faults or nemesis steps: nothing to shrink`);
  let runs = 1;
  const fails = (faults: readonly Fault[]): boolean => {
    runs++;
    const r: ScenarioResult = runScenario(withFaults(file, faults, lengths), { seed: options.seed });
    return r.checks.some((c) => c.type === failing.type && !c.result.ok);
  };
  let current = original;
  if (!fails(current)) throw new ShrinkError(`the faults seed ${options.seed} drew do not reproduce the failure as an explicit schedule`);
  options.onProgress?.(`${failing.result.invariant} violated with ${current.length} faults; shrinking`);

  // ddmin: try removing chunks, from halves down to single faults.
  let chunks = 2;
  while (current.length > 1 && runs < maxRuns) {
    const size = Math.ceil(current.length / chunks);
    let removed = false;
    for (let i = 0; i < current.length && runs < maxRuns; i += size) {
      const candidate = [...current.slice(0, i), ...current.slice(i + size)];
      if (candidate.length > 0 && fails(candidate)) {
        current = candidate;
        removed = true;
        options.onProgress?.(`${current.length} faults`);
        break;
      }
    }
    if (removed) chunks = Math.max(2, chunks - 1);
    else if (size === 1) break;
    else chunks = Math.min(current.length, chunks * 2);
  }
  // Earlier, then shorter: halve each fault's time and each `--for`, while it still fails.
  for (const simplify of [earlier, shorter]) {
    for (let i = 0; i < current.length && runs < maxRuns; i++) {
      for (;;) {
        const next = simplify(current[i]!);
        if (next === undefined || runs >= maxRuns) break;
        const candidate = current.map((f, j) => (j === i ? next : f));
        if (!fails(candidate)) break;
        current = candidate;
      }
    }
  }
  const scenario = { ...withFaults(file, current, lengths), name: `${file.name} (shrunk from seed ${options.seed})`, seed: options.seed };
  return { scenario, check: failing.type, invariant: failing.result.invariant, originalFaults: original.length, faults: current.length, runs };
}

function earlier(f: Fault): Fault | undefined {
  const offset = Math.floor(f.offset / 2000) * 1000;
  return offset < f.offset ? { ...f, offset } : undefined;
}

/** Halves a `--for DURATION` (not below a second). */
function shorter(f: Fault): Fault | undefined {
  const m = /--for[ =](\S+)/.exec(f.command);
  if (m === null) return undefined;
  const ms = parseGoDuration(m[1]!);
  if (typeof ms === "string" || ms < 2000) return undefined;
  return { ...f, command: f.command.replace(m[0], `--for ${goDuration(Math.floor(ms / 2000) * 1000)}`) };
}

/** The scenario with every faults and nemesis step replaced by explicit faults (or dropped when none are left). */
function withFaults(file: ScenarioFile, faults: readonly Fault[], lengths: readonly number[]): ScenarioFile {
  const steps: ScenarioStep[] = [];
  file.steps.forEach((step, index) => {
    if (step.faults === undefined && step.nemesis === undefined) {
      steps.push(step);
      return;
    }
    const mine = faults.filter((f) => f.step === index);
    if (mine.length === 0) {
      steps.push({ run: `sleep ${lengths[index]! / 1000}` });
      return;
    }
    steps.push({
      ...(step.name !== undefined ? { name: step.name } : {}),
      faults: mine.map((f) => ({ at: goDuration(f.offset), run: f.command })),
      // The step keeps its length, so that whatever follows it starts when it did.
      until: goDuration(lengths[index]!),
    });
  });
  return { ...file, steps };
}
