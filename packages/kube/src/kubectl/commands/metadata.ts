import type { Proc } from "@ksim/sim";
import { conflict } from "../../api/errors.js";
import { goJson } from "../../api/gojson.js";
import { groupResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { isValidLabelValue } from "../../api/validation/content.js";
import { nameLine } from "../output/index.js";
import { ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, dryRunOf, dryRunSuffix, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, ErrorList, toStatus } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select } from "./targets.js";
import { updateObject } from "./writes.js";

/** `kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes. */
const FLAGS = [...FILENAME_FLAGS, SELECTOR_FLAG, ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, { name: "overwrite", type: "bool" }, { name: "all", type: "bool" }, { name: "resource-version", type: "string" }] as const;

export const labelCommand: Command = {
  name: "label",
  short: "Update the labels on a resource",
  usage: "[--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
  flags: [...FLAGS],
  run: (inv) => updateMetadata(inv, "label"),
};

export const annotateCommand: Command = {
  name: "annotate",
  short: "Update the annotations on a resource",
  usage: "[--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
  flags: [...FLAGS],
  run: (inv) => updateMetadata(inv, "annotation"),
};

/** cmdutil.GetResourcesAndPairs: resource arguments first, then the changes. */
function splitPairs(args: readonly string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    const isPair = (a.includes("=") && a[0] !== "=") || (a.endsWith("-") && a !== "-");
    if (isPair) pairs.push(a);
    else if (pairs.length > 0) throw new Error(`all resources must be specified before ${pairType} changes: ${a}`);
    else resources.push(a);
  }
  return { resources, pairs };
}

function* updateMetadata(inv: Invocation, what: "label" | "annotation"): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  const { resources, pairs } = splitPairs(inv.args, what);
  if (pairs.length === 0) throw new Error(`at least one ${what} update is required`);
  const { set, remove } = parsePairs(what, pairs);
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    args: resources,
    selector: flags.string("selector"),
    all: flags.bool("all"),
    allNamespaces: flags.bool("all-namespaces"),
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  const field = what === "label" ? "labels" : "annotations";
  for (const target of flatten(selection)) {
    const live = target.object;
    const current = live.metadata[field] ?? {};
    try {
      const version = flags.string("resource-version");
      if (version !== "" && version !== live.metadata.resourceVersion) {
        throw toStatus(conflict(groupResource(target.type), target.name, "the object has been modified; please apply your changes to the latest version and try again"));
      }
      if (!flags.bool("overwrite")) checkNoOverwrites(what, current, set);
      if (what === "label") for (const key of remove) if (!(key in current)) s.out(`label ${JSON.stringify(key)} not found.\n`);
      const next: Record<string, string> = { ...current, ...set };
      for (const key of remove) delete next[key];
      const meta = { ...live.metadata, [field]: next };
      if (Object.keys(next).length === 0) delete meta[field];
      const updated: KubeObject = { ...live, metadata: meta };
      if (dryRun !== "client") updateObject(s, live, updated, dryRun);
      s.out(nameLine(live, `${changeMessage(what, live, updated, flags.bool("overwrite"))}${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

function checkNoOverwrites(what: "label" | "annotation", current: Record<string, string>, set: Record<string, string>): void {
  const clashes = Object.entries(set).filter(([k, v]) => k in current && current[k] !== v && !(what === "annotation" && k === "kubernetes.io/change-cause"));
  if (clashes.length === 0) return;
  if (what === "annotation") {
    throw new Error(`--overwrite is false but found the following declared annotation(s): ${clashes.map(([k]) => `'${k}' already has a value (${current[k]})`).join("; ")}`);
  }
  const errs = clashes.map(([k]) => new Error(`'${k}' already has a value (${current[k]}), and --overwrite is false`));
  throw errs.length === 1 ? errs[0] : new ErrorList(errs);
}

/** parseLabels / parseAnnotations: what to set and what to remove, checked as kubectl checks them. */
function parsePairs(what: "label" | "annotation", pairs: readonly string[]): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const p of pairs) {
    if (!p.includes("=")) {
      remove.push(p.slice(0, -1));
      continue;
    }
    const eq = p.indexOf("=");
    const value = p.slice(eq + 1);
    if (what === "label") {
      if (value.includes("=")) throw new Error(`invalid label spec: ${p}`);
      const problems = isValidLabelValue(value);
      if (problems.length > 0) throw new Error(`invalid label value: ${JSON.stringify(p)}: ${problems.join(";")}`);
    }
    set[p.slice(0, eq)] = value;
  }
  if (remove.some((key) => key in set)) throw new Error(`can not both modify and remove ${what === "label" ? "a label" : "an annotation"} in the same command`);
  return { set, remove };
}

/** label's updateDataChangeMsg (annotate always says `annotated`). */
function changeMessage(what: "label" | "annotation", before: KubeObject, after: KubeObject, overwrite: boolean): string {
  if (what === "annotation") return "annotated";
  const a = goJson(before);
  const b = goJson(after);
  if (a === b) return "not labeled";
  return !overwrite && b.length < a.length ? "unlabeled" : "labeled";
}
