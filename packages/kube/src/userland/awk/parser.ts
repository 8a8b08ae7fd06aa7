import { SPECIAL_VARS, type AssignOp, type BinaryOp, type BuiltinName, type CompareOp, type Expr, type FunctionDef, type LValue, type Program, type Redirect, type Rule, type Stmt, type VarRef } from "./ast.js";
import { AwkSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./lexer.js";
import { AwkRegexError, translate } from "./regex.js";

/**
 * A recursive-descent parser for POSIX awk as mawk accepts it, with awk's precedence (low to
 * high): ?: || && in ~ relational concatenation additive multiplicative unary ^ ++/-- $.
 * Errors are worded as mawk words them: "syntax error at or near }", "missing ) near ...".
 */

const ARITY: Readonly<Record<BuiltinName, readonly [number, number]>> = {
  length: [0, 1], substr: [2, 3], index: [2, 2], split: [2, 3], sub: [2, 3], gsub: [2, 3], match: [2, 2], sprintf: [1, 255],
  sin: [1, 1], cos: [1, 1], atan2: [2, 2], exp: [1, 1], log: [1, 1], int: [1, 1], sqrt: [1, 1], rand: [0, 0], srand: [0, 1],
  tolower: [1, 1], toupper: [1, 1], system: [1, 1], close: [1, 1], fflush: [0, 1], systime: [0, 0], mktime: [1, 1], strftime: [0, 3],
};

const ASSIGN_OPS: ReadonlySet<string> = new Set(["=", "+=", "-=", "*=", "/=", "%=", "^="]);
const COMPARE_OPS: ReadonlySet<string> = new Set(["<", "<=", "==", "!=", ">", ">="]);

type Section = "begin" | "end" | "main" | "function";

interface GlobalInfo {
  readonly slot: number;
  use: "unknown" | "scalar" | "array";
}

export interface ParseOptions {
  /**
   * Busybox's dialect: `**` for `^`, and interval expressions `{m,n}` in regexes (its libc
   * regex has them; mawk 20200120 does not).
   */
  readonly busybox: boolean;
  /** Prefix for error messages when the program came from a -f file (mawk prints `file: line N:`). */
  readonly fileName?: string;
}

export function parse(source: string, options: ParseOptions): Program {
  return new Parser(tokenize(source, options.busybox), options).program();
}

class Parser {
  private pos = 0;
  private readonly globals = new Map<string, GlobalInfo>();
  private readonly globalNames: string[] = [];
  private readonly functions = new Map<string, FunctionDef>();
  private readonly calls: { name: string; line: number; args: number }[] = [];
  private locals: Map<string, number> | undefined;
  private section: Section = "main";
  private loops = 0;
  /** In print's argument list outside parentheses, `>` redirects rather than compares. */
  private inPrint = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly options: ParseOptions,
  ) {
    for (const name of SPECIAL_VARS) this.declare(name).use = name === "ENVIRON" || name === "ARGV" ? "array" : "scalar";
  }

  program(): Program {
    const begin: Stmt[][] = [];
    const end: Stmt[][] = [];
    const rules: Rule[] = [];
    this.skipTerminators();
    while (this.peek().type !== "eof") {
      const t = this.peek();
      if (this.isKeyword("BEGIN") || this.isKeyword("END")) {
        this.next();
        if (!this.is("{")) this.fail();
        this.section = t.text === "BEGIN" ? "begin" : "end";
        (t.text === "BEGIN" ? begin : end).push(this.block());
        this.section = "main";
      } else if (this.isKeyword("function")) {
        this.functionDef();
      } else if (this.is("{")) {
        rules.push({ patterns: [], action: this.block() });
      } else {
        const patterns = [this.expr()];
        if (this.is(",")) {
          this.next();
          this.skipNewlines();
          patterns.push(this.expr());
        }
        if (this.is("{")) rules.push({ patterns, action: this.block() });
        else {
          this.terminator();
          rules.push({ patterns, action: undefined });
        }
      }
      this.skipTerminators();
    }
    for (const call of this.calls) {
      const fn = this.functions.get(call.name);
      // mawk finds it out at the end of the program.
      if (fn === undefined) this.error(this.tokens[this.tokens.length - 1]!.line, `function ${call.name} never defined`);
      else if (call.args > fn.params.length) this.error(call.line, `too many arguments in call to ${call.name}`);
    }
    this.inferArrayParams();
    return { begin, rules, end, functions: this.functions, globals: this.globalNames };
  }

  // ---- tokens ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private is(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === "op" && t.text === op;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === "keyword" && t.text === word;
  }

  private expect(op: string): Token {
    if (!this.is(op)) this.fail();
    return this.next();
  }

  private skipNewlines(): void {
    while (this.peek().type === "newline") this.next();
  }

  private skipTerminators(): void {
    while (this.peek().type === "newline" || this.is(";")) this.next();
  }

  /** A simple statement ends at `;`, a newline, or before `}` or the end of the program. */
  private terminator(): void {
    const t = this.peek();
    if (t.type === "newline" || this.is(";")) this.next();
    else if (!(this.is("}") || t.type === "eof")) this.fail();
  }

  private error(line: number, message: string, busybox = "Unexpected token", more: readonly [number, string][] = []): never {
    const where = this.options.fileName === undefined ? "" : `${this.options.fileName}: `;
    throw new AwkSyntaxError(`${where}line ${line}: ${message}`, line, busybox, more.map(([l, m]) => `${where}line ${l}: ${m}`));
  }

  /** mawk's yyerror: a missing `)` or `}` when one is still open, else "syntax error at or near". */
  private fail(given: Token = this.peek()): never {
    let t = given;
    // A stray `}`: mawk says so, then finds the syntax error at what follows it.
    if (t.extra === true) {
      const next = this.tokens[this.tokens.indexOf(t) + 1] ?? t;
      this.error(t.line, "extra '}'", "Unexpected token", [[next.line, `syntax error at or near ${nearText(next)}`]]);
    }
    const near = nearText(t);
    const closing = t.type === "eof" || t.type === "newline" || (t.type === "op" && (t.text === ";" || t.text === "}"));
    if (t.parens > 0 && closing) this.error(t.line, `missing ) near ${near}`);
    if (t.braces > 0 && (t.type === "eof" || (t.type === "keyword" && (t.text === "BEGIN" || t.text === "END")))) this.error(t.line, `missing } near ${near}`);
    // mawk's parser recovers and reads on to the end, where a brace still open is one more error.
    const eof = this.tokens[this.tokens.length - 1]!;
    const more: [number, string][] = eof.braces > 0 ? [[eof.line, "missing } near end of file"]] : [];
    this.error(t.line, `syntax error at or near ${near}`, t.type === "eof" ? "Unexpected end of string" : "Unexpected token", more);
  }

  // ---- variables ----

  private declare(name: string): GlobalInfo {
    let g = this.globals.get(name);
    if (g === undefined) {
      g = { slot: this.globalNames.length, use: "unknown" };
      this.globals.set(name, g);
      this.globalNames.push(name);
    }
    return g;
  }

  private ref(name: string): VarRef {
    const local = this.locals?.get(name);
    if (local !== undefined) return { scope: "local", index: local, name };
    return { scope: "global", index: this.declare(name).slot, name };
  }

  /** mawk types globals while compiling: one used both ways is an error there. */
  private use(ref: VarRef, as: "scalar" | "array", line: number): void {
    if (ref.scope !== "global") return;
    const g = this.globals.get(ref.name)!;
    if (g.use !== "unknown" && g.use !== as) this.error(line, `illegal reference to ${g.use === "array" ? "array" : "variable"} ${ref.name}`);
    if (this.functions.has(ref.name)) this.error(line, `illegal reference to function ${ref.name}`);
    g.use = as;
  }

  // ---- program structure ----

  private functionDef(): void {
    this.next();
    const nameTok = this.next();
    if (nameTok.type !== "name" && nameTok.type !== "funcname") this.fail(nameTok);
    if (this.functions.has(nameTok.text)) this.error(nameTok.line, `function ${nameTok.text} redefined`);
    this.expect("(");
    const params: string[] = [];
    while (!this.is(")")) {
      const p = this.next();
      if (p.type !== "name") this.fail(p);
      params.push(p.text);
      if (this.is(",")) {
        this.next();
        this.skipNewlines();
      } else if (!this.is(")")) this.fail();
    }
    this.next();
    this.skipNewlines();
    const fn: FunctionDef = { name: nameTok.text, params, body: [], arrayParams: params.map(() => false) };
    this.functions.set(fn.name, fn);
    this.locals = new Map(params.map((p, i) => [p, i]));
    this.section = "function";
    fn.body = this.block();
    this.section = "main";
    this.locals = undefined;
  }

  private block(): Stmt[] {
    this.expect("{");
    const body: Stmt[] = [];
    for (;;) {
      this.skipTerminators();
      if (this.is("}")) break;
      if (this.peek().type === "eof") this.fail();
      body.push(this.statement());
    }
    this.next();
    return body;
  }

  private statement(): Stmt {
    const t = this.peek();
    if (this.is("{")) return { kind: "block", body: this.block() };
    if (this.is(";")) {
      this.next();
      return { kind: "block", body: [] };
    }
    if (t.type === "keyword") {
      switch (t.text) {
        case "if":
          return this.ifStatement();
        case "while": {
          this.next();
          this.expect("(");
          const test = this.expr();
          this.expect(")");
          return { kind: "while", test, body: this.loopBody() };
        }
        case "do": {
          this.next();
          this.skipNewlines();
          this.loops++;
          const body = this.statement();
          this.loops--;
          this.skipTerminators();
          if (!this.isKeyword("while")) this.fail();
          this.next();
          this.expect("(");
          const test = this.expr();
          this.expect(")");
          this.terminator();
          return { kind: "do", body, test };
        }
        case "for":
          return this.forStatement();
      }
    }
    const s = this.simpleStatement();
    this.terminator();
    return s;
  }

  private loopBody(): Stmt {
    this.skipNewlines();
    this.loops++;
    const body = this.statement();
    this.loops--;
    return body;
  }

  private ifStatement(): Stmt {
    this.next();
    this.expect("(");
    const test = this.expr();
    this.expect(")");
    this.skipNewlines();
    const then = this.statement();
    const save = this.pos;
    this.skipTerminators();
    if (this.isKeyword("else")) {
      this.next();
      this.skipNewlines();
      return { kind: "if", test, then, otherwise: this.statement() };
    }
    this.pos = save;
    return { kind: "if", test, then, otherwise: undefined };
  }

  private forStatement(): Stmt {
    this.next();
    this.expect("(");
    if (this.peek().type === "name" && this.isKeyword("in", 1) && this.peek(2).type === "name" && this.is(")", 3)) {
      const v = this.next();
      this.next();
      const arr = this.next();
      this.next();
      const variable = this.ref(v.text);
      this.use(variable, "scalar", v.line);
      const ref = this.ref(arr.text);
      this.use(ref, "array", arr.line);
      return { kind: "forin", variable, ref, body: this.loopBody() };
    }
    const init = this.is(";") ? undefined : this.simpleStatement();
    this.expect(";");
    this.skipNewlines();
    const test = this.is(";") ? undefined : this.expr();
    this.expect(";");
    this.skipNewlines();
    const update = this.is(")") ? undefined : this.simpleStatement();
    this.expect(")");
    return { kind: "for", init, test, update, body: this.loopBody() };
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    if (t.type === "keyword") {
      switch (t.text) {
        case "print":
        case "printf":
          return this.printStatement();
        case "next":
        case "nextfile":
          this.next();
          if (this.section !== "main") this.error(t.line, `improper use of ${t.text}`);
          return { kind: t.text };
        case "break":
        case "continue":
          this.next();
          if (this.loops === 0) this.error(t.line, `${t.text} statement outside of loop`);
          return { kind: t.text };
        case "exit":
          this.next();
          return { kind: "exit", status: this.atStatementEnd() ? undefined : this.expr() };
        case "return":
          this.next();
          if (this.section !== "function") this.error(t.line, "return outside function body");
          return { kind: "return", value: this.atStatementEnd() ? undefined : this.expr() };
        case "delete": {
          this.next();
          const name = this.next();
          if (name.type !== "name") this.fail(name);
          const ref = this.ref(name.text);
          this.use(ref, "array", name.line);
          if (!this.is("[")) return { kind: "delete", ref, subscripts: undefined };
          return { kind: "delete", ref, subscripts: this.subscripts() };
        }
      }
    }
    return { kind: "expr", expr: this.expr() };
  }

  private atStatementEnd(): boolean {
    const t = this.peek();
    return t.type === "newline" || t.type === "eof" || this.is(";") || this.is("}");
  }

  private atPrintEnd(): boolean {
    return this.atStatementEnd() || this.is(">") || this.is(">>") || this.is("|");
  }

  private printStatement(): Stmt {
    const kind = this.next().text as "print" | "printf";
    let args: Expr[] = [];
    if (this.is("(")) {
      // `print (a, b) > "f"` is a parenthesised list; `print (a)(b)` and `print (a) b` are not.
      const save = this.pos;
      this.next();
      const list = this.withoutPrint(() => this.exprList());
      if (this.is(")")) {
        this.next();
        if (this.atPrintEnd()) args = list;
      }
      if (args.length === 0) {
        this.pos = save;
        args = this.printArgs();
      }
    } else if (!this.atPrintEnd()) args = this.printArgs();
    if (kind === "printf" && args.length === 0) this.fail();
    let redirect: Redirect | undefined;
    if (this.is(">") || this.is(">>") || this.is("|")) {
      const mode = this.next().text as ">" | ">>" | "|";
      redirect = { mode, target: this.concatenation() };
    }
    return { kind, args, redirect };
  }

  private printArgs(): Expr[] {
    this.inPrint = true;
    try {
      return this.exprList();
    } finally {
      this.inPrint = false;
    }
  }

  private withoutPrint<T>(fn: () => T): T {
    const saved = this.inPrint;
    this.inPrint = false;
    try {
      return fn();
    } finally {
      this.inPrint = saved;
    }
  }

  private exprList(): Expr[] {
    const list = [this.expr()];
    while (this.is(",")) {
      this.next();
      this.skipNewlines();
      list.push(this.expr());
    }
    return list;
  }

  private subscripts(): Expr[] {
    this.expect("[");
    const list = this.withoutPrint(() => this.exprList());
    this.expect("]");
    return list;
  }

  // ---- expressions, lowest precedence first ----

  private expr(): Expr {
    const left = this.ternary();
    const t = this.peek();
    if (t.type === "op" && ASSIGN_OPS.has(t.text) && isLValue(left)) {
      this.next();
      return { kind: "assign", op: t.text as AssignOp, target: left, value: this.expr() };
    }
    return left;
  }

  private ternary(): Expr {
    const test = this.or();
    if (!this.is("?")) return test;
    this.next();
    const then = this.expr();
    this.expect(":");
    return { kind: "cond", test, then, otherwise: this.expr() };
  }

  private or(): Expr {
    let left = this.and();
    while (this.is("||")) {
      this.next();
      this.skipNewlines();
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.inExpr();
    while (this.is("&&")) {
      this.next();
      this.skipNewlines();
      left = { kind: "and", left, right: this.inExpr() };
    }
    return left;
  }

  private inExpr(): Expr {
    let left = this.matchExpr();
    while (this.isKeyword("in")) {
      this.next();
      left = { kind: "in", subscripts: [left], ref: this.arrayName() };
    }
    return left;
  }

  private arrayName(): VarRef {
    const t = this.next();
    if (t.type !== "name") this.fail(t);
    const ref = this.ref(t.text);
    this.use(ref, "array", t.line);
    return ref;
  }

  private matchExpr(): Expr {
    let left = this.relational();
    while (this.is("~") || this.is("!~")) {
      const negate = this.next().text === "!~";
      left = { kind: "match", negate, subject: left, regex: this.relational() };
    }
    return left;
  }

  private relational(): Expr {
    let left = this.pipeGetline(this.concatenation());
    for (;;) {
      const t = this.peek();
      if (t.type !== "op" || !COMPARE_OPS.has(t.text) || (t.text === ">" && this.inPrint)) return left;
      this.next();
      left = { kind: "compare", op: t.text as CompareOp, left, right: this.pipeGetline(this.concatenation()) };
    }
  }

  /** `cmd | getline [var]`: the command is everything down to concatenation. */
  private pipeGetline(left: Expr): Expr {
    let e = left;
    while (this.is("|") && this.isKeyword("getline", 1)) {
      this.next();
      this.next();
      e = { kind: "getline", from: "command", target: this.getlineTarget(), source: e };
    }
    return e;
  }

  private concatenation(): Expr {
    const first = this.additive();
    if (!this.startsOperand()) return first;
    const parts = [first];
    while (this.startsOperand()) parts.push(this.additive());
    return { kind: "concat", parts };
  }

  /** Whether the next token can begin a concatenated operand (not `+`/`-`: those are binary). */
  private startsOperand(): boolean {
    const t = this.peek();
    switch (t.type) {
      case "number":
      case "string":
      case "regex":
      case "name":
      case "funcname":
      case "builtin":
        return true;
      case "op":
        return t.text === "$" || t.text === "(" || t.text === "!" || t.text === "++" || t.text === "--";
      default:
        return false;
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.is("+") || this.is("-")) {
      const op = this.next().text as BinaryOp;
      left = { kind: "binary", op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.is("*") || this.is("/") || this.is("%")) {
      const op = this.next().text as BinaryOp;
      left = { kind: "binary", op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.is("!")) {
      this.next();
      return { kind: "not", operand: this.unary() };
    }
    if (this.is("-")) {
      this.next();
      return { kind: "neg", operand: this.unary() };
    }
    if (this.is("+")) {
      this.next();
      return { kind: "plus", operand: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (!this.is("^")) return base;
    this.next();
    return { kind: "binary", op: "^", left: base, right: this.powerOperand() };
  }

  /** The right side of `^`: signs allowed (`2^-1`), and `^` is right-associative. */
  private powerOperand(): Expr {
    if (this.is("-")) {
      this.next();
      return { kind: "neg", operand: this.powerOperand() };
    }
    if (this.is("+")) {
      this.next();
      return { kind: "plus", operand: this.powerOperand() };
    }
    if (this.is("!")) {
      this.next();
      return { kind: "not", operand: this.powerOperand() };
    }
    return this.power();
  }

  private postfix(): Expr {
    const e = this.primary();
    if (isLValue(e) && (this.is("++") || this.is("--"))) {
      const delta = this.next().text === "++" ? 1 : -1;
      return { kind: "incdec", delta, prefix: false, target: e };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case "number":
        this.next();
        return { kind: "num", value: t.value };
      case "string":
        this.next();
        return { kind: "str", value: t.text };
      case "regex":
        this.next();
        this.checkRegex(t);
        return { kind: "regex", source: t.text };
      case "name":
        return this.variable();
      case "funcname":
        return this.call();
      case "builtin":
        return this.builtin();
      case "keyword":
        if (t.text === "getline") {
          this.next();
          const target = this.getlineTarget();
          if (!this.is("<")) return { kind: "getline", from: "main", target, source: undefined };
          this.next();
          // The file is a primary: `getline < "a" "b"` reads "a".
          return { kind: "getline", from: "file", target, source: this.primary() };
        }
        return this.fail();
      case "op":
        break;
      default:
        return this.fail();
    }
    switch (t.text) {
      case "(": {
        this.next();
        const list = this.withoutPrint(() => this.exprList());
        this.expect(")");
        if (list.length === 1) return list[0]!;
        if (!this.isKeyword("in")) this.fail();
        this.next();
        return { kind: "in", subscripts: list, ref: this.arrayName() };
      }
      case "$":
        this.next();
        return { kind: "field", index: this.fieldOperand() };
      case "++":
      case "--": {
        this.next();
        const target = this.primary();
        if (!isLValue(target)) this.fail(t);
        return { kind: "incdec", delta: t.text === "++" ? 1 : -1, prefix: true, target };
      }
      default:
        return this.fail();
    }
  }

  /** `$` binds tighter than anything: `$i++` is `($i)++`, `$NF-1` is `($NF)-1`, `$++i` is `$(++i)`. */
  private fieldOperand(): Expr {
    if (this.is("-")) {
      this.next();
      return { kind: "neg", operand: this.fieldOperand() };
    }
    if (this.is("+")) {
      this.next();
      return { kind: "plus", operand: this.fieldOperand() };
    }
    return this.primary();
  }

  private getlineTarget(): LValue | undefined {
    return this.peek().type === "name" || this.is("$") ? (this.primary() as LValue) : undefined;
  }

  private variable(): Expr {
    const t = this.next();
    const ref = this.ref(t.text);
    if (this.is("[")) {
      this.use(ref, "array", t.line);
      return { kind: "index", ref, subscripts: this.subscripts() };
    }
    this.use(ref, "scalar", t.line);
    return { kind: "var", ref };
  }

  private call(): Expr {
    const t = this.next();
    this.expect("(");
    const args = this.is(")") ? [] : this.withoutPrint(() => this.callArgs());
    this.expect(")");
    this.calls.push({ name: t.text, line: t.line, args: args.length });
    return { kind: "call", name: t.text, args, line: t.line };
  }

  /** Arguments where a bare name is passed as is (scalar or array, as the callee uses it). */
  private callArgs(): Expr[] {
    const args: Expr[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === "name" && (this.is(",", 1) || this.is(")", 1))) {
        this.next();
        args.push({ kind: "var", ref: this.ref(t.text) });
      } else args.push(this.expr());
      if (!this.is(",")) return args;
      this.next();
      this.skipNewlines();
    }
  }

  private builtin(): Expr {
    const t = this.next();
    const name = t.text as BuiltinName;
    if (name === "length" && !this.is("(")) return { kind: "builtin", name, args: [] };
    this.expect("(");
    let args: Expr[];
    if (this.is(")")) args = [];
    else if (name === "split") args = this.withoutPrint(() => this.splitArgs());
    else if (name === "length") args = this.withoutPrint(() => this.callArgs());
    else args = this.withoutPrint(() => this.exprList());
    this.expect(")");
    const [min, max] = ARITY[name];
    if (args.length < min || args.length > max) this.error(t.line, `wrong number of arguments in call to ${name}`);
    if ((name === "sub" || name === "gsub") && args[2] !== undefined && !isLValue(args[2])) this.fail(this.peek(-1));
    return { kind: "builtin", name, args };
  }

  private splitArgs(): Expr[] {
    const source = this.expr();
    this.expect(",");
    this.skipNewlines();
    const ref = this.arrayName();
    if (!(this.is(",") || this.is(")"))) this.fail();
    const args: Expr[] = [source, { kind: "var", ref }];
    if (this.is(",")) {
      this.next();
      this.skipNewlines();
      args.push(this.expr());
    }
    return args;
  }

  private checkRegex(t: Token): void {
    try {
      translate(t.text, this.options.busybox);
    } catch (e) {
      if (!(e instanceof AwkRegexError)) throw e;
      this.error(t.line, `regular expression compile failed (${e.message})\n${t.text}`);
    }
  }

  // ---- array parameters ----

  /** Marks parameters used as arrays, following arrays passed on to other functions. */
  private inferArrayParams(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const fn of this.functions.values()) {
        const mark = (ref: VarRef) => {
          if (ref.scope === "local" && ref.index < fn.params.length && !fn.arrayParams[ref.index]) {
            fn.arrayParams[ref.index] = true;
            changed = true;
          }
        };
        walkStmts(fn.body, (e) => {
          if (e.kind === "index" || e.kind === "in") mark(e.ref);
          else if (e.kind === "builtin" && e.name === "split" && e.args[1]?.kind === "var") mark(e.args[1].ref);
          else if (e.kind === "call") {
            const callee = this.functions.get(e.name);
            e.args.forEach((a, i) => {
              if (a.kind === "var" && callee?.arrayParams[i] === true) mark(a.ref);
            });
          }
        }, (s) => {
          if (s.kind === "forin" || s.kind === "delete") mark(s.ref);
        });
      }
    }
  }
}

function isLValue(e: Expr): e is LValue {
  return e.kind === "var" || e.kind === "index" || e.kind === "field";
}

function walkStmts(stmts: readonly Stmt[], onExpr: (e: Expr) => void, onStmt: (s: Stmt) => void): void {
  const expr = (e: Expr | undefined): void => {
    if (e === undefined) return;
    onExpr(e);
    switch (e.kind) {
      case "index":
        e.subscripts.forEach(expr);
        break;
      case "field":
        expr(e.index);
        break;
      case "assign":
        expr(e.target);
        expr(e.value);
        break;
      case "incdec":
        expr(e.target);
        break;
      case "not":
      case "neg":
      case "plus":
        expr(e.operand);
        break;
      case "binary":
      case "compare":
      case "and":
      case "or":
        expr(e.left);
        expr(e.right);
        break;
      case "concat":
        e.parts.forEach(expr);
        break;
      case "match":
        expr(e.subject);
        expr(e.regex);
        break;
      case "cond":
        expr(e.test);
        expr(e.then);
        expr(e.otherwise);
        break;
      case "in":
        e.subscripts.forEach(expr);
        break;
      case "call":
      case "builtin":
        e.args.forEach(expr);
        break;
      case "getline":
        expr(e.target);
        expr(e.source);
        break;
    }
  };
  const stmt = (s: Stmt | undefined): void => {
    if (s === undefined) return;
    onStmt(s);
    switch (s.kind) {
      case "expr":
        expr(s.expr);
        break;
      case "print":
      case "printf":
        s.args.forEach(expr);
        expr(s.redirect?.target);
        break;
      case "if":
        expr(s.test);
        stmt(s.then);
        stmt(s.otherwise);
        break;
      case "while":
      case "do":
        expr(s.test);
        stmt(s.body);
        break;
      case "for":
        stmt(s.init);
        expr(s.test);
        stmt(s.update);
        stmt(s.body);
        break;
      case "forin":
        stmt(s.body);
        break;
      case "block":
        s.body.forEach(stmt);
        break;
      case "exit":
        expr(s.status);
        break;
      case "return":
        expr(s.value);
        break;
      case "delete":
        s.subscripts?.forEach(expr);
        break;
    }
  };
  stmts.forEach(stmt);
}

/** How mawk names the token an error is at. */
function nearText(t: Token): string {
  return t.type === "newline" ? "end of line" : t.type === "eof" ? "end of file" : t.type === "regex" ? `/${t.text}/` : t.text;
}
