import { resolveResource } from "@ksim/kube";
import { parseAllDocuments, parse as parseYamlValue } from "yaml";
import type { ScenarioFile } from "./file.js";

/**
 * `ksim compare --vary statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel`: one
 * field of one object in the scenario's manifests, set to each value in turn. The manifests are
 * edited as YAML documents, so everything else in them stays as written.
 */
export interface Variation {
  readonly text: string;
  /** The kind the TYPE resolves to (`statefulset` → StatefulSet). */
  readonly kind: string;
  readonly name: string;
  readonly path: readonly (string | number)[];
  readonly values: readonly string[];
}

export class VaryError extends Error {
  override name = "VaryError";
}

export function parseVary(text: string): Variation {
  const m = /^([^/:=]+)\/([^:=]+):([^=]+)=(.+)$/.exec(text);
  if (m === null) throw new VaryError(`--vary: expected TYPE/NAME:FIELD.PATH=VALUE,VALUE… such as statefulset/zk:spec.podManagementPolicy=OrderedReady,Parallel, got ${JSON.stringify(text)}`);
  let kind: string;
  try {
    const types = resolveResource(m[1]!);
    if (types.length !== 1) throw new Error();
    kind = types[0]!.kind;
  } catch {
    throw new VaryError(`--vary: the server doesn't have a resource type "${m[1]}"`);
  }
  const path = m[3]!.split(/\.|(?=\[)/).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
  if (path.some((p) => p === "")) throw new VaryError(`--vary: bad field path ${JSON.stringify(m[3])}`);
  const values = m[4]!.split(",");
  if (values.length < 2) throw new VaryError(`--vary: give at least two values to compare, got ${JSON.stringify(m[4])}`);
  return { text, kind, name: m[2]!, path, values };
}

/** The variant's label in tables: `podManagementPolicy=Parallel`. */
export function variantLabel(v: Variation, value: string): string {
  return `${String(v.path[v.path.length - 1])}=${value}`;
}

/**
 * The scenario with the field set to `value` (YAML-typed: `3` is a number, `true` a boolean).
 * `resolveUrl` gives the text of files the scenario names by URL.
 */
export function applyVariant(file: ScenarioFile, v: Variation, value: string, resolveUrl: (url: string) => string | undefined): ScenarioFile {
  const files: Record<string, string | { readonly url: string }> = {};
  let found = 0;
  for (const [path, entry] of Object.entries(file.files ?? {})) {
    const text = typeof entry === "string" ? entry : resolveUrl(entry.url);
    if (text === undefined) {
      files[path] = entry;
      continue;
    }
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) {
      files[path] = entry;
      continue;
    }
    let changed = false;
    for (const doc of docs) {
      const js = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (js?.kind !== v.kind || js.metadata?.name !== v.name) continue;
      doc.setIn(v.path, parseYamlValue(value));
      changed = true;
      found++;
    }
    files[path] = changed ? docs.map((d) => d.toString()).join("") : entry;
  }
  if (found === 0) throw new VaryError(`--vary: no ${v.kind} named ${JSON.stringify(v.name)} in the scenario's files`);
  return { ...file, files };
}
