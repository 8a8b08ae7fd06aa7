import { goJson } from "./gojson.js";
import { cloneJson, isJsonObject, jsonEqual, type JsonObject } from "./json-value.js";
import type { Schema } from "./schema.js";

/**
 * Strategic merge patch (apimachinery's strategicpatch) driven by the schema's patch metadata:
 * lists with a patchMergeKey merge element by element, primitive lists with strategy merge are
 * sets, other lists are replaced; `$patch: replace|delete`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are understood; null deletes.
 * Also the three-way patch kubectl apply computes from the last-applied configuration.
 */
export class PatchError extends Error {
  override name = "PatchError";
  constructor(
    message: string,
    /** How the API server reports it: 400 for malformed directives, 500 for other merge failures. */
    readonly status: "BadRequest" | "InternalError",
  ) {
    super(message);
  }
}

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList";
const SET_ORDER = "$setElementOrder";
const BAD_RETAIN_KEYS = "invalid patch format of retainKeys";

interface Meta {
  readonly schema: Schema | undefined;
  readonly mergeKey?: string;
  readonly merge: boolean;
  readonly retainKeys: boolean;
}

/** Patch metadata of field `key` inside `schema` (LookupPatchMetadataForStruct/Slice). */
function lookup(schema: Schema | undefined, key: string): Meta {
  if (schema === undefined) return { schema: undefined, merge: false, retainKeys: false };
  if (schema.t === "map") return metaOf(schema.of, false);
  if (schema.t !== "struct") return { schema: undefined, merge: false, retainKeys: false };
  const f = schema.fields[key];
  if (f === undefined) return { schema: undefined, merge: false, retainKeys: false };
  return metaOf(f.s, f.retainKeys === true);
}

function metaOf(s: Schema, retainKeys: boolean): Meta {
  if (s.t === "list") {
    return {
      schema: s.of,
      ...(s.mergeKey !== undefined ? { mergeKey: s.mergeKey } : {}),
      merge: s.strategy === "merge",
      retainKeys: s.retainKeys === true,
    };
  }
  if (s.t === "any") return { schema: undefined, merge: false, retainKeys };
  return { schema: s, merge: false, retainKeys };
}

function goPrintMap(m: JsonObject): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${goPrint(m[k])}`)
    .join(" ")}]`;
}

/** fmt's %v of a JSON value decoded into interface{} (maps sorted, numbers as float64). */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  if (isJsonObject(v)) return goPrintMap(v);
  if (typeof v === "number") return goFloat(v);
  return String(v);
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form from 1e+06 and below 1e-04. */
function goFloat(f: number): string {
  if (f === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp >= -4 && exp < 6) return String(f);
  const [m, e] = f.toExponential().split("e");
  const n = Number(e);
  return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** Removes every patch directive from a value that is inserted as a whole. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isJsonObject(x) && x[DIRECTIVE] !== undefined && (x[DIRECTIVE] === "delete" || Object.keys(x).length === 1))).map(stripDirectives);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(`${DELETE_PRIMITIVE}/`) || k.startsWith(`${SET_ORDER}/`)) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeKeyString(v: unknown): string {
  return typeof v === "string" ? v : goPrint(v);
}

/**
 * Applies a strategic merge patch to an object (StrategicMergeMapPatch with the API server's
 * options). Pure. Throws PatchError in apimachinery's words.
 */
export function applyStrategicMergePatch<T>(original: T, patch: JsonObject, schema: Schema): T {
  if (!isJsonObject(patch)) throw new PatchError("invalid JSON document", "BadRequest");
  return mergeMap(cloneJson(original) as unknown as JsonObject, cloneJson(patch), schema) as T;
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === "replace") return stripDirectives(patch) as JsonObject;
    if (directive === "delete") return {};
    throw new PatchError(`unknown patch type: ${goPrint(directive)} in map: ${goPrint(patch)}`, "BadRequest");
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError(BAD_RETAIN_KEYS, "BadRequest");
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k === RETAIN_KEYS || k.startsWith(`${DELETE_PRIMITIVE}/`) || k.startsWith(`${SET_ORDER}/`) || retain.includes(k)) continue;
      throw new PatchError(BAD_RETAIN_KEYS, "BadRequest");
    }
    for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
  }

  for (const [key, patchV] of Object.entries(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(`${SET_ORDER}/`)) continue;
    if (key.startsWith(`${DELETE_PRIMITIVE}/`)) {
      const field = key.slice(DELETE_PRIMITIVE.length + 1);
      if (!Array.isArray(patchV)) throw new PatchError("invalid patch format of primitive list", "BadRequest");
      const cur = original[field];
      if (Array.isArray(cur)) original[field] = cur.filter((x) => !patchV.some((d) => jsonEqual(d, x)));
      continue;
    }
    if (patchV === null) {
      delete original[key];
      continue;
    }
    const origV = original[key];
    if (origV === undefined || origV === null) {
      original[key] = stripDirectives(patchV);
      continue;
    }
    const meta = lookup(schema, key);
    if (isJsonObject(origV) && isJsonObject(patchV)) {
      original[key] = mergeMap(origV, patchV, meta.schema);
    } else if (Array.isArray(origV) && Array.isArray(patchV)) {
      original[key] = mergeSlice(origV, patchV, meta, patch[`${SET_ORDER}/${key}`]);
    } else {
      original[key] = stripDirectives(patchV);
    }
  }
  return original;
}

function mergeSlice(original: unknown[], patch: unknown[], meta: Meta, setOrder: unknown): unknown[] {
  if (!meta.merge) return stripDirectives(patch) as unknown[];
  // An element `{$patch: replace}` replaces the whole list with the other elements.
  if (patch.some((e) => isJsonObject(e) && e[DIRECTIVE] === "replace")) {
    return patch.filter((e) => !(isJsonObject(e) && e[DIRECTIVE] === "replace")).map(stripDirectives);
  }
  let merged: unknown[];
  if (meta.mergeKey === undefined || !patch.every(isJsonObject) || !original.every(isJsonObject)) {
    merged = [...original];
    for (const p of patch) if (!merged.some((x) => jsonEqual(x, p))) merged.push(cloneJson(p));
  } else {
    merged = mergeListOfMaps(original as JsonObject[], patch as JsonObject[], meta);
  }
  if (Array.isArray(setOrder)) merged = applyElementOrder(merged, setOrder, patch, meta.mergeKey);
  return merged;
}

function mergeListOfMaps(original: JsonObject[], patch: JsonObject[], meta: Meta): JsonObject[] {
  const key = meta.mergeKey!;
  const out = original.map((o) => o);
  for (const p of patch) {
    if (!(key in p)) throw new PatchError(`map: ${goPrint(p)} does not contain declared merge key: ${key}`, "InternalError");
    const idx = out.findIndex((o) => mergeKeyString(o[key]) === mergeKeyString(p[key]));
    const directive = p[DIRECTIVE];
    if (directive === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (directive !== undefined && directive !== "merge") {
      throw new PatchError(`unknown patch type: ${goPrint(directive)} in map: ${goPrint(p)}`, "BadRequest");
    }
    const body: JsonObject = { ...p };
    delete body[DIRECTIVE];
    if (idx >= 0) out[idx] = mergeMap(out[idx]!, body, meta.schema);
    else out.push(stripDirectives(body) as JsonObject);
  }
  return out;
}

/**
 * $setElementOrder: patched elements take the given order; elements only the server has keep
 * their relative position among them (normalizeElementOrder).
 */
function applyElementOrder(merged: unknown[], order: unknown[], patch: unknown[], mergeKey: string | undefined): unknown[] {
  const id = (v: unknown): string => (mergeKey !== undefined && isJsonObject(v) ? mergeKeyString(v[mergeKey]) : goPrint(v));
  const orderIds = order.map(id);
  const patchIds = new Set([...patch.map(id), ...orderIds]);
  const inPatch = merged.filter((x) => patchIds.has(id(x))).sort((a, b) => orderIndex(orderIds, id(a)) - orderIndex(orderIds, id(b)));
  const serverOnly = merged.filter((x) => !patchIds.has(id(x)));
  const position = new Map(merged.map((x, i) => [id(x), i]));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < inPatch.length && j < serverOnly.length) {
    if (position.get(id(serverOnly[j]))! < position.get(id(inPatch[i]))!) out.push(serverOnly[j++]);
    else out.push(inPatch[i++]);
  }
  return [...out, ...inPatch.slice(i), ...serverOnly.slice(j)];
}

function orderIndex(order: string[], v: string): number {
  const i = order.indexOf(v);
  return i < 0 ? order.length : i;
}

// ---- computing patches (kubectl apply) ----------------------------------------------------------

interface DiffOptions {
  readonly ignoreDeletions: boolean;
  readonly ignoreChangesAndAdditions: boolean;
  readonly buildRetainKeys: boolean;
}

function diffMaps(original: JsonObject, modified: JsonObject, schema: Schema | undefined, opts: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retainKeys: string[] = [];
  for (const [key, modV] of Object.entries(modified)) {
    if (opts.buildRetainKeys && modV !== null) retainKeys.push(key);
    if (!(key in original)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modV;
      continue;
    }
    const origV = original[key];
    const sameShape = (isJsonObject(origV) && isJsonObject(modV)) || (Array.isArray(origV) && Array.isArray(modV)) || (typeof origV === typeof modV && !isJsonObject(origV) && !Array.isArray(origV));
    if (!sameShape || (origV === null) !== (modV === null)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modV;
      continue;
    }
    const meta = lookup(schema, key);
    if (isJsonObject(origV) && isJsonObject(modV)) {
      const sub = diffMaps(origV, modV, meta.schema, { ...opts, buildRetainKeys: meta.retainKeys });
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (Array.isArray(origV) && Array.isArray(modV)) {
      diffSlices(key, origV, modV, meta, patch, opts);
    } else if (!opts.ignoreChangesAndAdditions && !jsonEqual(origV, modV)) {
      patch[key] = modV;
    }
  }
  if (!opts.ignoreDeletions) for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  const hasAdditionalField = Object.entries(original).some(([k, x]) => x !== null && !(k in modified));
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalField)) patch[RETAIN_KEYS] = retainKeys.sort();
  return patch;
}

function diffSlices(key: string, original: unknown[], modified: unknown[], meta: Meta, patch: JsonObject, opts: DiffOptions): void {
  if (!meta.merge) {
    if (!opts.ignoreChangesAndAdditions && !jsonEqual(original, modified)) patch[key] = modified;
    return;
  }
  const elemOpts = { ...opts, buildRetainKeys: meta.retainKeys };
  if (meta.mergeKey !== undefined && (original.length > 0 || modified.length > 0) && [...original, ...modified].every(isJsonObject)) {
    const mk = meta.mergeKey;
    const changes: JsonObject[] = [];
    const deletions: JsonObject[] = [];
    const byKey = (list: JsonObject[]) => [...list].sort((a, b) => cmp(mergeKeyString(a[mk]), mergeKeyString(b[mk])));
    const o = byKey(original as JsonObject[]);
    const m = byKey(modified as JsonObject[]);
    let i = 0;
    let j = 0;
    while (i < o.length || j < m.length) {
      const ok = i < o.length ? mergeKeyString(o[i]![mk]) : undefined;
      const mkv = j < m.length ? mergeKeyString(m[j]![mk]) : undefined;
      if (ok !== undefined && mkv !== undefined && ok === mkv) {
        const sub = diffMaps(o[i]!, m[j]!, meta.schema, elemOpts);
        if (Object.keys(sub).length > 0) changes.push({ ...sub, [mk]: m[j]![mk] });
        i++;
        j++;
      } else if (ok === undefined || (mkv !== undefined && ok > mkv)) {
        if (!opts.ignoreChangesAndAdditions) changes.push(m[j]!);
        j++;
      } else {
        if (!opts.ignoreDeletions) deletions.push({ [mk]: o[i]![mk], [DIRECTIVE]: "delete" });
        i++;
      }
    }
    const modIds = (modified as JsonObject[]).map((x) => mergeKeyString(x[mk]));
    changes.sort((a, b) => orderIndex(modIds, mergeKeyString(a[mk])) - orderIndex(modIds, mergeKeyString(b[mk])));
    const sameOrder = jsonEqual(
      (original as JsonObject[]).map((x) => x[mk]).filter((v) => modIds.includes(mergeKeyString(v))),
      (modified as JsonObject[]).map((x) => x[mk]).filter((v) => (original as JsonObject[]).some((y) => mergeKeyString(y[mk]) === mergeKeyString(v))),
    );
    const list = [...changes, ...deletions];
    if (list.length > 0) patch[key] = list;
    const wantOrder = (!opts.ignoreChangesAndAdditions && (list.length > 0 || !sameOrder)) || (!opts.ignoreDeletions && list.length > 0);
    if (wantOrder) patch[`${SET_ORDER}/${key}`] = (modified as JsonObject[]).map((x) => ({ [mk]: x[mk] }));
    return;
  }
  // A set of primitives: additions in the list, removals in a parallel directive list.
  const additions = opts.ignoreChangesAndAdditions ? [] : modified.filter((x) => !original.some((y) => jsonEqual(x, y)));
  const removals = opts.ignoreDeletions ? [] : original.filter((x) => !modified.some((y) => jsonEqual(x, y)));
  if (additions.length > 0) patch[key] = additions;
  if (removals.length > 0) patch[`${DELETE_PRIMITIVE}/${key}`] = removals;
  if ((!opts.ignoreDeletions && removals.length > 0) || (!opts.ignoreChangesAndAdditions && !jsonEqual(original, modified))) {
    patch[`${SET_ORDER}/${key}`] = modified;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Merges two patches into one (mergeMap with default options, directives kept as data). */
function mergePatches(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (isJsonObject(cur) && isJsonObject(v)) out[k] = mergePatches(cur, v);
    else if (Array.isArray(cur) && Array.isArray(v) && !k.startsWith("$")) out[k] = mergePatchLists(cur, v);
    else if (!(k in out) || !k.startsWith(SET_ORDER)) out[k] = v;
  }
  return out;
}

function mergePatchLists(a: unknown[], b: unknown[]): unknown[] {
  const out = [...a];
  for (const item of b) if (!out.some((x) => jsonEqual(x, item))) out.push(item);
  return out;
}

/**
 * CreateThreeWayMergePatch: the changes from current (live) to modified (the new manifest),
 * without deletions, plus the deletions from original (the last-applied configuration) to
 * modified. An empty object means nothing to do.
 */
export function threeWayMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject, schema: Schema): JsonObject {
  const delta = diffMaps(current, modified, schema, { ignoreDeletions: true, ignoreChangesAndAdditions: false, buildRetainKeys: false });
  const deletions = diffMaps(original ?? {}, modified, schema, { ignoreDeletions: false, ignoreChangesAndAdditions: true, buildRetainKeys: false });
  return mergePatches(deletions, delta);
}

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

interface AnnotatedMeta {
  annotations?: Record<string, string>;
}

/**
 * The value kubectl stores in the last-applied annotation (GetModifiedConfiguration): the
 * manifest without that annotation, as Go's JSON encoder writes a map (sorted keys, trailing
 * newline), with `annotations: {}` when the manifest had none.
 */
export function lastAppliedConfiguration(manifest: JsonObject): string {
  const meta = { ...((manifest.metadata as AnnotatedMeta | undefined) ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  return goJson({ ...manifest, metadata: { ...meta, annotations } }) + "\n";
}

/** The manifest with its last-applied annotation set, as kubectl apply sends it. */
export function withLastApplied<T extends JsonObject>(manifest: T): T {
  const value = lastAppliedConfiguration(manifest);
  const meta = { ...((manifest.metadata as AnnotatedMeta | undefined) ?? {}) };
  return { ...manifest, metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), [LAST_APPLIED]: value } } };
}

export type ApplyPlan =
  | { readonly action: "create"; readonly object: JsonObject }
  | { readonly action: "patch"; readonly patch: JsonObject; readonly missingLastApplied: boolean }
  | { readonly action: "unchanged"; readonly missingLastApplied: boolean };

/**
 * What `kubectl apply` does with one manifest: create it (with the annotation) when there is
 * no live object, otherwise send the three-way patch, or nothing when the patch is `{}`
 * (which kubectl prints as `unchanged`). The namespace must already be set on the manifest.
 */
export function planApply(manifest: JsonObject, live: JsonObject | undefined, schema: Schema): ApplyPlan {
  if (live === undefined) return { action: "create", object: withLastApplied(manifest) };
  const lastApplied = ((live.metadata as AnnotatedMeta | undefined)?.annotations ?? {})[LAST_APPLIED];
  const original = lastApplied === undefined ? undefined : (JSON.parse(lastApplied) as JsonObject);
  const patch = threeWayMergePatch(original, withLastApplied(manifest), live, schema);
  const missingLastApplied = lastApplied === undefined;
  return Object.keys(patch).length === 0 ? { action: "unchanged", missingLastApplied } : { action: "patch", patch, missingLastApplied };
}
