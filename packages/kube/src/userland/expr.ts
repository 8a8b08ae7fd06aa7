import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { compileRegex, RegexError } from "./regex.js";

/**
 * GNU expr: the expression in its operands, printed, with status 0 when the result is neither
 * empty nor 0, 1 when it is, 2 for a bad expression and 3 for other errors. Integers are
 * arbitrary-precision; a comparison is numeric when both sides are integers. `STRING : REGEX`
 * matches an anchored BRE and gives the first \( \) group, or the length of the match.
 */

class ExprError {
  constructor(
    readonly message: string,
    readonly status: number,
  ) {}
}

type Value = string | bigint;

const INTEGER = /^[+-]?[0-9]+$/;

function asInteger(v: Value): bigint | undefined {
  if (typeof v === "bigint") return v;
  return INTEGER.test(v) ? BigInt(v) : undefined;
}

function isNull(v: Value): boolean {
  return v === "" || asInteger(v) === 0n;
}

function text(v: Value): string {
  return typeof v === "bigint" ? v.toString() : v;
}

class Parser {
  private i = 0;

  constructor(private readonly args: readonly string[]) {}

  parse(): Value {
    const v = this.or();
    if (this.i < this.args.length) throw new ExprError(`syntax error: unexpected argument '${this.args[this.i]}'`, 2);
    return v;
  }

  private peek(): string | undefined {
    return this.args[this.i];
  }

  private operand(after: string): string {
    const a = this.args[this.i++];
    if (a === undefined) throw new ExprError(`syntax error: missing argument after '${after}'`, 2);
    return a;
  }

  private or(): Value {
    let v = this.and();
    while (this.peek() === "|") {
      this.i++;
      const r = this.and();
      v = isNull(v) ? (isNull(r) ? 0n : r) : v;
    }
    return v;
  }

  private and(): Value {
    let v = this.compare();
    while (this.peek() === "&") {
      this.i++;
      const r = this.compare();
      v = isNull(v) || isNull(r) ? 0n : v;
    }
    return v;
  }

  private compare(): Value {
    let v = this.sum();
    for (let op = this.peek(); op !== undefined && ["<", "<=", "=", "==", "!=", ">=", ">"].includes(op); op = this.peek()) {
      this.i++;
      const r = this.sum();
      const [a, b] = [asInteger(v), asInteger(r)];
      const c = a !== undefined && b !== undefined ? (a < b ? -1 : a > b ? 1 : 0) : text(v) < text(r) ? -1 : text(v) > text(r) ? 1 : 0;
      const holds = op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === "=" || op === "==" ? c === 0 : op === "!=" ? c !== 0 : op === ">=" ? c >= 0 : c > 0;
      v = holds ? 1n : 0n;
    }
    return v;
  }

  private sum(): Value {
    let v = this.product();
    for (let op = this.peek(); op === "+" || op === "-"; op = this.peek()) {
      this.i++;
      const r = this.product();
      const [a, b] = integers(v, r);
      v = op === "+" ? a + b : a - b;
    }
    return v;
  }

  private product(): Value {
    let v = this.match();
    for (let op = this.peek(); op === "*" || op === "/" || op === "%"; op = this.peek()) {
      this.i++;
      const r = this.match();
      const [a, b] = integers(v, r);
      if (op !== "*" && b === 0n) throw new ExprError("division by zero", 2);
      v = op === "*" ? a * b : op === "/" ? a / b : a % b;
    }
    return v;
  }

  private match(): Value {
    let v = this.primary();
    while (this.peek() === ":") {
      this.i++;
      v = regexMatch(text(v), text(this.primary()));
    }
    return v;
  }

  private primary(): Value {
    const a = this.peek();
    if (a === undefined) throw new ExprError(this.i === 0 ? "missing operand" : `syntax error: missing argument after '${this.args[this.i - 1]}'`, 2);
    this.i++;
    switch (a) {
      case "(": {
        const v = this.or();
        if (this.args[this.i] !== ")") throw new ExprError(this.i < this.args.length ? `syntax error: expecting ')' instead of '${this.args[this.i]}'` : "syntax error: expecting ')' after '" + this.args[this.i - 1] + "'", 2);
        this.i++;
        return v;
      }
      case "+":
        return this.operand("+");
      case "length":
        return BigInt([...this.operand(a)].length);
      case "match": {
        const s = this.operand(a);
        return regexMatch(s, this.operand(a));
      }
      case "index": {
        const s = this.operand(a);
        const chars = this.operand(a);
        const found = [...s].findIndex((c) => chars.includes(c));
        return BigInt(found + 1);
      }
      case "substr": {
        const s = [...this.operand(a)];
        const pos = asInteger(this.operand(a));
        const len = asInteger(this.operand(a));
        if (pos === undefined || len === undefined || pos < 1n || len < 1n) return "";
        return s.slice(Number(pos) - 1, Number(pos - 1n + len)).join("");
      }
      default:
        return a;
    }
  }
}

function integers(a: Value, b: Value): [bigint, bigint] {
  const [x, y] = [asInteger(a), asInteger(b)];
  if (x === undefined || y === undefined) throw new ExprError("non-integer argument", 2);
  return [x, y];
}

/** `STRING : REGEX`, anchored at the start: the first group's text, or how many characters matched. */
function regexMatch(s: string, re: string): Value {
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${compileRegex(re, false).source})`);
  } catch (e) {
    if (e instanceof RegexError) throw new ExprError(e.message, 2);
    throw e;
  }
  const m = compiled.exec(s);
  if (re.includes("\\(")) return m?.[1] ?? "";
  return BigInt(m === null ? 0 : [...m[0]].length);
}

export function* exprProgram(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  const operands = args[0] === "--" ? args.slice(1) : args;
  if (operands.length === 0) {
    ctx.stderr.write("expr: missing operand\nTry 'expr --help' for more information.\n");
    return 2;
  }
  try {
    const v = new Parser(operands).parse();
    ctx.stdout.write(`${text(v)}\n`);
    return isNull(v) ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    ctx.stderr.write(`expr: ${e.message}\n`);
    return e.status;
  }
}

// ---- busybox ---------------------------------------------------------------------------------

/** busybox's expr values: a 64-bit integer or a string, converted as each operator needs. */
type BbValue = { readonly int: bigint } | { readonly str: string };

const I64 = (n: bigint) => BigInt.asIntN(64, n);
const LLONG_MAX = 2n ** 63n - 1n;

/** strtoll over the whole string (leading blanks and a sign allowed), saturating as it does. */
function bbToInt(v: BbValue): bigint | undefined {
  if ("int" in v) return v.int;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(v.str);
  if (m === null) return undefined;
  const n = BigInt(m[1] === "-" ? `-${m[2]}` : m[2]!);
  return n > LLONG_MAX ? LLONG_MAX : n < -LLONG_MAX - 1n ? -LLONG_MAX - 1n : n;
}

const bbText = (v: BbValue) => ("int" in v ? v.int.toString() : v.str);
/** null(): the integer 0, or the string "" or "0". */
const bbNull = (v: BbValue) => ("int" in v ? v.int === 0n : v.str === "" || v.str === "0");

class BbExprError {
  constructor(readonly message: string) {}
}

/**
 * busybox 1.28's expr (coreutils/expr.c): the same grammar as GNU's but with 64-bit integers
 * that wrap, the `quote` keyword, no `--`, and one "syntax error" for every malformed
 * expression; errors exit 2.
 */
class BbParser {
  private i = 0;
  constructor(
    private readonly args: readonly string[],
    private readonly warn: (text: string) => void,
  ) {}

  private next(token: string): boolean {
    return this.args[this.i] === token;
  }

  parse(): BbValue {
    const v = this.or();
    if (this.i < this.args.length) throw new BbExprError("syntax error");
    return v;
  }

  private or(): BbValue {
    let l = this.and();
    while (this.next("|")) {
      this.i++;
      const r = this.and();
      if (bbNull(l)) l = r;
    }
    return l;
  }

  private and(): BbValue {
    let l = this.compare();
    while (this.next("&")) {
      this.i++;
      const r = this.compare();
      if (bbNull(l) || bbNull(r)) l = { int: 0n };
    }
    return l;
  }

  private compare(): BbValue {
    let l = this.sum();
    for (let op = this.args[this.i]; op !== undefined && ["<", "<=", "=", "==", "!=", ">=", ">"].includes(op); op = this.args[this.i]) {
      this.i++;
      const r = this.sum();
      const [a, b] = [bbToInt(l), bbToInt(r)];
      let c: number;
      if (a !== undefined && b !== undefined) c = a < b ? -1 : a > b ? 1 : 0;
      else {
        const [x, y] = [bbText(l), bbText(r)];
        c = x < y ? -1 : x > y ? 1 : 0;
      }
      const holds = op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === "=" || op === "==" ? c === 0 : op === "!=" ? c !== 0 : op === ">" ? c > 0 : c >= 0;
      l = { int: holds ? 1n : 0n };
    }
    return l;
  }

  private arithmetic(l: BbValue, r: BbValue, op: string): BbValue {
    const [a, b] = [bbToInt(l), bbToInt(r)];
    if (a === undefined || b === undefined) throw new BbExprError("non-numeric argument");
    if (op === "+") return { int: I64(a + b) };
    if (op === "-") return { int: I64(a - b) };
    if (op === "*") return { int: I64(a * b) };
    if (b === 0n) throw new BbExprError("division by zero");
    return { int: I64(op === "/" ? a / b : a % b) };
  }

  private sum(): BbValue {
    let l = this.product();
    for (let op = this.args[this.i]; op === "+" || op === "-"; op = this.args[this.i]) {
      this.i++;
      l = this.arithmetic(l, this.product(), op);
    }
    return l;
  }

  private product(): BbValue {
    let l = this.colon();
    for (let op = this.args[this.i]; op === "*" || op === "/" || op === "%"; op = this.args[this.i]) {
      this.i++;
      l = this.arithmetic(l, this.colon(), op);
    }
    return l;
  }

  private colon(): BbValue {
    let l = this.keyword();
    while (this.next(":")) {
      this.i++;
      l = this.match(l, this.keyword());
    }
    return l;
  }

  private keyword(): BbValue {
    const key = this.args[this.i];
    if (key !== "quote" && key !== "length" && key !== "match" && key !== "index" && key !== "substr") return this.primary();
    this.i++;
    if (key === "quote") {
      const token = this.args[this.i++];
      if (token === undefined) throw new BbExprError("syntax error");
      return { str: token };
    }
    if (key === "length") return { int: BigInt(Buffer.byteLength(bbText(this.keyword()))) };
    const l = this.keyword();
    if (key === "match") return this.match(l, this.keyword());
    if (key === "index") {
      const [s, chars] = [bbText(l), bbText(this.keyword())];
      const at = [...s].findIndex((c) => chars.includes(c));
      return { int: BigInt(at + 1) };
    }
    const [from, length] = [bbToInt(this.keyword()), bbToInt(this.keyword())];
    const s = bbText(l);
    if (from === undefined || length === undefined || from > BigInt(s.length) || from <= 0n || length <= 0n) return { str: "" };
    return { str: s.slice(Number(from) - 1, Number(from - 1n + length)) };
  }

  private primary(): BbValue {
    const a = this.args[this.i];
    if (a === undefined || a === ")") throw new BbExprError("syntax error");
    this.i++;
    if (a !== "(") return { str: a };
    const v = this.or();
    if (!this.next(")")) throw new BbExprError("syntax error");
    this.i++;
    return v;
  }

  /** docolon: a BRE matched from the start; the first group's text, or the match's length. */
  private match(sv: BbValue, pv: BbValue): BbValue {
    const [s, pattern] = [bbText(sv), bbText(pv)];
    if (pattern.startsWith("^")) {
      this.warn(`warning: '${pattern}': using '^' as the first character\nof a basic regular expression is not portable; it is ignored`);
    }
    let re: RegExp;
    try {
      re = compileRegex(pattern, false);
    } catch (e) {
      if (e instanceof RegexError) throw new BbExprError(`bad regex '${pattern}': ${e.message}`);
      throw e;
    }
    const groups = new RegExp(`${re.source}|`).exec("")!.length - 1;
    const m = new RegExp(`^(?:${re.source})`).exec(s);
    if (m === null) return groups > 0 ? { str: "" } : { int: 0n };
    if (groups > 0 && m[1] !== undefined) return { str: m[1] };
    return { int: BigInt(Buffer.byteLength(m[0])) };
  }
}

export function* busyboxExprProgram(ctx: ProcessContext): Proc<number> {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.stderr.write("expr: too few arguments\n");
    return 2;
  }
  try {
    const v = new BbParser(args, (text) => ctx.stderr.write(`expr: ${text}\n`)).parse();
    ctx.stdout.write(`${bbText(v)}\n`);
    return bbNull(v) ? 1 : 0;
  } catch (e) {
    if (!(e instanceof BbExprError)) throw e;
    ctx.stderr.write(`expr: ${e.message}\n`);
    return 2;
  }
}
