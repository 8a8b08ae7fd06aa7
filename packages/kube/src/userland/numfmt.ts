import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { fixed } from "../shell/c-float.js";
import { describeError, has, last, readInput, withOptions } from "./common.js";
import { fieldList } from "./text.js";

/**
 * coreutils' numfmt (9.1): numbers to and from human units (--to/--from si, iec, iec-i, auto),
 * with its rounding modes (away from zero by default), one decimal below 10 of a unit, padding
 * (by default a field keeps its width when blanks come before it), --suffix, --format,
 * --field ranges, -d, --header and --invalid. Numbers come from the operands or, without any,
 * from standard input a line at a time.
 */

type Scale = "none" | "si" | "iec" | "iec-i" | "auto";
type Round = "up" | "down" | "from-zero" | "towards-zero" | "nearest";

const SUFFIXES = "KMGTPEZY";

class Conversion extends Error {}

interface Settings {
  readonly from: Scale;
  readonly to: Scale;
  readonly round: Round;
  readonly suffix: string | undefined;
  padding: number;
  readonly alignLeft: boolean;
  readonly autoPadding: boolean;
  readonly delimiter: string | undefined;
  readonly fields: (field: number) => boolean;
  readonly format: { prefix: string; suffix: string; precision: number | undefined; zeroPad: number } | undefined;
  readonly abort: boolean;
  readonly warn: boolean;
}

function roundTo(v: number, mode: Round): number {
  switch (mode) {
    case "up":
      return Math.ceil(v);
    case "down":
      return Math.floor(v);
    case "from-zero":
      return v < 0 ? Math.floor(v) : Math.ceil(v);
    case "towards-zero":
      return Math.trunc(v);
    case "nearest":
      return v < 0 ? Math.ceil(v - 0.5) : Math.floor(v + 0.5);
  }
}

/** printf's %.*f, exact halves to even as glibc prints them. */
function printFixed(v: number, precision: number): string {
  const text = fixed(Math.abs(v), precision);
  return v < 0 || Object.is(v, -0) ? `-${text}` : text;
}

/** simple_strtod_human: NNN[.NNN] and a unit letter the --from scale allows. */
function parseHuman(text: string, from: Scale): { value: number; precision: number } {
  const m = /^(-?)(\d*)(?:\.(\d*))?/.exec(text)!;
  if (m[2] === "" && m[3] === undefined) throw new Conversion(`invalid number: '${text}'`);
  let value = Number(`${m[2] || "0"}.${m[3] || "0"}`);
  let precision = m[3]?.length ?? 0;
  let rest = text.slice(m[0].length);
  if (rest !== "") {
    rest = rest.replace(/^[ \t]+/, "");
    const letter = rest[0]!;
    if (!SUFFIXES.includes(letter)) throw new Conversion(`invalid suffix in input: '${text}'`);
    if (from === "none") throw new Conversion(`rejecting suffix in input: '${text}' (consider using --from)`);
    let base = from === "si" ? 1000 : 1024;
    rest = rest.slice(1);
    if (from === "auto") {
      if (rest.startsWith("i")) rest = rest.slice(1);
      else base = 1000;
    }
    if (from === "iec-i") {
      if (!rest.startsWith("i")) throw new Conversion(`missing 'i' suffix in input: '${text}' (e.g Ki/Mi/Gi)`);
      rest = rest.slice(1);
    }
    if (rest !== "") throw new Conversion(`invalid suffix in input '${text}': '${rest}'`);
    value *= base ** (SUFFIXES.indexOf(letter) + 1);
    precision = 0;
  }
  return { value: m[1] === "-" ? -value : value, precision };
}

/** double_to_human: scaled to the largest unit below it, rounded, one decimal under 10. */
function toHuman(value: number, precision: number, s: Settings): string {
  const userPrecision = s.format?.precision;
  if (s.to === "none") {
    const p = userPrecision ?? precision;
    return printFixed(roundTo(value * 10 ** p, s.round) / 10 ** p, p);
  }
  const base = s.to === "si" ? 1000 : 1024;
  let power = 0;
  let v = value;
  while (Math.abs(v) >= base) {
    v /= base;
    power++;
  }
  const adjust = userPrecision !== undefined ? Math.min(power * 3, userPrecision) : Math.abs(v) < 10 ? 1 : 0;
  v = roundTo(v * 10 ** adjust, s.round) / 10 ** adjust;
  if (Math.abs(v) >= base) {
    v /= base;
    power++;
  }
  const showDecimal = v !== 0 && Math.abs(v) < 10 && power > 0;
  const unit = power === 0 ? "" : `${SUFFIXES[power - 1]}${s.to === "iec-i" ? "i" : ""}`;
  return `${printFixed(v, userPrecision ?? (showDecimal ? 1 : 0))}${unit}`;
}

/** One field: converted and padded, or (with --invalid other than abort) left as it was. */
function convertField(text: string, field: number, s: Settings): { out: string; valid: boolean } {
  let body = text;
  if (s.suffix !== undefined && body.length > s.suffix.length && body.endsWith(s.suffix)) body = body.slice(0, -s.suffix.length);
  const blanks = /^[ \t]*/.exec(body)![0].length;
  if (s.autoPadding) s.padding = blanks > 0 || field > 1 ? body.length : 0;
  const { value, precision } = parseHuman(body.slice(blanks), s.from);
  let out = toHuman(value, precision, s) + (s.suffix ?? "");
  const zero = s.format?.zeroPad ?? 0;
  if (zero > out.length) out = out.startsWith("-") ? `-${out.slice(1).padStart(zero - 1, "0")}` : out.padStart(zero, "0");
  if (s.padding > out.length) out = s.alignLeft ? out.padEnd(s.padding) : out.padStart(s.padding);
  return { out: `${s.format?.prefix ?? ""}${out}${s.format?.suffix ?? ""}`, valid: true };
}

/** process_line: blank-separated fields keep the blanks before them; the one blank after each is the separator. */
function convertLine(line: string, s: Settings, complain: (message: string) => void): { out: string; valid: boolean } {
  const fields: string[] = [];
  if (s.delimiter !== undefined) fields.push(...line.split(s.delimiter));
  else {
    let rest = line;
    for (;;) {
      const m = /^[ \t]*[^ \t]*/.exec(rest)![0];
      fields.push(m);
      rest = rest.slice(m.length);
      if (rest === "") break;
      rest = rest.slice(1);
    }
  }
  let valid = true;
  const out = fields.map((f, i) => {
    if (!s.fields(i + 1)) return f;
    try {
      return convertField(f, i + 1, s).out;
    } catch (e) {
      if (!(e instanceof Conversion)) throw e;
      if (s.abort) throw e;
      if (s.warn) complain(e.message);
      valid = false;
      return f;
    }
  });
  return { out: out.join(s.delimiter ?? " "), valid };
}

/** --field: a field list as cut takes it, or `-` for all; the first field when not given. */
function fieldSelector(spec: string | undefined): ((field: number) => boolean) | undefined {
  if (spec === undefined) return (f) => f === 1;
  return spec === "-" ? () => true : fieldList(spec);
}

/** --format: `%[0]['][-][N][.N]f` with text around it. */
function parseFormat(fmt: string): Settings["format"] & { padding?: number; left?: boolean } {
  const m = /^((?:[^%]|%%)*)%(0?)('?)(-?)(\d*)(?:\.(\d+))?f((?:[^%]|%%)*)$/.exec(fmt);
  if (m === null) throw new Conversion(`invalid format '${fmt}', directive must be %[0]['][-][N][.][N]f`);
  const width = m[5] === "" ? 0 : Number(m[5]);
  return {
    prefix: m[1]!.replaceAll("%%", "%"),
    suffix: m[7]!.replaceAll("%%", "%"),
    precision: m[6] === undefined ? undefined : Number(m[6]),
    zeroPad: m[2] === "0" && m[4] === "" ? width : 0,
    ...(width > 0 && !(m[2] === "0" && m[4] === "") ? { padding: width, left: m[4] === "-" } : {}),
  };
}

const FROM: readonly Scale[] = ["none", "auto", "si", "iec", "iec-i"];
const TO: readonly Scale[] = ["none", "si", "iec", "iec-i"];
const ROUNDS: readonly Round[] = ["up", "down", "from-zero", "towards-zero", "nearest"];
const INVALID = ["abort", "fail", "warn", "ignore"] as const;

export function* numfmtProgram(ctx: ProcessContext): Proc<number> {
  const long = {
    "from=": "from",
    "to=": "to",
    "round=": "round",
    "suffix=": "suffix",
    "padding=": "padding",
    "field=": "field",
    "delimiter=": "d",
    "format=": "format",
    "invalid=": "invalid",
    header: "header",
    grouping: "grouping",
    debug: "debug",
    "zero-terminated": "z",
  };
  return yield* withOptions(ctx, "gnu", { short: "d:z", long }, function* (o) {
    const die = (message: string) => {
      ctx.stderr.write(`numfmt: ${message}\n`);
      return 1;
    };
    /** XARGMATCH: one of the words an option takes, or the list of them and a usage error. */
    const choose = <T extends string>(option: string, words: readonly T[], fallback: T): T | undefined => {
      const value = last(o, option);
      if (value === undefined) return fallback;
      const hit = words.find((w) => w === value);
      if (hit === undefined) ctx.stderr.write(`numfmt: invalid argument '${value}' for '--${option}'\nValid arguments are:\n${words.map((w) => `  - '${w}'\n`).join("")}Try 'numfmt --help' for more information.\n`);
      return hit;
    };
    const from = choose("from", FROM, "none");
    const to = choose("to", TO, "none");
    const round = choose("round", ROUNDS, "from-zero");
    const invalid = choose("invalid", INVALID, "abort");
    if (from === undefined || to === undefined || round === undefined || invalid === undefined) return 1;
    const paddingText = last(o, "padding");
    let padding = 0;
    let alignLeft = false;
    if (paddingText !== undefined) {
      if (!/^-?\d+$/.test(paddingText) || Number(paddingText) === 0) return die(`invalid padding value '${paddingText}'`);
      padding = Math.abs(Number(paddingText));
      alignLeft = paddingText.startsWith("-");
    }
    const delimiterText = last(o, "d");
    if (delimiterText !== undefined && delimiterText.length > 1) return die("the delimiter must be a single character");
    const fields = fieldSelector(last(o, "field"));
    if (fields === undefined) return die(`invalid field value '${last(o, "field")}'`);
    let format: Settings["format"];
    const formatText = last(o, "format");
    if (formatText !== undefined) {
      if (has(o, "grouping")) return die("--grouping cannot be combined with --format");
      try {
        const parsed = parseFormat(formatText);
        format = parsed;
        if (parsed.padding !== undefined) {
          padding = parsed.padding;
          alignLeft = parsed.left ?? false;
        }
      } catch (e) {
        if (!(e instanceof Conversion)) throw e;
        return die(e.message);
      }
    }
    if (has(o, "grouping") && to !== "none") return die("grouping cannot be combined with --to");
    const s: Settings = {
      from,
      to,
      round,
      suffix: last(o, "suffix"),
      padding,
      alignLeft,
      autoPadding: padding === 0 && delimiterText === undefined,
      delimiter: delimiterText === undefined ? undefined : delimiterText === "" ? "\0" : delimiterText,
      fields,
      format,
      abort: invalid === "abort",
      warn: invalid !== "ignore",
    };
    const end = has(o, "z") ? "\0" : "\n";
    const complain = (message: string) => ctx.stderr.write(`numfmt: ${message}\n`);
    let allValid = true;
    const convert = (line: string, newline: boolean): boolean => {
      try {
        const r = convertLine(line, s, complain);
        ctx.stdout.write(r.out + (newline ? end : ""));
        allValid &&= r.valid;
        return true;
      } catch (e) {
        if (!(e instanceof Conversion)) throw e;
        complain(e.message);
        return false;
      }
    };
    if (o.operands.length > 0) {
      for (const operand of o.operands) if (!convert(operand, true)) return 2;
    } else {
      let text: string;
      try {
        text = yield* readInput(ctx, "-");
      } catch (e) {
        return die(`error reading input: ${describeError(e)}`);
      }
      const lines = text.split(end);
      const newlineAtEnd = text.endsWith(end);
      if (newlineAtEnd || text === "") lines.pop();
      let header = has(o, "header") ? 1 : 0;
      for (const [i, line] of lines.entries()) {
        const newline = i < lines.length - 1 || newlineAtEnd;
        if (header > 0) {
          header--;
          ctx.stdout.write(line + (newline ? end : ""));
          continue;
        }
        if (!convert(line, newline)) return 2;
      }
    }
    return allValid || invalid === "warn" || invalid === "ignore" ? 0 : 2;
  });
}

