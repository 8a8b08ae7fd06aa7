import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import { conflict } from "../../api/errors.js";
import { groupResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { isValidLabelValue } from "../../api/validation/content.js";
import { nameLine } from "../output/index.js";
import { printEach } from "./apply.js";
import { ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, dryRunOf, dryRunSuffix, FIELD_SELECTOR_FLAG, LOCAL_FLAG, OUTPUT_FLAG, printsObjects, SELECTOR_FLAG, TEMPLATE_FLAGS, type Command, type DryRun, type Invocation } from "./command.js";
import { aggregate, ErrorList, toStatus } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select } from "./targets.js";
import { updateObject } from "./writes.js";

/** `kubectl label` and `kubectl annotate` (pkg/cmd/label, pkg/cmd/annotate): `key=value` sets, `key-` removes, `--list` shows. */
const FLAGS = [
  ...FILENAME_FLAGS,
  SELECTOR_FLAG,
  FIELD_SELECTOR_FLAG,
  ALL_NAMESPACES_FLAG,
  DRY_RUN_FLAG,
  OUTPUT_FLAG,
  ...TEMPLATE_FLAGS,
  { name: "overwrite", type: "bool" },
  { name: "list", type: "bool" },
  { name: "all", type: "bool" },
  { name: "resource-version", type: "string" },
  { name: "field-manager", type: "string" },
  LOCAL_FLAG,
  RECORD_FLAG,
] as const;

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

type What = "label" | "annotation";

interface Changes {
  readonly set: Record<string, string>;
  readonly remove: string[];
}

/** cmdutil.GetResourcesAndPairs: resource arguments first, then the changes. */
function splitPairs(args: readonly string[], what: What): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    const isPair = (a.includes("=") && a[0] !== "=") || (a.endsWith("-") && a !== "-");
    if (isPair) pairs.push(a);
    else if (pairs.length > 0) throw new Error(`all resources must be specified before ${what} changes: ${a}`);
    else resources.push(a);
  }
  return { resources, pairs };
}

/** Complete and Validate, in their order: what is wrong with the command line, before anything is read. */
function parseCommandLine(inv: Invocation, what: What): { resources: string[]; changes: Changes; dryRun: DryRun } {
  const { flags } = inv;
  const dryRun = dryRunOf(flags);
  if (flags.bool("local") && dryRun === "server") throw new Error("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
  const { resources, pairs } = splitPairs(inv.args, what);
  const changes = what === "label" ? parseLabelPairs(pairs) : parsePairs(pairs, "annotation", true);
  const list = flags.bool("list");
  if (list && flags.string("output") !== "") throw new Error("--list and --output may not be specified together");
  if (flags.bool("all") && flags.string("selector") !== "") throw new Error("cannot set --all and --selector at the same time");
  if (flags.bool("all") && flags.string("field-selector") !== "") throw new Error("cannot set --all and --field-selector at the same time");
  if (resources.length === 0 && !hasSources(flags)) throw new Error("one or more resources must be specified as <resource> <name> or <resource>/<name>");
  if (Object.keys(changes.set).length === 0 && changes.remove.length === 0 && !list) throw new Error(`at least one ${what} update is required`);
  if (what === "annotation") {
    const both = changes.remove.filter((key) => key in changes.set);
    if (both.length > 0) throw new Error(`can not both modify and remove the following annotation(s) in the same command: ${both.join(", ")}`);
  }
  return { resources, changes, dryRun };
}

/** label's parseLabels. */
function parseLabelPairs(pairs: readonly string[]): Changes {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const p of pairs) {
    if (p.includes("=")) {
      const parts = p.split("=");
      if (parts.length !== 2) throw new Error(`invalid label spec: ${p}`);
      const problems = isValidLabelValue(parts[1]!);
      if (problems.length > 0) throw new Error(`invalid label value: ${JSON.stringify(p)}: ${problems.join(";")}`);
      set[parts[0]!] = parts[1]!;
    } else if (p.endsWith("-")) remove.push(p.slice(0, -1));
    else throw new Error(`unknown label spec: ${p}`);
  }
  if (remove.some((key) => key in set)) throw new Error("can not both modify and remove a label in the same command");
  return { set, remove };
}

/** cmdutil.ParsePairs: `key=value` pairs and, with `supportRemove`, `key-` removals. */
export function parsePairs(pairs: readonly string[], pairType: string, supportRemove: boolean): Changes {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const p of pairs) {
    if (p.includes("=") && p[0] !== "=") {
      const eq = p.indexOf("=");
      set[p.slice(0, eq)] = p.slice(eq + 1);
    } else if (supportRemove && p.endsWith("-") && p !== "-") remove.push(p.slice(0, -1));
    else invalid.push(p);
  }
  if (invalid.length > 0) throw new Error(`invalid ${pairType} format: ${invalid.join(", ")}`);
  return { set, remove };
}

function* updateMetadata(inv: Invocation, what: What): Proc<number> {
  const { s, flags } = inv;
  const { resources, changes, dryRun } = parseCommandLine(inv, what);
  const list = flags.bool("list");
  const overwrite = flags.bool("overwrite");
  const version = flags.string("resource-version");
  const local = flags.bool("local");
  if (local && resources.length > 0) throw new Error("can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set");
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    local,
    args: resources,
    selector: flags.string("selector"),
    fieldSelector: flags.string("field-selector"),
    all: flags.bool("all"),
    allNamespaces: flags.bool("all-namespaces"),
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  if (!selection.singleItem && version !== "") throw new Error("--resource-version may only be used with a single resource");
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  const field = what === "label" ? "labels" : "annotations";
  const cause = changeCause(inv);
  const printed: KubeObject[] = [];
  for (const target of flatten(selection)) {
    const live = target.object;
    const before = live.metadata[field] ?? {};
    try {
      // Only a write to the server says which labels it did not have (and a dry run writes nothing).
      const writes = dryRun !== "client" && !list && !local;
      if (writes && what === "label") for (const key of changes.remove) if (!(key in before)) s.out(`label ${JSON.stringify(key)} not found.\n`);
      const after = applyChanges(what, before, changes, overwrite);
      // The map stays, if empty, as kubectl leaves it on the object (the server drops it on write).
      const meta = { ...live.metadata, [field]: after };
      let result: KubeObject = { ...live, metadata: meta };
      if (writes) {
        if (version !== "" && version !== live.metadata.resourceVersion) {
          throw toStatus(conflict(groupResource(target.type), target.name, "the object has been modified; please apply your changes to the latest version and try again"));
        }
        // The cause is recorded into the object the patch is computed from.
        result = updateObject(s, live, recorded(result, cause), dryRun).object;
      }
      if (list) s.out(listing(what, result, selection.singleItem));
      else if (printsObjects(flags)) printed.push(result);
      else s.out(nameLine(live, `${what === "label" ? labelChange(before, after) : "annotated"}${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e);
    }
  }
  printEach(s, inv, printed);
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

/** labelFunc / updateAnnotations: the new map, refusing to overwrite a different value without --overwrite. */
function applyChanges(what: What, current: Record<string, string>, changes: Changes, overwrite: boolean): Record<string, string> {
  if (!overwrite) {
    // A kubernetes.io/change-cause annotation may always be overwritten (it records the last command).
    const clashes = Object.entries(changes.set).filter(([k, v]) => k in current && current[k] !== v && !(what === "annotation" && k === "kubernetes.io/change-cause"));
    if (clashes.length > 0) {
      if (what === "annotation") {
        throw new Error(`--overwrite is false but found the following declared annotation(s): ${clashes.map(([k]) => `'${k}' already has a value (${current[k]})`).join("; ")}`);
      }
      const errs = clashes.map(([k]) => new Error(`'${k}' already has a value (${current[k]}), and --overwrite is false`));
      throw errs.length === 1 ? errs[0] : new ErrorList(errs);
    }
  }
  const next: Record<string, string> = { ...current, ...changes.set };
  for (const key of changes.remove) delete next[key];
  return next;
}

/** label's updateDataChangeMsg: what happened to the labels, by comparing them before and after. */
function labelChange(before: Record<string, string>, after: Record<string, string>): string {
  const removed = Object.keys(before).some((k) => !(k in after));
  const added = Object.keys(after).some((k) => !(k in before) || after[k] !== before[k]);
  if (added && removed) return "label(s) changed";
  if (added) return "labeled";
  return removed ? "unlabeled" : "not labeled";
}

/**
 * `--list`: `key=value` lines; with several objects each under `Listing labels for Kind.group/name:`
 * and indented by a space. (kubectl ranges over a Go map, in no set order; ksim sorts the keys.)
 */
function listing(what: What, object: KubeObject, single: boolean): string {
  const values = (what === "label" ? object.metadata.labels : object.metadata.annotations) ?? {};
  const group = object.apiVersion.includes("/") ? object.apiVersion.slice(0, object.apiVersion.indexOf("/")) : "";
  const head = single ? "" : `Listing ${what}s for ${object.kind}.${group}/${object.metadata.name}:\n`;
  const indent = single ? "" : " ";
  return head + Object.keys(values).sort().map((k) => `${indent}${k}=${values[k]}\n`).join("");
}
