import { Result, Schema } from "effect";
import * as SchemaIssue from "effect/SchemaIssue";
import { bundledUrl, parseGoDuration } from "@ksim/kube";
import { editManifests, parseFieldRef, parseObjectRef, type FieldRef, type ObjectRef } from "./vary.js";
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from "yaml";

/**
 * Scenario files: YAML decoded with effect/Schema. A bad file is reported with the file name,
 * the line, the path inside the document and what was expected — never half-loaded.
 */

const NodeSpec = Schema.Struct({
  name: Schema.String,
  zone: Schema.optional(Schema.String),
  labels: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  cpu: Schema.optional(Schema.Number),
  memoryGiB: Schema.optional(Schema.Number),
  pods: Schema.optional(Schema.Number),
});

const ClusterSpec = Schema.Struct({
  /** A node count (node-1…node-N) or the nodes themselves. */
  nodes: Schema.optional(Schema.Union([Schema.Number, Schema.Array(NodeSpec)])),
  /** Zones to spread a node count over, round-robin (topology.kubernetes.io/zone). */
  zones: Schema.optional(Schema.Array(Schema.String)),
});

const Expectation = Schema.Struct({
  exitCode: Schema.optional(Schema.Number),
  /** The whole of stdout, line by line (see the matcher for patterns and spacing). */
  stdout: Schema.optional(Schema.String),
  stderr: Schema.optional(Schema.String),
  /** stdout and stderr interleaved as a terminal shows them. */
  output: Schema.optional(Schema.String),
  /** Lines that must appear in the output, in this order, with anything between them. */
  contains: Schema.optional(Schema.Array(Schema.String)),
  /** Lines that must not appear in the output. */
  notContains: Schema.optional(Schema.Array(Schema.String)),
  /** Compare column spacing exactly instead of treating runs of spaces alike. */
  exactSpacing: Schema.optional(Schema.Boolean),
});

/** A fault at a moment of a `faults` step: a command run in the background on the workstation. */
const FaultEntry = Schema.Struct({
  /** When, after the step starts (a duration such as 90s or 2m30s). */
  at: Schema.String,
  /** The command: `chaos …`, `kubectl delete pod …`, `kubectl drain …`. */
  run: Schema.String,
});

/** Faults drawn from the seed: kinds, targets and timing within a budget. */
const NemesisSpec = Schema.Struct({
  /** How long faults keep coming. */
  duration: Schema.String,
  /** The kinds to draw from (see NEMESIS_KINDS). */
  faults: Schema.Array(Schema.String),
  /** The pods faults aim at, by label selector; node faults hit the node of one of them. */
  pods: Schema.String,
  namespace: Schema.optional(Schema.String),
  /** The gap between one fault and the next, MIN..MAX (default 30s..2m). */
  interval: Schema.optional(Schema.String),
  /** How long a fault lasts before it is undone, MIN..MAX (default 15s..1m). */
  lasting: Schema.optional(Schema.String),
  /** How many faults may be in force at once (default 1: one member of a quorum down). */
  maxDown: Schema.optional(Schema.Number),
});

/** A step does exactly one of: run commands, start or stop a workload, inject faults. */
const Step = Schema.Struct({
  /** A note shown in the transcript. */
  name: Schema.optional(Schema.String),
  /** Shell source run on the workstation (one or more commands). */
  run: Schema.optional(Schema.String),
  /** What the commands read from stdin (the lines typed into `kubectl run -it`). */
  stdin: Schema.optional(Schema.String),
  expect: Schema.optional(Expectation),
  /** Starts a workload under this name; `type` picks it, `params` configure it. */
  workload: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  params: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
  /** Stops workloads by name (they finish what is in flight). */
  stop: Schema.optional(Schema.Union([Schema.String, Schema.Array(Schema.String)])),
  /** Faults at set times after the step starts; the step lasts until the last one has run. */
  faults: Schema.optional(Schema.Array(FaultEntry)),
  /** With faults: the step lasts at least this long (a duration after it starts). */
  until: Schema.optional(Schema.String),
  /** Faults drawn from the seed. */
  nemesis: Schema.optional(NemesisSpec),
});

/** A check run once the steps are done: `type` picks it, the other keys are its parameters. */
const Check = Schema.StructWithRest(Schema.Struct({ type: Schema.String }), [Schema.Record(Schema.String, Schema.Unknown)]);

/**
 * A file placed in the workstation's working directory: its text, or a manifest URL ksim bundles
 * with edits: `set` fields (`TYPE/NAME:FIELD.PATH: value`, null deletes) and `remove` objects.
 */
const ScenarioFileEntry = Schema.Union([
  Schema.String,
  Schema.Struct({
    url: Schema.String,
    set: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
    remove: Schema.optional(Schema.Array(Schema.String)),
  }),
]);

export const ScenarioSchema = Schema.Struct({
  name: Schema.String,
  description: Schema.optional(Schema.String),
  seed: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
  /** The simulated instant the cluster is created (RFC 3339); the steps begin once its add-ons run. */
  start: Schema.optional(Schema.String),
  cluster: Schema.optional(ClusterSpec),
  /** Files (manifests) in the working directory, by relative path. */
  files: Schema.optional(Schema.Record(Schema.String, ScenarioFileEntry)),
  steps: Schema.Array(Step),
  checks: Schema.optional(Schema.Array(Check)),
});

export type ScenarioFile = typeof ScenarioSchema.Type;
export type ClusterFile = typeof ClusterSpec.Type;
export type ScenarioStep = typeof Step.Type;
export type StepExpectation = typeof Expectation.Type;
export type FaultEntryFile = typeof FaultEntry.Type;
export type NemesisFile = typeof NemesisSpec.Type;
export type CheckFile = typeof Check.Type;

/** A scenario file that cannot be used; the message names the file and the place in it. */
export class ScenarioFileError extends Error {
  override name = "ScenarioFileError";
}

const decodeScenario = Schema.decodeUnknownResult(ScenarioSchema, { onExcessProperty: "error", errors: "all" });
const decodeCluster = Schema.decodeUnknownResult(ClusterSpec, { onExcessProperty: "error", errors: "all" });

/** Parses and decodes a scenario from its text; `source` names it in errors. */
export function parseScenario(text: string, source: string): ScenarioFile {
  return parseYamlWith(text, source, decodeScenario, validateScenario);
}

/** Parses a cluster description (`ksim shell --cluster FILE`): `nodes` and `zones`, as in a scenario. */
export function parseClusterFile(text: string, source: string): ClusterFile {
  return parseYamlWith(text, source, decodeCluster, () => {});
}

type Report = (path: readonly PropertyKey[], message: string) => void;

/** What the schema cannot say: which keys go together, and the text inside strings. */
function validateScenario(scenario: ScenarioFile, report: Report): void {
  if (scenario.start !== undefined && Number.isNaN(Date.parse(scenario.start))) {
    report(["start"], `expected an RFC 3339 time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(scenario.start)}`);
  }
  for (const [path, entry] of Object.entries(scenario.files ?? {})) {
    if (typeof entry !== "string") validateFileEntry(entry, ["files", path], report);
  }
  scenario.steps.forEach((step, i) => {
    const at = ["steps", i];
    const actions = STEP_ACTIONS.filter((k) => step[k] !== undefined);
    if (actions.length !== 1) {
      report(at, actions.length === 0 ? `a step needs one of ${STEP_ACTIONS.join(", ")}` : `a step does one thing; this one has ${actions.join(" and ")}`);
      return;
    }
    const action = actions[0]!;
    for (const key of ["stdin", "expect"] as const) if (step[key] !== undefined && action !== "run") report([...at, key], `only a run step takes ${key}`);
    for (const key of ["type", "params"] as const) if (step[key] !== undefined && action !== "workload") report([...at, key], `only a workload step takes ${key}`);
    if (action === "workload" && step.type === undefined) report([...at, "type"], "required, but missing");
    step.faults?.forEach((f, j) => checkDuration(f.at, [...at, "faults", j, "at"], report, true));
    if (step.until !== undefined) {
      if (action !== "faults") report([...at, "until"], "only a faults step takes until");
      else checkDuration(step.until, [...at, "until"], report, true);
    }
    const n = step.nemesis;
    if (n !== undefined) {
      const base = [...at, "nemesis"];
      checkDuration(n.duration, [...base, "duration"], report, false);
      if (n.interval !== undefined) checkRange(n.interval, [...base, "interval"], report);
      if (n.lasting !== undefined) checkRange(n.lasting, [...base, "lasting"], report);
      if (n.faults.length === 0) report([...base, "faults"], `expected at least one of ${NEMESIS_KINDS.join(", ")}`);
      n.faults.forEach((k, j) => {
        if (!(NEMESIS_KINDS as readonly string[]).includes(k)) report([...base, "faults", j], `unknown fault kind ${JSON.stringify(k)} (known: ${NEMESIS_KINDS.join(", ")})`);
      });
      if (n.maxDown !== undefined && (!Number.isInteger(n.maxDown) || n.maxDown < 1)) report([...base, "maxDown"], `expected a whole number of at least 1, got ${n.maxDown}`);
    }
  });
}

function validateFileEntry(entry: Exclude<ScenarioFileEntryType, string>, at: readonly PropertyKey[], report: Report): void {
  const text = bundledUrl(entry.url);
  if (text === undefined) {
    report([...at, "url"], `ksim does not bundle ${entry.url} (there is no network to fetch it from)`);
    return;
  }
  const sets: { ref: FieldRef; value: unknown; key: string }[] = [];
  const removals: { ref: ObjectRef; index: number }[] = [];
  for (const [key, value] of Object.entries(entry.set ?? {})) {
    try {
      sets.push({ ref: parseFieldRef(key), value, key });
    } catch (e) {
      report([...at, "set", key], (e as Error).message);
    }
  }
  (entry.remove ?? []).forEach((r, index) => {
    try {
      removals.push({ ref: parseObjectRef(r), index });
    } catch (e) {
      report([...at, "remove", index], (e as Error).message);
    }
  });
  const { found } = editManifests(text, { set: sets, remove: removals.map((r) => r.ref) });
  sets.forEach((s, i) => {
    if (!found[i]) report([...at, "set", s.key], `no ${s.ref.kind} named ${JSON.stringify(s.ref.name)} in ${entry.url}`);
  });
  removals.forEach((r, i) => {
    if (!found[sets.length + i]) report([...at, "remove", r.index], `no ${r.ref.kind} named ${JSON.stringify(r.ref.name)} in ${entry.url}`);
  });
}

type ScenarioFileEntryType = typeof ScenarioFileEntry.Type;

const STEP_ACTIONS = ["run", "workload", "stop", "faults", "nemesis"] as const;

/** The faults a nemesis can draw. */
export const NEMESIS_KINDS = ["kill", "delete-pod", "crash-node", "partition-pod", "partition-node", "drain-node", "delay-pod", "loss-pod", "skew-node", "slow-disk-node", "fill-disk-pod", "pause-pod"] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];

function checkDuration(text: string, path: readonly PropertyKey[], report: Report, zeroOk: boolean): void {
  const ms = parseGoDuration(text);
  if (typeof ms === "string") report(path, `expected a duration such as 90s or 2m30s, got ${JSON.stringify(text)}`);
  else if (ms < 0 || (!zeroOk && ms === 0)) report(path, `expected a ${zeroOk ? "non-negative" : "positive"} duration, got ${JSON.stringify(text)}`);
}

function checkRange(text: string, path: readonly PropertyKey[], report: Report): void {
  const r = parseDurationRange(text);
  if (typeof r === "string") report(path, r);
}

/** `30s..2m` (or one duration for a fixed value) as [min, max] ms, or what is wrong with it. */
export function parseDurationRange(text: string): readonly [number, number] | string {
  const parts = text.split("..");
  const ms = parts.map((p) => parseGoDuration(p.trim()));
  if (parts.length > 2 || ms.some((m) => typeof m === "string" || m < 0)) return `expected a duration or a range such as 30s..2m, got ${JSON.stringify(text)}`;
  const [min, max] = [ms[0] as number, (ms[1] ?? ms[0]) as number];
  if (max < min) return `the range ${JSON.stringify(text)} ends before it starts`;
  return [min, max];
}

/** A Go duration in ms; the file has been validated, so it parses. */
export function durationMs(text: string): number {
  return parseGoDuration(text) as number;
}

function parseYamlWith<T>(
  text: string,
  source: string,
  decode: (u: unknown) => Result.Result<T, { issue: SchemaIssue.Issue }>,
  validate: (value: T, report: Report) => void,
): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new ScenarioFileError(`${source}${pos ? `:${pos.line}:${pos.col}` : ""}: invalid YAML: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const value = doc.toJS() as unknown;
  const lines: string[] = [];
  const report: Report = (path, message) => {
    const line = lineOf(doc.contents as YamlNode | null, path, counter);
    lines.push(`${source}${line !== undefined ? `:${line}` : ""}: ${formatPath(path)}: ${message}`);
  };
  const r = decode(value);
  if (Result.isSuccess(r)) validate(r.success, report);
  else collect(r.failure.issue, [], value, report);
  if (lines.length > 0) throw new ScenarioFileError(lines.join("\n"));
  return (r as Result.Success<T, unknown>).success;
}

/** Walks an issue tree down to its leaves, with the path to each. */
function collect(issue: SchemaIssue.Issue, path: PropertyKey[], root: unknown, emit: (path: PropertyKey[], message: string) => void): void {
  switch (issue._tag) {
    case "Pointer":
      collect(issue.issue, [...path, ...issue.path], root, emit);
      return;
    case "Composite":
      for (const i of issue.issues) collect(i, path, root, emit);
      return;
    case "AnyOf":
      // An optional field is a union with undefined: report the other member's problem.
      if (issue.issues.length === 1) collect(issue.issues[0]!, path, root, emit);
      else emit(path, `expected ${expectedOf(issue)}, got ${describe(valueAt(root, path))}`);
      return;
    case "MissingKey":
      emit(path, "required, but missing");
      return;
    case "UnexpectedKey":
      emit(path, "unknown field");
      return;
    case "InvalidType":
      emit(path, `expected ${expectedOf(issue)}, got ${describe(valueAt(root, path))}`);
      return;
    default:
      emit(path, SchemaIssue.makeFormatterDefault()(issue).split("\n")[0]!);
  }
}

function expectedOf(issue: SchemaIssue.Issue): string {
  return SchemaIssue.makeFormatterDefault()(issue).split("\n")[0]!.replace(/^Expected /, "").replace(/ \| undefined$/, "");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(top level)" : out;
}

/** The 1-based line of the YAML node at `path` (or of its nearest existing parent). */
function lineOf(root: YamlNode | null, path: readonly PropertyKey[], counter: LineCounter): number | undefined {
  let node: YamlNode | null | undefined = root;
  let keyLine: number | undefined;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === p);
      if (pair === undefined) break;
      const k = pair.key as YamlNode;
      if (k.range) keyLine = counter.linePos(k.range[0]).line;
      node = pair.value as YamlNode | null;
    } else if (isSeq(node) && typeof p === "number") {
      node = node.items[p] as YamlNode | null;
      keyLine = undefined;
    } else break;
  }
  if (keyLine !== undefined) return keyLine;
  return node?.range ? counter.linePos(node.range[0]).line : undefined;
}
