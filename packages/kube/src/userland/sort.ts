import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { describeError, has, last, readInput, usageFailure, withOptions, writeOutput, type Flavor, type ParsedOptions } from "./common.js";

/**
 * GNU sort (coreutils 9.1) in the C locale: keys (-k F[.C][opts][,F[.C][opts]]), fields split
 * at -t or where blanks begin (a field keeps its leading blanks), each key's ordering options or
 * else the global ones, the whole line compared last unless -s or -u, -c/-C checking.
 */

/** How one key (or the whole line) compares. */
interface Ordering {
  readonly numeric?: "n" | "g" | "h" | "M" | "V";
  readonly reverse: boolean;
  readonly fold: boolean;
  readonly dictionary: boolean;
  readonly printable: boolean;
  readonly blanksStart: boolean;
  readonly blanksEnd: boolean;
}

interface Key extends Ordering {
  readonly startField: number;
  readonly startChar: number;
  /** 0 for the end of the line. */
  readonly endField: number;
  /** 0 for the end of the end field. */
  readonly endChar: number;
}

const ORDER_LETTERS = "bdfgiMhnRrV";

function ordering(letters: string, blanksStart: boolean, blanksEnd: boolean): Ordering {
  const numeric = [...letters].reverse().find((l) => "nghMV".includes(l)) as Ordering["numeric"];
  return {
    ...(numeric === undefined ? {} : { numeric }),
    reverse: letters.includes("r"),
    fold: letters.includes("f"),
    dictionary: letters.includes("d"),
    printable: letters.includes("i"),
    blanksStart,
    blanksEnd,
  };
}

class KeyError extends Error {}

/** `-k POS1[,POS2]`: a key without ordering letters takes the global ones. */
function parseKey(spec: string, global: string): Key {
  const m = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?$/.exec(spec);
  if (m === null) throw new KeyError(`invalid number at field start: invalid count at start of '${spec}'`);
  const [, f1, c1, o1 = "", f2, c2, o2 = ""] = m;
  const startField = Number(f1);
  if (startField === 0) throw new KeyError(`field number is zero: invalid field specification '${spec}'`);
  if (c1 !== undefined && Number(c1) === 0) throw new KeyError(`character offset is zero: invalid field specification '${spec}'`);
  for (const l of o1 + o2) if (!ORDER_LETTERS.includes(l)) throw new KeyError(`stray character in field spec: invalid field specification '${spec}'`);
  // A key with ordering letters of its own (even just b) takes none of the global ones.
  const own = o1 + o2;
  const inherit = own === "";
  const letters = inherit ? global : own;
  return {
    ...ordering(letters, inherit ? global.includes("b") : o1.includes("b"), inherit ? global.includes("b") : o2.includes("b")),
    startField,
    startChar: c1 === undefined ? 1 : Number(c1),
    endField: f2 === undefined ? 0 : Number(f2),
    endChar: c2 === undefined ? 0 : Number(c2),
  };
}

const BLANK = /[ \t]/;

/** Where each field begins (and the line's length): -t splits at the separator, else before each run of blanks that follows a non-blank. */
function fieldStarts(line: string, sep: string | undefined): number[] {
  const starts = [0];
  if (sep !== undefined) {
    for (let i = 0; i < line.length; i++) if (line[i] === sep) starts.push(i + 1);
    return starts;
  }
  for (let i = 1; i < line.length; i++) if (BLANK.test(line[i]!) && !BLANK.test(line[i - 1]!)) starts.push(i);
  return starts;
}

/** The text of a key in a line, as GNU's begfield/limfield find it. */
function keyText(line: string, k: Key, sep: string | undefined): string {
  const starts = fieldStarts(line, sep);
  const fieldEnd = (f: number) => (f < starts.length ? (sep !== undefined ? starts[f]! - 1 : starts[f]!) : line.length);
  let begin = k.startField - 1 < starts.length ? starts[k.startField - 1]! : line.length;
  if (k.blanksStart) while (begin < line.length && BLANK.test(line[begin]!) && begin < fieldEnd(k.startField)) begin++;
  begin = Math.min(begin + k.startChar - 1, k.startField - 1 < starts.length ? fieldEnd(k.startField) : line.length);
  let end = line.length;
  if (k.endField > 0) {
    if (k.endChar === 0) end = fieldEnd(k.endField);
    else {
      let at = k.endField - 1 < starts.length ? starts[k.endField - 1]! : line.length;
      if (k.blanksEnd) while (at < line.length && BLANK.test(line[at]!)) at++;
      end = Math.min(at + k.endChar, fieldEnd(k.endField));
    }
  }
  return end > begin ? line.slice(begin, end) : "";
}

/** strtold-like prefix for -g; NaN sorts before every number. */
function generalNumber(s: string): number {
  const m = /^\s*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|0x[0-9a-f]+))/i.exec(s);
  if (m === null) return NaN;
  return /^[+-]?0x/i.test(m[1]!) ? parseInt(m[1]!, 16) : Number(m[1]!.replace(/inf(inity)?/i, "Infinity"));
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** GNU's numcompare on -n: sign, digits and a decimal point, compared as text of numbers (no float rounding). */
function numericCompare(a: string, b: string): number {
  const parse = (s: string): { neg: boolean; int: string; frac: string } => {
    const m = /^[ \t]*(-?)(\d*)(?:\.(\d*))?/.exec(s)!;
    const int = m[2]!.replace(/^0+/, "");
    const frac = (m[3] ?? "").replace(/0+$/, "");
    return { neg: m[1] === "-" && (int !== "" || frac !== ""), int, frac };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  const sign = x.neg ? -1 : 1;
  if (x.int.length !== y.int.length) return sign * (x.int.length - y.int.length);
  if (x.int !== y.int) return sign * (x.int < y.int ? -1 : 1);
  return sign * (x.frac === y.frac ? 0 : x.frac < y.frac ? -1 : 1);
}

/** -h: a number with an SI suffix orders by suffix first (K < M < G ...), then as -n. */
function humanCompare(a: string, b: string): number {
  const suffix = (s: string) => {
    const m = /^[ \t]*-?\d*(?:\.\d*)?([KMGTPEZYRQk]?)/.exec(s)!;
    const i = " KMGTPEZYRQ".indexOf((m[1] ?? "").toUpperCase() || " ");
    return (s.trimStart().startsWith("-") ? -1 : 1) * i;
  };
  return suffix(a) - suffix(b) || numericCompare(a, b);
}

function compareBy(o: Ordering, a: string, b: string): number {
  let r: number;
  switch (o.numeric) {
    case "n":
      r = numericCompare(a, b);
      break;
    case "h":
      r = humanCompare(a, b);
      break;
    case "g": {
      const x = generalNumber(a);
      const y = generalNumber(b);
      r = Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : Number.isNaN(y) ? 1 : x === y ? 0 : x < y ? -1 : 1;
      break;
    }
    case "M": {
      const month = (s: string) => MONTHS.indexOf(s.trimStart().slice(0, 3).toUpperCase()) + 1;
      r = month(a) - month(b);
      break;
    }
    case "V":
      r = versionCompare(a, b);
      break;
    default: {
      let x = a;
      let y = b;
      if (o.dictionary) {
        x = x.replace(/[^ \t\nA-Za-z0-9]/g, "");
        y = y.replace(/[^ \t\nA-Za-z0-9]/g, "");
      }
      if (o.printable) {
        x = x.replace(/[^\x20-\x7e]/g, "");
        y = y.replace(/[^\x20-\x7e]/g, "");
      }
      if (o.fold) {
        x = x.toUpperCase();
        y = y.toUpperCase();
      }
      r = x === y ? 0 : x < y ? -1 : 1;
    }
  }
  return o.reverse ? -r : r;
}

export function sort(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = {
      "numeric-sort": "n", "general-numeric-sort": "g", "human-numeric-sort": "h", "month-sort": "M", "version-sort": "V", reverse: "r", unique: "u",
      "ignore-case": "f", "dictionary-order": "d", "ignore-nonprinting": "i", "ignore-leading-blanks": "b", stable: "s", "key=": "k",
      "field-separator=": "t", "output=": "o", check: "c", "zero-terminated": "z", merge: "m",
    };
    return yield* withOptions(ctx, flavor, { short: "bcCdfghik:mMno:rRst:T:uVzS:", long }, function* (o) {
      return yield* runSort(ctx, o, flavor);
    }, 2);
  };
}

function* runSort(ctx: ProcessContext, o: ParsedOptions, flavor: Flavor): Proc<number> {
  const sep = last(o, "t");
  if (sep !== undefined && [...sep].length !== 1) {
    ctx.stderr.write(sep === "" ? "sort: empty tab\n" : `sort: multi-character tab '${sep}'\n`);
    return 2;
  }
  const global = o.order.filter((l) => ORDER_LETTERS.includes(l)).join("");
  let keys: Key[];
  try {
    keys = (o.flags.get("k") ?? []).map((k) => parseKey(k, global));
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    ctx.stderr.write(`sort: ${e.message}\n`);
    return 2;
  }
  const whole = ordering(global, global.includes("b"), global.includes("b"));
  const unique = has(o, "u");
  const stable = has(o, "s");
  const end = has(o, "z") ? "\0" : "\n";
  const compare = (x: string, y: string): number => {
    if (keys.length === 0) {
      const r = compareBy(whole, whole.blanksStart ? x.trimStart() : x, whole.blanksStart ? y.trimStart() : y);
      if (r !== 0 || unique || stable || (whole.numeric === undefined && !whole.fold && !whole.dictionary && !whole.printable)) return r;
    } else {
      for (const k of keys) {
        const r = compareBy(k, keyText(x, k, sep), keyText(y, k, sep));
        if (r !== 0) return r;
      }
      if (unique || stable) return 0;
    }
    // The last resort: the whole lines, byte by byte (reversed with a global -r).
    const r = x === y ? 0 : x < y ? -1 : 1;
    return global.includes("r") ? -r : r;
  };

  const operands = o.operands.length === 0 ? ["-"] : o.operands;
  const lines: string[] = [];
  for (const f of operands) {
    let text: string;
    try {
      text = yield* readInput(ctx, f);
    } catch (e) {
      // busybox's xfopen_stdin words it as perror does.
      ctx.stderr.write(flavor === "busybox" ? `sort: ${f}: ${describeError(e)}\n` : `sort: cannot read: ${f}: ${describeError(e)}\n`);
      return 2;
    }
    if (text === "") continue;
    const parts = text.split(end);
    if (text.endsWith(end)) parts.pop();
    lines.push(...parts);
  }

  if (has(o, "c") || has(o, "C")) {
    if (operands.length > 1) return usageFailure(ctx, "gnu", `extra operand '${operands[1]}' not allowed with -c`, 2);
    for (let i = 1; i < lines.length; i++) {
      const r = compare(lines[i - 1]!, lines[i]!);
      if (r > 0 || (unique && r === 0)) {
        if (has(o, "c")) ctx.stderr.write(`sort: ${operands[0]}:${i + 1}: disorder: ${lines[i]}\n`);
        return 1;
      }
    }
    return 0;
  }

  // Array.prototype.sort is stable: equal lines keep their input order, as -s asks.
  let sorted = lines.slice().sort(compare);
  if (unique) sorted = sorted.filter((l, i) => i === 0 || compare(sorted[i - 1]!, l) !== 0);
  const out = sorted.map((l) => l + end).join("");
  const target = last(o, "o");
  if (target !== undefined) writeOutput(ctx, target, out);
  else ctx.stdout.write(out);
  return 0;
}

/**
 * `sort -V`: Debian's verrevcmp, which GNU's filevercmp applies: runs of digits compare as
 * numbers, and between them letters sort before other characters, `~` before everything.
 */
function versionCompare(a: string, b: string): number {
  const order = (s: string, i: number): number => {
    if (i >= s.length) return 0;
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return 0;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
    return c === 126 ? -1 : c + 256;
  };
  const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a, i)) || (j < b.length && !isDigit(b, j))) {
      const d = order(a, i) - order(b, j);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let first = 0;
    while (isDigit(a, i) && isDigit(b, j)) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a, i)) return 1;
    if (isDigit(b, j)) return -1;
    if (first !== 0) return first;
  }
  return 0;
}
