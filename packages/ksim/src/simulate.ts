import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { bundledUrl, type KubeObject } from "@ksim/kube";
import {
  applyEdits,
  parseFieldRef,
  parseScenario,
  quorumVerdict,
  renderRunReport,
  runReportData,
  runScenario,
  standardPlugins,
  type QuorumOptions,
  type ReadinessPoint,
  type ScenarioFile,
  type ScenarioResult,
  type StepResult,
} from "@ksim/scenario";
import { Trace, type CheckResult, type Operation } from "@ksim/sim";
import { stringify } from "yaml";
import { ScenarioBuilder } from "./builder.js";

/** A scenario: the path of a YAML scenario file, a parsed one, or one built with `scenario()`. */
export type ScenarioInput = string | ScenarioFile | ScenarioBuilder;

export interface SimulateOptions {
  /** The root seed (default: the scenario's own, else 1). Every run with the same seed is identical. */
  readonly seed?: number | string;
  /**
   * Fields of the scenario's manifests to override, as `ksim compare --vary` names them:
   * `{ "statefulset/zk:spec.podManagementPolicy": "Parallel" }` (null deletes a field).
   */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Write the msgpack trace of the run here (`ksim replay` re-runs it). */
  readonly trace?: string;
  /** Write the HTML report of the run here. */
  readonly report?: string;
}

/** One violation of an invariant: when (simulated ms after the start) and what. */
export interface Violation {
  readonly time: number;
  readonly message: string;
}

/** A checker's verdict on one invariant. */
export interface Verdict {
  /** The check that judged it (`zookeeper.acknowledged-writes`, `quorum`, …). */
  readonly check: string;
  /** What it means (`acknowledged-writes`, `quorum of statefulset/zk`). */
  readonly invariant: string;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** The first violation, in time. */
  readonly first?: Violation;
  /** What the checker measured (availability, longest outage in ms, …). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** A workload's operations, for your own assertions. */
export interface WorkloadResult {
  readonly type: string;
  readonly operations: readonly Operation[];
  /** Simulated ms (after the start) when it was started and stopped. */
  readonly start: number;
  readonly end: number;
}

/** Trace events kept so that any check can be run after the fact. */
const APPLICATION_EVENTS = ["zk.", "cassandra.", "mysql.", "wordpress."];

/**
 * Runs a scenario to its end in simulated time and returns what happened. Deterministic: the
 * same scenario, seed and overrides give the same result, trace hash included.
 */
export async function simulate(input: ScenarioInput, options: SimulateOptions = {}): Promise<Simulation> {
  const path = typeof input === "string" ? input : undefined;
  let file = typeof input === "string" ? parseScenario(readFileSync(input, "utf8"), input) : input instanceof ScenarioBuilder ? input.build() : input;
  const sets = Object.entries(options.set ?? {}).map(([ref, value]) => ({ ref: parseFieldRef(ref), value }));
  if (sets.length > 0) file = applyEdits(file, sets, bundledUrl, "set");
  const fd = options.trace === undefined ? undefined : openSync(options.trace, "w");
  let result: ScenarioResult;
  try {
    result = runScenario(file, {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(fd !== undefined ? { trace: new Trace((chunk) => writeSync(fd, chunk)) } : {}),
      events: APPLICATION_EVENTS,
      record: options.report !== undefined,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (options.report !== undefined) {
    writeFileSync(options.report, renderRunReport(runReportData(result.name, result.seed, result.passed, result.traceHash, result.checks, result.timeline!)));
  }
  return new Simulation(result, file, path, options);
}

/** A finished run: verdicts, workload histories, metrics, the transcript and the final cluster state. */
export class Simulation {
  /** The scenario's name. */
  readonly name: string;
  readonly seed: number | string;
  /** Every step's expectations and every listed check held. */
  readonly passed: boolean;
  /** The verdicts of the checks the scenario lists. */
  readonly verdicts: readonly Verdict[];
  readonly steps: readonly StepResult[];
  readonly workloads: ReadonlyMap<string, WorkloadResult>;
  /** Every listed check's metrics, as `check.metric`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** What the terminal showed: each command after `$ `, its output, faults, verdicts. */
  readonly transcript: string;
  /** sha256 of the trace: equal hashes, identical runs. */
  readonly traceHash: string;
  readonly simulatedMs: number;
  /** The scenario as YAML (with overrides applied): save it to re-run with the CLI. */
  readonly scenarioYaml: string;
  /** The command that re-runs this exact simulation. */
  readonly reproduce: string;
  private readonly start: number;

  constructor(
    private readonly result: ScenarioResult,
    file: ScenarioFile,
    path: string | undefined,
    options: SimulateOptions,
  ) {
    this.name = result.name;
    this.seed = result.seed;
    this.passed = result.passed;
    this.start = result.steps[0]?.startedAt ?? 0;
    this.verdicts = result.checks.map((c) => this.toVerdict(c.type, c.result));
    this.steps = result.steps;
    this.workloads = new Map([...result.workloads].map(([name, w]) => [name, { type: w.type, operations: w.history.operations, start: w.start - this.start, end: w.end - this.start }]));
    this.metrics = Object.fromEntries(result.checks.flatMap((c) => Object.entries(c.result.metrics).map(([k, v]) => [`${c.type}.${k}`, v])));
    this.transcript = result.transcript;
    this.traceHash = result.traceHash;
    this.simulatedMs = result.simulatedMs;
    this.scenarioYaml = stringify(file, { lineWidth: 0 });
    const sets = Object.entries(options.set ?? {}).map(([k, v]) => ` --set '${k}=${typeof v === "string" ? v : JSON.stringify(v)}'`);
    this.reproduce =
      path !== undefined
        ? `ksim run ${path} --seed ${result.seed}${sets.join("")}`
        : `write simulation.scenarioYaml to a file and run: ksim run FILE --seed ${result.seed}`;
  }

  /** An object as `kubectl get` would return it at the end of the run. */
  get<T extends KubeObject = KubeObject>(kind: string, name: string, namespace = "default"): T | undefined {
    return this.result.environment.cluster.api.get<T>(kind, namespace, name) ?? this.result.environment.cluster.api.get<T>(kind, undefined, name);
  }

  /** Objects of a kind at the end of the run (all namespaces unless one is given), by name. */
  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    return this.result.environment.cluster.api.list<T>(kind, namespace).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  }

  /**
   * The verdict on an invariant, by check type (`zookeeper.single-leader-per-epoch`) or invariant
   * name: a listed check's, or else the check run now on this run's data.
   */
  verdict(name: string, params: Readonly<Record<string, unknown>> = {}): Verdict {
    const listed = this.verdicts.find((v) => v.check === name || v.invariant === name);
    if (listed !== undefined && Object.keys(params).length === 0) return listed;
    return this.toVerdict(name, this.result.check(name, params));
  }

  /** Whether a StatefulSet kept a majority (or `min`) of its pods Ready from when it first had them. */
  quorum(statefulset: string, options: QuorumOptions & { readonly namespace?: string } = {}): Verdict {
    const key = `${options.namespace ?? "default"}/${statefulset}`;
    return this.toVerdict("quorum", quorumVerdict(key, this.readiness(statefulset, options.namespace), this.result.simulatedMs, options));
  }

  /** A StatefulSet's Ready pods over time. */
  readiness(statefulset: string, namespace = "default"): readonly ReadinessPoint[] | undefined {
    return this.result.readiness.get(`${namespace}/${statefulset}`);
  }

  /** For each workload (or the one named): whether every write it saw acknowledged survived. */
  durability(workload?: string): Verdict[] {
    const plugins = standardPlugins();
    const names = workload === undefined ? [...this.workloads.keys()] : [workload];
    if (names.length === 0) throw new Error(`${this.name} runs no workload: there are no acknowledged writes to check`);
    return names.map((n) => {
      const w = this.workloads.get(n);
      if (w === undefined) throw new Error(`no workload named ${JSON.stringify(n)} (have: ${[...this.workloads.keys()].join(", ") || "none"})`);
      const check = plugins.workload(w.type).durabilityCheck;
      if (check === undefined) throw new Error(`workload ${n} (${w.type}) has no durability check`);
      return this.verdict(check, { workload: n });
    });
  }

  /** The share of a workload's operations of kind `op` (default: its first kind) that succeeded. */
  availability(workload?: string, op?: string): Verdict {
    const name = workload ?? [...this.workloads.keys()][0];
    if (name === undefined) throw new Error(`${this.name} runs no workload`);
    return this.verdict("availability", { workload: name, ...(op !== undefined ? { op } : {}) });
  }

  private toVerdict(check: string, r: CheckResult): Verdict {
    const violations = r.violations.map((v) => ({ time: v.time - this.start, message: v.message })).sort((a, b) => a.time - b.time);
    return { check, invariant: r.invariant, ok: r.ok, violations, ...(violations[0] !== undefined ? { first: violations[0] } : {}), metrics: r.metrics };
  }
}
