import { isNativeFunction } from "./functions.js";
import { literalText, type Literal } from "./types.js";

/**
 * A parser for the CQL the tutorials and workloads use: keyspace and table DDL, USE, INSERT,
 * UPDATE, DELETE, SELECT (with WHERE on key columns, IN, LIMIT, count(*), writetime()),
 * TRUNCATE. Unquoted identifiers and keywords are case-insensitive; errors are SyntaxException
 * messages in the shape ANTLR gives Cassandra ("line 1:7 no viable alternative at input ...").
 */

export type Relation = { readonly column: string; readonly op: "=" | "<" | ">" | "<=" | ">=" | "IN"; readonly values: readonly Literal[] };

/** A restriction on the partition key's token: `token(k) > -100`. */
export type TokenRelation = { readonly columns: readonly string[]; readonly op: "=" | "<" | ">" | "<=" | ">="; readonly value: Literal };

/** A lightweight transaction's column condition (ColumnCondition): `v = 1`, `v != 1`, `v IN (1, 2)`. */
export type Condition = { readonly column: string; readonly op: "=" | "!=" | "<" | ">" | "<=" | ">=" | "IN"; readonly values: readonly Literal[] };

/** What UPDATE and DELETE can be conditioned on: IF EXISTS, or IF with column conditions. */
export type Conditions = { readonly kind: "exists" } | { readonly kind: "columns"; readonly conditions: readonly Condition[] };

/** What a SELECT asks for, each optionally `AS alias`. */
export type Selector = (
  | { readonly kind: "column"; readonly name: string }
  | { readonly kind: "writetime" | "ttl"; readonly column: string }
  | { readonly kind: "token"; readonly columns: readonly string[] }
  /** count(*) or count(1). */
  | { readonly kind: "count_rows" }
  | { readonly kind: "aggregate"; readonly fn: AggregateName; readonly column: string }
) & { readonly alias?: string };

export type AggregateName = "count" | "min" | "max" | "sum" | "avg";
const AGGREGATES = new Set<string>(["count", "min", "max", "sum", "avg"]);

export type OptionValue = Literal | { readonly kind: "map"; readonly entries: readonly (readonly [string, Literal])[] };

export type Statement =
  | {
      readonly kind: "create_keyspace";
      readonly name: string;
      readonly ifNotExists: boolean;
      readonly options: Readonly<Record<string, OptionValue>>;
    }
  | {
      readonly kind: "create_table";
      readonly keyspace: string | undefined;
      readonly name: string;
      readonly ifNotExists: boolean;
      readonly columns: readonly { readonly name: string; readonly type: string; readonly isStatic: boolean }[];
      readonly partitionKey: readonly string[];
      readonly clustering: readonly string[];
      readonly clusteringOrder: Readonly<Record<string, "asc" | "desc">>;
      readonly options: Readonly<Record<string, OptionValue>>;
    }
  | { readonly kind: "drop_keyspace"; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: "alter_keyspace"; readonly name: string; readonly options: Readonly<Record<string, OptionValue>> }
  | { readonly kind: "alter_table"; readonly keyspace: string | undefined; readonly name: string; readonly change: TableChange }
  | { readonly kind: "drop_table"; readonly keyspace: string | undefined; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: "use"; readonly keyspace: string }
  | {
      readonly kind: "insert";
      readonly keyspace: string | undefined;
      readonly table: string;
      readonly columns: readonly string[];
      readonly values: readonly Literal[];
      /** INSERT ... JSON: the values as one JSON object; `unset` (DEFAULT UNSET) leaves the columns it omits alone. */
      readonly json?: { readonly text: string; readonly unset: boolean };
      readonly timestamp: number | undefined;
      readonly ttl: number | undefined;
      readonly ifNotExists: boolean;
    }
  | {
      readonly kind: "update";
      readonly keyspace: string | undefined;
      readonly table: string;
      readonly timestamp: number | undefined;
      readonly ttl: number | undefined;
      readonly set: readonly Assignment[];
      readonly where: readonly Relation[];
      readonly ifCondition: Conditions | undefined;
    }
  | {
      readonly kind: "delete";
      readonly keyspace: string | undefined;
      readonly table: string;
      readonly columns: readonly string[];
      /** `DELETE m['k']`: single collection elements. */
      readonly elements: readonly { readonly column: string; readonly key: Literal }[];
      readonly timestamp: number | undefined;
      readonly where: readonly Relation[];
      readonly ifCondition: Conditions | undefined;
    }
  | {
      readonly kind: "select";
      readonly keyspace: string | undefined;
      readonly table: string;
      /** SELECT JSON: each row as one JSON object in a column named [json]. */
      readonly json: boolean;
      readonly distinct: boolean;
      readonly selectors: "*" | readonly Selector[];
      readonly where: readonly Relation[];
      /** `token(k, ...) op value` restrictions. */
      readonly tokens: readonly TokenRelation[];
      readonly groupBy: readonly string[];
      readonly orderBy: readonly { readonly column: string; readonly order: "asc" | "desc" }[];
      readonly perPartitionLimit: number | undefined;
      readonly limit: number | undefined;
      readonly allowFiltering: boolean;
    }
  | { readonly kind: "truncate"; readonly keyspace: string | undefined; readonly table: string }
  | {
      readonly kind: "batch";
      readonly type: BatchType;
      /** The batch's own USING TIMESTAMP and USING TTL (which validation refuses). */
      readonly timestamp: number | undefined;
      readonly ttl: number | undefined;
      readonly statements: readonly ModificationStatement[];
    };

/**
 * An UPDATE's SET: `c = v`, and for collections `c = c + v` (add, a list's append), `c = v + c`
 * (a list's prepend), `c = c - v` (remove) and `c[k] = v` (one element).
 */
export type Assignment = { readonly column: string; readonly value: Literal; readonly op?: "add" | "prepend" | "remove"; readonly key?: Literal };

/** What ALTER TABLE does (AlterTableStatement.Type). */
export type TableChange =
  | { readonly kind: "add"; readonly columns: readonly { readonly name: string; readonly type: string; readonly isStatic: boolean }[] }
  | { readonly kind: "drop"; readonly columns: readonly string[]; readonly timestamp: number | undefined }
  | { readonly kind: "alter_type"; readonly column: string; readonly type: string }
  | { readonly kind: "rename"; readonly renames: readonly (readonly [string, string])[] }
  | { readonly kind: "options"; readonly options: Readonly<Record<string, OptionValue>> };

/** What BEGIN [UNLOGGED | COUNTER] BATCH makes (BatchStatement.Type). */
export type BatchType = "LOGGED" | "UNLOGGED" | "COUNTER";

/** The statements a batch may hold (batchStatementObjective). */
export type ModificationStatement = Extract<Statement, { kind: "insert" | "update" | "delete" }>;

export class CqlSyntaxError extends Error {}

type Tok =
  | { readonly t: "word"; readonly v: string; readonly raw: string; readonly col: number }
  | { readonly t: "qident"; readonly v: string; readonly raw: string; readonly col: number }
  | { readonly t: "string"; readonly v: string; readonly raw: string; readonly col: number }
  | { readonly t: "int" | "float" | "uuid" | "hex"; readonly v: string; readonly raw: string; readonly col: number }
  | { readonly t: "punct"; readonly v: string; readonly raw: string; readonly col: number }
  | { readonly t: "eof"; readonly v: ""; readonly raw: "<EOF>"; readonly col: number };

// Sticky: each matches at lastIndex, so the lexer never copies the rest of the statement.
const UUID_AT = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const NUMBER_AT = /-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/y;
const HEX_AT = /0[xX][0-9a-fA-F]*/y;
const WORD_AT = /[A-Za-z_][A-Za-z0-9_]*/y;

function matchAt(re: RegExp, src: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(src)?.[0];
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && src[i + 1] === "-") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const uuid = matchAt(UUID_AT, src, i);
    if (uuid !== undefined) {
      out.push({ t: "uuid", v: uuid, raw: uuid, col: i });
      i += uuid.length;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let v = "";
      for (;;) {
        if (j >= src.length) throw new CqlSyntaxError(`line 1:${i} character '<EOF>' not supported here`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += src[j++];
      }
      out.push({ t: "string", v, raw: src.slice(i, j + 1), col: i });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      const j = src.indexOf('"', i + 1);
      if (j < 0) throw new CqlSyntaxError(`line 1:${i} character '<EOF>' not supported here`);
      out.push({ t: "qident", v: src.slice(i + 1, j), raw: src.slice(i, j + 1), col: i });
      i = j + 1;
      continue;
    }
    const hex = matchAt(HEX_AT, src, i);
    if (hex !== undefined) {
      out.push({ t: "hex", v: hex, raw: hex, col: i });
      i += hex.length;
      continue;
    }
    const num = matchAt(NUMBER_AT, src, i);
    if (num !== undefined && (c !== "-" || /[\d.]/.test(src[i + 1] ?? ""))) {
      const isFloat = /[.eE]/.test(num);
      out.push({ t: isFloat ? "float" : "int", v: num, raw: num, col: i });
      i += num.length;
      continue;
    }
    const word = matchAt(WORD_AT, src, i);
    if (word !== undefined) {
      out.push({ t: "word", v: word.toLowerCase(), raw: word, col: i });
      i += word.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "<=" || two === ">=" || two === "!=") {
      out.push({ t: "punct", v: two, raw: two, col: i });
      i += 2;
      continue;
    }
    if ("(),;=*.{}:<>[]?+-".includes(c)) {
      out.push({ t: "punct", v: c, raw: c, col: i });
      i++;
      continue;
    }
    throw new CqlSyntaxError(`line 1:${i} character '${c}' not supported here`);
  }
  out.push({ t: "eof", v: "", raw: "<EOF>", col: src.length });
  return out;
}

/** Cassandra 3.x reserved keywords: never identifiers unless double-quoted. */
const RESERVED = new Set(
  "add allow alter and apply asc authorize batch begin by columnfamily create delete desc describe drop entries execute from full grant if in index infinity insert into keyspace limit modify nan norecursive not null of on or order primary rename replace revoke schema select set table to token truncate unlogged update use using where with".split(" "),
);

/** ColumnIdentifier.maybeQuote: an identifier as CQL must spell it to mean exactly that name. */
export function maybeQuote(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly src: string,
  ) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }

  private next(): Tok {
    return this.toks[this.i++]!;
  }

  /** ANTLR's error, with the query snippet Cassandra's ErrorCollector adds: the bad token in brackets. */
  private fail(tok: Tok = this.peek()): never {
    const i = this.toks.indexOf(tok);
    const first = this.toks[Math.max(0, i - 10)]!;
    const last = this.toks[Math.min(this.toks.length - 2, i + 2)]!;
    const before = this.src.slice(first.col, tok.col);
    const after = tok.t === "eof" || last.col <= tok.col ? "" : this.src.slice(tok.col + tok.raw.length, last.col + last.raw.length);
    const more = i + 2 < this.toks.length - 2 ? "..." : "";
    throw new CqlSyntaxError(`line 1:${tok.col} no viable alternative at input '${tok.raw}' (${i > 10 ? "..." : ""}${before}[${tok.raw}]${after}${more})`);
  }

  private mismatch(expected: string): never {
    const tok = this.peek();
    throw new CqlSyntaxError(`line 1:${tok.col} mismatched input '${tok.raw}' expecting ${expected}`);
  }

  private isWord(w: string): boolean {
    const t = this.peek();
    return t.t === "word" && t.v === w;
  }

  private accept(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(w: string): void {
    if (!this.accept(w)) this.mismatch(`K_${w.toUpperCase()}`);
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.t === "punct" && t.v === p) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.mismatch(`'${p}'`);
  }

  private ident(): string {
    const t = this.next();
    if (t.t === "word" && !RESERVED.has(t.v)) return t.v;
    if (t.t === "qident") return t.v;
    this.i--;
    return this.fail();
  }

  private qualifiedName(): { keyspace: string | undefined; name: string } {
    const first = this.ident();
    if (this.acceptPunct(".")) return { keyspace: first, name: this.ident() };
    return { keyspace: undefined, name: first };
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.t) {
      case "string":
        return { kind: "string", text: t.v };
      case "int":
        return { kind: "integer", text: t.v };
      case "float":
        return { kind: "float", text: t.v };
      case "uuid":
        return { kind: "uuid", text: t.v };
      case "hex":
        return { kind: "hex", text: t.v };
      case "punct":
        if (t.v === "[" || t.v === "{") return this.collectionLiteral(t.v);
        break;
      case "word":
        if (isNativeFunction(t.v) && this.peek().t === "punct" && this.peek().v === "(") {
          this.i++;
          const args: Literal[] = [];
          if (!this.acceptPunct(")")) {
            do args.push(this.literal());
            while (this.acceptPunct(","));
            this.expectPunct(")");
          }
          return { kind: "call", name: t.v, args };
        }
        if (t.v === "true" || t.v === "false") return { kind: "boolean", value: t.v === "true" };
        if (t.v === "null") return { kind: "null" };
        if (t.v === "nan" || t.v === "infinity") return { kind: "float", text: t.v === "nan" ? "NaN" : "Infinity" };
        break;
      default:
        break;
    }
    this.i--;
    return this.fail();
  }

  /** A column type as written: `int`, `set<text>`, `map<text, int>`, `frozen<list<int>>`. */
  private typeText(): string {
    const t = this.next();
    if (t.t !== "word") {
      this.i--;
      return this.fail();
    }
    if (!this.acceptPunct("<")) return t.v;
    const args = [this.typeText()];
    while (this.acceptPunct(",")) args.push(this.typeText());
    this.expectPunct(">");
    return `${t.v}<${args.join(", ")}>`;
  }

  /** One SET assignment of an UPDATE. */
  private assignment(): Assignment {
    const column = this.ident();
    let key: Literal | undefined;
    if (this.acceptPunct("[")) {
      key = this.literal();
      this.expectPunct("]");
    }
    // `c += v` and `c -= v` (3.10's shorthands).
    if (key === undefined && this.peek().t === "punct" && (this.peek().v === "+" || this.peek().v === "-") && this.toks[this.i + 1]?.v === "=") {
      const op = this.peek().v === "+" ? "add" : "remove";
      this.i += 2;
      return { column, value: this.literal(), op };
    }
    this.expectPunct("=");
    if (key !== undefined) return { column, key, value: this.literal() };
    const t = this.peek();
    const next = this.toks[this.i + 1];
    if ((t.t === "word" || t.t === "qident") && t.v === column && next?.t === "punct" && (next.v === "+" || next.v === "-")) {
      this.i += 2;
      return { column, value: this.literal(), op: next.v === "+" ? "add" : "remove" };
    }
    // `c = c -1`: the lexer reads `-1` as one integer, so the grammar sees an addition of it.
    if ((t.t === "word" || t.t === "qident") && t.v === column && next?.t === "int" && next.v.startsWith("-")) {
      this.i += 1;
      return { column, value: this.literal(), op: "add" };
    }
    const value = this.literal();
    if (this.acceptPunct("+")) {
      if (this.ident() !== column) this.fail(this.toks[this.i - 1]);
      return { column, value, op: "prepend" };
    }
    return { column, value };
  }

  /** `[a, b]`, `{a, b}`, `{k: v, ...}` or `{}`, after its opening bracket. */
  private collectionLiteral(open: "[" | "{"): Literal {
    const close = open === "[" ? "]" : "}";
    const items: Literal[] = [];
    const values: Literal[] = [];
    let map = false;
    if (!this.acceptPunct(close)) {
      do {
        items.push(this.literal());
        // The first element says whether braces hold a map (k: v) or a set.
        if (open === "{" && (map || (items.length === 1 && this.peek().v === ":"))) {
          map = true;
          this.expectPunct(":");
          values.push(this.literal());
        }
      } while (this.acceptPunct(","));
      this.expectPunct(close);
    }
    return { kind: "collection", brackets: open === "[" ? "list" : map ? "map" : items.length === 0 ? "empty" : "set", items, values };
  }

  private optionValue(): OptionValue {
    if (this.acceptPunct("{")) {
      const entries: [string, Literal][] = [];
      if (!this.acceptPunct("}")) {
        do {
          const k = this.literal();
          this.expectPunct(":");
          const v = this.literal();
          entries.push([k.kind === "string" ? k.text : literalText(k), v]);
        } while (this.acceptPunct(","));
        this.expectPunct("}");
      }
      return { kind: "map", entries };
    }
    const t = this.peek();
    if (t.t === "word" && t.v !== "true" && t.v !== "false" && t.v !== "null") {
      this.i++;
      return { kind: "string", text: t.v };
    }
    return this.literal();
  }

  private options(): Record<string, OptionValue> {
    const out: Record<string, OptionValue> = {};
    do {
      const name = this.ident();
      this.expectPunct("=");
      out[name] = this.optionValue();
    } while (this.accept("and"));
    return out;
  }

  /** usingClause: `USING TIMESTAMP n [AND TTL n]` in either order; DELETE takes only TIMESTAMP. */
  private using(ttlAllowed = true): { timestamp: number | undefined; ttl: number | undefined } {
    const out: { timestamp: number | undefined; ttl: number | undefined } = { timestamp: undefined, ttl: undefined };
    if (!this.accept("using")) return out;
    do {
      const isTimestamp = this.accept("timestamp");
      if (!isTimestamp) {
        if (!ttlAllowed) this.mismatch("K_TIMESTAMP");
        this.expect("ttl");
      }
      const t = this.next();
      if (t.t !== "int") {
        this.i--;
        this.fail();
      }
      if (isTimestamp) out.timestamp = Number(t.v);
      else out.ttl = Number(t.v);
    } while (ttlAllowed && this.accept("and"));
    return out;
  }

  private where(): Relation[] {
    const out: Relation[] = [];
    do out.push(this.relation<Relation["op"]>(["=", "<", ">", "<=", ">="]));
    while (this.accept("and"));
    return out;
  }

  /** `column op term`, with one of `ops`, or `column IN (terms)`. */
  private relation<Op extends string>(ops: readonly string[]): { column: string; op: Op | "IN"; values: Literal[] } {
    const column = this.ident();
    if (this.accept("in")) {
      this.expectPunct("(");
      const values: Literal[] = [];
      if (!this.acceptPunct(")")) {
        do values.push(this.literal());
        while (this.acceptPunct(","));
        this.expectPunct(")");
      }
      return { column, op: "IN", values };
    }
    const t = this.next();
    if (t.t !== "punct" || !ops.includes(t.v)) {
      this.i--;
      this.fail();
    }
    return { column, op: t.v as Op, values: [this.literal()] };
  }

  statement(): Statement {
    const t = this.peek();
    if (t.t !== "word") return this.fail();
    this.i++;
    let s: Statement;
    switch (t.v) {
      case "create":
        s = this.create();
        break;
      case "drop":
        s = this.drop();
        break;
      case "alter":
        s = this.alter();
        break;
      case "use":
        s = { kind: "use", keyspace: this.ident() };
        break;
      case "insert":
        s = this.insert();
        break;
      case "update":
        s = this.update();
        break;
      case "delete":
        s = this.delete();
        break;
      case "select":
        s = this.select();
        break;
      case "begin":
        s = this.batch();
        break;
      case "truncate": {
        this.accept("table");
        const q = this.qualifiedName();
        s = { kind: "truncate", keyspace: q.keyspace, table: q.name };
        break;
      }
      default:
        this.i--;
        return this.fail();
    }
    this.acceptPunct(";");
    if (this.peek().t !== "eof") this.fail();
    return s;
  }

  /**
   * batchStatement: `BEGIN [UNLOGGED | COUNTER] BATCH [USING ...] (statement [;])* APPLY BATCH`;
   * empty is allowed, and only INSERT, UPDATE and DELETE may be inside.
   */
  private batch(): Statement {
    const type: BatchType = this.accept("unlogged") ? "UNLOGGED" : this.accept("counter") ? "COUNTER" : "LOGGED";
    this.expect("batch");
    const { timestamp, ttl } = this.using();
    const statements: ModificationStatement[] = [];
    while (!this.isWord("apply")) {
      const t = this.next();
      if (t.t === "word" && t.v === "insert") statements.push(this.insert());
      else if (t.t === "word" && t.v === "update") statements.push(this.update());
      else if (t.t === "word" && t.v === "delete") statements.push(this.delete());
      else {
        this.i--;
        this.mismatch("K_APPLY");
      }
      this.acceptPunct(";");
    }
    this.expect("apply");
    this.expect("batch");
    return { kind: "batch", type, timestamp, ttl, statements };
  }

  private create(): Statement {
    if (this.accept("keyspace") || this.accept("schema")) {
      const ifNotExists = this.ifNotExists();
      const name = this.ident();
      this.expect("with");
      return { kind: "create_keyspace", name, ifNotExists, options: this.options() };
    }
    if (this.accept("table") || this.accept("columnfamily")) {
      const ifNotExists = this.ifNotExists();
      const q = this.qualifiedName();
      this.expectPunct("(");
      const columns: { name: string; type: string; isStatic: boolean }[] = [];
      let partitionKey: string[] = [];
      let clustering: string[] = [];
      do {
        if (this.accept("primary")) {
          this.expect("key");
          this.expectPunct("(");
          if (this.acceptPunct("(")) {
            do partitionKey.push(this.ident());
            while (this.acceptPunct(","));
            this.expectPunct(")");
          } else {
            partitionKey = [this.ident()];
          }
          while (this.acceptPunct(",")) clustering.push(this.ident());
          this.expectPunct(")");
          continue;
        }
        const name = this.ident();
        const type = this.typeText();
        columns.push({ name, type, isStatic: this.accept("static") });
        if (this.accept("primary")) {
          this.expect("key");
          partitionKey = [name];
          clustering = [];
        }
      } while (this.acceptPunct(","));
      this.expectPunct(")");
      const clusteringOrder: Record<string, "asc" | "desc"> = {};
      const options: Record<string, OptionValue> = {};
      if (this.accept("with")) {
        do {
          if (this.accept("clustering")) {
            this.expect("order");
            this.expect("by");
            this.expectPunct("(");
            do {
              const c = this.ident();
              if (this.accept("desc")) clusteringOrder[c] = "desc";
              else {
                this.accept("asc");
                clusteringOrder[c] = "asc";
              }
            } while (this.acceptPunct(","));
            this.expectPunct(")");
            continue;
          }
          if (this.accept("compact")) {
            this.expect("storage");
            continue;
          }
          const name = this.ident();
          this.expectPunct("=");
          options[name] = this.optionValue();
        } while (this.accept("and"));
      }
      return { kind: "create_table", keyspace: q.keyspace, name: q.name, ifNotExists, columns, partitionKey, clustering, clusteringOrder, options };
    }
    return this.fail();
  }

  private ifNotExists(): boolean {
    if (!this.accept("if")) return false;
    this.expect("not");
    this.expect("exists");
    return true;
  }

  private ifExists(): boolean {
    if (!this.accept("if")) return false;
    this.expect("exists");
    return true;
  }

  private drop(): Statement {
    if (this.accept("keyspace") || this.accept("schema")) {
      const ifExists = this.ifExists();
      return { kind: "drop_keyspace", name: this.ident(), ifExists };
    }
    if (this.accept("table") || this.accept("columnfamily")) {
      const ifExists = this.ifExists();
      const q = this.qualifiedName();
      return { kind: "drop_table", keyspace: q.keyspace, name: q.name, ifExists };
    }
    return this.fail();
  }

  private alter(): Statement {
    if (this.accept("keyspace") || this.accept("schema")) {
      const name = this.ident();
      this.expect("with");
      return { kind: "alter_keyspace", name, options: this.options() };
    }
    if (!this.accept("table") && !this.accept("columnfamily")) return this.fail();
    const q = this.qualifiedName();
    const alter = (change: TableChange): Statement => ({ kind: "alter_table", keyspace: q.keyspace, name: q.name, change });
    // ADD and DROP take one column or a parenthesised list of them.
    const list = <T>(one: () => T): T[] => {
      if (!this.acceptPunct("(")) return [one()];
      const out: T[] = [];
      do out.push(one());
      while (this.acceptPunct(","));
      this.expectPunct(")");
      return out;
    };
    if (this.accept("add")) return alter({ kind: "add", columns: list(() => ({ name: this.ident(), type: this.typeText(), isStatic: this.accept("static") })) });
    if (this.accept("drop")) {
      const columns = list(() => this.ident());
      return alter({ kind: "drop", columns, timestamp: this.using(false).timestamp });
    }
    if (this.accept("alter")) {
      const column = this.ident();
      this.expect("type");
      return alter({ kind: "alter_type", column, type: this.typeText() });
    }
    if (this.accept("rename")) {
      const renames: [string, string][] = [];
      do {
        const from = this.ident();
        this.expect("to");
        renames.push([from, this.ident()]);
      } while (this.accept("and"));
      return alter({ kind: "rename", renames });
    }
    this.expect("with");
    return alter({ kind: "options", options: this.options() });
  }

  private insert(): ModificationStatement {
    this.expect("into");
    const q = this.qualifiedName();
    if (this.accept("json")) {
      const t = this.next();
      if (t.t !== "string") {
        this.i--;
        this.fail();
      }
      let unset = false;
      if (this.accept("default")) {
        if (this.accept("unset")) unset = true;
        else this.expect("null");
      }
      const ifNotExists = this.accept("if") && (this.expect("not"), this.expect("exists"), true);
      const { timestamp, ttl } = this.using();
      return { kind: "insert", keyspace: q.keyspace, table: q.name, columns: [], values: [], json: { text: t.v, unset }, timestamp, ttl, ifNotExists };
    }
    this.expectPunct("(");
    const columns: string[] = [];
    do columns.push(this.ident());
    while (this.acceptPunct(","));
    this.expectPunct(")");
    this.expect("values");
    this.expectPunct("(");
    const values: Literal[] = [];
    do values.push(this.literal());
    while (this.acceptPunct(","));
    this.expectPunct(")");
    let ifNotExists = false;
    if (this.accept("if")) {
      this.expect("not");
      this.expect("exists");
      ifNotExists = true;
    }
    const { timestamp, ttl } = this.using();
    return { kind: "insert", keyspace: q.keyspace, table: q.name, columns, values, timestamp, ttl, ifNotExists };
  }

  private update(): ModificationStatement {
    const q = this.qualifiedName();
    const { timestamp, ttl } = this.using();
    this.expect("set");
    const set: Assignment[] = [];
    do set.push(this.assignment());
    while (this.acceptPunct(","));
    this.expect("where");
    const where = this.where();
    return { kind: "update", keyspace: q.keyspace, table: q.name, timestamp, ttl, set, where, ifCondition: this.ifCondition() };
  }

  private delete(): ModificationStatement {
    const columns: string[] = [];
    const elements: { column: string; key: Literal }[] = [];
    if (!this.isWord("from")) {
      do {
        const column = this.ident();
        if (this.acceptPunct("[")) {
          elements.push({ column, key: this.literal() });
          this.expectPunct("]");
        } else columns.push(column);
      } while (this.acceptPunct(","));
    }
    this.expect("from");
    const q = this.qualifiedName();
    const { timestamp } = this.using(false);
    this.expect("where");
    const where = this.where();
    return { kind: "delete", keyspace: q.keyspace, table: q.name, columns, elements, timestamp, where, ifCondition: this.ifCondition() };
  }

  /** `IF EXISTS` or `IF cond AND cond ...` after an UPDATE's or a DELETE's WHERE. */
  private ifCondition(): Conditions | undefined {
    if (!this.accept("if")) return undefined;
    if (this.accept("exists")) return { kind: "exists" };
    const conditions: Condition[] = [];
    do conditions.push(this.relation<Condition["op"]>(["=", "!=", "<", ">", "<=", ">="]));
    while (this.accept("and"));
    return { kind: "columns", conditions };
  }

  private select(): Statement {
    // JSON and DISTINCT are keywords only before what is selected (a column may be called either).
    const keyword = (w: string) => this.isWord(w) && this.toks[this.i + 1]?.v !== "," && this.toks[this.i + 1]?.v !== "from" && (this.i++, true);
    const json = keyword("json");
    const distinct = keyword("distinct");
    let selectors: "*" | Selector[];
    if (this.acceptPunct("*")) {
      selectors = "*";
    } else {
      const list: Selector[] = [];
      do {
        const sel = this.selector();
        list.push(this.accept("as") ? { ...sel, alias: this.ident() } : sel);
      } while (this.acceptPunct(","));
      selectors = list;
    }
    this.expect("from");
    const q = this.qualifiedName();
    const where: Relation[] = [];
    const tokens: TokenRelation[] = [];
    if (this.accept("where")) {
      do {
        if (this.isWord("token") && this.toks[this.i + 1]?.v === "(") {
          this.i += 2;
          const columns: string[] = [];
          do columns.push(this.ident());
          while (this.acceptPunct(","));
          this.expectPunct(")");
          const t = this.next();
          if (t.t !== "punct" || !["=", "<", ">", "<=", ">="].includes(t.v)) {
            this.i--;
            this.fail();
          }
          tokens.push({ columns, op: t.v as TokenRelation["op"], value: this.literal() });
        } else {
          where.push(this.relation<Relation["op"]>(["=", "<", ">", "<=", ">="]));
        }
      } while (this.accept("and"));
    }
    const groupBy: string[] = [];
    if (this.accept("group")) {
      this.expect("by");
      do groupBy.push(this.ident());
      while (this.acceptPunct(","));
    }
    const orderBy: { column: string; order: "asc" | "desc" }[] = [];
    if (this.accept("order")) {
      this.expect("by");
      do {
        const column = this.ident();
        orderBy.push({ column, order: this.accept("desc") ? "desc" : (this.accept("asc"), "asc") });
      } while (this.acceptPunct(","));
    }
    const count = (): number => {
      const t = this.next();
      if (t.t !== "int") {
        this.i--;
        this.fail();
      }
      return Number(t.v);
    };
    let perPartitionLimit: number | undefined;
    if (this.accept("per")) {
      this.expect("partition");
      this.expect("limit");
      perPartitionLimit = count();
    }
    const limit = this.accept("limit") ? count() : undefined;
    let allowFiltering = false;
    if (this.accept("allow")) {
      this.expect("filtering");
      allowFiltering = true;
    }
    return { kind: "select", keyspace: q.keyspace, table: q.name, json, distinct, selectors, where, tokens, groupBy, orderBy, perPartitionLimit, limit, allowFiltering };
  }

  /** unaliasedSelector: a column, writetime() or ttl() of one, token() of the partition key, count(*) or an aggregate. */
  private selector(): Selector {
    const fn = this.peek();
    if (fn.t !== "word" || this.toks[this.i + 1]?.v !== "(") return { kind: "column", name: this.ident() };
    this.i += 2;
    let sel: Selector;
    if (fn.v === "count" && (this.acceptPunct("*") || (this.peek().t === "int" && this.peek().v === "1" && (this.i++, true)))) {
      sel = { kind: "count_rows" };
    } else if (fn.v === "writetime" || fn.v === "ttl") {
      sel = { kind: fn.v, column: this.ident() };
    } else if (fn.v === "token") {
      const columns: string[] = [];
      do columns.push(this.ident());
      while (this.acceptPunct(","));
      sel = { kind: "token", columns };
    } else if (AGGREGATES.has(fn.v)) {
      sel = { kind: "aggregate", fn: fn.v as AggregateName, column: this.ident() };
    } else {
      this.i -= 2;
      return this.fail(fn);
    }
    this.expectPunct(")");
    return sel;
  }
}

export function parseStatement(src: string): Statement {
  return new Parser(lex(src), src).statement();
}

/** cqlsh's own commands, which a newline ends as well as a semicolon (commands_end_with_newline). */
const NEWLINE_COMMANDS = new Set(["help", "?", "consistency", "serial", "describe", "desc", "show", "source", "capture", "login", "debug", "tracing", "expand", "paging", "exit", "quit", "clear", "cls"]);

/**
 * cqlsh's cql_split_statements over what has been typed so far: the statements it holds, split
 * on semicolons outside quotes and comments (and, for cqlsh's own commands, on newlines), and
 * whether the last one is finished — cqlsh runs none of them until it is.
 */
export function splitStatements(input: string): { statements: string[]; complete: boolean } {
  const statements: string[] = [];
  let cur = "";
  // A batch is one statement: from a piece starting BEGIN until one ending APPLY BATCH, the
  // semicolons in between are kept in it.
  let inBatch = false;
  let pieceStart = 0;
  const end = () => {
    if (cur.trim() !== "") statements.push(cur.trim());
    cur = "";
    pieceStart = 0;
  };
  const endPiece = () => {
    const words = cur.slice(pieceStart).trim().split(/\s+/);
    if (words.length >= 2) {
      const applied = words[words.length - 2]!.toUpperCase() === "APPLY" && words[words.length - 1]!.toUpperCase() === "BATCH";
      if (applied) inBatch = false;
      else if (!inBatch && words[0]!.toUpperCase() === "BEGIN") inBatch = true;
    }
    if (!inBatch) return end();
    cur += ";";
    pieceStart = cur.length;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if ((c === "-" && input[i + 1] === "-") || (c === "/" && input[i + 1] === "/")) {
      while (i + 1 < input.length && input[i + 1] !== "\n") i++;
      continue;
    }
    if (c === "/" && input[i + 1] === "*") {
      const close = input.indexOf("*/", i + 2);
      i = close < 0 ? input.length : close + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const close = input.indexOf(c, i + 1);
      if (close < 0) return { statements, complete: false };
      cur += input.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === ";") endPiece();
    else if (c === "\n" && !inBatch && NEWLINE_COMMANDS.has(cur.trim().split(/\s+/)[0]!.toLowerCase())) end();
    else cur += c;
  }
  return { statements, complete: cur.trim() === "" && !inBatch };
}
