import type { Cluster } from "@ksim/kube";
import type { CheckResult, History, Host, Proc, Sim, TraceEvent } from "@ksim/sim";
import type { ReadinessPoint } from "./readiness.js";

/** What a workload runs against: the cluster and a client machine inside it. */
export interface WorkloadContext {
  readonly cluster: Cluster;
  readonly sim: Sim;
  /** A host on the pod network (it reaches Services and pods), like a client pod. */
  readonly client: Host;
  /** Cluster DNS as seen from the `default` namespace. */
  resolve(name: string): string[];
}

/** A running workload: clients issuing operations and recording them. */
export interface Workload {
  readonly history: History;
  /** Stop issuing operations (those in flight complete or time out). */
  stop(): void;
  /**
   * After the run: whatever the checkers need read back from the system (every value
   * written, every row), recorded into the history or kept by the workload.
   */
  finish(): Proc<void>;
}

export interface WorkloadPlugin {
  /** The `type` a scenario names, e.g. `zookeeper`. */
  readonly type: string;
  readonly description: string;
  /** The check that verifies its acknowledged writes survived (what "no acknowledged write lost" means for it). */
  readonly durabilityCheck?: string;
  /** Starts the workload; `params` are the step's other keys (throw ParamError when bad). */
  start(ctx: WorkloadContext, params: Readonly<Record<string, unknown>>): Workload;
}

/** A workload as it ran in a scenario: between its start and stop steps. */
export interface WorkloadRun {
  /** The workload plug-in's type (`zookeeper`, `mysql-inserts`, …). */
  readonly type: string;
  readonly workload: Workload;
  readonly history: History;
  /** Simulated ms of the step that started it and of the one that stopped it (or the end). */
  readonly start: number;
  readonly end: number;
}

/** What a checker looks at once the run is over. */
export interface CheckContext {
  readonly cluster: Cluster;
  readonly workloads: ReadonlyMap<string, WorkloadRun>;
  /** The trace events the checks asked for (zk.*, cassandra.*, ...), in order. */
  readonly events: readonly TraceEvent[];
  /** Simulated ms when the scenario started and ended. */
  readonly start: number;
  readonly end: number;
  /** Simulated ms of each fault injected (for recovery times). */
  readonly faults: readonly number[];
  /** Each StatefulSet's Ready pods over the run, by `namespace/name`. */
  readonly readiness: ReadonlyMap<string, readonly ReadinessPoint[]>;
}

export interface CheckPlugin {
  /** The `type` a scenario names, e.g. `zookeeper.acknowledged-writes`. */
  readonly type: string;
  readonly description: string;
  /** Trace event prefixes the check reads from `CheckContext.events` (kept only when asked for). */
  readonly events?: readonly string[];
  /**
   * For checks that must watch the run as it happens (pods ready over time): called when the
   * scenario starts; the returned function gives the verdict at the end.
   */
  observe?(ctx: WorkloadContext, params: Readonly<Record<string, unknown>>): (ctx: CheckContext) => CheckResult;
  check?(ctx: CheckContext, params: Readonly<Record<string, unknown>>): CheckResult;
}

/** A workload or check parameter that is missing or of the wrong kind. */
export class ParamError extends Error {
  override name = "ParamError";
}

export function stringParam(params: Readonly<Record<string, unknown>>, key: string, fallback?: string): string {
  const v = params[key] ?? fallback;
  if (typeof v !== "string") throw new ParamError(`${key}: expected a string${v === undefined ? ", but it is missing" : `, got ${JSON.stringify(v)}`}`);
  return v;
}

export function numberParam(params: Readonly<Record<string, unknown>>, key: string, fallback?: number): number {
  const v = params[key] ?? fallback;
  if (typeof v !== "number") throw new ParamError(`${key}: expected a number${v === undefined ? ", but it is missing" : `, got ${JSON.stringify(v)}`}`);
  return v;
}

export function booleanParam(params: Readonly<Record<string, unknown>>, key: string, fallback?: boolean): boolean {
  const v = params[key] ?? fallback;
  if (typeof v !== "boolean") throw new ParamError(`${key}: expected true or false${v === undefined ? ", but it is missing" : `, got ${JSON.stringify(v)}`}`);
  return v;
}

export function stringsParam(params: Readonly<Record<string, unknown>>, key: string, fallback?: readonly string[]): readonly string[] {
  const v = params[key] ?? fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new ParamError(`${key}: expected a list of strings${v === undefined ? ", but it is missing" : `, got ${JSON.stringify(v)}`}`);
  }
  return v;
}

/** A workload named in a check's `workload` parameter. */
export function workloadParam(ctx: CheckContext, params: Readonly<Record<string, unknown>>): WorkloadRun {
  const name = stringParam(params, "workload");
  const w = ctx.workloads.get(name);
  if (w === undefined) throw new ParamError(`workload: no workload named ${JSON.stringify(name)} ran in this scenario`);
  return w;
}

/** The workloads and checks scenarios can name; applications add theirs. */
export class PluginRegistry {
  private readonly workloads = new Map<string, WorkloadPlugin>();
  private readonly checks = new Map<string, CheckPlugin>();

  addWorkload(p: WorkloadPlugin): void {
    this.workloads.set(p.type, p);
  }

  addCheck(p: CheckPlugin): void {
    this.checks.set(p.type, p);
  }

  /** The registered workload types. */
  workloadTypes(): string[] {
    return [...this.workloads.keys()].sort();
  }

  workload(type: string): WorkloadPlugin {
    const p = this.workloads.get(type);
    if (p === undefined) throw new ParamError(`unknown workload type ${JSON.stringify(type)} (known: ${[...this.workloads.keys()].sort().join(", ")})`);
    return p;
  }

  check(type: string): CheckPlugin {
    const p = this.checks.get(type);
    if (p === undefined) throw new ParamError(`unknown check type ${JSON.stringify(type)} (known: ${[...this.checks.keys()].sort().join(", ")})`);
    return p;
  }
}
