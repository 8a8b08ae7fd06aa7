import type { KubeObject } from "@ksim/kube";
import { parseScenario, type ScenarioFile, type ScenarioStep, type StepExpectation } from "@ksim/scenario";
import { stringify } from "yaml";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type FileEntry = NonNullable<ScenarioFile["files"]>[string];
type ClusterSpec = NonNullable<ScenarioFile["cluster"]>;
type FaultEntry = NonNullable<ScenarioStep["faults"]>[number];
type NemesisSpec = NonNullable<ScenarioStep["nemesis"]>;

/** A manifest ksim bundles (`application/zookeeper/zookeeper.yaml`), with optional edits. */
export function example(path: string, edits: { set?: Readonly<Record<string, unknown>>; remove?: readonly string[] } = {}): FileEntry {
  return { url: `https://k8s.io/examples/${path}`, ...(edits.set !== undefined ? { set: edits.set } : {}), ...(edits.remove !== undefined ? { remove: edits.remove } : {}) };
}

export interface RunStepOptions {
  /** A note shown in the transcript. */
  readonly name?: string;
  /** What the commands read from stdin. */
  readonly stdin?: string;
  readonly expect?: StepExpectation;
}

/**
 * A scenario written in TypeScript: the same parts, with the same names, as a YAML scenario
 * file (see scenarios/ and the README). Each method adds to the scenario and returns it.
 */
export class ScenarioBuilder {
  private readonly spec: Mutable<ScenarioFile> & { steps: ScenarioStep[] };
  private manifests = 0;

  constructor(name: string, description?: string) {
    this.spec = { name, ...(description !== undefined ? { description } : {}), steps: [] };
  }

  /** The default seed (`simulate(…, { seed })` overrides it). */
  seed(seed: number | string): this {
    this.spec.seed = seed;
    return this;
  }

  /** The simulated instant the run starts at (RFC 3339). */
  start(instant: string): this {
    this.spec.start = instant;
    return this;
  }

  /** The nodes: a count (node-1…node-N), or the nodes themselves; zones to spread a count over. */
  cluster(spec: ClusterSpec): this {
    this.spec.cluster = spec;
    return this;
  }

  /** A file in the working directory: its text, or `example(…)` for a bundled manifest. */
  file(path: string, content: FileEntry): this {
    this.spec.files = { ...this.spec.files, [path]: content };
    return this;
  }

  /**
   * `kubectl apply -f` of a file added with `file`, a bundled manifest's URL, or objects
   * (written to a file of their own first).
   */
  apply(source: string | KubeObject | readonly KubeObject[], options: RunStepOptions = {}): this {
    let target: string;
    if (typeof source === "string") target = source;
    else {
      target = `manifest-${++this.manifests}.yaml`;
      const objects = Array.isArray(source) ? source : [source as KubeObject];
      this.file(target, objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
    }
    return this.run(`kubectl apply -f ${target}`, options);
  }

  /** Shell commands typed on the workstation (kubectl, minikube, chaos, curl, …). */
  run(source: string, options: RunStepOptions = {}): this {
    this.spec.steps.push({ run: source, ...options });
    return this;
  }

  /** Simulated time passing with nothing typed (`sleep`). */
  wait(duration: string): this {
    return this.run(`sleep ${duration}`);
  }

  /** Starts a workload (`zookeeper`, `mysql-inserts`, `wordpress-posts`, `cassandra`, `cassandra-lwt`) under a name. */
  workload(name: string, type: string, params: Readonly<Record<string, unknown>> = {}): this {
    this.spec.steps.push({ workload: name, type, params });
    return this;
  }

  /** Stops workloads (what they have in flight completes). */
  stop(...names: string[]): this {
    this.spec.steps.push({ stop: names.length === 1 ? names[0]! : names });
    return this;
  }

  /** Faults at set times after this step starts: `{ at: "30s", run: "chaos crash node-1 --for 2m" }`. */
  faults(entries: readonly FaultEntry[], name?: string): this {
    this.spec.steps.push({ faults: entries, ...(name !== undefined ? { name } : {}) });
    return this;
  }

  /** Faults drawn from the seed within a budget. */
  nemesis(spec: NemesisSpec, name?: string): this {
    this.spec.steps.push({ nemesis: spec, ...(name !== undefined ? { name } : {}) });
    return this;
  }

  /** A check to run at the end (`quorum`, `zookeeper.acknowledged-writes`, …) with its parameters. */
  check(type: string, params: Readonly<Record<string, unknown>> = {}): this {
    this.spec.checks = [...(this.spec.checks ?? []), { type, ...params }];
    return this;
  }

  /** The scenario as a YAML scenario file would hold it. */
  toYAML(): string {
    return stringify(this.spec, { lineWidth: 0 });
  }

  /** Validates the scenario as a file would be (unknown checks, bad durations, …). */
  build(): ScenarioFile {
    return parseScenario(this.toYAML(), `scenario ${JSON.stringify(this.spec.name)}`);
  }
}

/** Starts a scenario in code. */
export function scenario(name: string, description?: string): ScenarioBuilder {
  return new ScenarioBuilder(name, description);
}
