/**
 * awk's values: numbers (doubles), strings, and text from input (fields, getline, split,
 * ARGV, ENVIRON, -v) that counts as a number when it looks like one — mawk's "maybe strnum".
 * Uninitialized is `undefined`: "" and 0 at once.
 */

/** Text from input; compares numerically when all of it reads as a number. */
export class InputStr {
  private cachedNum: number | undefined;
  private cachedNumeric: boolean | undefined;
  constructor(readonly text: string) {}

  /** The leading number, as C's strtod reads it (0 if there is none). */
  get num(): number {
    return (this.cachedNum ??= strtod(this.text));
  }

  /** mawk's check_strnum: optional blanks, a number strtod consumes entirely, optional blanks. */
  get numeric(): boolean {
    return (this.cachedNumeric ??= looksNumeric(this.text));
  }
}

export type Scalar = number | string | InputStr | undefined;

/** Associative arrays; `for (k in a)` walks insertion order (mawk's is its hash order). */
export class AwkArray {
  readonly map = new Map<string, Scalar>();
}

export type Slot = Scalar | AwkArray;

const BLANK = " \t\n\v\f\r";
const STRNUM_BLANK = " \t\v\f\r";

/** C strtod over the longest numeric prefix: decimal, hex (0x...), inf, infinity, nan. */
export function strtod(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  return strtodPrefix(s).value;
}

/** The value strtod reads and how many characters it consumed (0 if none). */
function strtodPrefix(s: string): { value: number; end: number } {
  let i = 0;
  while (i < s.length && BLANK.includes(s[i]!)) i++;
  let sign = 1;
  if (s[i] === "+" || s[i] === "-") {
    if (s[i] === "-") sign = -1;
    i++;
  }
  const rest = s.slice(i);
  const word = /^(inf(inity)?|nan)/i.exec(rest);
  if (word !== null) {
    return { value: word[1]!.toLowerCase() === "nan" ? NaN : sign * Infinity, end: i + word[0].length };
  }
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?/.exec(rest);
  if (hex !== null && (hex[1] !== "" || (hex[2] ?? "") !== "")) {
    const whole = hex[1]!;
    const frac = hex[2] ?? "";
    let value = whole === "" ? 0 : parseInt(whole, 16);
    for (let k = 0; k < frac.length; k++) value += parseInt(frac[k]!, 16) / 16 ** (k + 1);
    const exp = hex[3] === undefined ? 0 : Number(hex[3]);
    return { value: sign * value * 2 ** exp, end: i + hex[0].length };
  }
  const dec = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
  if (dec === null) return { value: 0, end: 0 };
  return { value: sign * Number(dec[0]), end: i + dec[0].length };
}

function looksNumeric(text: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && STRNUM_BLANK.includes(text[start]!)) start++;
  while (end > start && STRNUM_BLANK.includes(text[end - 1]!)) end--;
  if (start === end) return false;
  const last = text[end - 1]!;
  if (!(last === "." || (last >= "0" && last <= "9"))) return false;
  const first = text[start]!;
  if (!(first === "+" || first === "-" || first === "." || (first >= "0" && first <= "9"))) return false;
  return strtodPrefix(text.slice(start, end)).end === end - start;
}

/**
 * Converts a double to text the way mawk does: `%d` when it is an integer that fits the
 * implementation's integer type (32 bits for mawk 1.3.4 20200120, 64 for busybox), else
 * through CONVFMT or OFMT.
 */
export function numberToString(d: number, intMax: number, format: (d: number) => string): string {
  if (Number.isInteger(d) && d <= intMax && d >= -intMax) return Math.abs(d) < 1e21 ? String(d) : BigInt(d).toString();
  return format(d);
}
