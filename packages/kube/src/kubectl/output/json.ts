/**
 * Objects as the JSON kubectl prints: a deep copy in Go's map order (what the template and
 * jsonpath engines see), and `json.MarshalIndent(obj, "", "    ")` for `-o json`. Compact JSON
 * comes from the API's `goJson`.
 */
import { goEscape } from "../../api/gojson.js";
import type { Schema } from "../../api/schema.js";
import { sortedKeys, type Json } from "./gofmt.js";

/** Deep copy with keys in Go's map order and `undefined` fields dropped, as a Go map has none. */
export function normalize(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === "object") {
    const out: Record<string, Json> = {};
    for (const k of sortedKeys(v)) out[k] = normalize((v as Record<string, unknown>)[k]);
    return out;
  }
  return v as Json;
}

/** `json.MarshalIndent`. */
export function goJsonIndent(v: unknown): string {
  return goEscape(JSON.stringify(normalize(v), null, "    "));
}


/**
 * `json.MarshalIndent` of a typed Go value: struct fields in their declaration order (the
 * schema's), map keys sorted. kubectl prints what it holds as a typed struct this way (the
 * objects its generators build and typed clients return, the kubeconfig); what it holds as
 * unstructured (get, apply, patch) prints with every key sorted, as goJsonIndent does.
 */
export function goTypedJsonIndent(v: unknown, schema: Schema): string {
  return goEscape(JSON.stringify(inDeclarationOrder(v, schema), null, "    "));
}

/** `json.Marshal` of a typed Go value (compact, fields in declaration order). */
export function goTypedJson(v: unknown, schema: Schema): string {
  return goEscape(JSON.stringify(inDeclarationOrder(v, schema)));
}

function inDeclarationOrder(v: unknown, s: Schema): Json {
  if (v === null || v === undefined || typeof v !== "object") return normalize(v);
  if (s.t === "list") return Array.isArray(v) ? v.map((x) => inDeclarationOrder(x, s.of)) : normalize(v);
  if (Array.isArray(v) || (s.t !== "struct" && s.t !== "map")) return normalize(v);
  const from = v as Record<string, unknown>;
  const out: Record<string, Json> = {};
  if (s.t === "map") {
    for (const k of sortedKeys(from)) out[k] = inDeclarationOrder(from[k], s.of);
    return out;
  }
  for (const name in s.fields) {
    if (from[name] !== undefined) out[name] = inDeclarationOrder(from[name], s.fields[name]!.s);
  }
  return out;
}
