import { exponential, fixed, general } from "../../shell/c-float.js";
import { byteChar } from "@ksim/sim";
import { AwkRuntimeError } from "./errors.js";
import type { Scalar } from "./values.js";
import { InputStr } from "./values.js";

/**
 * printf/sprintf as mawk 1.3.4 runs them: the C library's conversions, with mawk's own
 * handling of %c and %s (no zero padding for strings), and its 32-bit integer conversions
 * (values beyond ±2147483647 clamp for %d, wrap for %u %o %x).
 */

export interface Converter {
  toNum(v: Scalar): number;
  /** String conversion (numbers through CONVFMT). */
  toStr(v: Scalar): string;
}

interface Spec {
  readonly flags: string;
  /** Negative when `*` gave a negative width (left-justify). */
  readonly width: number | undefined;
  readonly precision: number | undefined;
  readonly conv: string;
}

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

/** A format split into literal text and conversions, parsed once per format string. */
type Piece =
  | string
  | {
      readonly flags: string;
      /** "*" takes the width (or precision) from the arguments. */
      readonly width: number | "*" | undefined;
      readonly precision: number | "*" | undefined;
      readonly conv: string;
      /** Which conversion this is, counting %% (mawk's error messages number them so). */
      readonly count: number;
      /** Not a conversion printf knows (or h/l before one that takes none). */
      readonly bad: boolean;
    };

const parsed = new Map<string, readonly Piece[]>();

function parseFormat(format: string): readonly Piece[] {
  const cached = parsed.get(format);
  if (cached !== undefined) return cached;
  const pieces: Piece[] = [];
  const spec = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?([hl]*)(.?)/y;
  let count = 0;
  let i = 0;
  let text = "";
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) break;
    text += format.slice(i, pct);
    count++;
    if (format[pct + 1] === "%") {
      text += "%";
      i = pct + 2;
      continue;
    }
    spec.lastIndex = pct;
    const m = spec.exec(format)!;
    if (text !== "") pieces.push(text);
    text = "";
    const conv = m[5]!;
    const number = (v: string | undefined) => (v === undefined ? undefined : v === "*" ? ("*" as const) : Number(v || "0"));
    const bad = conv === "" || !"cdiouxXeEfgGs".includes(conv) || (m[4] !== "" && "cseEfgG".includes(conv));
    pieces.push({ flags: m[1]!, width: number(m[2]), precision: number(m[3]), conv, count, bad });
    i = spec.lastIndex;
  }
  text += format.slice(i);
  if (text !== "") pieces.push(text);
  if (parsed.size >= 200) parsed.clear();
  parsed.set(format, pieces);
  return pieces;
}

export function sprintf(format: string, args: readonly Scalar[], conv: Converter, who: "printf" | "sprintf"): string {
  let out = "";
  let argi = 0;
  for (const p of parseFormat(format)) {
    if (typeof p === "string") {
      out += p;
      continue;
    }
    const width = p.width === "*" ? starValue(args, argi++, conv) : p.width;
    const precision = p.precision === "*" ? starValue(args, argi++, conv) : p.precision;
    if (argi >= args.length) throw new AwkRuntimeError(`not enough arguments passed to ${who}("${format}")`);
    if (p.bad) throw new AwkRuntimeError(`improper conversion(number ${p.count}) in ${who}("${format}")`);
    out += convert({ flags: p.flags, width, precision, conv: p.conv }, args[argi++], conv);
  }
  return out;
}

function starValue(args: readonly Scalar[], at: number, conv: Converter): number {
  return clampInt(conv.toNum(args[at]));
}

/** mawk's d_to_I: truncate toward zero, clamp to ±INT_MAX, NaN to -INT_MAX. */
export function clampInt(d: number): number {
  if (d >= INT_MAX) return INT_MAX;
  if (d > -INT_MAX) return Math.trunc(d);
  return -INT_MAX;
}

/** mawk's d_to_U, with C's wrap-around when a negative double is cast to unsigned. */
function toUnsigned(d: number): number {
  if (d >= UINT_MAX) return UINT_MAX;
  if (d > -UINT_MAX) {
    const t = Math.trunc(d);
    return t < 0 ? t + 2 ** 32 : t;
  }
  return 1;
}

function convert(spec: Spec, value: Scalar, conv: Converter): string {
  switch (spec.conv) {
    case "s":
      return padText(conv.toStr(value), spec);
    case "c":
      return padText(charOf(value), spec);
    case "d":
    case "i":
      return formatInteger(clampInt(conv.toNum(value)), spec);
    case "o":
    case "u":
    case "x":
    case "X":
      return formatInteger(toUnsigned(conv.toNum(value)), spec);
    default:
      return formatFloat(conv.toNum(value), spec);
  }
}

/** %c: a number is a character code (one byte); a string gives its first character. */
function charOf(v: Scalar): string {
  if (v === undefined) return "\0";
  if (typeof v === "number" || (v instanceof InputStr && v.numeric)) {
    const n = typeof v === "number" ? v : v.num;
    return byteChar(clampInt(n) & 0xff);
  }
  const s = typeof v === "string" ? v : v.text;
  return s === "" ? "\0" : s[0]!;
}

/** mawk's make_sfmt: width and precision for %s and %c; `0` does not pad strings. */
function padText(text: string, spec: Spec): string {
  let s = text;
  let prefix = "";
  if (spec.flags.includes(" ") && s === "") prefix = " ";
  if (spec.precision !== undefined && s.length > spec.precision) s = s.slice(0, spec.precision);
  const width = Math.abs(spec.width ?? 0);
  const left = spec.flags.includes("-") || (spec.width ?? 0) < 0;
  if (s.length >= width) return prefix + s;
  return prefix + (left ? s.padEnd(width) : s.padStart(width));
}

function formatInteger(v: number, spec: Spec): string {
  const { flags, precision } = spec;
  const signed = spec.conv === "d" || spec.conv === "i";
  const neg = v < 0;
  const abs = Math.abs(v);
  let digits: string;
  switch (spec.conv) {
    case "o":
      digits = abs.toString(8);
      break;
    case "x":
      digits = abs.toString(16);
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      break;
    default:
      digits = String(abs);
  }
  if (precision !== undefined) digits = precision === 0 && abs === 0 ? "" : digits.padStart(precision, "0");
  let prefix = neg ? "-" : signed && flags.includes("+") ? "+" : signed && flags.includes(" ") ? " " : "";
  if (flags.includes("#")) {
    if (spec.conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
    else if ((spec.conv === "x" || spec.conv === "X") && abs !== 0) prefix += spec.conv === "x" ? "0x" : "0X";
  }
  return pad(prefix, digits, spec, precision === undefined);
}

function formatFloat(v: number, spec: Spec): string {
  const { flags } = spec;
  const upper = spec.conv === "E" || spec.conv === "G";
  // NaNs from invalid operations (0/0, log(-1)) have the sign bit set on x86-64: glibc prints "-nan".
  const sign = v < 0 || Object.is(v, -0) || Number.isNaN(v) ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const abs = Math.abs(v);
  if (!Number.isFinite(abs)) {
    const word = Number.isNaN(abs) ? "nan" : "inf";
    return pad(sign, upper ? word.toUpperCase() : word, spec, false);
  }
  const p = spec.precision ?? 6;
  const alt = flags.includes("#");
  let body: string;
  switch (spec.conv) {
    case "f":
      body = fixed(abs, p);
      if (alt && p === 0) body += ".";
      break;
    case "e":
    case "E":
      body = exponential(abs, p, alt);
      break;
    default:
      body = general(abs, p, alt);
  }
  return pad(sign, upper ? body.toUpperCase() : body, spec, true);
}

function pad(prefix: string, digits: string, spec: Spec, zeroAllowed: boolean): string {
  const width = Math.abs(spec.width ?? 0);
  const len = prefix.length + digits.length;
  if (len >= width) return prefix + digits;
  if (spec.flags.includes("-") || (spec.width ?? 0) < 0) return (prefix + digits).padEnd(width);
  if (spec.flags.includes("0") && zeroAllowed) return prefix + digits.padStart(width - prefix.length, "0");
  return (prefix + digits).padStart(width);
}

