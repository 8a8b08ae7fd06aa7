/**
 * Objects as the JSON kubectl prints: a deep copy in Go's map order (what the template and
 * jsonpath engines see), and `json.MarshalIndent(obj, "", "    ")` for `-o json`. Compact JSON
 * comes from the API's `goJson`.
 */
import { goEscape } from "../../api/gojson.js";
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

