/**
 * resource.Quantity: `1Gi`, `500m`, `0.5`, `2e3`. Values are exact (a bigint mantissa times a
 * power of ten), rounded up to nano precision on parse as apimachinery does, and printed in the
 * canonical form the API server writes back (`0.5` → `500m`, `1024Mi` → `1Gi`).
 */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** value = mantissa × 10^exponent */
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

const SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

export class QuantityError extends Error {
  override name = "QuantityError";
}

export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
const ERR_SUFFIX = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NANO = -9;

// Every pod write decodes, defaults and validates the same few quantities (`10m`, `16Mi`), and
// the scheduler sums them again. Quantities are immutable, so parses are kept, up to a bound that
// a long simulation with ever-new values cannot outgrow.
const parsed = new Map<string | number, Quantity>();
const formatted = new WeakMap<Quantity, string>();
const PARSED_KEPT = 1024;

/** Parses a quantity; throws QuantityError with apimachinery's message. */
export function parseQuantity(input: string | number): Quantity {
  let q = parsed.get(input);
  if (q === undefined) {
    q = parseText(input);
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(input, q);
  }
  return q;
}

function parseText(input: string | number): Quantity {
  const str = typeof input === "number" ? numberText(input) : input;
  if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(str)!;
  const [, sign, intPart, fracPart = "", suffix = ""] = m;
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new QuantityError(ERR_FORMAT_WRONG);
  const { base, exp, format } = interpretSuffix(suffix);
  let mantissa = BigInt((intPart || "0") + fracPart);
  let exponent = -fracPart.length;
  if (base === 10) exponent += exp;
  else mantissa *= 1n << BigInt(exp);
  if (sign === "-") mantissa = -mantissa;
  let result = roundUp({ mantissa, exponent, format }, NANO);
  if (format === "BinarySI" && compareQuantity(result, ONE) < 0 && result.mantissa > 0n) {
    result = { ...result, format: "DecimalSI" };
  }
  return result;
}

const ONE: Quantity = { mantissa: 1n, exponent: 0, format: "DecimalSI" };

function numberText(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

function interpretSuffix(suffix: string): { base: 2 | 10; exp: number; format: QuantityFormat } {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exp: dec, format: "DecimalSI" };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exp: bin, format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[-+]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exp: Number(suffix.slice(1)), format: "DecimalExponent" };
  }
  throw new QuantityError(ERR_SUFFIX);
}

/** Rounds away from zero to 10^scale (inf.RoundUp), as Quantity.RoundUp does. */
export function roundUp(q: Quantity, scale: number): Quantity {
  if (q.exponent >= scale) return q;
  const div = 10n ** BigInt(scale - q.exponent);
  const neg = q.mantissa < 0n;
  const abs = neg ? -q.mantissa : q.mantissa;
  let m = abs / div;
  if (abs % div !== 0n) m += 1n;
  return { mantissa: neg ? -m : m, exponent: scale, format: q.format };
}

function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.mantissa * 10n ** BigInt(a.exponent - e), b.mantissa * 10n ** BigInt(b.exponent - e), e];
}

export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b in a's format (a zero a takes b's format, as Quantity.Add does). */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const [x, y, e] = align(a, b);
  return { mantissa: x + y, exponent: e, format: a.mantissa === 0n ? b.format : a.format };
}

/** The value as a float (for scheduling arithmetic; exact for the sizes ksim deals in). */
export function quantityValue(q: Quantity): number {
  return Number(q.mantissa) * 10 ** q.exponent;
}

/** The value in thousandths, rounded up (Quantity.MilliValue). */
export function milliValue(q: Quantity): bigint {
  return roundUp(q, -3).mantissa * 10n ** BigInt(Math.max(0, q.exponent + 3));
}

/** Canonical string (Quantity.String): what `-o yaml` shows. */
export function formatQuantity(q: Quantity): string {
  let text = formatted.get(q);
  if (text === undefined) formatted.set(q, (text = canonicalText(q)));
  return text;
}

function canonicalText(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    const exactInt = q.exponent >= 0 || q.mantissa % 10n ** BigInt(-q.exponent) === 0n;
    const small = compareQuantity(q, { mantissa: -1024n, exponent: 0, format }) > 0 && compareQuantity(q, { mantissa: 1024n, exponent: 0, format }) < 0;
    if (small || !exactInt) format = "DecimalSI";
  }
  if (format === "BinarySI") {
    let v = q.exponent >= 0 ? q.mantissa * 10n ** BigInt(q.exponent) : q.mantissa / 10n ** BigInt(-q.exponent);
    let e = 0;
    while (e < 60 && v % 1024n === 0n) {
      v /= 1024n;
      e += 10;
    }
    const suffix = Object.keys(BINARY_SUFFIXES).find((s) => BINARY_SUFFIXES[s] === e) ?? "";
    return `${v}${suffix}`;
  }
  let m = q.mantissa;
  let e = q.exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  const r = ((e % 3) + 3) % 3;
  m *= 10n ** BigInt(r);
  e -= r;
  if (format === "DecimalExponent") return e === 0 ? `${m}` : `${m}e${e}`;
  const suffix = Object.keys(DECIMAL_SUFFIXES).find((s) => DECIMAL_SUFFIXES[s] === e);
  return suffix === undefined ? `${m}e${e}` : `${m}${suffix}`;
}

/** Parse and print back: the form the API server stores for a quantity field. */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}
