import { Result, Schema } from "effect";
import * as SchemaIssue from "effect/SchemaIssue";
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

const Step = Schema.Struct({
  /** A note shown in the transcript. */
  name: Schema.optional(Schema.String),
  /** Shell source run on the workstation (one or more commands). */
  run: Schema.String,
  /** What the commands read from stdin (the lines typed into `kubectl run -it`). */
  stdin: Schema.optional(Schema.String),
  expect: Schema.optional(Expectation),
});

export const ScenarioSchema = Schema.Struct({
  name: Schema.String,
  description: Schema.optional(Schema.String),
  seed: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
  /** The simulated instant the scenario starts at (RFC 3339). */
  start: Schema.optional(Schema.String),
  cluster: Schema.optional(ClusterSpec),
  steps: Schema.Array(Step),
});

export type ScenarioFile = typeof ScenarioSchema.Type;
export type ClusterFile = typeof ClusterSpec.Type;
export type ScenarioStep = typeof Step.Type;
export type StepExpectation = typeof Expectation.Type;

/** A scenario file that cannot be used; the message names the file and the place in it. */
export class ScenarioFileError extends Error {
  override name = "ScenarioFileError";
}

const decodeScenario = Schema.decodeUnknownResult(ScenarioSchema, { onExcessProperty: "error", errors: "all" });
const decodeCluster = Schema.decodeUnknownResult(ClusterSpec, { onExcessProperty: "error", errors: "all" });

/** Parses and decodes a scenario from its text; `source` names it in errors. */
export function parseScenario(text: string, source: string): ScenarioFile {
  const scenario = parseYamlWith(text, source, decodeScenario);
  if (scenario.start !== undefined && Number.isNaN(Date.parse(scenario.start))) {
    throw new ScenarioFileError(`${source}: start: expected an RFC 3339 time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(scenario.start)}`);
  }
  return scenario;
}

/** Parses a cluster description (`ksim shell --cluster FILE`): `nodes` and `zones`, as in a scenario. */
export function parseClusterFile(text: string, source: string): ClusterFile {
  return parseYamlWith(text, source, decodeCluster);
}

function parseYamlWith<T>(text: string, source: string, decode: (u: unknown) => Result.Result<T, { issue: SchemaIssue.Issue }>): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new ScenarioFileError(`${source}${pos ? `:${pos.line}:${pos.col}` : ""}: invalid YAML: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const value = doc.toJS() as unknown;
  const r = decode(value);
  if (Result.isSuccess(r)) return r.success;
  const lines: string[] = [];
  collect(r.failure.issue, [], value, (path, message) => {
    const line = lineOf(doc.contents as YamlNode | null, path, counter);
    lines.push(`${source}${line !== undefined ? `:${line}` : ""}: ${formatPath(path)}: ${message}`);
  });
  throw new ScenarioFileError(lines.join("\n"));
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
