import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recorded } from "./record.js";
import type { JsonObject } from "../../api/json-value.js";
import { LAST_APPLIED, planApply, withLastApplied } from "../../api/patch.js";
import { groupResource } from "../../api/resources.js";
import { schemaFor } from "../../api/schema-kinds.js";
import type { KubeObject } from "../../api/types.js";
import { formatObjects, nameLine } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, OUTPUT_FLAG, printsObjects, SELECTOR_FLAG, TEMPLATE_FLAGS, type Command, type DryRun, type Invocation } from "./command.js";
import { aggregate, withSource } from "./errors.js";
import { selectorMatches } from "../../api/labels.js";
import { FILENAME_FLAGS, hasSources, loadSources, type SourcedObject } from "./sources.js";
import type { Session } from "./session.js";
import { gvkString, gvrString, namespaceFor, parseLabels, typeOf } from "./targets.js";
import { createObject, patchObject } from "./writes.js";

/**
 * `kubectl apply` (client-side apply: the three-way merge against the last-applied
 * configuration) and `kubectl create -f`: every object on its own, errors reported at the end.
 */
export const APPLY_FLAGS = [
  ...FILENAME_FLAGS,
  DRY_RUN_FLAG,
  OUTPUT_FLAG,
  ...TEMPLATE_FLAGS,
  SELECTOR_FLAG,
  { name: "validate", type: "string", noValue: "strict" },
  { name: "field-manager", type: "string" },
  RECORD_FLAG,
] as const;

export const applyCommand: Command = {
  name: "apply",
  short: "Apply a configuration to a resource by file name or stdin",
  usage: "(-f FILENAME | -k DIRECTORY)",
  flags: [...APPLY_FLAGS],
  run: runApply,
};

function* runApply(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  if (!hasSources(flags)) throw new Error("must specify one of -f and -k");
  if (inv.args.length > 0) throw new Error(`Unexpected args: [${inv.args.join(" ")}]`);
  const loaded = yield* loadSources(s, flags);
  const objects = withChangeCause(inv, filtered(loaded.objects, flags.string("selector")));
  if (objects.length === 0 && loaded.errors.length === 0) throw new Error("no objects passed to apply");
  return yield* writeEach(inv, objects, loaded.errors, function* (item) {
    const result = applyOne(s, item, dryRun);
    return { object: result.object, line: result.operation + dryRunSuffix(dryRun) };
  });
}

/**
 * The loop apply, create -f and replace share: each manifest on its own, its name line (or, with
 * -o, the objects at the end) printed as it goes, and every error reported after the rest.
 * `write` wraps its own errors with the file they came from.
 */
export function* writeEach(
  inv: Invocation,
  objects: readonly SourcedObject[],
  loadErrors: readonly unknown[],
  write: (item: SourcedObject) => Proc<{ object: KubeObject; line: string }>,
): Proc<number> {
  const errors: unknown[] = [...loadErrors];
  const printed: KubeObject[] = [];
  for (const item of objects) {
    try {
      const result = yield* write(item);
      if (!printsObjects(inv.flags)) inv.s.out(nameLine(result.object, result.line));
      else printed.push(result.object);
    } catch (e) {
      errors.push(e);
    }
  }
  printObjects(inv.s, inv, printed);
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

/** `--record` on apply, create -f and replace: each object is recorded before it is written (and before apply's last-applied annotation). */
export function withChangeCause(inv: Invocation, objects: readonly SourcedObject[]): SourcedObject[] {
  const cause = changeCause(inv);
  return cause === undefined ? [...objects] : objects.map((o) => ({ ...o, object: recorded(o.object, cause) }));
}

/** `-l` on `apply -f`: only the manifests whose labels match. */
export function filtered(objects: readonly SourcedObject[], selector: string): SourcedObject[] {
  if (selector === "") return [...objects];
  const sel = parseLabels(selector);
  return objects.filter((o) => selectorMatches(sel, o.object.metadata.labels));
}

/**
 * `-o` for the objects a command wrote, several as one List (apply's printObjects). `typed`: kubectl holds the one object as a typed struct
 * (a generator's, or what a typed client returned), so `-o json` keeps Go's field order.
 */
export function printObjects(s: Session, inv: Invocation, objects: readonly KubeObject[], typed = false): void {
  if (!printsObjects(inv.flags)) return;
  const output = inv.flags.string("output");
  const template = inv.flags.changed("template") ? { template: inv.flags.string("template") } : {};
  const schema = typed && objects.length === 1 ? schemaFor(objects[0]!.apiVersion, objects[0]!.kind) : undefined;
  const result = formatObjects(objects, { output, ...template, singleItem: objects.length === 1, ...(schema !== undefined ? { typed: schema } : {}) });
  s.out(result.stdout);
  if (result.error !== undefined) throw new Error(result.error);
}

/** `-o` for commands that print each object with a printer of its own (label, annotate, patch, set): no List, no separators. */
export function printEach(s: Session, inv: Invocation, objects: readonly KubeObject[], typed = false): void {
  for (const o of objects) printObjects(s, inv, [o], typed);
}

/** `-o` for commands that print every object with one printer (set): as printEach, but YAML's printer puts `---` before each document after the first. */
export function printSeries(s: Session, inv: Invocation, objects: readonly KubeObject[], typed = false): void {
  objects.forEach((o, i) => {
    if (i > 0 && printsObjects(inv.flags) && inv.flags.string("output") === "yaml") s.out("---\n");
    printObjects(s, inv, [o], typed);
  });
}

/** The manifest as sent: its namespace filled in from the context (SetNamespace). */
export function withNamespace(s: Session, object: KubeObject): KubeObject {
  const namespace = namespaceFor(s, typeOf(object), object);
  return namespace === undefined ? object : { ...object, metadata: { ...object.metadata, namespace } };
}

/** One manifest applied (client-side apply's three-way merge); kubectl diff's "merged" with a server dry run. */
export function applyOne(s: Session, item: SourcedObject, dryRun: DryRun): { object: KubeObject; operation: string } {
  const manifest = withNamespace(s, item.object);
  const type = typeOf(manifest);
  if ((manifest.metadata.name ?? "") === "") {
    // The GET for the live object is refused by the client before it is sent.
    const info = `Resource: ${JSON.stringify(gvrString(type))}, GroupVersionKind: ${JSON.stringify(gvkString(type))}\nName: "", Namespace: ${JSON.stringify(manifest.metadata.namespace ?? "")}`;
    throw withSource(`retrieving current configuration of:\n${info}\nfrom server for:`, item.source, new Error("resource name may not be empty"));
  }
  const live = s.api.get(manifest.kind, manifest.metadata.namespace, manifest.metadata.name!);
  const schema = schemaFor(manifest.apiVersion, manifest.kind)!;
  const plan = planApply(manifest as unknown as JsonObject, live as unknown as JsonObject | undefined, schema);
  if (plan.action === "create") {
    try {
      return { object: createObject(s, plan.object as unknown as KubeObject, dryRun), operation: "created" };
    } catch (e) {
      throw withSource("creating", item.source, e);
    }
  }
  if (plan.missingLastApplied) {
    s.err(
      `Warning: resource ${groupResource(type)}/${manifest.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
    );
  }
  if (plan.action === "unchanged") return { object: live!, operation: "unchanged" };
  try {
    return { object: patchObject(s, live!, "strategic", plan.patch, dryRun).object, operation: "configured" };
  } catch (e) {
    throw withSource("patching", item.source, e);
  }
}

/** `kubectl create -f`: creates each object, `--save-config` recording it for a later apply. */
export function* createFromSources(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  const loaded = yield* loadSources(s, flags);
  return yield* writeEach(inv, withChangeCause(inv, filtered(loaded.objects, flags.string("selector"))), loaded.errors, function* (item) {
    try {
      const manifest = withNamespace(s, item.object);
      const body = flags.bool("save-config") ? withLastApplied(manifest as unknown as JsonObject) : manifest;
      return { object: createObject(s, body as KubeObject, dryRun), line: `created${dryRunSuffix(dryRun)}` };
    } catch (e) {
      throw withSource("creating", item.source, e);
    }
  });
}
