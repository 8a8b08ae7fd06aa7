import { resolveResource, type ResourceType } from "@ksim/kube";
import { parseAllDocuments, parse as parseYamlValue, Scalar } from "yaml";
import type { ScenarioFile } from "./file.js";

/**
 * Edits to the scenario's manifests, addressed as `TYPE/NAME:FIELD.PATH` (`statefulset/zk:spec.replicas`,
 * `sts/zk:spec.template.spec.containers[0].image`): a scenario's `set` and `remove`, and
 * `ksim compare --vary`. Manifests are edited as YAML documents, so everything else in them
 * stays as written.
 */
export interface ObjectRef {
  /** The kind the TYPE resolves to (`sts` → StatefulSet). */
  readonly kind: string;
  readonly name: string;
}

export interface FieldRef extends ObjectRef {
  readonly path: readonly (string | number)[];
}

export interface Variation extends FieldRef {
  readonly text: string;
  readonly values: readonly string[];
}

export class VaryError extends Error {
  override name = "VaryError";
}

/** `TYPE/NAME`: an object of the manifests. */
export function parseObjectRef(text: string): ObjectRef {
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1) throw new VaryError(`expected TYPE/NAME such as statefulset/zk, got ${JSON.stringify(text)}`);
  const type = text.slice(0, slash);
  let types: readonly ResourceType[];
  try {
    types = resolveResource(type);
  } catch {
    types = [];
  }
  if (types.length !== 1) throw new VaryError(`the server doesn't have a resource type "${type}"`);
  return { kind: types[0]!.kind, name: text.slice(slash + 1) };
}

/** `TYPE/NAME:FIELD.PATH`: a field of an object of the manifests. */
export function parseFieldRef(text: string): FieldRef {
  const colon = text.indexOf(":");
  if (colon < 0) throw new VaryError(`expected TYPE/NAME:FIELD.PATH such as statefulset/zk:spec.replicas, got ${JSON.stringify(text)}`);
  const field = text.slice(colon + 1);
  const path = field.split(/\.|(?=\[)/).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
  if (path.some((p) => p === "")) throw new VaryError(`bad field path ${JSON.stringify(field)}`);
  return { ...parseObjectRef(text.slice(0, colon)), path };
}

export function parseVary(text: string): Variation {
  const eq = text.indexOf("=");
  if (eq < 0) throw new VaryError(`--vary: expected TYPE/NAME:FIELD.PATH=VALUE,VALUE… such as statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel, got ${JSON.stringify(text)}`);
  let ref: FieldRef;
  try {
    ref = parseFieldRef(text.slice(0, eq));
  } catch (e) {
    throw new VaryError(`--vary: ${(e as Error).message}`);
  }
  const values = text.slice(eq + 1).split(",");
  if (values.length < 2) throw new VaryError(`--vary: give at least two values to compare, got ${JSON.stringify(text.slice(eq + 1))}`);
  return { ...ref, text, values };
}

/** The variant's label in tables: `podManagementPolicy=Parallel`. */
export function variantLabel(v: Variation, value: string): string {
  return `${String(v.path[v.path.length - 1])}=${value}`;
}

export interface ManifestEdits {
  /** Fields to set (null deletes the field). */
  readonly set?: readonly { readonly ref: FieldRef; readonly value: unknown }[];
  /** Objects to leave out. */
  readonly remove?: readonly ObjectRef[];
}

/**
 * Applies edits to a manifest file's text; returns the new text and, per edit (sets first, then
 * removals), whether it found its object.
 */
export function editManifests(text: string, edits: ManifestEdits): { text: string; found: boolean[] } {
  const docs = parseAllDocuments(text);
  const sets = edits.set ?? [];
  const removals = edits.remove ?? [];
  const found = new Array<boolean>(sets.length + removals.length).fill(false);
  if (!Array.isArray(docs)) return { text, found };
  const matches = (js: unknown, ref: ObjectRef) => {
    const o = js as { kind?: unknown; metadata?: { name?: unknown } } | null;
    return o?.kind === ref.kind && o.metadata?.name === ref.name;
  };
  const kept = docs.filter((doc) => {
    const js = doc.toJS();
    sets.forEach((e, i) => {
      if (!matches(js, e.ref)) return;
      if (e.value === null) doc.deleteIn(e.ref.path);
      else doc.setIn(e.ref.path, scalarFor(e.value));
      found[i] = true;
    });
    const removed = removals.findIndex((r) => matches(js, r));
    if (removed >= 0) found[sets.length + removed] = true;
    return removed < 0;
  });
  if (found.every((f) => !f)) return { text, found };
  return { text: kept.map((d, i) => (i === 0 ? d.toString() : `---\n${d.toString().replace(/^---\n/, "")}`)).join(""), found };
}

/**
 * kubectl reads manifests as YAML 1.1, where `y`, `on` or `0755` are not strings: a string
 * value that would change type there is written quoted.
 */
function scalarFor(value: unknown): unknown {
  if (typeof value !== "string" || parseYamlValue(value, { version: "1.1" }) === value) return value;
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/**
 * The scenario with the field set to `value` (YAML-typed: `3` is a number, `true` a boolean) in
 * whichever of its files holds the object. `resolveUrl` gives the text of files named by URL.
 */
export function applyVariant(file: ScenarioFile, v: Variation, value: string, resolveUrl: (url: string) => string | undefined): ScenarioFile {
  return applyEdits(file, [{ ref: v, value: parseYamlValue(value) }], resolveUrl, "--vary");
}

/** `TYPE/NAME:FIELD.PATH=VALUE` (the value YAML-typed), as `ksim run --set` takes it. */
export function parseSet(text: string): { ref: FieldRef; value: unknown } {
  const eq = text.indexOf("=");
  if (eq < 0) throw new VaryError(`--set: expected TYPE/NAME:FIELD.PATH=VALUE such as statefulset/zk:spec.replicas=5, got ${JSON.stringify(text)}`);
  try {
    return { ref: parseFieldRef(text.slice(0, eq)), value: parseYamlValue(text.slice(eq + 1)) };
  } catch (e) {
    throw new VaryError(`--set: ${(e as Error).message}`);
  }
}

/**
 * The scenario with fields set in whichever of its files hold their objects (null deletes a
 * field); every edit must find its object. `what` names the edits in errors (`--set`).
 */
export function applyEdits(file: ScenarioFile, edits: readonly { ref: FieldRef; value: unknown }[], resolveUrl: (url: string) => string | undefined, what: string): ScenarioFile {
  const files: Record<string, NonNullable<ScenarioFile["files"]>[string]> = {};
  const found = edits.map(() => false);
  for (const [path, entry] of Object.entries(file.files ?? {})) {
    const text = typeof entry === "string" ? entry : entryText(entry, resolveUrl);
    const edited = text === undefined ? undefined : editManifests(text, { set: edits });
    if (edited !== undefined && edited.found.some((f) => f)) {
      edited.found.forEach((f, i) => (found[i] ||= f));
      files[path] = edited.text;
    } else files[path] = entry;
  }
  const missing = edits.find((_, i) => !found[i]);
  if (missing !== undefined) throw new VaryError(`${what}: no ${missing.ref.kind} named ${JSON.stringify(missing.ref.name)} in the scenario's files`);
  return { ...file, files };
}

/** A `files` entry's text: inline, or a bundled URL with its `set` and `remove` edits applied. */
export function entryText(entry: Exclude<NonNullable<ScenarioFile["files"]>[string], string>, resolveUrl: (url: string) => string | undefined): string | undefined {
  const text = resolveUrl(entry.url);
  if (text === undefined || (entry.set === undefined && entry.remove === undefined)) return text;
  return editManifests(text, {
    set: Object.entries(entry.set ?? {}).map(([ref, value]) => ({ ref: parseFieldRef(ref), value })),
    remove: (entry.remove ?? []).map(parseObjectRef),
  }).text;
}
