/**
 * The part of Go's text/template that `kubectl -o go-template=` / `--template` users write:
 * `{{.a.b}}`, variables, `{{range $i, $c := .x}}`, `if`/`else if`/`else`/`with`, pipelines,
 * parenthesised calls, `{{-`/`-}}` trimming, comments, and the builtins `and or not len index
 * print printf println eq ne lt le gt ge` plus kubectl's `exists` and `base64decode`. Data is
 * JSON decoded the way kubectl decodes it for templates (apimachinery's json): a whole number
 * is an int64 and any other a float64, so `{{printf "%d" .spec.replicas}}` works and
 * `{{gt .spec.replicas 2.0}}` is a comparison of incompatible types; a missing key prints
 * `<no value>`.
 */
import { goFloat, goQuote, goSprint, type Json } from "./gofmt.js";

export class GoTemplateError extends Error {
  /** What the template had written before it failed; kubectl prints it. */
  partial = "";
}

/** A Go `int` (template integer literals and `len` results), as opposed to int64 data. */
class GoInt {
  constructor(readonly n: number) {}
}

/** A float64 constant written in the template (`2.0`), which data's whole numbers are not. */
class GoFloat {
  constructor(readonly n: number) {}
}

/** A number the template made rather than a JSON value of the data. */
const isBoxed = (v: unknown): v is GoInt | GoFloat => v instanceof GoInt || v instanceof GoFloat;

/** The numeric kind text/template compares by: ints (int, int64) with ints, floats with floats. */
function numberKind(v: Value): "int" | "float" | undefined {
  if (v instanceof GoInt) return "int";
  if (v instanceof GoFloat) return "float";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  return undefined;
}

/** An invalid reflect.Value: what a missing map key evaluates to. */
const MISSING = Symbol("no value");
type Value = Json | GoInt | GoFloat | typeof MISSING;

type Arg =
  | { readonly t: "field"; readonly chain: readonly string[]; readonly pos: number; readonly text: string }
  | { readonly t: "var"; readonly name: string; readonly chain: readonly string[]; readonly pos: number; readonly text: string }
  | { readonly t: "dot" }
  | { readonly t: "ident"; readonly name: string; readonly pos: number }
  | { readonly t: "literal"; readonly value: Value }
  | { readonly t: "pipe"; readonly pipe: Pipe; readonly chain: readonly string[]; readonly pos: number; readonly text: string };
interface Command {
  readonly args: readonly Arg[];
  /** CommandNode.String(): the operands as written, one space apart (errors in calls name it). */
  readonly text: string;
}
interface Pipe {
  readonly decl: readonly string[];
  readonly assign: boolean;
  readonly cmds: readonly Command[];
}
type Node =
  | { readonly t: "text"; readonly text: string }
  | { readonly t: "action"; readonly pipe: Pipe }
  | { readonly t: "if" | "with" | "range"; readonly pipe: Pipe; readonly list: Node[]; readonly elseList: Node[] }
  | { readonly t: "break" | "continue" };

export interface GoTemplate {
  readonly source: string;
  readonly nodes: readonly Node[];
}

const NAME = "output";
const FUNCS = new Set(["and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "exists", "base64decode"]);

// ---- lexing and parsing ---------------------------------------------------------------------

type Tok =
  | { readonly k: "text"; readonly v: string }
  | { readonly k: "open"; readonly pos: number }
  | { readonly k: "close" }
  | { readonly k: "field" | "var" | "ident" | "string" | "number" | "char" | "punct"; readonly v: string; readonly pos: number };

export function parseGoTemplate(source: string): GoTemplate {
  const toks = lex(source);
  const p = new TemplateParser(source, toks);
  return { source, nodes: p.parseList(new Set()) };
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (open < 0) {
      if (text) toks.push({ k: "text", v: text });
      break;
    }
    let j = open + 2;
    const trimLeft = src[j] === "-" && /[ \t\r\n]/.test(src[j + 1] ?? "");
    if (trimLeft) {
      text = text.replace(/[ \t\r\n]+$/, "");
      j += 1;
    }
    if (text) toks.push({ k: "text", v: text });
    const close = findClose(src, j);
    if (close < 0) throw parseError(src, open, "unclosed action");
    let end = close;
    const trimRight = src[close - 1] === "-" && /[ \t\r\n]/.test(src[close - 2] ?? "");
    if (trimRight) end = close - 1;
    const body = src.slice(j, end);
    i = close + 2;
    if (trimRight) {
      const m = /^[ \t\r\n]*/.exec(src.slice(i))!;
      i += m[0].length;
    }
    if (/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) continue;
    toks.push({ k: "open", pos: open });
    lexAction(src, body, j, toks);
    toks.push({ k: "close" });
  }
  return toks;
}

function findClose(src: string, from: number): number {
  let quote = "";
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === "\\" && quote !== "`") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "`" || c === "'") quote = c;
    else if (src.startsWith("}}", i)) return i;
  }
  return -1;
}

function lexAction(src: string, body: string, offset: number, toks: Tok[]): void {
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    const pos = offset + i;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^:=|^[|(),=]/.exec(body.slice(i)))) {
      toks.push({ k: "punct", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^"(\\.|[^"\\])*"|^`[^`]*`/.exec(body.slice(i)))) {
      toks.push({ k: "string", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^'(\\.|[^'\\])+'/.exec(body.slice(i)))) {
      toks.push({ k: "char", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^\$[\p{L}\p{Nd}_]*/u.exec(body.slice(i)))) {
      toks.push({ k: "var", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^\.[\p{L}\p{Nd}_]*/u.exec(body.slice(i))) && !/^\.\d/.test(body.slice(i))) {
      toks.push({ k: "field", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^[-+]?(0[xX][0-9a-fA-F_]+|\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)/.exec(body.slice(i)))) {
      toks.push({ k: "number", v: m[0], pos });
      i += m[0].length;
    } else if ((m = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(body.slice(i)))) {
      toks.push({ k: "ident", v: m[0], pos });
      i += m[0].length;
    } else {
      throw parseError(src, pos, `unexpected ${goQuote(c)} in command`);
    }
  }
}

function parseError(src: string, pos: number, msg: string): GoTemplateError {
  const line = 1 + (src.slice(0, pos).match(/\n/g)?.length ?? 0);
  return new GoTemplateError(`template: ${NAME}:${line}: ${msg}`);
}

class TemplateParser {
  private i = 0;
  private openPos = 0;

  constructor(
    private readonly src: string,
    private readonly toks: readonly Tok[],
  ) {}

  /** Parses nodes until one of `stops` (`end`, `else`) opens an action; leaves it unconsumed. */
  parseList(stops: ReadonlySet<string>): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      const tok = this.toks[this.i];
      if (!tok) {
        if (stops.size > 0) throw parseError(this.src, this.src.length, "unexpected EOF");
        return nodes;
      }
      if (tok.k === "text") {
        nodes.push({ t: "text", text: tok.v });
        this.i++;
        continue;
      }
      if (tok.k !== "open") throw parseError(this.src, 0, "unexpected token");
      const keyword = this.toks[this.i + 1];
      const word = keyword?.k === "ident" ? keyword.v : "";
      if (stops.has(word)) return nodes;
      if (word === "end" || word === "else") throw parseError(this.src, tok.pos, `unexpected {{${word}}}`);
      this.openPos = tok.pos;
      this.i++;
      if (word === "if" || word === "with" || word === "range") {
        this.i++;
        nodes.push(this.parseControl(word));
      } else if (word === "break" || word === "continue") {
        this.i++;
        this.expect("close");
        nodes.push({ t: word });
      } else {
        const pipe = this.parsePipe(true);
        this.expect("close");
        nodes.push({ t: "action", pipe });
      }
    }
  }

  private parseControl(word: "if" | "with" | "range"): Node {
    const pipe = this.parsePipe(true);
    this.expect("close");
    const list = this.parseList(new Set(["end", "else"]));
    let elseList: Node[] = [];
    this.i++; // open
    const kw = this.toks[this.i++] as { v: string };
    if (kw.v === "else") {
      const next = this.toks[this.i];
      if (next?.k === "ident" && (next.v === "if" || next.v === "with") && word !== "range") {
        // `{{else if ...}}` is an if nested in the else branch, sharing this `{{end}}`.
        this.i++;
        elseList = [this.parseControl(next.v as "if" | "with")];
        return { t: word, pipe, list, elseList };
      }
      this.expect("close");
      elseList = this.parseList(new Set(["end"]));
      this.i += 2; // open, end
    }
    this.expect("close");
    return { t: word, pipe, list, elseList };
  }

  private expect(k: "close"): void {
    const tok = this.toks[this.i];
    if (tok?.k !== k) throw parseError(this.src, this.openPos, `unexpected ${describeTok(tok)} in command`);
    this.i++;
  }

  private parsePipe(allowDecl: boolean): Pipe {
    const decl: string[] = [];
    let assign = false;
    if (allowDecl) {
      let j = this.i;
      const vars: string[] = [];
      while (this.toks[j]?.k === "var") {
        vars.push((this.toks[j] as { v: string }).v);
        const sep = this.toks[j + 1] as { k: string; v?: string } | undefined;
        if (sep?.k === "punct" && sep.v === ",") j += 2;
        else {
          j++;
          break;
        }
      }
      const op = this.toks[j] as { k: string; v?: string } | undefined;
      if (vars.length > 0 && op?.k === "punct" && (op.v === ":=" || op.v === "=")) {
        decl.push(...vars);
        assign = op.v === "=";
        this.i = j + 1;
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      const args: Arg[] = [];
      const texts: string[] = [];
      for (;;) {
        const tok = this.toks[this.i];
        if (!tok || tok.k === "close" || (tok.k === "punct" && (tok.v === "|" || tok.v === ")"))) break;
        args.push(this.parseOperand());
        texts.push(this.text((tok as { pos: number }).pos));
      }
      if (args.length === 0) throw parseError(this.src, this.openPos, "missing value for command");
      cmds.push({ args, text: texts.join(" ") });
      const tok = this.toks[this.i];
      if (tok?.k === "punct" && tok.v === "|") {
        this.i++;
        continue;
      }
      return { decl, assign, cmds };
    }
  }

  private parseOperand(): Arg {
    const tok = this.toks[this.i++]!;
    // An operand with a chain of fields after it takes the chain's position (its second token).
    const next = this.toks[this.i] as { pos?: number };
    if (tok.k === "field") {
      const rest = this.chain();
      const chain = [tok.v.slice(1), ...rest];
      const pos = rest.length > 0 ? next.pos! : tok.pos;
      if (tok.v === ".") return chain.length === 1 ? { t: "dot" } : { t: "field", chain: chain.slice(1), pos, text: this.text(tok.pos) };
      return { t: "field", chain, pos, text: this.text(tok.pos) };
    }
    if (tok.k === "var") {
      const chain = this.chain();
      return { t: "var", name: tok.v, chain, pos: chain.length > 0 ? next.pos! : tok.pos, text: this.text(tok.pos) };
    }
    if (tok.k === "string") return { t: "literal", value: unquoteGo(tok.v) };
    if (tok.k === "char") return { t: "literal", value: new GoInt(unquoteGo(`"${tok.v.slice(1, -1)}"`).codePointAt(0)!) };
    if (tok.k === "number") {
      const v = tok.v.replace(/_/g, "");
      const n = Number(v);
      return { t: "literal", value: /^[-+]?(0[xX][0-9a-fA-F]+|\d+)$/.test(v) ? new GoInt(n) : new GoFloat(n) };
    }
    if (tok.k === "ident") {
      if (tok.v === "true" || tok.v === "false") return { t: "literal", value: tok.v === "true" };
      if (tok.v === "nil") return { t: "literal", value: null };
      if (!FUNCS.has(tok.v)) throw parseError(this.src, tok.pos, `function ${goQuote(tok.v)} not defined`);
      return { t: "ident", name: tok.v, pos: tok.pos };
    }
    if (tok.k === "punct" && tok.v === "(") {
      const pipe = this.parsePipe(false);
      const close = this.toks[this.i++];
      if (close?.k !== "punct" || close.v !== ")") throw parseError(this.src, tok.pos, "unclosed left paren");
      const after = this.toks[this.i] as { pos?: number };
      const chain = this.chain();
      return { t: "pipe", pipe, chain, pos: chain.length > 0 ? after.pos! : tok.pos, text: this.text(tok.pos) };
    }
    throw parseError(this.src, this.openPos, `unexpected ${describeTok(tok)} in operand`);
  }

  /** Field names that follow an operand without a space (`.a.b`, `$x.a`, `(...).a`). */
  private chain(): string[] {
    const out: string[] = [];
    for (;;) {
      const tok = this.toks[this.i];
      const prev = this.toks[this.i - 1] as { pos?: number; v?: string };
      if (tok?.k !== "field" || tok.v === "." || prev.pos === undefined) return out;
      const prevEnd = prev.pos + (prev.v?.length ?? 1);
      if (tok.pos !== prevEnd) return out;
      out.push(tok.v.slice(1));
      this.i++;
    }
  }

  private text(from: number): string {
    const last = this.toks[this.i - 1] as { pos: number; v?: string };
    return this.src.slice(from, last.pos + (last.v?.length ?? 1));
  }
}

function describeTok(tok: Tok | undefined): string {
  if (!tok) return "EOF";
  if (tok.k === "close") return "<}}>";
  if (tok.k === "open") return "<{{>";
  return goQuote(tok.v);
}

function unquoteGo(lit: string): string {
  if (lit.startsWith("`")) return lit.slice(1, -1);
  return lit
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'" };
      if (e in simple) return simple[e]!;
      return String.fromCodePoint(parseInt(e.slice(1), 16));
    });
}

// ---- execution ------------------------------------------------------------------------------

class Stop {
  constructor(readonly kind: "break" | "continue") {}
}

/** Runs a parsed template over data decoded from JSON; throws GoTemplateError on failure. */
export function executeGoTemplate(tpl: GoTemplate, data: Json): string {
  return new Executor(tpl.source).run(tpl.nodes, data);
}

class Executor {
  private out = "";
  private readonly vars: [string, Value][] = [];

  constructor(private readonly src: string) {}

  run(nodes: readonly Node[], data: Json): string {
    this.vars.push(["$", data]);
    try {
      this.list(nodes, data);
    } catch (e) {
      if (e instanceof GoTemplateError) e.partial = this.out;
      throw e;
    }
    return this.out;
  }

  private list(nodes: readonly Node[], dot: Value): void {
    for (const node of nodes) this.node(node, dot);
  }

  private node(node: Node, dot: Value): void {
    switch (node.t) {
      case "text":
        this.out += node.text;
        return;
      case "action": {
        const v = this.pipe(node.pipe, dot);
        if (node.pipe.decl.length === 0) this.out += printValue(v);
        return;
      }
      case "break":
      case "continue":
        throw new Stop(node.t);
      case "if":
      case "with": {
        const mark = this.vars.length;
        const v = this.pipe(node.pipe, dot);
        if (truth(v)) this.list(node.list, node.t === "with" ? v : dot);
        else this.list(node.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case "range":
        return this.range(node, dot);
    }
  }

  private range(node: Extract<Node, { t: "if" | "with" | "range" }>, dot: Value): void {
    const mark = this.vars.length;
    const v = this.pipe({ ...node.pipe, decl: [] }, dot);
    let items: [Value, Value][] = [];
    if (Array.isArray(v)) items = v.map((x, i) => [new GoInt(i), x]);
    else if (v !== null && typeof v === "object" && !isBoxed(v)) {
      const obj = v as { readonly [k: string]: Json };
      items = Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]!]);
    } else if (v !== MISSING && v !== null) throw this.error(undefined, `range can't iterate over ${printValue(v)}`);
    if (items.length === 0) {
      this.list(node.elseList, dot);
      this.vars.length = mark;
      return;
    }
    const [first, second] = node.pipe.decl;
    for (const [key, elem] of items) {
      const inner = this.vars.length;
      if (second !== undefined) this.vars.push([first!, key], [second, elem]);
      else if (first !== undefined) this.vars.push([first, elem]);
      try {
        this.list(node.list, elem);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        if (e.kind === "break") break;
      } finally {
        this.vars.length = inner;
      }
    }
    this.vars.length = mark;
  }

  private pipe(pipe: Pipe, dot: Value): Value {
    let value: Value | undefined;
    for (const cmd of pipe.cmds) {
      value = this.command(cmd, dot, value);
      // An interface holding nil is "no value" once it is a pipeline's result.
      if (value === null) value = MISSING;
    }
    for (const name of pipe.decl) {
      if (pipe.assign) {
        const slot = [...this.vars].reverse().find(([n]) => n === name);
        if (!slot) throw this.error(undefined, `undefined variable: ${name}`);
        slot[1] = value!;
      } else this.vars.push([name, value!]);
    }
    return value!;
  }

  private command(cmd: Command, dot: Value, final: Value | undefined): Value {
    const [head, ...rest] = cmd.args;
    const extra = final === undefined ? 0 : 1;
    if (head!.t === "ident") {
      const args = rest.map((a) => () => this.arg(a, dot));
      if (final !== undefined) args.push(() => final);
      return this.call(head!.name, args, head!.pos, cmd.text);
    }
    if (rest.length + extra > 0 && head!.t !== "field" && head!.t !== "var" && head!.t !== "pipe") {
      throw this.error(undefined, `can't give argument to non-function ${printValue(this.arg(head!, dot))}`);
    }
    if (rest.length + extra > 0) {
      const last = (head as { chain: readonly string[] }).chain.at(-1);
      throw this.error(head as { pos: number; text: string }, `${last} is not a method but has arguments`);
    }
    return this.arg(head!, dot);
  }

  private arg(a: Arg, dot: Value): Value {
    switch (a.t) {
      case "dot":
        return dot;
      case "literal":
        return a.value;
      case "ident":
        return this.call(a.name, [], a.pos, a.name);
      case "field":
        return this.chainOf(dot, a.chain, a);
      case "var": {
        const slot = [...this.vars].reverse().find(([n]) => n === a.name);
        if (!slot) throw parseError(this.src, a.pos, `undefined variable "${a.name}"`);
        return this.chainOf(slot[1], a.chain, a);
      }
      case "pipe":
        return this.chainOf(this.pipe(a.pipe, dot), a.chain, a);
    }
  }

  private chainOf(receiver: Value, chain: readonly string[], at: { pos: number; text: string }): Value {
    let v = receiver;
    for (let i = 0; i < chain.length; i++) {
      const name = chain[i]!;
      if (v === MISSING) return MISSING;
      if (v === null) throw this.error(at, `nil pointer evaluating interface {}.${name}`);
      if (typeof v === "object" && !Array.isArray(v) && !isBoxed(v)) {
        const obj = v as { readonly [k: string]: Json };
        v = Object.hasOwn(obj, name) ? obj[name]! : MISSING;
      } else {
        // A value read out of a map has the map's element type, interface {}, whatever it holds.
        throw this.error(at, `can't evaluate field ${name} in type ${i > 0 ? "interface {}" : goType(v)}`);
      }
    }
    return v;
  }

  private call(name: string, args: (() => Value)[], pos: number, text: string): Value {
    const at = { pos, text };
    const all = () => args.map((a) => a());
    switch (name) {
      case "and": {
        let v: Value = true;
        for (const a of args) if (!truth((v = a()))) return v;
        return v;
      }
      case "or": {
        let v: Value = false;
        for (const a of args) if (truth((v = a()))) return v;
        return v;
      }
      case "not":
        return !truth(this.one(all(), at, name));
      case "len": {
        const v = this.one(all(), at, name);
        if (typeof v === "string") return new GoInt(new TextEncoder().encode(v).length);
        if (Array.isArray(v)) return new GoInt(v.length);
        if (v !== null && typeof v === "object" && !isBoxed(v)) return new GoInt(Object.keys(v).length);
        throw this.error(at, `error calling len: len of type ${goType(v)}`);
      }
      case "index":
      case "exists": {
        const [item, ...indices] = all();
        let v = item!;
        for (const idx of indices) {
          if (Array.isArray(v)) {
            const i = idx instanceof GoInt ? idx.n : typeof idx === "number" ? idx : NaN;
            if (!(i >= 0 && i < v.length)) {
              if (name === "exists") return false;
              throw this.error(at, `error calling index: index out of range: ${printValue(idx)}`);
            }
            v = v[i]!;
          } else if (v !== null && v !== MISSING && typeof v === "object" && !isBoxed(v)) {
            const obj = v as { readonly [k: string]: Json };
            if (typeof idx !== "string" || !Object.hasOwn(obj, idx)) {
              if (name === "exists") return false;
              v = MISSING;
            } else v = obj[idx]!;
          } else {
            if (name === "exists") return false;
            throw this.error(at, `error calling index: can't index item of type ${goType(v)}`);
          }
        }
        return name === "exists" ? true : v;
      }
      case "print":
        return goSprintArgs(all());
      case "println":
        return all().map(fmtValue).join(" ") + "\n";
      case "printf": {
        const [format, ...rest] = all();
        return goSprintf(typeof format === "string" ? format : printValue(format!), rest);
      }
      case "base64decode": {
        const v = this.one(all(), at, name);
        return Buffer.from(String(v), "base64").toString("utf8");
      }
      default:
        return this.compare(name, all(), at);
    }
  }

  private one(values: Value[], at: { pos: number; text: string }, name: string): Value {
    if (values.length !== 1) throw this.error(at, `wrong number of args for ${name}: want 1 got ${values.length}`);
    return values[0]!;
  }

  private compare(name: string, values: Value[], at: { pos: number; text: string }): boolean {
    const [a, ...bs] = values;
    if (bs.length === 0) throw this.error(at, `wrong number of args for ${name}: want at least 2 got ${values.length}`);
    const fail = (msg: string) => this.error(at, `error calling ${name}: ${msg}`);
    const kind = (v: Value) => numberKind(v) ?? (typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : "other");
    const raw = (v: Value) => (isBoxed(v) ? v.n : (v as number | string | boolean));
    if (name === "eq" || name === "ne") {
      const absent = (v: Value) => v === MISSING || v === null;
      const eq = bs.some((b) => {
        if (absent(a!) || absent(b)) return absent(a!) && absent(b);
        if (kind(a!) !== kind(b)) {
          if (kind(a!) === "other" || kind(b) === "other") throw fail("non-comparable types");
          throw fail("incompatible types for comparison");
        }
        return raw(a!) === raw(b);
      });
      return name === "eq" ? eq : !eq;
    }
    const b = bs[0]!;
    if (kind(a!) !== kind(b)) throw fail("incompatible types for comparison");
    if (kind(a!) === "bool" || kind(a!) === "other") throw fail("invalid type for comparison");
    const x = raw(a!);
    const y = raw(b);
    return name === "lt" ? x < y : name === "le" ? x <= y : name === "gt" ? x > y : x >= y;
  }

  private error(at: { pos: number; text: string } | undefined, msg: string): GoTemplateError {
    if (!at) return new GoTemplateError(`template: ${NAME}: ${msg}`);
    const before = this.src.slice(0, at.pos);
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = before.includes("\n") ? at.pos - before.lastIndexOf("\n") - 1 : at.pos;
    return new GoTemplateError(`template: ${NAME}:${line}:${col}: executing "${NAME}" at <${at.text}>: ${msg}`);
  }
}

function truth(v: Value): boolean {
  if (v === MISSING || v === null) return false;
  if (isBoxed(v)) return v.n !== 0;
  if (typeof v === "object") return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
  return typeof v === "string" ? v.length > 0 : typeof v === "number" ? v !== 0 : v;
}

function goType(v: Value): string {
  if (v instanceof GoInt) return "int";
  if (typeof v === "number" || v instanceof GoFloat) return numberKind(v) === "int" ? "int64" : "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** How an action prints its value (`<no value>` for a missing key). */
function printValue(v: Value): string {
  return v === MISSING ? "<no value>" : fmtValue(v);
}

function fmtValue(v: Value): string {
  if (v === MISSING) return "<invalid reflect.Value>";
  if (v instanceof GoInt) return String(v.n);
  if (v instanceof GoFloat) return goFloat(v.n);
  return goSprint(v);
}

/** `fmt.Sprint`: a space between operands when neither side is a string. */
function goSprintArgs(values: readonly Value[]): string {
  let out = "";
  values.forEach((v, i) => {
    if (i > 0 && typeof v !== "string" && typeof values[i - 1] !== "string") out += " ";
    out += fmtValue(v);
  });
  return out;
}

/** `fmt.Sprintf` for the verbs templates use: %s %v %d %T %q %f %t %x %%, with width/precision. */
function goSprintf(format: string, args: readonly Value[]): string {
  let n = 0;
  const out = format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === "%") return "%";
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const v = args[n++]!;
    let s: string;
    const isInt = numberKind(v) === "int";
    const num = isBoxed(v) ? v.n : v;
    switch (verb) {
      case "v":
      case "s":
        s = verb === "s" && typeof v !== "string" && (isBoxed(v) || v === null || typeof v !== "object") ? badVerb(verb, v) : fmtValue(v);
        if (prec !== undefined && typeof v === "string") s = [...s].slice(0, Number(prec)).join("");
        break;
      case "d":
        s = isInt ? String(num) : badVerb(verb, v);
        break;
      case "T":
        s = v === null || v === MISSING ? "<nil>" : goType(v);
        break;
      case "q":
        s = typeof v === "string" ? goQuote(v) : badVerb(verb, v);
        break;
      case "t":
        s = typeof v === "boolean" ? String(v) : badVerb(verb, v);
        break;
      case "f":
        s = typeof num === "number" && !isInt ? num.toFixed(prec !== undefined ? Number(prec) : 6) : badVerb(verb, v);
        break;
      case "x":
        s = isInt ? (num as number).toString(16) : typeof v === "string" ? Buffer.from(v).toString("hex") : badVerb(verb, v);
        break;
      default:
        s = badVerb(verb!, v);
    }
    if (width !== undefined && s.length < Number(width)) {
      s = flags.includes("-") ? s.padEnd(Number(width)) : s.padStart(Number(width), flags.includes("0") && !flags.includes("-") ? "0" : " ");
    }
    return s;
  });
  return n < args.length ? `${out}%!(EXTRA ${args.slice(n).map((v) => `${goType(v)}=${fmtValue(v)}`).join(", ")})` : out;
}

function badVerb(verb: string, v: Value): string {
  return `%!${verb}(${goType(v)}=${fmtValue(v)})`;
}

