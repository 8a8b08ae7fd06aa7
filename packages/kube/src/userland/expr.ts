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
