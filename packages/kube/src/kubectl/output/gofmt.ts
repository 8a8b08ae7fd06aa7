/**
 * How Go's fmt and strconv print JSON-shaped values. kubectl's template printers hand decoded
 * JSON to Go code, so numbers, maps and nil print the Go way (`1e+06`, `map[a:1]`, `<nil>`).
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** `strconv.FormatFloat(x, 'g', -1, 64)`, which is also what `%v` prints for a float64. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  // toExponential() without an argument yields the shortest digits that round-trip, like Go.
  const [mantissa, expPart] = x.toExponential().split("e") as [string, string];
  const exp = Number(expPart);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  // Shortest 'g' switches to an exponent outside [1e-4, 1e6), with at least two exponent digits.
  if (exp >= -4 && exp < 6) return sign + fixed(digits, exp);
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
  const e = Math.abs(exp);
  return `${sign}${digits[0]}${frac}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}

function fixed(digits: string, exp: number): string {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + "0".repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** `strconv.Quote`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u${cp.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return out + '"';
}

/**
 * `fmt.Sprint` of JSON as kubectl decodes it (apimachinery's json, for jsonpath and templates
 * alike): whole numbers are int64, other numbers float64.
 */
export function goSprint(v: Json | undefined): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map((x) => goSprint(x)).join(" ")}]`;
  const obj = v as { readonly [key: string]: Json };
  return `map[${sortedKeys(obj)
    .map((k) => `${k}:${goSprint(obj[k])}`)
    .join(" ")}]`;
}

/** `fmt.Sprintf("%#v")` of an unstructured object, as kubectl's jsonpath error dumps it. */
export function goSyntax(v: Json | undefined): string {
  if (v === null || v === undefined) return "interface {}(nil)";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(", ")}}`;
  const obj = v as { readonly [key: string]: Json };
  return `map[string]interface {}{${sortedKeys(obj)
    .map((k) => `${goQuote(k)}:${goSyntax(obj[k])}`)
    .join(", ")}}`;
}

/** Go sorts map keys bytewise; for the keys objects carry that equals UTF-16 order. */
export function sortedKeys(obj: object): string[] {
  return Object.keys(obj)
    .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
