/**
 * Shell arithmetic (`$((...))`, `((...))`, `let`): C integer expressions over shell variables,
 * with bash's operators (`**`, `++`, `,`). Values are JavaScript numbers truncated to integers.
 */

export interface ArithVariables {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export type ArithProblem = "operand" | "trailing" | "divzero" | "base" | "illegalNumber";

export class ArithError extends Error {
  override name = "ArithError";
  constructor(
    readonly problem: ArithProblem,
    /** The whole expression. */
    readonly expression: string,
    /** The text from the offending token on (bash's "error token"). */
    readonly token: string,
  ) {
    super(`${problem}: ${expression}`);
  }
}

type Tok = { readonly kind: "num"; readonly value: number; readonly pos: number } | { readonly kind: "name"; readonly name: string; readonly pos: number } | { readonly kind: "op"; readonly op: string; readonly pos: number };

const OPS = ["<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~", "?", ":", "=", "(", ")", ","];
/** POSIX arithmetic as dash has it: no `**`, no `++`/`--` (they read as two operators), no `,`. */
const POSIX_OPS = OPS.filter((o) => o !== "**" && o !== "++" && o !== "--" && o !== ",");

const BINARY: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
  "**": 11,
};

const ASSIGN = new Set(["=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="]);

function tokenize(expr: string, ops: readonly string[]): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      // dash has no BASE#number.
      const m = (ops === POSIX_OPS ? /^(0[xX][0-9a-fA-F]+|[0-9]+[a-zA-Z_0-9]*)/ : /^(0[xX][0-9a-fA-F]+|[0-9]+#[0-9a-zA-Z@_]+|[0-9]+[a-zA-Z_0-9]*)/).exec(expr.slice(i))!;
      toks.push({ kind: "num", value: parseNumber(m[0], expr, i, ops === POSIX_OPS), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i))![0];
      // bash's `a[i]`: the element, its subscript to the matching `]`.
      if (ops !== POSIX_OPS && expr[i + name.length] === "[") {
        let depth = 0;
        let k = i + name.length;
        for (; k < expr.length; k++) {
          if (expr[k] === "[") depth++;
          else if (expr[k] === "]" && --depth === 0) break;
        }
        if (k < expr.length) name = expr.slice(i, k + 1);
      }
      toks.push({ kind: "name", name, pos: i });
      i += name.length;
      continue;
    }
    const op = ops.find((o) => expr.startsWith(o, i));
    if (op === undefined) throw new ArithError("trailing", expr, expr.slice(i));
    toks.push({ kind: "op", op, pos: i });
    i += op.length;
  }
  return toks;
}

function parseNumber(text: string, expr: string, pos: number, posix: boolean): number {
  // bash tells a number its base cannot hold with the expression up to it; dash reads the digits
  // that fit and finds the rest where the expression should end.
  const bad = () =>
    posix ? new ArithError("trailing", expr, expr.slice(pos)) : new ArithError("base", expr.slice(0, pos + text.length), expr.slice(pos).split(/\s/)[0]!);
  if (/^0[xX]/.test(text)) return parseInt(text.slice(2), 16);
  const hash = text.indexOf("#");
  if (hash > 0) {
    const base = Number(text.slice(0, hash));
    if (base < 2 || base > 64) throw bad();
    let v = 0;
    for (const ch of text.slice(hash + 1)) {
      const d = digitValue(ch, base);
      if (d < 0 || d >= base) throw bad();
      v = v * base + d;
    }
    return v;
  }
  if (!/^[0-9]+$/.test(text)) throw new ArithError("trailing", expr, expr.slice(pos + text.search(/[^0-9]/)));
  if (text.length > 1 && text.startsWith("0")) {
    if (/[89]/.test(text)) throw bad();
    return parseInt(text, 8);
  }
  return Number(text);
}

function digitValue(ch: string, base: number): number {
  if (/[0-9]/.test(ch)) return Number(ch);
  if (/[a-z]/.test(ch)) return ch.charCodeAt(0) - 87;
  if (/[A-Z]/.test(ch)) return base <= 36 ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 29;
  if (ch === "@") return 62;
  if (ch === "_") return 63;
  return -1;
}

/** Evaluates an (already expanded) arithmetic expression; an empty one is 0. `posix`: dash's operators only. */
export function evaluateArith(expr: string, vars: ArithVariables, posix = false, depth = 0): number {
  const toks = tokenize(expr, posix ? POSIX_OPS : OPS);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const errAt = (t: Tok | undefined, problem: ArithProblem = "operand") =>
    new ArithError(problem, expr, t === undefined ? "" : expr.slice(t.pos));
  const isOp = (t: Tok | undefined, op: string): boolean => t?.kind === "op" && t.op === op;

  const valueOf = (name: string): number => {
    const raw = vars.get(name);
    if (raw === undefined || raw.trim() === "") return 0;
    // dash reads a variable's value as one number (strtoimax, any base), nothing more.
    if (posix) {
      const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(raw);
      if (m === null) throw new ArithError("illegalNumber", raw, raw);
      return (m[1] === "-" ? -1 : 1) * Number(m[2]!.length > 1 && m[2]!.startsWith("0") && !/^0[xX]/.test(m[2]!) ? parseInt(m[2]!, 8) : m[2]);
    }
    // bash's is an expression of its own (`010` is eight).
    if (/^\s*-?[1-9]\d*\s*$/.test(raw) || /^\s*-?0\s*$/.test(raw)) return Number(raw);
    if (depth > 16) throw new ArithError("operand", expr, name);
    return evaluateArith(raw, vars, posix, depth + 1);
  };
  const store = (name: string, v: number): number => {
    vars.set(name, String(v));
    return v;
  };

  // `evaluate` false parses without side effects (the untaken side of && || ?:).
  const comma = (evaluate: boolean): number => {
    let v = assignment(evaluate);
    while (isOp(peek(), ",")) {
      i++;
      v = assignment(evaluate);
    }
    return v;
  };

  const assignment = (evaluate: boolean): number => {
    const t = peek();
    const next = toks[i + 1];
    if (t?.kind === "name" && next?.kind === "op" && ASSIGN.has(next.op)) {
      i += 2;
      const rhs = assignment(evaluate);
      if (!evaluate) return rhs;
      if (next.op === "=") return store(t.name, rhs);
      const op = next.op.slice(0, -1);
      return store(t.name, binary(op, valueOf(t.name), rhs, next));
    }
    return conditional(evaluate);
  };

  const conditional = (evaluate: boolean): number => {
    const c = binaryLevel(1, evaluate);
    if (!isOp(peek(), "?")) return c;
    i++;
    const a = comma(evaluate && c !== 0);
    if (!isOp(peek(), ":")) throw errAt(peek());
    i++;
    const b = conditional(evaluate && c === 0);
    return c !== 0 ? a : b;
  };

  const binaryLevel = (minPrec: number, evaluate: boolean): number => {
    let left = unary(evaluate);
    for (;;) {
      const t = peek();
      if (t?.kind !== "op") return left;
      const prec = BINARY[t.op];
      if (prec === undefined || prec < minPrec) return left;
      i++;
      if (t.op === "&&" || t.op === "||") {
        const short = t.op === "&&" ? left === 0 : left !== 0;
        const right = binaryLevel(prec + 1, evaluate && !short);
        left = t.op === "&&" ? (left !== 0 && right !== 0 ? 1 : 0) : left !== 0 || right !== 0 ? 1 : 0;
        continue;
      }
      // `**` is right-associative.
      const right = binaryLevel(t.op === "**" ? prec : prec + 1, evaluate);
      left = evaluate ? binary(t.op, left, right, t) : 0;
    }
  };

  const binary = (op: string, a: number, b: number, t: Tok): number => {
    switch (op) {
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
      case "%":
        if (b === 0) throw new ArithError("divzero", expr, expr.slice(t.pos + op.length).trimStart());
        return op === "/" ? Math.trunc(a / b) : a % b;
      case "**":
        return a ** b;
      case "<<":
        return Number(BigInt.asIntN(64, BigInt(a) << BigInt(b)));
      case ">>":
        return Number(BigInt(a) >> BigInt(b));
      case "<":
        return a < b ? 1 : 0;
      case ">":
        return a > b ? 1 : 0;
      case "<=":
        return a <= b ? 1 : 0;
      case ">=":
        return a >= b ? 1 : 0;
      case "==":
        return a === b ? 1 : 0;
      case "!=":
        return a !== b ? 1 : 0;
      case "&":
        return Number(BigInt(a) & BigInt(b));
      case "|":
        return Number(BigInt(a) | BigInt(b));
      case "^":
        return Number(BigInt(a) ^ BigInt(b));
    }
    throw errAt(t);
  };

  const unary = (evaluate: boolean): number => {
    const t = peek();
    if (t?.kind === "op") {
      if (t.op === "++" || t.op === "--") {
        const n = toks[i + 1];
        if (n?.kind !== "name") throw errAt(n);
        i += 2;
        return evaluate ? store(n.name, valueOf(n.name) + (t.op === "++" ? 1 : -1)) : 0;
      }
      if (t.op === "-" || t.op === "+" || t.op === "!" || t.op === "~") {
        i++;
        const v = unary(evaluate);
        return t.op === "-" ? -v : t.op === "+" ? v : t.op === "!" ? (v === 0 ? 1 : 0) : ~v;
      }
    }
    return postfix(evaluate);
  };

  const postfix = (evaluate: boolean): number => {
    const t = peek();
    if (t === undefined) throw errAt(toks[i - 1] ?? t);
    if (t.kind === "num") {
      i++;
      return t.value;
    }
    if (t.kind === "name") {
      i++;
      const n = peek();
      if (n?.kind === "op" && (n.op === "++" || n.op === "--")) {
        i++;
        const old = valueOf(t.name);
        if (evaluate) store(t.name, old + (n.op === "++" ? 1 : -1));
        return old;
      }
      return evaluate ? valueOf(t.name) : 0;
    }
    if (t.op === "(") {
      i++;
      const v = comma(evaluate);
      if (!isOp(peek(), ")")) throw errAt(peek());
      i++;
      return v;
    }
    throw errAt(t);
  };

  if (toks.length === 0) return 0;
  const v = comma(true);
  if (i < toks.length) throw errAt(toks[i], "trailing");
  return Math.trunc(v);
}
