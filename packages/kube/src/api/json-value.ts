/** Helpers for plain JSON data (decoded manifests, patches), shared by patching, validation and kustomize. */

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Structural equality of JSON values. A key holding undefined counts as absent, because typed
 * objects built in TS carry optional fields that the wire form (and Go's omitempty) would drop.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  // Without key arrays: controllers compare what they would write with what is stored on every sync.
  let defined = 0;
  for (const k in a) {
    const x = a[k];
    if (x === undefined) continue;
    defined++;
    const y = b[k];
    if (y === undefined || !jsonEqual(x, y)) return false;
  }
  for (const k in b) if (b[k] !== undefined) defined--;
  return defined === 0;
}

/**
 * A deep copy of a JSON value. Written out rather than structuredClone, which is several times
 * slower on the small objects every API write copies (its extra cases never arise here).
 */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = cloneJson(x);
  }
  return out as T;
}
