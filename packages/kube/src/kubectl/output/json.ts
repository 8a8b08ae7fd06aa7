/**
 * Objects as the JSON kubectl prints: a deep copy in Go's map order (what the template and
 * jsonpath engines see), and `json.MarshalIndent(obj, "", "    ")` for `-o json`. Compact JSON
 * comes from the API's `goJson`.
 */
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

/** `json.MarshalIndent`, with encoding/json's escaping of `<`, `>`, `&`, U+2028 and U+2029. */
export function goJsonIndent(v: unknown): string {
  return JSON.stringify(normalize(v), null, "    ").replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
