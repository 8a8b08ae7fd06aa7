import { byteChar, normalizeBytes } from "@ksim/sim";
import { exponential, fixed, general } from "./c-float.js";
/**
 * printf and echo, shared by the shell builtins and the coreutils/busybox programs. Each
 * implementation words its errors differently; `style` picks the words.
 */

export type FormatStyle = "dash" | "bash" | "ash" | "coreutils";

export interface FormatResult {
  readonly output: string;
  readonly status: number;
  readonly errors: readonly string[];
}

/** Expands the backslash escapes of a printf format (`\n`, `\101`, bash's `\x41`). */
function formatEscape(s: string, i: number, style: FormatStyle): { text: string; next: number } {
  const c = s[i];
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
  if (c === undefined) return { text: "\\", next: i };
  if (c in simple) return { text: simple[c]!, next: i + 1 };
  if (c === "e" && style !== "dash") return { text: "\x1b", next: i + 1 };
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(s.slice(i, i + 3))!;
    return { text: byteChar(parseInt(m[0], 8) & 0xff), next: i + m[0].length };
  }
  if (c === "x" && style !== "dash") {
    const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1, i + 3));
    if (m !== null) return { text: byteChar(parseInt(m[0], 16)), next: i + 1 + m[0].length };
  }
  return { text: "\\" + c, next: i + 1 };
}

const FULL_ESCAPES = { hex: true, bareOctal: true } as const;
const DASH_ESCAPES = { hex: false, bareOctal: true } as const;
const BASH_ECHO_ESCAPES = { hex: true, bareOctal: false } as const;

/**
 * The escapes of `%b` and of echo: `\c` ends all output; octal is `\0NNN`, and `\NNN` too except
 * in bash's echo; `\xHH` except in dash, whose echo and `%b` leave it as it is.
 */
export function echoEscapes(s: string, dialect: { readonly hex: boolean; readonly bareOctal: boolean } = FULL_ESCAPES): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", e: "\x1b" };
    if (n === "c") return { text: normalizeBytes(out), stop: true };
    if (n in simple) {
      out += simple[n];
      i++;
    } else if (n === "0") {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 2, i + 5))!;
      out += byteChar(parseInt(m[0] || "0", 8) & 0xff);
      i += 1 + m[0].length;
    } else if (dialect.bareOctal && /[1-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))!;
      out += byteChar(parseInt(m[0], 8) & 0xff);
      i += m[0].length;
    } else if (dialect.hex && n === "x") {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4));
      if (m === null) out += "\\x";
      else out += byteChar(parseInt(m[0], 16));
      i += 1 + (m?.[0].length ?? 0);
    } else {
      out += "\\" + n;
      i++;
    }
  }
  return { text: normalizeBytes(out), stop: false };
}

/**
 * echo: dash's builtin takes only `-n` and always interprets escapes; bash's, busybox's and
 * coreutils' take `-n`, `-e`, `-E` (combined, like `-ne`) and interpret escapes only with -e.
 */
/** `escapes`: whether backslashes are interpreted without -e (dash's echo; bash's with xpg_echo). */
export function echo(args: readonly string[], style: FormatStyle, escapesByDefault = style === "dash"): string {
  let newline = true;
  let escapes = escapesByDefault;
  let i = 0;
  if (style === "dash") {
    if (args[0] === "-n") {
      newline = false;
      i = 1;
    }
  } else {
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (!/^-[neE]+$/.test(a)) break;
      for (const f of a.slice(1)) {
        if (f === "n") newline = false;
        else if (f === "e") escapes = true;
        else escapes = false;
      }
    }
  }
  const text = args.slice(i).join(" ");
  if (!escapes) return text + (newline ? "\n" : "");
  const r = echoEscapes(text, style === "dash" ? DASH_ESCAPES : style === "bash" ? BASH_ECHO_ESCAPES : FULL_ESCAPES);
  return r.stop ? r.text : r.text + (newline ? "\n" : "");
}

interface Spec {
  readonly flags: string;
  readonly width: number | undefined;
  readonly precision: number | undefined;
  readonly conv: string;
}

/** printf(1): the format is reused while arguments remain. */
export function printf(format: string, args: readonly string[], style: FormatStyle): FormatResult {
  let out = "";
  const errors: string[] = [];
  let status = 0;
  let argi = 0;
  const next = (): string | undefined => args[argi++];
  const number = (raw: string | undefined): number => {
    // An empty argument is zero, as a missing one is.
    if (raw === undefined || raw === "") return 0;
    const t = raw.trim();
    if (/^['"]/.test(raw)) return raw.length > 1 ? raw.codePointAt(1)! : 0;
    const m = /^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(t);
    const value = m === null ? 0 : parseIntC(m[0]);
    if (m === null || m[0].length !== t.length || (style === "ash" && raw !== t)) {
      status = 1;
      errors.push(numberError(raw, style, m !== null && t !== "" && style === "dash"));
    }
    return value;
  };
  const float = (raw: string | undefined): number => {
    if (raw === undefined) return 0;
    // strtod also reads inf, infinity and nan, whatever their case.
    const special = /^\s*([+-]?)(inf(?:inity)?|nan)\s*$/i.exec(raw);
    if (special !== null) return special[2]!.toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
    const v = Number(raw.trim());
    if (Number.isNaN(v)) {
      status = 1;
      errors.push(numberError(raw, style, false));
      return 0;
    }
    return v;
  };
  for (;;) {
    const before = argi;
    let i = 0;
    while (i < format.length) {
      const c = format[i]!;
      if (c === "\\") {
        const r = formatEscape(format, i + 1, style);
        out += r.text;
        i = r.next;
        continue;
      }
      if (c !== "%") {
        out += c;
        i++;
        continue;
      }
      if (format[i + 1] === "%") {
        out += "%";
        i += 2;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcsbqfFeEgG])/.exec(format.slice(i));
      if (m === null) {
        const bad = format.slice(i, i + 2);
        errors.push(style === "dash" ? `${bad}: invalid directive` : style === "ash" ? `${format.slice(i)}: invalid format` : `\`${bad.slice(1)}': invalid format character`);
        // dash's printf raises an error (status 2) for a directive it does not know.
        return { output: normalizeBytes(out), status: style === "dash" ? 2 : 1, errors };
      }
      // %q is bash's alone: busybox's printf, builtin or applet, stops at it as at any unknown one.
      if (m[4] === "q" && style === "ash") {
        errors.push(`${format.slice(i)}: invalid format`);
        return { output: normalizeBytes(out), status: 1, errors };
      }
      i += m[0].length;
      const width = m[2] === "*" ? number(next()) : m[2] === undefined ? undefined : Number(m[2]);
      const precision = m[3] === undefined ? undefined : m[3] === "*" ? number(next()) : Number(m[3] || "0");
      const spec: Spec = { flags: m[1]!, width, precision, conv: m[4]! };
      if (spec.conv === "q" && style === "dash") {
        errors.push("%q: invalid directive");
        return { output: normalizeBytes(out), status: 2, errors };
      }
      const piece = convert(spec, next, number, float, style);
      out += piece.text;
      if (piece.stop) return { output: normalizeBytes(out), status, errors };
    }
    if (argi >= args.length || argi === before) break;
  }
  return { output: normalizeBytes(out), status, errors };
}

function parseIntC(s: string): number {
  const neg = s.startsWith("-");
  const t = s.replace(/^[+-]/, "");
  const v = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t.startsWith("0") ? parseInt(t, 8) : Number(t);
  return neg ? -v : v;
}

function numberError(raw: string, style: FormatStyle, partial: boolean): string {
  switch (style) {
    case "dash":
      return partial ? `${raw}: not completely converted` : `${raw}: expected numeric value`;
    case "ash":
      return `invalid number '${raw}'`;
    default:
      return `${raw}: invalid number`;
  }
}

function convert(
  spec: Spec,
  next: () => string | undefined,
  number: (s: string | undefined) => number,
  float: (s: string | undefined) => number,
  style: FormatStyle,
): { text: string; stop: boolean } {
  const { flags, precision } = spec;
  let body: string;
  switch (spec.conv) {
    case "s":
      body = next() ?? "";
      if (precision !== undefined) body = body.slice(0, precision);
      return { text: pad(body, spec), stop: false };
    case "b": {
      const r = echoEscapes(next() ?? "", style === "dash" ? DASH_ESCAPES : FULL_ESCAPES);
      body = precision !== undefined ? r.text.slice(0, precision) : r.text;
      return { text: pad(body, spec), stop: r.stop };
    }
    case "q":
      return { text: pad(shellQuote(next() ?? ""), spec), stop: false };
    case "c":
      return { text: pad((next() ?? "").slice(0, 1), spec), stop: false };
    case "d":
    case "i":
    case "o":
    case "u":
    case "x":
    case "X": {
      const v = Math.trunc(number(next()));
      const neg = v < 0 && (spec.conv === "d" || spec.conv === "i");
      // The unsigned conversions show a negative number as its 64-bit two's complement.
      const abs = spec.conv === "d" || spec.conv === "i" ? BigInt(Math.abs(v)) : BigInt.asUintN(64, BigInt(v));
      let digits = spec.conv === "o" ? abs.toString(8) : spec.conv === "x" ? abs.toString(16) : spec.conv === "X" ? abs.toString(16).toUpperCase() : String(abs);
      if (precision !== undefined) digits = digits.padStart(precision, "0");
      if (flags.includes("#") && abs !== 0n) digits = (spec.conv === "o" ? "0" : spec.conv === "x" ? "0x" : spec.conv === "X" ? "0X" : "") + digits;
      const sign = neg ? "-" : flags.includes("+") && (spec.conv === "d" || spec.conv === "i") ? "+" : flags.includes(" ") && (spec.conv === "d" || spec.conv === "i") ? " " : "";
      return { text: padNumber(sign, digits, spec, precision === undefined), stop: false };
    }
    default: {
      const v = float(next());
      const p = precision ?? 6;
      let digits: string;
      const conv = spec.conv;
      if (!Number.isFinite(v)) digits = Number.isNaN(v) ? "nan" : "inf";
      else if (conv === "f" || conv === "F") digits = fixed(Math.abs(v), p);
      else if (conv === "e" || conv === "E") digits = exponential(Math.abs(v), p, flags.includes("#"));
      else digits = general(Math.abs(v), p, flags.includes("#"));
      if (conv === "E" || conv === "G" || conv === "F") digits = digits.toUpperCase();
      const sign = v < 0 || Object.is(v, -0) ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
      return { text: padNumber(sign, digits, spec, true), stop: false };
    }
  }
}

function pad(text: string, spec: Spec): string {
  const w = spec.width ?? 0;
  if (text.length >= w) return text;
  return spec.flags.includes("-") ? text.padEnd(w) : text.padStart(w);
}

function padNumber(sign: string, digits: string, spec: Spec, zeroAllowed: boolean): string {
  const w = spec.width ?? 0;
  const len = sign.length + digits.length;
  if (len >= w) return sign + digits;
  if (spec.flags.includes("-")) return (sign + digits).padEnd(w);
  if (spec.flags.includes("0") && zeroAllowed) return sign + digits.padStart(w - sign.length, "0");
  return (sign + digits).padStart(w);
}

/** bash's `%q` / `printf -v` quoting: backslashes before special characters. */
export function shellQuote(s: string): string {
  if (s === "") return "''";
  // With control characters in it, or bytes past ASCII (a container's C locale prints none),
  // bash quotes the whole string ANSI-C style.
  if (/[\x00-\x1f\x7f-\uffff]/.test(s)) return `$'${[...s].map(ansiC).join("")}'`;
  return s.replace(/[^A-Za-z0-9_./:=@%^,+-]/g, (c) => `\\${c}`);
}

/** bash's `${x@Q}`: single quotes (`'\''` for a quote), or ANSI-C quoting as %q chooses it. */
export function reuseQuote(s: string): string {
  return /[\x00-\x1f\x7f-\uffff]/.test(s) ? `$'${[...s].map(ansiC).join("")}'` : `'${s.replace(/'/g, "'\\''")}'`;
}

/** How declare -p and `${x@A}` quote a value: in double quotes, or ANSI-C style as %q chooses it. */
export function declareQuote(s: string): string {
  return /[\x00-\x1f\x7f-\uffff]/.test(s) ? `$'${[...s].map(ansiC).join("")}'` : `"${s.replace(/(["\\$`])/g, "\\$1")}"`;
}

const ANSI_C: Readonly<Record<string, string>> = { "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\E", "\\": "\\\\", "'": "\\'" };

function ansiC(c: string): string {
  const code = c.charCodeAt(0);
  if (ANSI_C[c] !== undefined) return ANSI_C[c]!;
  if (code >= 32 && code < 127) return c;
  let out = "";
  for (const b of new TextEncoder().encode(c)) out += `\\${b.toString(8).padStart(3, "0")}`;
  return out;
}

/** bash's sh_contains_shell_metas: whether a word needs quoting to be read back as itself. */
export function containsShellMetas(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (" \t\n'\"\\|&;()<>!{}*[?]^$`".includes(c)) return true;
    if (c === "~" && (i === 0 || s[i - 1] === "=" || s[i - 1] === ":")) return true;
    if (c === "#" && i === 0) return true;
  }
  return false;
}

/** How bash's xtrace shows a word: in single quotes when it holds a metacharacter or is empty. */
export function xtraceQuote(s: string): string {
  return s === "" || containsShellMetas(s) ? `'${s.replace(/'/g, "'\\''")}'` : s;
}
