import type { Proc } from "@ksim/sim";
import { resolveResource } from "../../api/resources.js";
import type { Node, Taint } from "../../api/types.js";
import { isQualifiedName, isValidLabelValue } from "../../api/validation/content.js";
import { nameLine } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, usageError } from "./errors.js";
import { flatten, select, selectNames } from "./targets.js";
import { updateObject } from "./writes.js";

/**
 * `kubectl taint NODE KEY[=VALUE]:EFFECT … | KEY[:EFFECT]-` (kubectl pkg/cmd/taint): adds,
 * replaces (--overwrite) and removes node taints, printing `node/x tainted|untainted|modified`.
 */
export const taintCommand: Command = {
  name: "taint",
  short: "Update the taints on one or more nodes",
  usage: "NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
  flags: [SELECTOR_FLAG, DRY_RUN_FLAG, { name: "overwrite", type: "bool" }, { name: "all", type: "bool" }],
  run: runTaint,
};

const EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

/** A taint as typed: removals may leave out the effect (every effect of the key goes). */
interface TaintSpec {
  readonly key: string;
  readonly value?: string;
  readonly effect?: Taint["effect"];
}

function* runTaint(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  // Resources come first, then the taint changes (anything with `=`, `:` or a trailing `-`).
  const resources: string[] = [];
  const changes: string[] = [];
  for (const a of args) {
    const isTaint = a.includes("=") || a.includes(":") || a.endsWith("-");
    if (isTaint) changes.push(a);
    else if (changes.length > 0) throw new Error(`all resources must be specified before taint changes: ${a}`);
    else resources.push(a);
  }
  if (resources.length < 1) throw new Error("one or more resources must be specified as <resource> <name>");
  if (changes.length < 1) throw new Error("at least one taint update is required");
  let parsed: { add: Taint[]; remove: TaintSpec[] };
  try {
    parsed = parseTaints(changes);
  } catch (e) {
    throw usageError(inv.path, `error: ${(e as Error).message}`);
  }
  const [type] = resolveResource(resources[0]!.toLowerCase());
  if (type === undefined) throw new Error(`the server doesn't have a resource type ${JSON.stringify(resources[0])}`);
  if (type.kind !== "Node") throw new Error(`invalid resource type ${resources[0]!.toLowerCase()}, only node types are supported`);
  const conflicts = parsed.add.flatMap((a) => parsed.remove.filter((r) => r.key === a.key && (r.effect === undefined || r.effect === a.effect)).map((r) => `{"${r.key}":"${r.effect ?? ""}"}`));
  if (conflicts.length > 0) throw new Error(`can not both modify and remove the following taint(s) in the same command: ${conflicts.join(", ")}`);
  const all = flags.bool("all");
  const selector = flags.string("selector");
  if (all && selector !== "") throw new Error("setting 'all' parameter with a non empty selector is prohibited");
  if (!all && selector === "" && resources.length < 2) throw new Error("at least one resource name must be specified since 'all' parameter is not set");
  const selection = all || selector !== "" ? select(s, { args: ["nodes"], selector, all }) : selectNames(s, "nodes", resources.slice(1));
  if (selection.errors.length > 0) throw aggregate(selection.errors);
  const overwrite = flags.bool("overwrite");
  const dryRun = dryRunOf(flags);
  for (const { object } of flatten(selection)) {
    const node = object as Node;
    const old = node.spec.taints ?? [];
    if (!overwrite) {
      const existing = parsed.add.filter((t) => old.some((o) => o.key === t.key && o.effect === t.effect)).map((t) => t.key);
      if (existing.length > 0) throw new Error(`node ${node.metadata.name} already has ${existing.join(",")} taint(s) with same effect(s) and --overwrite is false`);
    }
    const { operation, taints, errors } = reorganize(old, overwrite, parsed.add, parsed.remove);
    if (errors.length > 0) throw aggregate(errors);
    const spec = { ...node.spec };
    if (taints.length > 0) spec.taints = taints;
    else delete spec.taints;
    if (dryRun !== "client") updateObject(s, node, { ...node, spec }, dryRun);
    s.out(nameLine(node, `${operation}${dryRunSuffix(dryRun)}`));
  }
  return 0;
}

/** parseTaints: what to add (effect required, unique by key and effect) and what to remove. */
function parseTaints(specs: readonly string[]): { add: Taint[]; remove: TaintSpec[] } {
  const add: Taint[] = [];
  const remove: TaintSpec[] = [];
  for (const spec of specs) {
    if (spec.endsWith("-")) {
      const t = parseTaint(spec.slice(0, -1));
      remove.push(t.effect === undefined ? { key: t.key } : { key: t.key, effect: t.effect });
      continue;
    }
    const t = parseTaint(spec);
    if (t.effect === undefined) throw new Error(`invalid taint spec: ${spec}`);
    const taint: Taint = { key: t.key, effect: t.effect, ...(t.value !== undefined ? { value: t.value } : {}) };
    if (add.some((a) => a.key === taint.key && a.effect === taint.effect)) throw new Error(`duplicated taints with the same key and effect: ${goTaint(taint)}`);
    add.push(taint);
  }
  return { add, remove };
}

/** parseTaint: `KEY=VALUE:EFFECT`, `KEY:EFFECT` or `KEY`. */
function parseTaint(spec: string): TaintSpec {
  const parts = spec.split(":");
  if (parts.length > 2) throw new Error(`invalid taint spec: ${spec}`);
  let value = "";
  let key = parts[0]!;
  const effect = parts[1] as Taint["effect"] | undefined;
  if (effect !== undefined) {
    if (!EFFECTS.has(effect)) throw new Error(`invalid taint effect: ${effect}, unsupported taint effect`);
    const kv = parts[0]!.split("=");
    if (kv.length > 2) throw new Error(`invalid taint spec: ${spec}`);
    key = kv[0]!;
    value = kv[1] ?? "";
    const bad = kv.length === 2 ? isValidLabelValue(value) : [];
    if (bad.length > 0) throw new Error(`invalid taint spec: ${spec}, ${bad.join("; ")}`);
  }
  const badKey = isQualifiedName(key);
  if (badKey.length > 0) throw new Error(`invalid taint spec: ${spec}, ${badKey.join("; ")}`);
  return { key, ...(value !== "" ? { value } : {}), ...(effect !== undefined ? { effect } : {}) };
}

/** reorganizeTaints: the new list (added first, then the old ones not replaced), minus removals. */
function reorganize(old: readonly Taint[], overwrite: boolean, add: readonly Taint[], remove: readonly TaintSpec[]) {
  let taints = [...add, ...old.filter((o) => !add.some((a) => a.key === o.key && a.effect === o.effect))];
  const added = taints.length !== old.length;
  const errors: Error[] = [];
  let deleted = false;
  for (const r of remove) {
    const kept = taints.filter((t) => !(t.key === r.key && (r.effect === undefined || t.effect === r.effect)));
    deleted = kept.length !== taints.length;
    if (!deleted) errors.push(new Error(`taint ${JSON.stringify(taintString(r))} not found`));
    taints = kept;
  }
  const operation = (added && deleted) || overwrite ? "modified" : added ? "tainted" : "untainted";
  return { operation, taints, errors };
}

/** Taint.ToString: `key=value:effect`, `key:effect`, `key`. */
function taintString(t: TaintSpec): string {
  if (t.effect === undefined) return t.value ? `${t.key}=${t.value}:` : t.key;
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

/** A taint as Go's %v prints the struct: `{key value NoSchedule <nil>}`. */
function goTaint(t: Taint): string {
  return `{${t.key} ${t.value ?? ""} ${t.effect ?? ""} <nil>}`;
}
