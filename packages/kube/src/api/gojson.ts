/**
 * JSON exactly as Go's encoding/json writes a map[string]interface{}: keys sorted at every level,
 * no spaces, and `<`, `>`, `&`, U+2028, U+2029 escaped. Hashes that Kubernetes computes over
 * such JSON (ControllerRevision names, kustomize suffixes) depend on these bytes.
 */
export function goJson(value: unknown): string {
  return goEscape(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** encoding/json's escaping of `<`, `>`, `&`, U+2028 and U+2029 in JSON text. */
export function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** FNV-1 (not 1a) 32-bit hash, as hash/fnv.New32 computes it. */
export function fnv1_32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h >>> 0;
}

/** FNV-1a 32-bit hash (hash/fnv.New32a). */
export function fnv1a_32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h = (h ^ byte) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** apimachinery's rand.SafeEncodeString: maps each character onto a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}
