/**
 * client-go's jsonpath (k8s.io/client-go/util/jsonpath) as `kubectl -o jsonpath=` runs it:
 * `{.a.b}`, `[*]`, `[0]`, `[-1:]`, `[0,2]`, `['key']`, filters `[?(@.x=="y")]`, `..`,
 * `{range}`/`{end}`, quoted literals such as `{"\n"}`, and several results of one expression
 * joined by spaces. Error texts are client-go's.
 */
import { goFloat, goSprint, type Json } from "./gofmt.js";
import { goJson } from "../../api/gojson.js";
import { goJsonIndent } from "./json.js";

type Node =
  | { readonly t: "list"; readonly nodes: Node[] }
  | { readonly t: "text"; readonly text: string }
  | { readonly t: "field"; readonly name: string }
  | { readonly t: "array"; readonly params: Param[] }
  | { readonly t: "filter"; readonly left: ListNode; readonly right: ListNode; readonly op: string }
  | { readonly t: "int"; readonly value: number }
  | { readonly t: "float"; readonly value: number }
  | { readonly t: "bool"; readonly value: boolean }
  | { readonly t: "wildcard" }
  | { readonly t: "recursive" }
  | { readonly t: "union"; readonly nodes: ListNode[] }
  | { readonly t: "identifier"; readonly name: string };
type ListNode = Extract<Node, { t: "list" }>;

interface Param {
  value: number;
  known: boolean;
  derived: boolean;
}

/** A value in the evaluation: decoded JSON, or a literal of the template (ints stay ints). */
type Value = { readonly v: Json; readonly literal?: "int" | "float" };

export class JsonPathError extends Error {}

export function parseJsonPath(text: string): ListNode {
  return new Parser(text).parse();
}

/**
 * Runs a template over decoded JSON and returns the printed text. `allowMissingKeys` is
 * kubectl's `--allow-missing-template-keys` (default true); `outputJson` is
 * `-o jsonpath-as-json`, which prints each expression's results as an indented JSON array.
 * `floats`: the data's numbers are all float64, as for a typed object, which the printer
 * marshals and unmarshals with encoding/json (`1e+06`, and `==80` a comparison of an int with a
 * float); an unstructured object's whole numbers are int64.
 */
export function executeJsonPath(root: ListNode, data: Json, allowMissingKeys: boolean, outputJson = false, floats = false): string {
  const results = new Evaluator(allowMissingKeys, floats).run(root.nodes, { v: data });
  if (outputJson) return results.map((r) => `${goJsonIndent(r.map((x) => x.v))}\n`).join("");
  return results.map((r) => printResults(r, floats)).join("");
}

/** Every value a template finds, in order (what custom-columns prints, joined by commas). */
export function jsonPathValues(root: ListNode, data: Json): Json[] {
  return new Evaluator(true).run(root.nodes, { v: data }).flatMap((r) => r.map((x) => x.v));
}

function printResults(results: readonly Value[], floats: boolean): string {
  return results
    .map((value) => {
      const v = value.v;
      if (v !== null && typeof v === "object") return goJson(v);
      if (typeof v === "number") return kindOf(value, floats) === "float" ? goFloat(v) : String(v);
      return goSprint(v);
    })
    .join(" ");
}

class Evaluator {
  constructor(
    private readonly allowMissingKeys: boolean,
    private readonly floats = false,
  ) {}

  run(nodes: readonly Node[], data: Value): Value[][] {
    const out: Value[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (isKeyword(node, "end")) throw new JsonPathError("not in range, nothing to end");
      if (!isKeyword(node, "range")) {
        out.push(this.walk([data], node));
        continue;
      }
      const end = matchingEnd(nodes, i);
      const body = nodes.slice(i + 1, end);
      for (const item of this.walk([data], node)) out.push(...this.run(body, item));
      i = end;
    }
    return out;
  }

  private walk(input: Value[], node: Node): Value[] {
    switch (node.t) {
      case "list":
        return node.nodes.reduce((cur, n) => this.walk(cur, n), input);
      case "text":
        return [{ v: node.text }];
      case "int":
      case "float":
        return input.map(() => ({ v: node.value, literal: node.t }));
      case "bool":
        return input.map(() => ({ v: node.value }));
      case "identifier":
        if (node.name === "range") return input;
        throw new JsonPathError(`unrecognized identifier ${node.name}`);
      case "field":
        return this.field(input, node.name);
      case "array":
        return this.array(input, node.params);
      case "filter":
        return this.filter(input, node);
      case "wildcard":
        return input.flatMap(({ v }) => children(v));
      case "recursive":
        return input.flatMap(({ v }) => recursive(v));
      case "union":
        return node.nodes.flatMap((list) => this.walk(input, list));
    }
  }

  private field(input: Value[], name: string): Value[] {
    const results: Value[] = [];
    for (const { v } of input) {
      if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, name)) {
        results.push({ v: (v as { [k: string]: Json })[name]! });
      }
    }
    if (results.length === 0 && input.length > 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return results;
  }

  private array(input: Value[], template: readonly Param[]): Value[] {
    const result: Value[] = [];
    for (const { v } of input) {
      if (v === null) continue;
      if (!Array.isArray(v)) throw new JsonPathError(`${goTypeName(v)} is not array or slice`);
      const len = v.length;
      const params = template.map((p) => ({ ...p }));
      const [start, end, step] = params as [Param, Param, Param];
      if (!start.known) start.value = 0;
      if (start.value < 0) start.value += len;
      if (!end.known) end.value = len;
      if (end.value < 0 || (end.value === 0 && end.derived)) end.value += len;
      if (end.value === start.value) return result;
      if (start.value >= len || start.value < 0) {
        throw new JsonPathError(`array index out of bounds: index ${start.value}, length ${len}`);
      }
      if (end.value > len || end.value < 0) {
        throw new JsonPathError(`array index out of bounds: index ${end.value - 1}, length ${len}`);
      }
      if (start.value > end.value) {
        throw new JsonPathError(`starting index ${start.value} is greater than ending index ${end.value}`);
      }
      let by = 1;
      if (step.known) {
        if (step.value <= 0) throw new JsonPathError("step must be > 0");
        by = step.value;
      }
      for (let i = start.value; i < end.value; i += by) result.push({ v: v[i]! });
    }
    return result;
  }

  private filter(input: Value[], node: Extract<Node, { t: "filter" }>): Value[] {
    const results: Value[] = [];
    for (const { v } of input) {
      if (!Array.isArray(v)) throw new JsonPathError(`${goSprint(v)} is not array or slice and cannot be filtered`);
      for (const item of v) {
        const element: Value = { v: item };
        if (node.op === "exists") {
          if (this.walkQuiet([element], node.left).length > 0) results.push(element);
          continue;
        }
        const lefts = this.walk([element], node.left);
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathError("can only compare one element at a time");
        const rights = this.walk([element], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError("can only compare one element at a time");
        if (compare(lefts[0]!, rights[0]!, node.op, this.floats)) results.push(element);
      }
    }
    return results;
  }

  private walkQuiet(input: Value[], node: Node): Value[] {
    try {
      return this.walk(input, node);
    } catch {
      return [];
    }
  }
}

function isKeyword(node: Node, name: string): boolean {
  return node.t === "list" && node.nodes[0]?.t === "identifier" && node.nodes[0].name === name;
}

function matchingEnd(nodes: readonly Node[], rangeAt: number): number {
  let depth = 0;
  for (let i = rangeAt + 1; i < nodes.length; i++) {
    if (isKeyword(nodes[i]!, "range")) depth++;
    if (isKeyword(nodes[i]!, "end")) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return nodes.length;
}

function children(v: Json): Value[] {
  if (Array.isArray(v)) return v.map((x) => ({ v: x }));
  if (v !== null && typeof v === "object") return Object.keys(v).sort().map((k) => ({ v: (v as { [k: string]: Json })[k]! }));
  // Go indexes a string by byte, and a byte has no children.
  if (typeof v === "string") return [...new TextEncoder().encode(v)].map((b) => ({ v: b }));
  return [];
}

function recursive(v: Json): Value[] {
  const kids = children(v);
  if (kids.length === 0) return [];
  return [{ v }, ...kids.flatMap((k) => recursive(k.v))];
}

type Kind = "int" | "float" | "string" | "bool" | "other";

function kindOf({ v, literal }: Value, floats: boolean): Kind {
  if (literal) return literal;
  if (typeof v === "number") return floats || !Number.isInteger(v) ? "float" : "int";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return "other";
}

function compare(left: Value, right: Value, op: string, floats: boolean): boolean {
  const lk = kindOf(left, floats);
  const rk = kindOf(right, floats);
  if (lk === "other" || rk === "other") throw new JsonPathError("invalid type for comparison");
  if (lk !== rk) throw new JsonPathError("incompatible types for comparison");
  const a = left.v as number | string | boolean;
  const b = right.v as number | string | boolean;
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
  if (lk === "bool") throw new JsonPathError("invalid type for comparison");
  switch (op) {
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
  }
  throw new JsonPathError(`unrecognized filter operator ${op}`);
}

function goTypeName(v: Json): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return "map[string]interface {}";
}

const SLICE = /^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$/;
const DICT_KEY = /^'([^']*)'$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/;

class Parser {
  private readonly root: ListNode = { t: "list", nodes: [] };
  private pos = 0;
  private start = 0;

  constructor(private readonly input: string) {}

  parse(): ListNode {
    this.parseText();
    return this.root;
  }

  private consume(): string {
    const s = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return s;
  }

  private next(): string | undefined {
    if (this.pos >= this.input.length) return undefined;
    return this.input[this.pos++];
  }

  private parseText(): void {
    while (this.pos < this.input.length) {
      if (this.input.startsWith("{", this.pos)) {
        if (this.pos > this.start) this.root.nodes.push({ t: "text", text: this.consume() });
        this.pos++;
        this.consume();
        const action: ListNode = { t: "list", nodes: [] };
        this.root.nodes.push(action);
        this.parseAction(action);
        return;
      }
      this.pos++;
    }
    if (this.pos > this.start) this.root.nodes.push({ t: "text", text: this.consume() });
  }

  private parseAction(cur: ListNode): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith("}")) {
        this.pos++;
        this.consume();
        this.parseText();
        return;
      }
      if (rest.startsWith("[?(")) {
        this.parseFilter(cur);
        continue;
      }
      if (rest.startsWith("..")) {
        const last = cur.nodes[cur.nodes.length - 1];
        if (last?.t === "recursive") throw new JsonPathError("invalid multiple recursive descent");
        this.pos += 2;
        this.consume();
        cur.nodes.push({ t: "recursive" });
        if (isAlphaNumeric(this.input[this.pos])) this.parseField(cur);
        continue;
      }
      const r = this.next();
      if (r === undefined || r === "\r" || r === "\n") throw new JsonPathError("unclosed action");
      if (r === " " || r === "@" || r === "$") this.consume();
      else if (r === "[") this.parseArray(cur);
      else if (r === '"' || r === "'") this.parseQuote(cur, r);
      else if (r === ".") this.parseField(cur);
      else if (r === "+" || r === "-" || isDigit(r)) {
        this.pos--;
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.pos--;
        this.parseIdentifier(cur);
      } else {
        const cp = r.codePointAt(0)!;
        throw new JsonPathError(`unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${r}'`);
      }
    }
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.input[this.pos])) this.pos++;
    const value = this.consume();
    cur.nodes.push(value === "true" || value === "false" ? { t: "bool", value: value === "true" } : { t: "identifier", name: value });
  }

  private parseNumber(cur: ListNode): void {
    if (this.input[this.pos] === "+" || this.input[this.pos] === "-") this.pos++;
    while (this.input[this.pos] === "." || isDigit(this.input[this.pos])) this.pos++;
    const value = this.consume();
    if (/^[-+]?\d+$/.test(value)) cur.nodes.push({ t: "int", value: Number(value) });
    else if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ t: "float", value: Number(value) });
    else throw new JsonPathError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === "\n") throw new JsonPathError("unterminated array");
      if (r === "]") break;
    }
    let text = this.consume().slice(1, -1);
    if (text === "*") text = ":";
    const parts = text.split(",");
    if (parts.length > 1) {
      cur.nodes.push({ t: "union", nodes: parts.map((p) => parseSubAction(`[${p.trim()}]`)) });
      return;
    }
    const key = DICT_KEY.exec(text);
    if (key) {
      cur.nodes.push(...parseSubAction(`.${key[1]}`).nodes);
      return;
    }
    const m = SLICE.exec(text);
    if (!m) throw new JsonPathError(`invalid array index ${text}`);
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let raw = m[i + 1] ?? "";
      if (raw !== "") {
        if (i > 0) raw = raw.slice(1);
        if (i > 0 && raw === "") params.push({ value: 0, known: false, derived: false });
        else {
          if (!/^-?\d+$/.test(raw)) throw new JsonPathError(`array index ${raw} is not a number`);
          params.push({ value: Number(raw), known: true, derived: false });
        }
      } else if (i === 1) {
        params.push({ value: params[0]!.value + 1, known: true, derived: true });
      } else {
        params.push({ value: 0, known: false, derived: false });
      }
    }
    cur.nodes.push({ t: "array", params });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = "";
    for (;;) {
      const r = this.next();
      if (r === undefined || r === "\n") throw new JsonPathError("unterminated filter");
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== "\\" && r === pair) end = true;
      } else if (r === ")" && begin === end) break;
    }
    if (this.next() !== "]") throw new JsonPathError("unclosed array expect ]");
    const text = this.consume().slice(0, -2);
    const m = FILTER.exec(text);
    if (!m) cur.nodes.push({ t: "filter", left: parseSubAction(text), right: { t: "list", nodes: [] }, op: "exists" });
    else cur.nodes.push({ t: "filter", left: parseSubAction(m[1]!), right: parseSubAction(m[3]!), op: m[2]! });
  }

  private parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === "\n") throw new JsonPathError("unterminated quoted string");
      if (r === quote && this.input[this.pos - 2] !== "\\") break;
    }
    const value = this.consume();
    cur.nodes.push({ t: "text", text: unquote(value) });
  }

  private parseField(cur: ListNode): void {
    this.consume();
    for (;;) {
      const r = this.input[this.pos];
      if (r === "\\") this.pos += 2;
      else if (isTerminator(r)) break;
      else this.pos++;
    }
    const value = this.consume();
    cur.nodes.push(value === "*" ? { t: "wildcard" } : { t: "field", name: value.replace(/\\/g, "") });
  }
}

function parseSubAction(text: string): ListNode {
  const root = new Parser(`{${text}}`).parse();
  return root.nodes[0] as ListNode;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", "'": "'", '"': '"' };

/** client-go's `UnquoteExtend`: strconv.Unquote that also accepts single quotes. */
function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_match, esc: string) => {
    if (esc in ESCAPES) return ESCAPES[esc]!;
    if (/^[xuU]/.test(esc)) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/^[0-7]{3}$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
    throw new JsonPathError(`unquote string ${quoted} error invalid syntax`);
  });
}

function isTerminator(r: string | undefined): boolean {
  return r === undefined || " \t\r\n.,[]$@{}".includes(r);
}

function isDigit(r: string | undefined): boolean {
  return r !== undefined && /\p{Nd}/u.test(r);
}

function isAlphaNumeric(r: string | undefined): boolean {
  return r !== undefined && (r === "_" || /[\p{L}\p{Nd}]/u.test(r));
}
