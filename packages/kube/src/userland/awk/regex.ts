import { byteChar } from "@ksim/sim";
import { POSIX_CLASSES } from "../../shell/char-classes.js";

/**
 * awk's extended regular expressions as JavaScript RegExps. grep's translator (../regex.ts)
 * does not fit: awk decodes string escapes inside regexes (`[\t ]` is a tab or a space, `\b`
 * a backspace, `\.` a dot), mawk 1.3.4 20200120 has no interval expressions (`{` is literal;
 * busybox's libc regex has them), and `^`/`$` anchor only at the ends of a branch.
 *
 * JavaScript picks the leftmost-first alternative where POSIX wants the leftmost-longest
 * match; the two differ only for alternations whose branches are prefixes of each other.
 */

/** Why a regex does not compile, in mawk's words ("missing operand"). */
export class AwkRegexError extends Error {
  override name = "AwkRegexError";
}

export interface CompiledRegex {
  /** For tests (`~`, patterns): no state between uses. */
  readonly test: RegExp;
  /** For scanning (gsub, split, RS): `lastIndex` is set before each use. */
  readonly scan: RegExp;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", b: "\b", a: "\x07", "\\": "\\", "/": "/", '"': '"' };

/** Decodes an awk escape at `re[i]` (just after the backslash): the character and where it ends. */
function decodeEscape(re: string, i: number): { ch: string; next: number } {
  const c = re[i];
  if (c === undefined) return { ch: "\\", next: i };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { ch: simple, next: i + 1 };
  const octal = /^[0-7]{1,3}/.exec(re.slice(i, i + 3));
  if (octal !== null) return { ch: byteChar(parseInt(octal[0], 8) & 0xff), next: i + octal[0].length };
  if (c === "x") {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(re.slice(i + 1, i + 3));
    if (hex !== null) return { ch: byteChar(parseInt(hex[0], 16)), next: i + 1 + hex[0].length };
  }
  return { ch: c, next: i + 1 };
}

function literal(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch === "\n" ? "\\n" : ch;
}

function classLiteral(ch: string): string {
  return ch === "\\" || ch === "]" || ch === "[" || ch === "^" ? `\\${ch}` : ch === "\n" ? "\\n" : ch;
}

/** A bracket expression starting at `[`: the JavaScript class and the index after `]`. */
function bracket(re: string, start: number): { text: string; next: number } {
  let i = start + 1;
  let out = "[";
  if (re[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  while (i < re.length) {
    const c = re[i]!;
    if (c === "]" && !first) return { text: out + "]", next: i + 1 };
    first = false;
    if (c === "[" && re[i + 1] === ":") {
      const close = re.indexOf(":]", i + 2);
      const cls = close < 0 ? undefined : POSIX_CLASSES[re.slice(i + 2, close)];
      if (cls === undefined) throw new AwkRegexError("bad class -- [], [^] or [");
      out += cls;
      i = close + 2;
    } else if (c === "\\") {
      const e = decodeEscape(re, i + 1);
      out += classLiteral(e.ch);
      i = e.next;
    } else {
      out += classLiteral(c);
      i++;
    }
  }
  throw new AwkRegexError("bad class -- [], [^] or [");
}

/** Translates an awk ERE to JavaScript source (used with the `s` flag: `.` matches newline). */
export function translate(re: string, intervals: boolean): string {
  let out = "";
  // Where the last atom began in `out`, for quantifiers that follow quantifiers (`a**`).
  let atom = -1;
  let quantified = false;
  const groups: number[] = [];
  let branchStart = true;
  for (let i = 0; i < re.length; ) {
    const c = re[i]!;
    if (c === "*" || c === "+" || c === "?" || (c === "{" && intervals && !branchStart && /^\{\d+(,\d*)?\}/.test(re.slice(i)))) {
      if (branchStart || atom < 0) throw new AwkRegexError("missing operand");
      const q = c === "{" ? /^\{\d+(,\d*)?\}/.exec(re.slice(i))![0] : c;
      if (quantified) out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
      out += q;
      quantified = true;
      i += q.length;
      continue;
    }
    quantified = false;
    switch (c) {
      case "(":
        groups.push(out.length);
        out += "(?:";
        branchStart = true;
        atom = -1;
        i++;
        continue;
      case ")": {
        const open = groups.pop();
        if (open === undefined) throw new AwkRegexError("missing '('");
        out += ")";
        atom = open;
        branchStart = false;
        i++;
        continue;
      }
      case "|":
        out += "|";
        branchStart = true;
        atom = -1;
        i++;
        continue;
      case "^":
        out += branchStart ? "^" : "\\^";
        atom = branchStart ? -1 : out.length - 2;
        i++;
        continue;
      case "$": {
        const next = re[i + 1];
        const anchor = next === undefined || next === "|" || next === ")";
        atom = anchor ? -1 : out.length;
        out += anchor ? "$" : "\\$";
        branchStart = false;
        i++;
        continue;
      }
    }
    atom = out.length;
    branchStart = false;
    if (c === "[") {
      const b = bracket(re, i);
      out += b.text;
      i = b.next;
    } else if (c === "\\") {
      const e = decodeEscape(re, i + 1);
      out += literal(e.ch);
      i = e.next;
    } else {
      out += c === "." ? "." : literal(c);
      i++;
    }
  }
  if (groups.length > 0) throw new AwkRegexError("missing ')'");
  return out;
}

/** Compiles regexes once per source text; programs reuse a handful of them on every record. */
export class RegexCache {
  private readonly cache = new Map<string, CompiledRegex>();
  constructor(private readonly intervals: boolean) {}

  get(source: string): CompiledRegex {
    let r = this.cache.get(source);
    if (r === undefined) {
      const js = translate(source, this.intervals);
      try {
        r = { test: new RegExp(js, "s"), scan: new RegExp(js, "gs") };
      } catch {
        throw new AwkRegexError("syntax error ^* or ^+");
      }
      if (this.cache.size >= 500) this.cache.clear();
      this.cache.set(source, r);
    }
    return r;
  }
}
